"""smuppy-validate --live against the sandbox account: the findings follow what
the account reports. Each step changes the account out of band through boto3
(reserved concurrency on another function, a quota increase request and its
status) and runs the real binary again with ``--format json``.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import fixtures as fx
from harness.sandbox import REPO_ROOT, SANDBOX_REGION, Sandbox

QUOTA = ("apigateway", "L-8A5B8E43")


def validate_binary() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    path = target / "debug" / "smuppy-validate"
    if not path.is_file():
        pytest.fail(f"{path} not found: build it with `cargo build -p smuppy-validate`")
    return path


@dataclass(frozen=True)
class Report:
    rc: int
    doc: dict[str, Any]
    stderr: str

    @property
    def profile(self) -> dict[str, Any]:
        profiles = self.doc["profiles"]
        assert len(profiles) == 1, profiles
        return dict(profiles[0])

    @property
    def findings(self) -> list[dict[str, Any]]:
        return list(self.profile["findings"])

    def ids(self) -> set[str]:
        return {f["rule_id"] for f in self.findings}

    def find(self, rule_id: str) -> dict[str, Any]:
        hits = [f for f in self.findings if f["rule_id"] == rule_id]
        assert len(hits) == 1, (rule_id, self.findings)
        return hits[0]


def run_validate(sb: Sandbox, profile_dir: Path, *extra: str, live: bool = True) -> Report:
    args = [str(validate_binary()), "--format", "json", str(profile_dir)]
    if live:
        args.append("--live")
        for key, url in sb.provider_endpoints.items():
            args += ["--endpoint", f"{key}={url}"]
    args += list(extra)
    proc = subprocess.run(
        args, env=sb.subprocess_env(), capture_output=True, text=True, timeout=120, cwd=REPO_ROOT
    )
    assert proc.returncode in (0, 1), f"exit {proc.returncode}\n{proc.stderr}\n{proc.stdout}"
    return Report(proc.returncode, json.loads(proc.stdout), proc.stderr)


def profile_tf(function: str, api: fx.RestApi, table: str) -> str:
    # 6,500 rps × 0.1 s = 650 concurrent executions; 700 reserved. The account
    # (1,000) holds both as long as nothing else reserves more than 200.
    return f"""
resource "smuppy_scaling_profile" "live" {{
  name = "live"
  traffic = {{
    peak_rps              = 6500
    latency_ms            = 100
    cache_hit_ratio       = 0
    reads_per_request     = 1
    writes_per_request    = 0
    average_to_peak_ratio = 0.3
    architecture          = "arm64"
  }}
  quota_requests = {{
    "{QUOTA[0]}/{QUOTA[1]}" = {{
      service_code  = "{QUOTA[0]}"
      quota_code    = "{QUOTA[1]}"
      desired_value = 20000
    }}
  }}
  api_gateway = {{
    rest_api_id = "{api.api_id}"
    stage_name  = "{api.stage_name}"
    rate_limit  = 8000
    burst_limit = 4000
  }}
  lambda_pools = {{
    "{function}" = {{
      function_name           = "{function}"
      reserved_concurrency    = 700
      provisioned_concurrency = 100
      qualifier               = "prod"
      memory_size             = 512
      timeout                 = 10
    }}
  }}
  dynamodb_tables = {{
    "{table}" = {{
      table_name   = "{table}"
      billing_mode = "PAY_PER_REQUEST"
    }}
  }}
}}
"""


def test_live_findings_follow_the_account(fresh_sandbox: Sandbox, suffix: str, tmp_path: Path) -> None:
    sb = fresh_sandbox
    scenario = fx.ensure_scenario(sb, suffix, billing_mode="PAY_PER_REQUEST")
    other = fx.ensure_function(sb, f"smuppy-other-{suffix}")
    lam = sb.client("lambda")
    sq = sb.client("service-quotas")
    profile_dir = tmp_path / "profile"
    profile_dir.mkdir()
    (profile_dir / "main.tf").write_text(profile_tf(scenario.function.name, scenario.api, scenario.table.name))
    facts_file = tmp_path / "facts.json"

    # The sandbox account starts with the AWS defaults: the same findings as
    # without --live, and the facts read are the defaults.
    offline = run_validate(sb, profile_dir, live=False)
    base = run_validate(sb, profile_dir, "--save-live-facts", str(facts_file))
    assert base.rc == 0, base.doc
    assert base.ids() == offline.ids(), (base.ids(), offline.ids())
    assert "LIM001" not in base.ids() and "CAP003" not in base.ids() and "LIM012" not in base.ids()
    facts = json.loads(facts_file.read_text())
    assert facts["account_concurrency"] == 1000
    assert facts["unreserved_concurrency"] == 1000
    assert facts["reserved_outside_profile"] == []
    assert facts["account_throttle"] == {"rate_limit": 10000.0, "burst_limit": 5000.0}
    assert facts["applied_quotas"] == {"apigateway/L-8A5B8E43": 10000.0, "lambda/L-B99A9384": 1000.0}
    assert facts["open_requests"] == []
    assert [t["table_name"] for t in facts["tables"]] == [scenario.table.name]
    assert facts["tables"][0]["billing_mode"] == "PAY_PER_REQUEST"

    # The profile's own function reserving concurrency is not "elsewhere".
    lam.put_function_concurrency(FunctionName=scenario.function.name, ReservedConcurrentExecutions=300)
    own = run_validate(sb, profile_dir)
    assert own.ids() == base.ids(), (own.ids(), base.ids())

    # Another function eats 400 of the account's 1,000: the reserved 700 no
    # longer fits (LIM001) and neither do the 650 executions needed (CAP003).
    lam.put_function_concurrency(FunctionName=other.name, ReservedConcurrentExecutions=400)
    eaten = run_validate(sb, profile_dir, "--save-live-facts", str(facts_file))
    assert eaten.rc == 1
    assert eaten.ids() - base.ids() == {"LIM001", "CAP003"}, (eaten.ids(), base.ids())
    lim001 = eaten.find("LIM001")
    assert lim001["severity"] == "error"
    assert lim001["location"] == f'lambda_pools["{scenario.function.name}"].reserved_concurrency'
    assert "needs an account concurrency of ≥ 1,200 (700 + 100 unreserved minimum + 400 reserved by other functions)" in lim001["message"], lim001
    assert "the account has 1,000 (live account settings)" in lim001["message"], lim001
    cap003 = eaten.find("CAP003")
    assert "needs 650 concurrent executions" in cap003["message"], cap003
    assert "the account allows 1,000 (live account settings) minus 400 reserved by other functions" in cap003["message"], cap003
    assert "L-B99A9384 ≥ 1,150" in cap003["message"], cap003
    facts = json.loads(facts_file.read_text())
    assert facts["reserved_outside_profile"] == [{"function_name": other.name, "reserved_concurrency": 400}]
    assert facts["unreserved_concurrency"] == 300

    # Down to 150 elsewhere: 700 + 100 + 150 fits in 1,000 again, 650 ≤ 850.
    lam.put_function_concurrency(FunctionName=other.name, ReservedConcurrentExecutions=150)
    fits = run_validate(sb, profile_dir)
    assert fits.ids() == base.ids(), (fits.ids(), base.ids())

    # A request for the profile's quota is filed out of band: LIM012 adopts it.
    filed = sq.request_service_quota_increase(ServiceCode=QUOTA[0], QuotaCode=QUOTA[1], DesiredValue=25000)
    request_id = filed["RequestedQuota"]["Id"]
    pending = run_validate(sb, profile_dir)
    assert pending.ids() - fits.ids() == {"LIM012"}, (pending.ids(), fits.ids())
    lim012 = pending.find("LIM012")
    assert lim012["severity"] == "warning" and lim012["location"] == f'quota_requests["{QUOTA[0]}/{QUOTA[1]}"].desired_value'
    assert f"a request for 25,000 is already open (PENDING, id {request_id})" in lim012["message"], lim012
    assert "(this profile asks for 20,000)" in lim012["message"], lim012

    sb.set_quota_request_status(request_id, "CASE_OPENED")
    opened = run_validate(sb, profile_dir)
    assert f"(CASE_OPENED, id {request_id})" in opened.find("LIM012")["message"]

    # Approved: nothing open any more, and the applied value is the new one,
    # above the profile's 20,000 (LIM011: a request below the applied value).
    sb.approve_quota_requests(request_id)
    approved = run_validate(sb, profile_dir, "--save-live-facts", str(facts_file))
    assert "LIM012" not in approved.ids()
    assert "LIM011" in approved.ids(), approved.ids()
    assert "desired 20,000 is below the applied 25,000" in approved.find("LIM011")["message"]
    facts = json.loads(facts_file.read_text())
    assert facts["applied_quotas"]["apigateway/L-8A5B8E43"] == 25000.0
    assert facts["open_requests"] == []

    # The saved facts reproduce the same findings offline.
    replay = run_validate(sb, profile_dir, "--live-facts", str(facts_file), live=False)
    assert replay.findings == approved.findings


def test_live_region_flag_and_unreachable_account(sandbox: Sandbox, tmp_path: Path) -> None:
    profile_dir = tmp_path / "p"
    profile_dir.mkdir()
    (profile_dir / "main.tf").write_text(
        'resource "smuppy_scaling_profile" "p" {\n  name = "p"\n  lambda_pools = {\n    f = { function_name = "f" }\n  }\n}\n'
    )
    env = sandbox.subprocess_env()
    eps = [a for key, url in sandbox.provider_endpoints.items() for a in ("--endpoint", f"{key}={url}")]
    ok = subprocess.run(
        [str(validate_binary()), str(profile_dir), "--live", "--region", SANDBOX_REGION, *eps],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    dead = [a for key in sandbox.provider_endpoints for a in ("--endpoint", f"{key}=http://127.0.0.1:1")]
    down = subprocess.run(
        [str(validate_binary()), str(profile_dir), "--live", *dead],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert down.returncode == 2, (down.stdout, down.stderr)
    assert down.stdout == ""
    lines = down.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"smuppy-validate: --live: reading the account in {SANDBOX_REGION}: "
    ), down.stderr
