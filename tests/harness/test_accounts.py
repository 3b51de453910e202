"""Tests of the real-AWS mode of the acceptance suite (harness.accounts).

No real account is needed: the mode's interface is checked directly, its fixture code
runs against the sandbox dressed up as a "real" account (same code path, AWS's
answers from the emulators), and a pytest run with SMUPPY_ACCEPTANCE_AWS=1 and no
credentials must skip every acceptance test without starting an emulator.

    .venv/bin/python -m pytest tests/harness/test_accounts.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import accounts
from harness import fixtures as fx
from harness.sandbox import ROUTES, SANDBOX_ACCOUNT_ID, SANDBOX_SECRET_ACCESS_KEY, Sandbox, SandboxError
from harness.terraform import Terraform, provider_block

TESTS_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = TESTS_DIR.parent


@pytest.fixture
def real_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:1")


def test_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(accounts.REAL_AWS_ENV, raising=False)
    assert not accounts.real_aws_requested()
    for value, expected in (("1", True), ("true", True), ("0", False), ("", False)):
        monkeypatch.setenv(accounts.REAL_AWS_ENV, value)
        assert accounts.real_aws_requested() is expected
        monkeypatch.setenv(accounts.ALLOW_QUOTA_REQUESTS_ENV, value)
        assert accounts.quota_requests_allowed() is expected


def test_real_account_has_no_emulators(real_env: None, tmp_path: Path) -> None:
    account = accounts.RealAccount()
    assert account.region == "eu-west-3" and not accounts.is_emulated(account)
    assert account.endpoints == {} and account.provider_endpoints == {}
    # The provider block gets the account's region and no endpoints block.
    block = provider_block(account.provider_endpoints, account.region)
    assert "endpoints" not in block and 'region = "eu-west-3"' in block
    tf = Terraform(tmp_path / "tf", account, check_provider=False)
    try:
        config = tf.provider_config()
        assert "endpoints" not in config and "eu-west-3" in config
        env = tf.env()
        # The caller's credentials pass through; nothing routes to an emulator.
        assert env["AWS_ACCESS_KEY_ID"] == "AKIDEXAMPLE" and env["AWS_REGION"] == "eu-west-3"
        assert not [k for k in env if k.startswith("AWS_ENDPOINT_URL")]
    finally:
        tf.cleanup()
    lam = account.client("lambda")
    assert lam.meta.region_name == "eu-west-3" and "amazonaws.com" in lam.meta.endpoint_url
    assert account.client("globalaccelerator").meta.region_name == "us-west-2"
    with pytest.raises(accounts.EmulatorOnly):
        account.url("moto")
    for control in (
        account.reset,
        lambda: account.set_quota_auto_approve(True),
        account.quota_requests,
        account.approve_quota_requests,
    ):
        with pytest.raises(accounts.EmulatorOnly):
            control()


def test_real_account_without_region_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(SandboxError, match="AWS_REGION"):
        accounts.RealAccount()


def test_cleanup_runs_every_action_last_first_even_after_a_failure() -> None:
    ran: list[str] = []
    registry = accounts.Cleanup()
    registry.add("first", lambda: ran.append("first"))

    def boom() -> None:
        ran.append("second")
        raise RuntimeError("cannot delete")

    registry.add("second", boom)
    registry.add("third", lambda: ran.append("third"))
    failed = registry.run()
    assert ran == ["third", "second", "first"]
    assert len(failed) == 1 and failed[0].startswith("second: RuntimeError: cannot delete")
    assert registry.run() == [] and registry.actions == []


class SandboxPosingAsAws(accounts.RealAccount):
    """The real-account code path with the sandbox's emulators answering for AWS."""

    def __init__(self, sb: Sandbox) -> None:
        self._sb = sb
        self.region = sb.region
        self._identity = {"Account": SANDBOX_ACCOUNT_ID}

    def client(self, service: str, **kwargs: Any) -> Any:
        return self._sb.client(service, **kwargs)


def test_real_mode_fixtures_are_unique_created_and_removed(sandbox: Sandbox, suffix: str) -> None:
    """provision_* on a "real" account: refuses names that exist, creates, and the
    cleanup registry removes everything it created."""
    if not accounts.is_emulated(sandbox):
        pytest.skip("needs the sandbox to pose as a real account")
    account = SandboxPosingAsAws(sandbox)
    registry = accounts.Cleanup()
    fn_name = accounts.unique_name(suffix, "fn")
    table_name = accounts.unique_name(suffix, "table")
    try:
        fn = accounts.provision_function(account, registry, fn_name)
        table = accounts.provision_table(account, registry, table_name)
        api = accounts.provision_rest_api(account, registry, suffix)
        assert fn.name.startswith(accounts.NAME_PREFIX) and table.name.startswith(accounts.NAME_PREFIX)
        assert api.name == accounts.unique_name(suffix, "api")
        assert sandbox.client("lambda").get_alias(FunctionName=fn_name, Name=fx.DEFAULT_ALIAS)
        # Never adopt what exists: a second provisioning of the same names is refused.
        with pytest.raises(fx.FixtureError, match="already exists"):
            accounts.provision_function(account, accounts.Cleanup(), fn_name)
        with pytest.raises(fx.FixtureError, match="already exists"):
            accounts.provision_table(account, accounts.Cleanup(), table_name)
        with pytest.raises(fx.FixtureError, match="already exists"):
            accounts.provision_rest_api(account, accounts.Cleanup(), suffix)
    finally:
        failed = registry.run()
    assert failed == []
    with pytest.raises(ClientError):
        sandbox.client("lambda").get_function(FunctionName=fn_name)
    with pytest.raises(ClientError):
        sandbox.client("dynamodb").describe_table(TableName=table_name)
    with pytest.raises(ClientError):
        sandbox.client("iam").get_role(RoleName=f"{fn_name}-role")
    with pytest.raises(ClientError):
        sandbox.client("apigateway").get_rest_api(restApiId=api.api_id)


def test_real_mode_without_credentials_skips_and_starts_no_emulator(tmp_path: Path) -> None:
    logs = tmp_path / "sandbox-logs"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            accounts.REAL_AWS_ENV: "1",
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
            "SMUPPY_SANDBOX_LOG_DIR": str(logs),
        }
    )
    files = [
        "acceptance/test_lambda.py",
        "acceptance/test_dynamodb.py",
        "acceptance/test_quota_request.py",
        "acceptance/test_runbook.py",
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *files],
        cwd=TESTS_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert " passed" not in out and "failed" not in out and " skipped" in out, out
    assert "no usable AWS credentials" in out, out
    # A sandbox writes its emulators' logs into SMUPPY_SANDBOX_LOG_DIR: none was started.
    assert not logs.exists() or not any(logs.iterdir()), list(logs.iterdir())
    assert set(ROUTES)  # the routing table still exists for the sandbox mode
    assert SANDBOX_SECRET_ACCESS_KEY not in out
