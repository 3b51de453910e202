"""Terraform killed with SIGKILL in the middle of ``terraform apply``.

Nobody calls the plugin's Shutdown then, and the provider must notice by itself that
its parent is gone (within a second), give in-flight calls their bounded grace and
exit: no ``terraform-provider-smuppy`` process that the killed terraform started may
remain 2 s after the kill. The next apply must converge: every managed setting read
through the AWS APIs equals the configuration and Terraform's state, and a plan
finds nothing to do.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from harness.sandbox import Sandbox
from harness.terraform import Terraform

import relcommon as rc
from test_crash import provider_pids

pytestmark = [pytest.mark.acceptance, pytest.mark.slow]

FIRST = rc.Settings()
SECOND = rc.Settings(rate=4000, burst=1500, reserved=150, provisioned=10, memory=768, timeout=25,
                     read_min=60, read_max=600, target=60, default_ttl=120)

# Terraform gone -> provider gone: noticed within a second, plus the shutdown grace.
EXIT_WITHIN_S = 2.0


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a parent that does not reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"


def test_provider_exits_when_terraform_is_killed_mid_apply(
    clean_sandbox: Sandbox, names: rc.Names, tf: Terraform, tmp_path: Path
) -> None:
    sb = clean_sandbox
    tf.write_config(rc.profile_hcl(names, FIRST))
    tf.apply(check=True)

    tf.write_config(rc.profile_hcl(names, SECOND))
    log = tmp_path / "killed-apply.log"
    out = open(log, "w")
    proc = subprocess.Popen(
        [str(tf.binary), "apply", "-auto-approve", "-input=false", "-no-color"],
        cwd=tf.workdir,
        env=tf.env(),
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    providers: list[int] = []
    try:
        # Kill terraform itself once ApplyResourceChange is under way.
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if "Modifying..." in log.read_text(errors="replace"):
                providers = provider_pids(proc.pid, tf.provider_binary)
                if providers:
                    break
            time.sleep(0.01)
        assert providers, "the apply ended before the kill:\n" + log.read_text(errors="replace")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        killed_at = time.monotonic()

        while any(_alive(p) for p in providers) and time.monotonic() - killed_at < EXIT_WITHIN_S + 3:
            time.sleep(0.05)
        gone_after = time.monotonic() - killed_at
        remaining = [p for p in providers if _alive(p)]
        assert not remaining, (
            f"provider processes {remaining} still running {gone_after:.1f} s after terraform was killed"
        )
        assert gone_after <= EXIT_WITHIN_S, f"the provider took {gone_after:.2f} s to exit"
        print(f"\nprovider exited {gone_after:.2f} s after terraform was killed")
    finally:
        out.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in providers:  # what today's provider leaves behind
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)

    # The next apply converges on the second settings.
    result = tf.apply()
    assert result.rc == 0, result.output
    problems = rc.mismatches(rc.read_aws(sb, names), rc.read_state(tf), SECOND)
    assert not problems, problems
    plan = tf.plan_raw("-detailed-exitcode")
    assert plan.rc == 0, plan.output
    assert tf.destroy().rc == 0
