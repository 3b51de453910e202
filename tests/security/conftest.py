"""The security tests' shared run (see secrun.py)."""

from __future__ import annotations

from typing import Iterator

import pytest

from harness import fixtures as fx
from harness.sandbox import Sandbox
from harness.terraform import Terraform

from secrun import SESSION_TOKEN, SecurityRun, profile


@pytest.fixture(scope="session")
def security_run(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecurityRun]:
    sandbox.set_quota_auto_approve(True)
    sc = fx.ensure_scenario(sandbox, fx.unique_suffix())
    root = tmp_path_factory.mktemp("security")
    run = SecurityRun(workdir=root / "tf")
    tf = Terraform(run.workdir, sandbox, extra_env={"AWS_SESSION_TOKEN": SESSION_TOKEN})
    tf.log_level = None

    def step(name: str, level: str, *args: str) -> None:
        log = root / f"{name}.{level.lower()}.log"
        tf.extra_env["TF_LOG"] = level
        tf.extra_env["TF_LOG_PATH"] = str(log)
        result = tf.run(*args)
        run.logs[name] = log
        run.outputs[name] = result.output
        run.rcs[name] = result.rc

    try:
        tf.require_provider()
        tf.write_config(profile(sc, rate=1000))
        step("apply", "TRACE", "apply", "-auto-approve", "-input=false", "-no-color")

        tf.write_config(profile(sc, rate=1200))
        step("plan", "DEBUG", "plan", "-input=false", "-no-color", "-out=sec.tfplan")
        step("show", "DEBUG", "show", "-json", "-no-color", "sec.tfplan")
        run.plan_json = run.outputs["show"]
        step("apply_plan", "JSON", "apply", "-input=false", "-no-color", "sec.tfplan")

        tf.write_config(profile(sc, rate=1200, stage="no-such-stage"))
        step("failing_apply", "TRACE", "apply", "-auto-approve", "-input=false", "-no-color")

        for name in ("terraform.tfstate", "terraform.tfstate.backup"):
            path = run.workdir / name
            if path.exists():
                run.state_texts[name] = path.read_text()

        tf.write_config(profile(sc, rate=1200))
        step("destroy", "TRACE", "destroy", "-auto-approve", "-input=false", "-no-color")
        yield run
    finally:
        sandbox.set_quota_auto_approve(sandbox.quota_auto_approve)
        tf.cleanup()
