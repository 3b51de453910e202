"""Shared pytest fixtures: one sandbox per session, a Terraform runner per test.

With ``SMUPPY_ACCEPTANCE_AWS=1`` (plus the standard AWS credential chain and
``AWS_REGION``) the ``sandbox`` fixture is a real AWS account instead
(``harness.accounts.RealAccount``): no emulator is started, fixtures get unique
``smuppy-acc-<suffix>-...`` names and are removed at teardown, and what only the
emulators can do is skipped with the reason.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from harness import accounts
from harness import fixtures as fx
from harness.sandbox import Sandbox, SandboxError
from harness.terraform import Terraform


def _real_account() -> accounts.RealAccount:
    try:
        account = accounts.RealAccount()
        account.identity()
    except SandboxError as err:
        pytest.skip(f"{accounts.REAL_AWS_ENV}=1 but the real account is unusable: {err}")
    return account


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Any]:
    """ministack + the extended moto server, started once for the session; or, with
    SMUPPY_ACCEPTANCE_AWS=1, the real account of the standard credential chain."""
    if accounts.real_aws_requested():
        yield _real_account()
        return
    with Sandbox() as sb:
        yield sb
        _write_strict_stats(sb)


def _write_strict_stats(sb: Sandbox) -> None:
    """With SMUPPY_STRICT_STATS=FILE, keep the strict layer's counts of the session (the
    figure docs/reliability.md quotes: requests checked against the API models, rejected)."""
    target = os.environ.get("SMUPPY_STRICT_STATS")
    if target and sb.strict:
        stats = sb.strict_stats()
        stats["refusals"] = [e for e in sb.strict_requests() if e.get("refused")]
        stats["clamped"] = [e for e in sb.strict_requests() if e.get("clamped")]
        Path(target).write_text(json.dumps(stats, indent=2, sort_keys=True) + "\n")


@pytest.fixture
def fresh_sandbox(sandbox: Any) -> Any:
    """The session sandbox, emptied before the test (for tests that count things)."""
    accounts.require_emulator(sandbox, "emptying the account before the test")
    sandbox.reset()
    return sandbox


@pytest.fixture
def quota_auto_approve(sandbox: Any) -> Iterator[Any]:
    """Quota increase requests are approved at once during the test."""
    accounts.require_emulator(sandbox, "the sandbox's quota approval mode")
    sandbox.set_quota_auto_approve(True)
    try:
        yield sandbox
    finally:
        sandbox.set_quota_auto_approve(sandbox.quota_auto_approve)


@pytest.fixture
def suffix() -> str:
    return fx.unique_suffix()


@pytest.fixture
def cleanup() -> Iterator[accounts.Cleanup]:
    """Undo actions registered by the test, run at teardown even when a step failed."""
    registry = accounts.Cleanup()
    try:
        yield registry
    finally:
        failed = registry.run()
        if failed:
            pytest.fail("cleanup left things behind:\n" + "\n".join(failed), pytrace=False)


@pytest.fixture
def scenario(sandbox: Any, suffix: str, request: pytest.FixtureRequest) -> fx.Scenario:
    """The runbook's API, function and table, with names unique to the test."""
    if accounts.is_emulated(sandbox):
        return fx.ensure_scenario(sandbox, suffix)
    registry: accounts.Cleanup = request.getfixturevalue("cleanup")
    function = accounts.provision_function(sandbox, registry, accounts.unique_name(suffix, "fn"))
    api = accounts.provision_rest_api(sandbox, registry, suffix)
    table = accounts.provision_table(sandbox, registry, accounts.unique_name(suffix, "table"))
    return fx.Scenario(suffix=suffix, api=api, function=function, table=table)


@pytest.fixture
def tf(sandbox: Any, tmp_path: Path) -> Iterator[Terraform]:
    """terraform in a fresh working directory, with the smuppy provider's dev override.

    Against a real account, whatever the test left in state is destroyed at teardown."""
    runner = Terraform(tmp_path / "tf", sandbox)
    try:
        yield runner
    finally:
        try:
            if not accounts.is_emulated(sandbox) and runner.state_file_text().strip():
                if runner.run("state", "list").stdout.strip():
                    runner.destroy()
        finally:
            runner.cleanup()
