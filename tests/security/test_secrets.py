"""Credentials never leave the provider: not in logs at any TF_LOG level, not in the
state, not in plan JSON, not in diagnostics.

The run (conftest.py) used the sandbox's secret access key and a session token, and
logged at TRACE, DEBUG and JSON. Every artefact is grepped for the secrets themselves
and for the shapes a signed request would leave behind (an ``Authorization`` header
value, a SigV4 credential scope or signature, a security-token header value).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from harness import accounts
from harness.sandbox import SANDBOX_ACCOUNT_ID, SANDBOX_SECRET_ACCESS_KEY
from harness.terraform import Terraform, provider_block, required_providers_block

from secrun import SESSION_TOKEN, SecurityRun

LEAK_PATTERNS: dict[str, re.Pattern[str]] = {
    "secret access key": re.compile(re.escape(SANDBOX_SECRET_ACCESS_KEY)),
    "session token": re.compile(re.escape(SESSION_TOKEN)),
    # Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, ...
    "SigV4 credential scope": re.compile(r"Credential=\w+/\d{8}/[\w-]+/[\w-]+/aws4_request"),
    "SigV4 signature": re.compile(r"Signature=[0-9a-f]{64}"),
    "signing key or signature field": re.compile(r"(?i)\b(signing_key|signature)\s*[=:]\s*\"?[0-9a-f]{64}"),
    # A header printed with its value; redacted forms ("** redacted") are fine.
    "Authorization header value": re.compile(
        r"(?i)authorization\\?\"?\s*[:=]\s*\\?\"?(?!\s*\*\*\s*redacted)(AWS4|Bearer|Basic|[A-Za-z0-9+/=]{20,})"
    ),
    "security token header value": re.compile(
        r"(?i)x-amz-security-token\\?\"?\s*[:=]\s*\\?\"?(?!\s*\*\*\s*redacted)[A-Za-z0-9+/=_-]{8,}"
    ),
}


def leaks(text: str) -> list[str]:
    found = []
    for what, pattern in LEAK_PATTERNS.items():
        m = pattern.search(text)
        if m:
            start = max(0, m.start() - 80)
            found.append(f"{what}: …{text[start:m.end() + 40]}…")
    return found


def test_patterns_catch_what_they_are_for() -> None:
    """The grep is not vacuous: each pattern finds a leak of its kind, and none
    fires on the SDK's redacted request dump."""
    samples = [
        f"secret_access_key={SANDBOX_SECRET_ACCESS_KEY}",
        f'"x-amz-security-token": "{SESSION_TOKEN}"',
        "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/lambda/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "ab" * 32,
        'headers: {"authorization": "AWS4-HMAC-SHA256 Credential=x"}',
        "x-amz-security-token: IQoJb3JpZ2luX2VjEFQaCXVzLWVhc3QtMSJHMEUCIQ",
    ]
    for sample in samples:
        assert leaks(sample), sample
    redacted = (
        '\\"x-amz-date\\": \\"20261126T214420Z\\", \\"authorization\\": ** redacted (length=235) **, '
        '\\"x-amz-security-token\\": ** redacted (length=25) **'
    )
    assert not leaks(redacted)


@pytest.mark.acceptance
@pytest.mark.parametrize("step", ["apply", "plan", "show", "apply_plan", "failing_apply", "destroy"])
def test_no_secret_in_logs_or_output(security_run: SecurityRun, step: str) -> None:
    log = security_run.log_text(step)
    output = security_run.outputs[step]
    assert log, f"TF_LOG_PATH of step {step} is empty"
    assert not leaks(log), f"{step}: secrets in the TF_LOG file:\n" + "\n".join(leaks(log))
    assert not leaks(output), f"{step}: secrets in terraform's output:\n" + "\n".join(leaks(output))


@pytest.mark.acceptance
def test_logs_really_hold_the_aws_traffic(security_run: SecurityRun) -> None:
    """The TRACE and JSON logs contain the provider's SDK events, so the grep above
    looked at signed requests and not at an empty provider log."""
    trace = security_run.log_text("apply")
    assert "provider.terraform-provider-smuppy" in trace
    assert "rpc.method=UpdateStage" in trace, "no AWS SDK call logged at TRACE"
    assert "x-amz-security-token" in trace.lower(), "request headers not logged: the grep proves less"
    json_log = security_run.log_text("apply_plan")
    lines = [json.loads(line) for line in json_log.splitlines() if line.startswith("{")]
    assert lines, "TF_LOG=JSON wrote no JSON lines"
    assert any(str(line.get("@module", "")).startswith("provider") for line in lines)
    debug = security_run.log_text("plan")
    assert "[DEBUG]" in debug and "[TRACE]" not in debug


@pytest.mark.acceptance
def test_no_secret_in_state(security_run: SecurityRun) -> None:
    assert security_run.state_texts, "no state file was written"
    assert any('"smuppy_scaling_profile"' in text for text in security_run.state_texts.values())
    for name, text in security_run.state_texts.items():
        assert not leaks(text), f"{name}:\n" + "\n".join(leaks(text))


@pytest.mark.acceptance
def test_no_secret_in_plan_json(security_run: SecurityRun) -> None:
    doc = json.loads(security_run.plan_json)
    assert doc.get("resource_changes"), "the plan JSON has no resource change"
    assert not leaks(security_run.plan_json), "\n".join(leaks(security_run.plan_json))


@pytest.mark.acceptance
def test_no_secret_in_error_diagnostics(security_run: SecurityRun) -> None:
    """An apply that fails on an AWS error reports it without credentials."""
    out = security_run.outputs["failing_apply"]
    assert security_run.rcs["failing_apply"] != 0, out
    assert "Error:" in out, out
    assert "no-such-stage" in out, out
    assert not leaks(out), "\n".join(leaks(out))


# Secrets the provider block itself can hold (distinctive, so a grep finds only leaks).
WEB_IDENTITY_TOKEN = "smuppy-web-identity-token-8f3b1c77"
PROXY_PASSWORD = "smuppy-proxy-pass-2a9d41"

TRAFFIC_ONLY = """
resource "smuppy_scaling_profile" "sec" {
  name = "security-provider-block"
  traffic = {
    peak_rps   = 100
    latency_ms = 50
  }
}
"""


def _provider_tf(sandbox: Any, extra: str) -> str:
    endpoints = dict(sandbox.provider_endpoints)
    endpoints["sts"] = sandbox.endpoints["sts"]
    head, rest = provider_block(endpoints).split("\n", 1)
    return required_providers_block() + "\n" + head + "\n" + extra + "\n" + rest


@pytest.mark.acceptance
def test_provider_block_secrets_stay_out(tf: Terraform, sandbox: Any) -> None:
    """web_identity_token and a proxy password: used (the plan reaches AWS through
    AssumeRoleWithWebIdentity, checked by the account guard) but in no TRACE log line,
    no output, no state and no diagnostic, also when the block is rejected."""
    accounts.require_emulator(sandbox, "the sandbox's STS")
    tf.log_level = "TRACE"
    web_identity = f"""  allowed_account_ids = ["{SANDBOX_ACCOUNT_ID}"]
  assume_role_with_web_identity {{
    role_arn           = "arn:aws:iam::{SANDBOX_ACCOUNT_ID}:role/smuppy-security"
    session_name       = "smuppy-security"
    web_identity_token = "{WEB_IDENTITY_TOKEN}"
  }}"""
    (tf.workdir / "provider.tf").write_text(_provider_tf(sandbox, web_identity))
    tf.write_config(TRAFFIC_ONLY, with_provider=False)
    tf.run("init", "-input=false", "-no-color").check()
    texts = {}
    ok = tf.run("apply", "-auto-approve", "-input=false", "-no-color")
    assert ok.rc == 0, ok.output
    log = (tf.workdir / "terraform.log").read_text(errors="replace")
    assert "AssumeRoleWithWebIdentity" in log, "the STS call is not in the TRACE log: the grep proves less"
    texts["apply output"] = ok.output
    texts["apply log"] = log
    texts["state"] = tf.state_file_text()

    # Rejected blocks: the diagnostics name the attribute, never the value.
    rejected = f"""  http_proxy = "socks5://smuppy:{PROXY_PASSWORD}@127.0.0.1:1"
  assume_role_with_web_identity {{
    role_arn           = "arn:aws:iam::{SANDBOX_ACCOUNT_ID}:role/smuppy-security"
    web_identity_token = "{WEB_IDENTITY_TOKEN}"
    duration           = "1y"
  }}"""
    (tf.workdir / "provider.tf").write_text(_provider_tf(sandbox, rejected))
    bad = tf.run("plan", "-input=false", "-no-color")
    assert bad.rc != 0 and "http_proxy" in bad.output and "Invalid duration" in bad.output, bad.output
    # Terraform quotes the user's own configuration line under a diagnostic
    # ("  12:   http_proxy = ..."); that is the .tf file, not the provider talking.
    texts["rejected output"] = "\n".join(
        line for line in bad.output.splitlines() if not re.match(r"^\s*\d+:\s", line)
    )
    texts["rejected log"] = (tf.workdir / "terraform.log").read_text(errors="replace")
    for where, text in texts.items():
        for secret in (WEB_IDENTITY_TOKEN, PROXY_PASSWORD):
            assert secret not in text, f"{secret} in the {where}"
        assert not leaks(text), f"{where}:\n" + "\n".join(leaks(text))
