"""relcommon's state reader tells an empty state from one it could not read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.terraform import Terraform, TerraformError

import relcommon as rc


def _runner(tmp_path: Path) -> Terraform:
    # terraform show needs no provider and no sandbox.
    return Terraform(tmp_path / "tf", None, check_provider=False)


def test_read_state_is_none_without_state(tmp_path: Path) -> None:
    tf = _runner(tmp_path)
    try:
        assert rc.read_state(tf) is None
    finally:
        tf.cleanup()


def test_read_state_is_none_when_the_profile_is_not_in_state(tmp_path: Path) -> None:
    tf = _runner(tmp_path)
    try:
        tf.write_config('resource "terraform_data" "x" {\n  input = "hello"\n}\n', with_provider=False)
        tf.run("init", "-input=false", "-no-color").check()
        tf.run("apply", "-auto-approve", "-input=false", "-no-color").check()
        assert [r["address"] for r in tf.resources()] == ["terraform_data.x"]
        assert rc.read_state(tf) is None
    finally:
        tf.cleanup()


def test_read_state_raises_when_terraform_show_fails(tmp_path: Path) -> None:
    tf = _runner(tmp_path)
    try:
        # A state file terraform cannot load: show fails, and that is not "no profile".
        (tf.workdir / "terraform.tfstate").write_text(json.dumps({"version": 4, "serial": "x"})[:-3])
        with pytest.raises(TerraformError, match="show"):
            rc.read_state(tf)
    finally:
        tf.cleanup()
