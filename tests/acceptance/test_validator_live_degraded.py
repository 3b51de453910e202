"""smuppy-validate --live when part of the account cannot be read: each fact
it could not read falls back to AWS's published default, named on the
findings that use it (rule LIV001: the call, AWS's error code, the IAM action
the read needs); the facts it did read still decide the other rules. Exit 2
only when nothing at all could be read (test_validator_live.py covers that).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from harness import fixtures as fx
from harness.sandbox import REPO_ROOT, Sandbox

from test_validator_live import profile_tf, validate_binary

DEAD = "http://127.0.0.1:1"


def run(sb: Sandbox, profile_dir: Path, endpoints: dict[str, str], *extra: str) -> tuple[int, dict, str]:
    args = [str(validate_binary()), "--format", "json", str(profile_dir), "--live"]
    for key, url in endpoints.items():
        args += ["--endpoint", f"{key}={url}"]
    args += list(extra)
    proc = subprocess.run(args, env=sb.subprocess_env(), capture_output=True, text=True, timeout=180, cwd=REPO_ROOT)
    assert proc.returncode in (0, 1), f"exit {proc.returncode}\n{proc.stderr}\n{proc.stdout}"
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def findings(doc: dict) -> list[dict]:
    (profile,) = doc["profiles"]
    return list(profile["findings"])


def test_service_quotas_unreachable_degrades_to_defaults(fresh_sandbox: Sandbox, suffix: str, tmp_path: Path) -> None:
    sb = fresh_sandbox
    scenario = fx.ensure_scenario(sb, suffix, billing_mode="PAY_PER_REQUEST")
    other = fx.ensure_function(sb, f"smuppy-other-{suffix}")
    profile_dir = tmp_path / "profile"
    profile_dir.mkdir()
    (profile_dir / "main.tf").write_text(profile_tf(scenario.function.name, scenario.api, scenario.table.name))
    # Another function eats 400 of the account's 1,000, as Lambda reports it.
    sb.client("lambda").put_function_concurrency(FunctionName=other.name, ReservedConcurrentExecutions=400)

    endpoints = dict(sb.provider_endpoints)
    endpoints["servicequotas"] = DEAD
    facts_file = tmp_path / "facts.json"
    rc, doc, _ = run(sb, profile_dir, endpoints, "--save-live-facts", str(facts_file))

    found = findings(doc)
    ids = {f["rule_id"] for f in found}
    # What Lambda and API Gateway answered still decides: the other
    # function's 400 leaves no room for the profile's 700 reserved.
    assert rc == 1
    assert {"LIM001", "CAP003"} <= ids, ids
    lim001 = next(f for f in found if f["rule_id"] == "LIM001")
    assert "400 reserved by other functions" in lim001["message"], lim001
    assert "(live account settings)" in lim001["message"], lim001

    # Each Service Quotas fact is named as unread, with the call and the
    # IAM action it needs, and what is assumed instead.
    unread = [f for f in found if f["rule_id"] == "LIV001"]
    assert unread, found
    assert all(f["severity"] == "warning" for f in unread), unread
    texts = " | ".join(f["message"] for f in unread)
    assert "servicequotas GetServiceQuota" in texts, texts
    assert "servicequotas:GetServiceQuota" in texts, texts
    assert "servicequotas:ListRequestedServiceQuotaChangeHistoryByQuota" in texts, texts
    assert "L-8A5B8E43" in texts, texts

    facts = json.loads(facts_file.read_text())
    assert facts["account_concurrency"] == 1000
    assert facts["reserved_outside_profile"] == [{"function_name": other.name, "reserved_concurrency": 400}]
    assert facts["account_throttle"] == {"rate_limit": 10000.0, "burst_limit": 5000.0}
    assert facts["applied_quotas"] == {}
    calls = {u["call"] for u in facts["unread"]}
    assert "servicequotas GetServiceQuota" in calls, facts["unread"]
    assert all(u["iam_action"].startswith("servicequotas:") for u in facts["unread"]), facts["unread"]

    # The saved facts (with what was unread) give the same findings offline.
    proc = subprocess.run(
        [str(validate_binary()), "--format", "json", str(profile_dir), "--live-facts", str(facts_file)],
        env=sb.subprocess_env(), capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,
    )
    assert proc.returncode == rc, proc.stderr
    assert findings(json.loads(proc.stdout)) == found


def test_lambda_unreachable_falls_back_to_the_published_concurrency(fresh_sandbox: Sandbox, suffix: str, tmp_path: Path) -> None:
    sb = fresh_sandbox
    scenario = fx.ensure_scenario(sb, suffix, billing_mode="PAY_PER_REQUEST")
    profile_dir = tmp_path / "profile"
    profile_dir.mkdir()
    (profile_dir / "main.tf").write_text(profile_tf(scenario.function.name, scenario.api, scenario.table.name))
    endpoints = dict(sb.provider_endpoints)
    endpoints["lambda"] = DEAD
    rc, doc, _ = run(sb, profile_dir, endpoints)
    found = findings(doc)
    unread = [f for f in found if f["rule_id"] == "LIV001"]
    texts = " | ".join(f["message"] for f in unread)
    assert "lambda GetAccountSettings" in texts and "lambda:GetAccountSettings" in texts, texts
    assert "1,000" in texts, texts
    # Nothing claims to come from the account's Lambda settings.
    assert not [f for f in found if "live account settings" in f["message"]], found
    # 650 executions fit the published 1,000: no error, but the warning stays.
    assert rc == 0, found


def test_provider_plan_degrades_when_service_quotas_is_unreachable(sandbox: Sandbox, tmp_path: Path) -> None:
    """The provider's plan-time account reads follow the same rule: Service
    Quotas unreachable, the plan still runs on what Lambda and API Gateway
    answered, with a LIV001 warning per quota it could not read."""
    from harness.terraform import Terraform, provider_block, required_providers_block

    endpoints = dict(sandbox.provider_endpoints)
    endpoints["servicequotas"] = DEAD
    with Terraform(tmp_path / "tf", sandbox) as tf:
        tf.write_config(
            'resource "smuppy_scaling_profile" "p" {\n'
            '  name = "degraded"\n'
            "  traffic = {\n    peak_rps   = 500\n    latency_ms = 100\n  }\n"
            "}\n",
            with_provider=False,
        )
        (tf.workdir / "provider.tf").write_text(required_providers_block() + "\n" + provider_block(endpoints))
        # -json: Terraform's UI folds warnings with the same summary into one.
        rc, out, err = tf.run("plan", "-json", "-input=false")
        assert rc == 0, out + err
        events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        diags = [e["diagnostic"] for e in events if e.get("type") == "diagnostic"]
        assert not [d for d in diags if d["severity"] == "error"], diags
        liv = [d for d in diags if d["summary"].startswith("LIV001 ")]
        details = " | ".join(d["detail"] for d in liv)
        assert len(liv) == 2, details  # the applied values of the two quotas plan time reads
        assert "servicequotas:GetServiceQuota" in details, details
        assert "apigateway/L-8A5B8E43" in details and "lambda/L-B99A9384" in details, details
        # What was read is not reported as unread, and nothing says the
        # whole read failed.
        assert "lambda GetAccountSettings" not in details and "apigateway GetAccount:" not in details, details
        assert not [d for d in diags if "Account limits not read" in d["summary"]], diags
