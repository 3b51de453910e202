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

import pytest

from harness.sandbox import SANDBOX_SECRET_ACCESS_KEY

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
