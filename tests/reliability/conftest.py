"""Fixtures of the reliability tests: a fault front per module, the all-blocks scenario."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from harness import faults
from harness import fixtures as fx
from harness.sandbox import Sandbox
from harness.terraform import Terraform

from relcommon import Names, names_for


@pytest.fixture(scope="module")
def front(sandbox: Sandbox) -> Iterator[faults.FaultFront]:
    """microburst in front of ministack and moto, started once per module (it is heavy)."""
    if not faults.available():
        # scripts/test.sh sets SMUPPY_REQUIRE_FAULTS (its setup installs microburst):
        # there a missing proxy fails the fault tests instead of skipping them.
        if os.environ.get("SMUPPY_REQUIRE_FAULTS"):
            pytest.fail("SMUPPY_REQUIRE_FAULTS is set but microburst is not installed: run bash scripts/setup.sh --faults")
        pytest.skip("microburst is not installed: run bash scripts/setup.sh --faults")
    with faults.FaultFront(sandbox) as f:
        yield f


@pytest.fixture
def clean_sandbox(sandbox: Sandbox) -> Sandbox:
    """The session sandbox emptied first: quota requests are counted per test."""
    sandbox.reset()
    return sandbox


@pytest.fixture
def names(clean_sandbox: Sandbox, suffix: str) -> Names:
    return names_for(fx.ensure_scenario(clean_sandbox, suffix))


@pytest.fixture
def tf_debug(sandbox: Sandbox, tmp_path: Path) -> Iterator[Terraform]:
    """terraform with TF_LOG=DEBUG written to <workdir>/terraform.log."""
    runner = Terraform(tmp_path / "tf", sandbox, log_level="DEBUG")
    try:
        yield runner
    finally:
        runner.cleanup()
