"""The terraform executable written by scripts/setup.sh, and the Terraform helper.

The helper's plan/apply/show/state/destroy paths are exercised with Terraform's
built-in ``terraform_data`` resource, so they are proven before the smuppy provider
exists; the dev_overrides configuration and the provider block are checked as text
and through ``terraform fmt``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness.sandbox import (
    PROVIDER_ENDPOINT_ATTRS,
    REPO_ROOT,
    SANDBOX_SECRET_ACCESS_KEY,
    Sandbox,
)
from harness.terraform import (
    PROVIDER_ADDRESS,
    Terraform,
    TerraformError,
    cli_config,
    hcl_string,
    provider_block,
    run_terraform,
    terraform_binary,
)

FORMATTED = 'resource "terraform_data" "x" {\n  input = "hello"\n}\n'
UNFORMATTED = 'resource "terraform_data" "x" {\ninput="hello"\n}\n'


def test_wrapper_is_in_the_venv_and_reports_1_15() -> None:
    binary = terraform_binary()
    assert binary == REPO_ROOT / ".venv" / "bin" / "terraform"
    first_line = binary.read_text().splitlines()[0]
    assert first_line == f"#!{REPO_ROOT / '.venv' / 'bin' / 'python'}"
    out = subprocess.run(
        [str(binary), "version"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "CHECKPOINT_DISABLE": "1", "HOME": str(REPO_ROOT)},
    )
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(r"Terraform v1\.15\.\d+", out.stdout.splitlines()[0])


def test_wrapper_passes_exit_codes_and_stderr(tmp_path: Path) -> None:
    result = run_terraform(["no-such-subcommand"], tmp_path)
    assert result.rc != 0
    (tmp_path / "broken.tf").write_text('resource "terraform_data" {\n')
    broken = run_terraform(["validate", "-no-color"], tmp_path)
    assert broken.rc == 1
    assert "Error" in broken.stderr


def test_fmt_check_accepts_formatted_and_flags_unformatted(tmp_path: Path) -> None:
    (tmp_path / "good.tf").write_text(FORMATTED)
    assert run_terraform(["fmt", "-check", "-no-color"], tmp_path).rc == 0
    (tmp_path / "bad.tf").write_text(UNFORMATTED)
    result = run_terraform(["fmt", "-check", "-no-color"], tmp_path)
    assert result.rc == 3
    assert "bad.tf" in result.stdout and "good.tf" not in result.stdout
    assert run_terraform(["fmt", "-no-color"], tmp_path).rc == 0
    assert (tmp_path / "bad.tf").read_text() == FORMATTED


def test_cli_config_has_the_dev_override(tmp_path: Path) -> None:
    text = cli_config(tmp_path)
    assert text.index("dev_overrides") < text.index("direct {}")
    assert f'"{PROVIDER_ADDRESS}" = "{tmp_path}"' in text
    assert PROVIDER_ADDRESS == "registry.terraform.io/smuppy/smuppy"


def test_provider_block_names_every_endpoint_and_is_canonical(sandbox: Sandbox, tmp_path: Path) -> None:
    tf = Terraform(tmp_path, sandbox, check_provider=False)
    try:
        text = tf.provider_config()
        assert 'source = "smuppy/smuppy"' in text
        assert 'region = "us-east-1"' in text
        for service, attr in PROVIDER_ENDPOINT_ATTRS.items():
            assert re.search(rf"^\s+{attr}\s+= \"{re.escape(sandbox.endpoints[service])}\"$", text, re.M), attr
        (tmp_path / "provider.tf").write_text(text)
        assert tf.fmt_check().rc == 0, (tmp_path / "provider.tf").read_text()
    finally:
        tf.cleanup()
    aliased = provider_block({"lambda": "http://x"}, region="us-west-2", alias="west")
    assert 'alias  = "west"' in aliased and 'region = "us-west-2"' in aliased


def test_hcl_string_escapes() -> None:
    assert hcl_string('a"b\\c${x}') == '"a\\"b\\\\c$${x}"'


def test_helper_env_is_the_sandbox_account(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "real-profile")
    monkeypatch.setenv("TF_CLI_ARGS", "-lock=false")
    tf = Terraform(tmp_path, sandbox)
    try:
        env = tf.env()
        assert env["AWS_SECRET_ACCESS_KEY"] == SANDBOX_SECRET_ACCESS_KEY
        assert env["TF_IN_AUTOMATION"] == "1"
        assert env["TF_CLI_CONFIG_FILE"] == str(tf.cli_config_file)
        assert "AWS_PROFILE" not in env and "TF_CLI_ARGS" not in env
        assert tf.cli_config_file.read_text() == cli_config(tf.provider_directory)
    finally:
        tf.cleanup()
    assert not tf.cli_config_file.exists()


def test_missing_provider_binary_is_a_clear_error(sandbox: Sandbox, tmp_path: Path) -> None:
    empty = tmp_path / "no-provider"
    empty.mkdir()
    tf = Terraform(tmp_path / "wd", sandbox, provider_directory=empty)
    try:
        with pytest.raises(TerraformError, match="terraform-provider-smuppy not found"):
            tf.plan()
    finally:
        tf.cleanup()


def test_helper_round_trip_with_a_builtin_resource(sandbox: Sandbox, tmp_path: Path) -> None:
    tf = Terraform(tmp_path, sandbox, check_provider=False)
    try:
        tf.write_config(
            'variable "greeting" {\n  type    = string\n  default = "hello"\n}\n\n'
            'resource "terraform_data" "x" {\n  input = var.greeting\n}\n\n'
            'output "o" {\n  value = terraform_data.x.output\n}\n',
            with_provider=False,
        )
        assert tf.plan().changes is True
        planned = tf.plan_json()
        assert [c["address"] for c in planned["resource_changes"]] == ["terraform_data.x"]
        assert planned["resource_changes"][0]["change"]["actions"] == ["create"]
        tf.apply(check=True)
        assert tf.plan().changes is False
        assert tf.state_list() == ["terraform_data.x"]
        assert tf.resource("terraform_data.x")["values"]["output"] == "hello"
        assert tf.show_json()["values"]["outputs"]["o"]["value"] == "hello"
        assert tf.plan(variables={"greeting": "bye"}).changes is True
        assert SANDBOX_SECRET_ACCESS_KEY not in tf.state_file_text()
        tf.destroy(check=True)
        assert tf.state_list() == []
        rc, stdout, _ = tf.history[-1]
        assert rc == 0 and stdout == ""
    finally:
        tf.cleanup()


def test_failed_plan_raises_with_diagnostics(sandbox: Sandbox, tmp_path: Path) -> None:
    tf = Terraform(tmp_path, sandbox, check_provider=False)
    try:
        tf.write_config('resource "terraform_data" "x" {\n  input = var.missing\n}\n', with_provider=False)
        with pytest.raises(TerraformError) as info:
            tf.plan()
        assert info.value.result is not None and info.value.result.rc == 1
        assert "undeclared input variable" in info.value.result.stderr.lower() or "missing" in str(info.value)
        raw = tf.plan_raw()
        assert raw.rc == 1
    finally:
        tf.cleanup()
