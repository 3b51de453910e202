"""Shared pytest fixtures: one sandbox per session, a Terraform runner per test."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from harness import fixtures as fx
from harness.sandbox import Sandbox
from harness.terraform import Terraform


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """ministack + the extended moto server, started once for the session."""
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def fresh_sandbox(sandbox: Sandbox) -> Sandbox:
    """The session sandbox, emptied before the test (for tests that count things)."""
    sandbox.reset()
    return sandbox


@pytest.fixture
def quota_auto_approve(sandbox: Sandbox) -> Iterator[Sandbox]:
    """Quota increase requests are approved at once during the test."""
    sandbox.set_quota_auto_approve(True)
    try:
        yield sandbox
    finally:
        sandbox.set_quota_auto_approve(sandbox.quota_auto_approve)


@pytest.fixture
def suffix() -> str:
    return fx.unique_suffix()


@pytest.fixture
def scenario(sandbox: Sandbox, suffix: str) -> fx.Scenario:
    """The runbook's API, function and table, with names unique to the test."""
    return fx.ensure_scenario(sandbox, suffix)


@pytest.fixture
def tf(sandbox: Sandbox, tmp_path: Path) -> Iterator[Terraform]:
    """terraform in a fresh working directory, with the smuppy provider's dev override."""
    runner = Terraform(tmp_path / "tf", sandbox)
    try:
        yield runner
    finally:
        runner.cleanup()
