"""Run the real ``terraform`` executable (``.venv/bin/terraform``) against the sandbox.

    tf = Terraform(workdir, sandbox)
    tf.write_config('resource "smuppy_scaling_profile" "api" { ... }')
    tf.apply()
    changes = tf.plan().changes

Terraform finds the provider through ``dev_overrides`` in a CLI config file written to
a private temp dir (``TF_CLI_CONFIG_FILE``), so no ``terraform init`` is needed. The
provider binary ``terraform-provider-smuppy`` is looked up in ``$SMUPPY_PROVIDER_DIR``,
by default ``<repo>/target/debug``. Every command runs as a subprocess with the sandbox's
credentials (no other AWS_* variable), ``TF_IN_AUTOMATION=1`` and ``CHECKPOINT_DISABLE=1``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from .sandbox import PROVIDER_ENDPOINT_ATTRS, REPO_ROOT, SANDBOX_REGION, Sandbox

PROVIDER_SOURCE = "smuppy/smuppy"
PROVIDER_ADDRESS = "registry.terraform.io/smuppy/smuppy"
PROVIDER_BINARY = "terraform-provider-smuppy"
DEFAULT_TIMEOUT = 600.0


class TerraformError(RuntimeError):
    """Terraform could not be run, or a command that had to succeed failed."""

    def __init__(self, message: str, result: "TfResult | None" = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class TfResult:
    args: tuple[str, ...]
    rc: int
    stdout: str
    stderr: str

    def __iter__(self) -> Iterator[Any]:  # rc, stdout, stderr = tf.run(...)
        return iter((self.rc, self.stdout, self.stderr))

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def check(self, *ok: int) -> "TfResult":
        allowed = ok or (0,)
        if self.rc not in allowed:
            raise TerraformError(
                f"terraform {' '.join(self.args)} exited {self.rc}\n"
                f"--- stdout:\n{self.stdout}\n--- stderr:\n{self.stderr}",
                self,
            )
        return self


@dataclass(frozen=True)
class PlanResult:
    result: TfResult
    changes: bool


def terraform_binary() -> Path:
    """``$SMUPPY_TERRAFORM`` or ``<repo>/.venv/bin/terraform`` (written by scripts/setup.sh)."""
    override = os.environ.get("SMUPPY_TERRAFORM")
    path = Path(override) if override else REPO_ROOT / ".venv" / "bin" / "terraform"
    if not path.is_file() or not os.access(path, os.X_OK):
        raise TerraformError(f"terraform executable not found at {path}; run scripts/setup.sh")
    return path


def provider_dir() -> Path:
    """``$SMUPPY_PROVIDER_DIR`` or ``<repo>/target/debug``."""
    override = os.environ.get("SMUPPY_PROVIDER_DIR")
    return Path(override).resolve() if override else REPO_ROOT / "target" / "debug"


def cli_config(provider_directory: Path) -> str:
    """A Terraform CLI config with a dev override for the smuppy provider."""
    # HCL string escaping for the path.
    escaped = str(provider_directory).replace("\\", "\\\\").replace('"', '\\"')
    return (
        "provider_installation {\n"
        "  dev_overrides {\n"
        f'    "{PROVIDER_ADDRESS}" = "{escaped}"\n'
        "  }\n"
        "  direct {}\n"
        "}\n"
    )


def hcl_string(value: str) -> str:
    """A quoted HCL string literal."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    out = out.replace("${", "$${").replace("%{", "%%{")
    return f'"{out}"'


def required_providers_block() -> str:
    return (
        "terraform {\n"
        "  required_providers {\n"
        "    smuppy = {\n"
        f'      source = "{PROVIDER_SOURCE}"\n'
        "    }\n"
        "  }\n"
        "}\n"
    )


def provider_block(endpoints: Mapping[str, str], region: str = SANDBOX_REGION, alias: str | None = None) -> str:
    """``provider "smuppy"`` with the sandbox's endpoints (provider attribute names as keys)."""
    width = max(len(k) for k in endpoints) if endpoints else 0
    lines = ['provider "smuppy" {']
    if alias:
        lines.append(f"  alias  = {hcl_string(alias)}")
    lines.append(f"  region = {hcl_string(region)}")
    if endpoints:  # none against a real account: the provider uses AWS's own
        lines.append("")
        lines.append("  endpoints {")
        for attr, url in endpoints.items():
            lines.append(f"    {attr.ljust(width)} = {hcl_string(url)}")
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


class Terraform:
    """The terraform CLI in one working directory, pointed at the sandbox."""

    def __init__(
        self,
        workdir: str | os.PathLike[str],
        sandbox: Sandbox | None = None,
        *,
        provider_directory: str | os.PathLike[str] | None = None,
        extra_env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        log_level: str | None = None,
        check_provider: bool = True,
    ) -> None:
        self.workdir = Path(workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.sandbox = sandbox
        self.provider_directory = (
            Path(provider_directory).resolve() if provider_directory else provider_dir()
        )
        self.timeout = timeout
        self.binary = terraform_binary()
        self._config_dir = Path(tempfile.mkdtemp(prefix="smuppy-tfcli-"))
        # Removed by cleanup(), or at the latest when the object goes away / at exit.
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self._config_dir), True)
        self.cli_config_file = self._config_dir / "terraform.rc"
        self.cli_config_file.write_text(cli_config(self.provider_directory))
        self.extra_env = dict(extra_env or {})
        self.log_level = log_level or os.environ.get("SMUPPY_TF_LOG")
        self.history: list[TfResult] = []
        # plan/apply/destroy/import first check that the provider binary exists.
        self.check_provider = check_provider

    def cleanup(self) -> None:
        self._finalizer()

    def __enter__(self) -> "Terraform":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cleanup()

    # -- provider and configuration -----------------------------------------------------------------------

    @property
    def provider_binary(self) -> Path:
        return self.provider_directory / PROVIDER_BINARY

    def require_provider(self) -> Path:
        binary = self.provider_binary
        if not binary.is_file() or not os.access(binary, os.X_OK):
            raise TerraformError(
                f"provider binary {binary} not found; build it (cargo build -p provider) "
                "or set SMUPPY_PROVIDER_DIR"
            )
        return binary

    def provider_config(self, region: str | None = None) -> str:
        """``terraform { required_providers }`` plus a provider block for the sandbox
        (or, for a real account, the account's region and no endpoints)."""
        if self.sandbox is None:
            raise TerraformError("a provider block needs a sandbox")
        region = region or getattr(self.sandbox, "region", SANDBOX_REGION)
        return required_providers_block() + "\n" + provider_block(self.sandbox.provider_endpoints, region)

    def write_config(self, body: str, *, filename: str = "main.tf", with_provider: bool = True) -> Path:
        """Write ``body`` to ``filename``; with ``with_provider`` also ``provider.tf``."""
        if with_provider:
            (self.workdir / "provider.tf").write_text(self.provider_config())
        path = self.workdir / filename
        path.write_text(body if body.endswith("\n") else body + "\n")
        return path

    # -- running -------------------------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        if self.sandbox is not None:
            env = self.sandbox.subprocess_env()
        else:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        for key in ("TF_CLI_ARGS", "TF_WORKSPACE", "TF_DATA_DIR", "TF_REATTACH_PROVIDERS"):
            env.pop(key, None)
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(self.cli_config_file),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "CHECKPOINT_DISABLE": "1",
            }
        )
        if self.log_level:
            env["TF_LOG"] = self.log_level
            env["TF_LOG_PATH"] = str(self.workdir / "terraform.log")
        env.update(self.extra_env)
        return env

    def run(self, *args: str, timeout: float | None = None, input: str | None = None) -> TfResult:
        """Run ``terraform ARGS`` in the working dir; returns (rc, stdout, stderr)."""
        argv = [str(self.binary), *args]
        try:
            proc = subprocess.run(
                argv,
                cwd=self.workdir,
                env=self.env(),
                input=input,
                stdin=None if input is not None else subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout or self.timeout,
            )
        except subprocess.TimeoutExpired as err:
            raise TerraformError(
                f"terraform {' '.join(args)} timed out after {err.timeout}s\n"
                f"--- stdout:\n{err.stdout or ''}\n--- stderr:\n{err.stderr or ''}"
            ) from err
        result = TfResult(tuple(args), proc.returncode, proc.stdout, proc.stderr)
        self.history.append(result)
        return result

    def _provider_cmd(self, *args: str, timeout: float | None = None) -> TfResult:
        if self.check_provider:
            self.require_provider()
        return self.run(*args, timeout=timeout)

    @staticmethod
    def _var_args(variables: Mapping[str, Any] | None) -> list[str]:
        out = []
        for key, value in (variables or {}).items():
            text = value if isinstance(value, str) else json.dumps(value)
            out.append(f"-var={key}={text}")
        return out

    def apply(self, *extra: str, variables: Mapping[str, Any] | None = None, check: bool = False) -> TfResult:
        result = self._provider_cmd(
            "apply", "-auto-approve", "-input=false", "-no-color", *self._var_args(variables), *extra
        )
        return result.check() if check else result

    def plan(self, *extra: str, variables: Mapping[str, Any] | None = None) -> PlanResult:
        """``plan -detailed-exitcode``; raises TerraformError when the plan fails."""
        result = self._provider_cmd(
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            *self._var_args(variables),
            *extra,
        )
        result.check(0, 2)
        return PlanResult(result=result, changes=result.rc == 2)

    def plan_raw(self, *extra: str, variables: Mapping[str, Any] | None = None) -> TfResult:
        """``plan`` whose failure is the test's business (rc 1 + diagnostics)."""
        return self._provider_cmd(
            "plan", "-input=false", "-no-color", *self._var_args(variables), *extra
        )

    def plan_json(self, *extra: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``plan -out`` then ``show -json`` of that plan."""
        plan_file = "smuppy-test.tfplan"
        self._provider_cmd(
            "plan",
            "-input=false",
            "-no-color",
            f"-out={plan_file}",
            *self._var_args(variables),
            *extra,
        ).check()
        shown = self.run("show", "-json", "-no-color", plan_file).check()
        return self._json(shown)

    def destroy(self, *extra: str, variables: Mapping[str, Any] | None = None, check: bool = False) -> TfResult:
        result = self._provider_cmd(
            "destroy", "-auto-approve", "-input=false", "-no-color", *self._var_args(variables), *extra
        )
        return result.check() if check else result

    def import_(self, address: str, resource_id: str, *extra: str, check: bool = False) -> TfResult:
        result = self._provider_cmd("import", "-input=false", "-no-color", *extra, address, resource_id)
        return result.check() if check else result

    def show_json(self) -> dict[str, Any]:
        """``show -json`` of the current state ({} values when there is no state)."""
        return self._json(self.run("show", "-json", "-no-color").check())

    def state(self, *args: str) -> TfResult:
        """``terraform state ARGS`` (e.g. ``state("list")``)."""
        return self.run("state", *args)

    def state_list(self) -> list[str]:
        result = self.state("list").check()
        return [line for line in result.stdout.splitlines() if line.strip()]

    def resources(self) -> list[dict[str, Any]]:
        """Resources of the root module in ``show -json`` form."""
        doc = self.show_json()
        return list(doc.get("values", {}).get("root_module", {}).get("resources", []))

    def resource(self, address: str) -> dict[str, Any]:
        for res in self.resources():
            if res.get("address") == address:
                return res
        raise TerraformError(f"{address} is not in the state")

    def state_file_text(self) -> str:
        path = self.workdir / "terraform.tfstate"
        return path.read_text() if path.exists() else ""

    def fmt_check(self, *paths: str) -> TfResult:
        return self.run("fmt", "-check", "-no-color", *paths)

    def version(self) -> str:
        return self.run("version").check().stdout.splitlines()[0]

    @staticmethod
    def _json(result: TfResult) -> dict[str, Any]:
        try:
            doc = json.loads(result.stdout)
        except json.JSONDecodeError as err:
            raise TerraformError(f"terraform {' '.join(result.args)} printed no JSON: {err}", result) from err
        if not isinstance(doc, dict):
            raise TerraformError(f"terraform {' '.join(result.args)} printed JSON that is not an object", result)
        return doc


def run_terraform(args: Sequence[str], cwd: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> TfResult:
    """One-off terraform call without a sandbox (e.g. ``fmt``, ``version``)."""
    tf = Terraform(cwd, None, extra_env=env, check_provider=False)
    try:
        return tf.run(*args)
    finally:
        tf.cleanup()


__all__ = [
    "PROVIDER_ENDPOINT_ATTRS",
    "PlanResult",
    "Terraform",
    "TerraformError",
    "TfResult",
    "cli_config",
    "hcl_string",
    "provider_block",
    "provider_dir",
    "required_providers_block",
    "run_terraform",
    "terraform_binary",
]
