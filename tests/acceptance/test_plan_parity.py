"""The same findings in ``terraform plan`` through the provider as in the CLI.

For the runbook example and a few corpus profiles: ``smuppy-validate --format
json DIR`` on the directory as written, and ``terraform plan -json`` (the real
Terraform core and provider, against the sandbox) on a copy of it with the
sandbox provider block added. The provider reports every error and warning
finding as a diagnostic whose summary starts with the rule id, attached to the
attribute; info findings only appear in the CLI. Plan only, nothing applied.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import fixtures as fx
from harness.sandbox import REPO_ROOT, Sandbox
from harness.terraform import Terraform, provider_block, required_providers_block

CORPUS = REPO_ROOT / "tests" / "validator" / "corpus"
# Findings the provider cannot make, since its plan sees one resource at a time
# with its values known (docs/rules.md: Account, Input).
CLI_ONLY_RULES = {"ACC001", "ACC002", "ACC003", "ACC004", "INP001"}
# Values the provider refuses in its own validation (same words, summary
# "Invalid NAME", not acknowledgeable; tests/malformed has them): no plan to compare.
REFUSED_BY_PROVIDER_CHECKS = {"LIM022"}


def plain_corpus() -> dict[str, Path]:
    """Corpus profiles Terraform can plan as they are: main.tf alone, no
    variables, no extra CLI arguments, no saved account facts."""
    out = {}
    for case in sorted(CORPUS.iterdir()):
        files = {p.name for p in case.iterdir()}
        if files != {"main.tf", "expect.json"}:
            continue
        expect = json.loads((case / "expect.json").read_text())
        if expect.get("args"):
            continue
        text = (case / "main.tf").read_text()
        if re.search(r"\bvar\.", text):
            continue
        # Stacks of aws_* resources alone: the provider has no resource to
        # plan there (and hashicorp/aws is not installable here).
        if not re.search(r'^resource\s+"smuppy_scaling_profile"', text, re.MULTILINE):
            continue
        # The sandbox override replaces the default provider configuration only.
        if re.search(r"^\s*alias\s*=", text, re.MULTILINE):
            continue
        # Cases about what only the CLI sees: several profiles together, values
        # it could not evaluate.
        if expect.get("must") and all(
            r in CLI_ONLY_RULES | REFUSED_BY_PROVIDER_CHECKS for r in expect["must"]
        ):
            continue
        out[case.name] = case
    return out


CASES = {"runbook": REPO_ROOT / "examples" / "runbook", **plain_corpus()}

# Rules that judge the configuration alone report their errors at
# `terraform validate` time (provider/src/analysis.rs VALIDATE_TIME_RULES);
# Terraform then stops before the plan, so only those errors are compared.
VALIDATE_TIME_RULES = {
    "LIM002", "LIM004", "LIM006", "LIM007", "LIM008", "LIM009", "LIM010", "LIM014",
    "LIM017", "LIM018", "LIM020", "LIM021", "SEC003", "TRF003",
}
RULE_SUMMARY = re.compile(r"^([A-Z]{3,4}\d{3}) ")
PROVIDER_BLOCK = re.compile(r'^\s*provider\s+"smuppy"', re.MULTILINE)


@dataclass(frozen=True)
class Seen:
    """One error/warning finding: rule, severity, line in main.tf, message."""

    rule_id: str
    severity: str
    line: int | None
    message: str
    attribute: str | None = None  # the CLI's location, e.g. lambda_pools["api"].timeout
    code: str | None = None  # the line Terraform quotes


def validate_binary() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    path = target / "debug" / "smuppy-validate"
    if not path.is_file():
        pytest.fail(f"{path} not found: build it with `cargo build -p smuppy-validate`")
    return path


# What the provider reads of the account at plan time (its capacity: Lambda's
# concurrency limit, the API Gateway account throttle, the two standard quotas'
# applied values); the CLI is given the same facts.
CAPACITY_FACT_KEYS = {"applied_quotas", "account_throttle", "account_concurrency"}
STANDARD_QUOTAS = {"apigateway/L-8A5B8E43", "lambda/L-B99A9384"}


@pytest.fixture(scope="module")
def capacity_facts(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sandbox account's capacity, read live by the CLI and kept to what the
    provider reads at plan time."""
    out = tmp_path_factory.mktemp("facts")
    saved = out / "live.json"
    args = [
        str(validate_binary()), "--format", "json", str(CASES["runbook"]),
        "--live", "--save-live-facts", str(saved),
    ]
    for key, url in sandbox.provider_endpoints.items():
        args += ["--endpoint", f"{key}={url}"]
    proc = subprocess.run(args, env=sandbox.subprocess_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    facts = json.loads(saved.read_text())
    facts = {k: v for k, v in facts.items() if k in CAPACITY_FACT_KEYS}
    facts["applied_quotas"] = {
        k: v for k, v in (facts.get("applied_quotas") or {}).items() if k in STANDARD_QUOTAS
    }
    capacity = out / "capacity.json"
    capacity.write_text(json.dumps(facts))
    return capacity


def cli_findings(directory: Path, facts: Path) -> list[Seen]:
    proc = subprocess.run(
        [str(validate_binary()), "--format", "json", "--live-facts", str(facts), str(directory)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 1), f"exit {proc.returncode}: {proc.stderr}"
    doc = json.loads(proc.stdout)
    out = []
    for profile in doc["profiles"]:
        for f in profile["findings"]:
            if f["severity"] not in ("error", "warning") or f["rule_id"] in CLI_ONLY_RULES:
                continue
            out.append(Seen(f["rule_id"], f["severity"], f.get("line"), f["message"], attribute=f.get("location")))
    return out


@dataclass
class PlanRun:
    """``terraform plan -json``: its exit status, the rule diagnostics, every other
    diagnostic, and the change summary (None when the plan did not get that far)."""

    rc: int
    findings: list[Seen]
    others: list[dict[str, Any]]
    changes: dict[str, Any] | None
    output: str


def plan_findings(tf: Terraform) -> PlanRun:
    """Rule diagnostics from ``terraform plan -json``, every other diagnostic, and
    the change summary."""
    result = tf.run("plan", "-json", "-input=false", "-no-color", "-lock=false")
    rule_diags, others = [], []
    changes = None
    for line in result.stdout.splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if event.get("type") == "change_summary":
            changes = event.get("changes")
        if event.get("type") != "diagnostic":
            continue
        diag = event["diagnostic"]
        match = RULE_SUMMARY.match(diag.get("summary", ""))
        if not match:
            others.append(diag)
            continue
        rng = diag.get("range") or {}
        rule_diags.append(
            Seen(
                match.group(1),
                diag["severity"],
                (rng.get("start") or {}).get("line"),
                diag.get("detail", ""),
                code=(diag.get("snippet") or {}).get("code"),
            )
        )
    return PlanRun(result.rc, rule_diags, others, changes, result.output)


def prepare(case_dir: Path, workdir: Path, sb: Sandbox) -> None:
    """A copy of the case with the sandbox provider configuration added."""
    shutil.copytree(case_dir, workdir, ignore=shutil.ignore_patterns("expect.json", "live.json", ".terraform*"))
    text = "\n".join(p.read_text() for p in workdir.glob("*.tf"))
    block = provider_block(sb.provider_endpoints)
    if PROVIDER_BLOCK.search(text):
        (workdir / "sandbox_override.tf").write_text(block)
    else:
        (workdir / "sandbox_provider.tf").write_text(required_providers_block() + "\n" + block)


@pytest.fixture(scope="module")
def runbook_world(sandbox: Sandbox) -> fx.Scenario:
    """The runbook's API, function and table, under the runbook's own names."""
    return fx.ensure_scenario(sandbox)


@pytest.mark.acceptance
@pytest.mark.parametrize("case", sorted(CASES))
def test_plan_reports_what_the_cli_reports(
    case: str, sandbox: Sandbox, runbook_world: fx.Scenario, capacity_facts: Path, tmp_path: Path
) -> None:
    case_dir = CASES[case]
    cli = cli_findings(case_dir, capacity_facts)
    stops_at_validate = [s for s in cli if s.severity == "error" and s.rule_id in VALIDATE_TIME_RULES]
    if stops_at_validate:
        cli = stops_at_validate
    workdir = tmp_path / case
    prepare(case_dir, workdir, sandbox)
    tf = Terraform(workdir, sandbox)
    try:
        run = plan_findings(tf)
    finally:
        tf.cleanup()

    # The plan ran: it failed on the error findings, not on anything else.
    rc, plan = run.rc, run.findings
    plan_errors = [o for o in run.others if o.get("severity") == "error"]
    assert not plan_errors, plan_errors
    has_errors = any(s.severity == "error" for s in cli)
    assert rc == (1 if has_errors else 0), (rc, cli, plan)
    if not has_errors:
        # A plan without error findings got as far as planning the profile.
        assert run.changes is not None and run.changes.get("add", 0) >= 1, (run.changes, run.output)

    # Same rules at the same severity...
    assert {(s.rule_id, s.severity) for s in plan} == {(s.rule_id, s.severity) for s in cli}
    # ...the same number of times, with the same message, on the same line.
    assert Counter((s.rule_id, s.severity, s.message) for s in plan) == Counter(
        (s.rule_id, s.severity, s.message) for s in cli
    )
    assert Counter((s.rule_id, s.line) for s in plan) == Counter((s.rule_id, s.line) for s in cli)
    # Terraform quotes the line the CLI points at: the attribute the finding
    # names, or the object holding it when the attribute is not written (a map
    # entry or nested object, quoted whole: its first line is the one with the
    # key, the last its closing brace).
    text = (case_dir / "main.tf").read_text().splitlines()
    for s in cli:
        if s.line is None:
            continue
        written = text[s.line - 1].strip()
        quotes = [(p.code or "").strip().splitlines() for p in plan if p.rule_id == s.rule_id and p.line == s.line]
        quoted = [q[0].strip() for q in quotes if q]
        assert written in quoted, (s, written, quotes)
        for q in quotes:
            if len(q) > 1 and q[0].rstrip().endswith("{"):
                assert q[-1].strip() == "}", (s, q)
        leaf = re.sub(r"\[[^\]]*\]$", "", (s.attribute or "").split(".")[-1])
        if leaf and re.match(rf"{re.escape(leaf)}\s*=", written):
            assert all(q.startswith(leaf) for q in quoted), (s, quoted)
    if case.startswith("ok_"):
        # Coherent profiles: silent in both.
        assert cli == [] and plan == []
    else:
        assert cli, "every other case has findings to compare"


LIVE_PROFILE = """
resource "smuppy_scaling_profile" "live" {{
  name = "live"
  traffic = {{
    peak_rps        = 6500
    latency_ms      = 100
    cache_hit_ratio = 0
  }}
  lambda_pools = {{
    "{function}" = {{
      function_name        = "{function}"
      reserved_concurrency = 700
    }}
  }}
}}
"""


@pytest.mark.acceptance
def test_plan_uses_the_account_the_cli_reads_live(sandbox: Sandbox, suffix: str, tmp_path: Path) -> None:
    """Another function reserves 400 of the account's 1,000: `--live` reports
    LIM001 and CAP003. The plan should too, since the provider talks to the
    same account."""
    function = fx.ensure_function(sandbox, f"smuppy-parity-{suffix}")
    other = fx.ensure_function(sandbox, f"smuppy-parity-other-{suffix}")
    case_dir = tmp_path / "case"
    case_dir.mkdir()
    (case_dir / "main.tf").write_text(LIVE_PROFILE.format(function=function.name))
    lam = sandbox.client("lambda")
    lam.put_function_concurrency(FunctionName=other.name, ReservedConcurrentExecutions=400)
    try:
        args = [str(validate_binary()), "--format", "json", str(case_dir), "--live"]
        for key, url in sandbox.provider_endpoints.items():
            args += ["--endpoint", f"{key}={url}"]
        proc = subprocess.run(args, env=sandbox.subprocess_env(), capture_output=True, text=True, timeout=120)
        assert proc.returncode == 1, proc.stderr
        live = {
            (f["rule_id"], f["severity"])
            for f in json.loads(proc.stdout)["profiles"][0]["findings"]
            if f["severity"] != "info"
        }
        assert {("LIM001", "error"), ("CAP003", "error")} <= live, live

        workdir = tmp_path / "tf"
        prepare(case_dir, workdir, sandbox)
        tf = Terraform(workdir, sandbox)
        try:
            run = plan_findings(tf)
        finally:
            tf.cleanup()
    finally:
        lam.delete_function_concurrency(FunctionName=other.name)
    # The plan itself succeeded and planned the profile: a plan that failed (or
    # never got to the resource) reports no findings, which would pass below.
    assert run.rc == 0, run.output
    assert not [o for o in run.others if o.get("severity") == "error"], run.others
    assert run.changes is not None and run.changes.get("add") == 1, (run.changes, run.output)
    plan = run.findings
    planned = {(s.rule_id, s.severity) for s in plan}
    # The plan reads the account's capacity, not what other functions
    # reserve (that changes with every apply, and Terraform's final plan must
    # match the plan): another function's reservation is --live's to see.
    assert ("LIM001", "error") not in planned, planned
