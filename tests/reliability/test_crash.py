"""The provider killed with SIGKILL in the middle of ``terraform apply``.

Each round starts ``terraform apply -auto-approve``, waits a random time within the
duration of a normal apply (measured first), and SIGKILLs every
``terraform-provider-smuppy`` process descending from that terraform (found through
/proc). Terraform fails; a normal apply follows and must converge: every managed
setting read through the AWS APIs equals Terraform's state and the configuration, one
quota increase request (counted in the sandbox's own listing), one cache policy with
the profile's name, one scalable target and policy per dimension, and a plan with
nothing to do. Destroy must then return every setting to what it was before the
first apply (read through boto3 before it).

Without a crash journal two things go wrong, and these tests catch both: Terraform
core stores a nil private beside the prior state when ApplyResourceChange dies, so the
captured pre-profile values vanish (destroy then restores the profile's own values);
and a cache policy created by the killed run exists under the profile's name without
its id in state (the next apply meets CachePolicyAlreadyExists).

Kill times are drawn from a seeded RNG (``SMUPPY_CRASH_SEED``, else random; printed)
and stratified over 90% of the apply's duration (applies vary), so every stretch of it is hit.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox import Sandbox
from harness.terraform import Terraform

import relcommon as rc

pytestmark = [pytest.mark.acceptance, pytest.mark.slow]

UPDATE_KILLS = 14
CREATE_KILLS = 10

# Profiles the update rounds move between.
VARIANTS = [
    rc.Settings(),
    rc.Settings(rate=4000, burst=1500, reserved=150, provisioned=10, memory=768, timeout=25,
                read_min=60, read_max=600, target=60, default_ttl=120),
    rc.Settings(rate=3000, burst=1000, reserved=250, provisioned=30, memory=1024, timeout=15,
                read_min=40, read_max=400, write_min=10, write_max=100, target=50, default_ttl=30),
]


def crash_seed() -> int:
    raw = os.environ.get("SMUPPY_CRASH_SEED")
    return int(raw) if raw else random.SystemRandom().randrange(1, 2**31)


# -- finding and killing the provider -------------------------------------------------------------------


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may contain spaces and parentheses: fields follow the last ')'.
    rest = stat[stat.rindex(")") + 2 :].split()
    return int(rest[1])


def _descends_from(pid: int, ancestor: int) -> bool:
    seen = 0
    while pid > 1 and seen < 64:
        if pid == ancestor:
            return True
        parent = _ppid(pid)
        if parent is None:
            return False
        pid, seen = parent, seen + 1
    return False


def provider_pids(root: int, binary: Path) -> list[int]:
    """Processes running ``binary`` whose ancestor is ``root``."""
    target = str(binary.resolve())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            exe = os.readlink(entry / "exe")
        except OSError:
            continue
        if exe.removesuffix(" (deleted)") != target:
            continue
        pid = int(entry.name)
        if _descends_from(pid, root):
            found.append(pid)
    return found


APPLY_STARTED = ("Creating...", "Modifying...")


def kill_apply(tf: Terraform, delay: float, log: Path, *, from_apply_start: bool = False) -> dict[str, Any]:
    """Start ``terraform apply``; after ``delay`` s SIGKILL its provider processes.

    With ``from_apply_start`` the delay counts from the moment Terraform reports that
    ApplyResourceChange started (its "Modifying..."/"Creating..." line)."""
    out = open(log, "w")
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [str(tf.binary), "apply", "-auto-approve", "-input=false", "-no-color"],
        cwd=tf.workdir,
        env=tf.env(),
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    killed: list[int] = []
    kill_at: float | None = None
    started: float | None = None if from_apply_start else 0.0
    try:
        while proc.poll() is None:
            now = time.monotonic() - t0
            if started is None:
                out.flush()
                if any(m in log.read_text(errors="replace") for m in APPLY_STARTED):
                    started = now
            if started is not None and now - started >= delay:
                pids = provider_pids(proc.pid, tf.provider_binary)
                if pids:
                    for pid in pids:
                        try:
                            os.kill(pid, signal.SIGKILL)
                            killed.append(pid)
                        except ProcessLookupError:
                            pass
                    if killed:
                        kill_at = now
                        break
            time.sleep(0.005)
        rc_ = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        out.close()
    text = log.read_text(errors="replace")
    if re.search(r"(Creation|Modifications) complete after", text):
        phase = "after"  # ApplyResourceChange had returned: the kill missed it
    elif "Creating..." in text or "Modifying..." in text:
        phase = "apply"  # the kill landed in ApplyResourceChange
    else:
        phase = "plan"  # before it: validate, refresh or plan
    return {
        "delay": round(delay, 3),
        "kill_at": None if kill_at is None else round(kill_at, 3),
        "killed": len(killed),
        "phase": phase if killed else "missed (apply ended first)",
        "rc": rc_,
        "duration": round(time.monotonic() - t0, 3),
    }


def timed_apply(tf: Terraform) -> float:
    t0 = time.monotonic()
    tf.apply(check=True)
    return time.monotonic() - t0


def timed_apply_change(tf: Terraform) -> float:
    """A normal apply; returns how long its ApplyResourceChange took (from the
    "Modifying..."/"Creating..." line to the "complete after" line)."""
    proc = subprocess.Popen(
        [str(tf.binary), "apply", "-auto-approve", "-input=false", "-no-color"],
        cwd=tf.workdir,
        env=tf.env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    start = end = None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if start is None and any(m in line for m in APPLY_STARTED):
            start = time.monotonic()
        elif start is not None and end is None and re.search(r"(Creation|Modifications) complete after", line):
            end = time.monotonic()
    assert proc.wait(timeout=120) == 0, "".join(lines)
    assert start is not None and end is not None, "".join(lines)
    return end - start


# -- one round ---------------------------------------------------------------------------------------------


def recover(sb: Sandbox, tf: Terraform, names: rc.Names, settings: rc.Settings, outcome: dict[str, Any]) -> None:
    """The normal apply after a kill, and everything that must hold afterwards."""
    result = tf.apply()
    outcome["recovery_rc"] = result.rc
    problems: list[str] = []
    if result.rc != 0:
        problems += [l.strip() for l in result.output.splitlines() if l.strip().startswith("Error:")][:3] or [
            result.output[-500:]
        ]
        # Keep going so the rounds after this one still say something: one more try.
        result = tf.apply()
        outcome["second_recovery_rc"] = result.rc
    aws = rc.read_aws(sb, names)
    problems += rc.mismatches(aws, rc.read_state(tf), settings)
    plan = tf.plan_raw("-detailed-exitcode")
    if plan.rc != 0:
        problems.append(f"plan after recovery exited {plan.rc} (2 = changes left)")
    outcome["cache_policies"] = len(aws["cache_policies"])
    outcome["quota_requests"] = len(aws["quota_requests"])
    outcome["problems"] = problems


def report(title: str, seed: int, timing: dict[str, float], outcomes: list[dict[str, Any]], extra: dict[str, Any]) -> str:
    lines = [f"{title}: seed {seed} (SMUPPY_CRASH_SEED={seed} reproduces), normal apply {timing}"]
    for i, o in enumerate(outcomes):
        lines.append(
            f"  #{i:02d} {o['kind']:<6} delay {o['delay']:.2f}s kill {o['kill_at']}s phase {o['phase']:<5} "
            f"killed {o['killed']} -> recovery rc {o.get('recovery_rc')} "
            f"problems {o.get('problems') or 'none'}"
        )
    for k, v in extra.items():
        lines.append(f"  {k}: {v}")
    return "\n".join(lines)


def stratified(rng: random.Random, n: int, span: float) -> list[float]:
    """n delays in [0, span): one uniformly inside each of n equal slices, shuffled."""
    out = [(i + rng.random()) * span / n for i in range(n)]
    rng.shuffle(out)
    return out


# -- the tests ---------------------------------------------------------------------------------------------


def test_kills_during_updates_converge(clean_sandbox: Sandbox, names: rc.Names, tf: Terraform, tmp_path: Path) -> None:
    sb = clean_sandbox
    seed = crash_seed()
    rng = random.Random(seed)
    print(f"\ncrash seed (updates): {seed}")
    before = rc.baseline(sb, names)

    # A normal create, then two normal updates: how long an update apply takes.
    # Kills are spread over the shorter one (durations vary with the variants and
    # the machine's load; a kill drawn past the end of an apply misses it).
    tf.write_config(rc.profile_hcl(names, VARIANTS[0]))
    create_s = timed_apply(tf)
    updates = []
    for v in (1, 2):
        tf.write_config(rc.profile_hcl(names, VARIANTS[v]))
        updates.append(timed_apply(tf))
    update_s = min(updates)
    current = 2
    timing = {"create_s": round(create_s, 2), "update_s": round(update_s, 2), "updates_s": [round(u, 2) for u in updates]}

    outcomes: list[dict[str, Any]] = []
    for i, delay in enumerate(stratified(rng, UPDATE_KILLS, 0.9 * update_s)):
        nxt = rng.choice([v for v in range(len(VARIANTS)) if v != current])
        tf.write_config(rc.profile_hcl(names, VARIANTS[nxt]))
        outcome = kill_apply(tf, delay, tmp_path / f"update-{i}.log")
        outcome["kind"] = "update"
        recover(sb, tf, names, VARIANTS[nxt], outcome)
        outcomes.append(outcome)
        current = nxt

    destroy = tf.destroy()
    after = rc.baseline(sb, names)
    restored = destroy.rc == 0 and after == before
    extra = {
        "destroy_rc": destroy.rc,
        "restored": restored,
        "quota_requests_total": len(rc.read_aws(sb, names)["quota_requests"]),
    }
    if not restored:
        extra["before"], extra["after"] = before, after
    text = report("kills during updates", seed, timing, outcomes, extra)
    print(text)
    rc.save_figures("crash_updates", {"seed": seed, "timing": timing, "outcomes": outcomes, **extra})

    killed = [o for o in outcomes if o["killed"]]
    assert len(killed) >= UPDATE_KILLS - 2, text
    # Stratified over the apply, some kills land while ApplyResourceChange runs.
    assert sum(o["phase"] == "apply" for o in outcomes) >= 2, text
    assert all(not o["problems"] for o in outcomes), text
    assert destroy.rc == 0, destroy.output
    assert extra["quota_requests_total"] == 1, text
    # Whether destroy put the pre-test values back after such kills is the next test's
    # question; here it is recorded in the figures only.


def test_destroy_after_update_kills_restores_originals(
    clean_sandbox: Sandbox, names: rc.Names, tf: Terraform, tmp_path: Path
) -> None:
    sb = clean_sandbox
    seed = crash_seed()
    rng = random.Random(seed)
    print(f"\ncrash seed (restore after update kills): {seed}")
    before = rc.baseline(sb, names)
    """Terraform core stores the (nil) private of a crashed ApplyResourceChange beside
    the prior state, so the captures of the pre-profile values would be lost with the
    process; the provider's crash journal must bring them back."""
    tf.write_config(rc.profile_hcl(names, VARIANTS[0]))
    tf.apply(check=True)
    tf.write_config(rc.profile_hcl(names, VARIANTS[1]))
    change_s = timed_apply_change(tf)
    outcomes = []
    for i, nxt in enumerate((2, 0, 1)):
        # While ApplyResourceChange is running: counted from its start.
        delay = change_s * rng.uniform(0.1, 0.8)
        tf.write_config(rc.profile_hcl(names, VARIANTS[nxt]))
        outcome = kill_apply(tf, delay, tmp_path / f"restore-{i}.log", from_apply_start=True)
        outcome["kind"] = "update"
        recover(sb, tf, names, VARIANTS[nxt], outcome)
        outcomes.append(outcome)
    destroy = tf.destroy()
    after = rc.baseline(sb, names)
    figures = {"seed": seed, "outcomes": outcomes, "destroy_rc": destroy.rc, "not_restored": diff(before, after)}
    rc.save_figures("crash_restore_after_updates", figures)
    # The kills this test is about landed while ApplyResourceChange ran; one that hit
    # the plan (or missed) would leave the crash journal unexercised.
    assert [o["phase"] for o in outcomes] == ["apply"] * len(outcomes), outcomes
    assert all(not o["problems"] for o in outcomes), outcomes
    assert destroy.rc == 0, destroy.output
    assert after == before, f"seed {seed}: not restored: {diff(before, after)}"


def test_kills_during_creates_converge(clean_sandbox: Sandbox, names: rc.Names, tf: Terraform, tmp_path: Path) -> None:
    sb = clean_sandbox
    seed = crash_seed()
    rng = random.Random(seed)
    print(f"\ncrash seed (creates): {seed}")
    before = rc.baseline(sb, names)
    settings = VARIANTS[0]
    tf.write_config(rc.profile_hcl(names, settings))
    create_s = timed_apply(tf)
    tf.destroy(check=True)
    assert rc.baseline(sb, names) == before
    timing = {"create_s": round(create_s, 2)}

    outcomes: list[dict[str, Any]] = []
    for i, delay in enumerate(stratified(rng, CREATE_KILLS, 0.9 * create_s)):
        outcome = kill_apply(tf, delay, tmp_path / f"create-{i}.log")
        outcome["kind"] = "create"
        recover(sb, tf, names, settings, outcome)
        destroy = tf.destroy()
        after = rc.baseline(sb, names)
        outcome["destroy_rc"] = destroy.rc
        outcome["restored"] = destroy.rc == 0 and after == before
        if not outcome["restored"]:
            outcome["problems"].append(f"destroy rc {destroy.rc}; not restored: {diff(before, after)}")
        outcomes.append(outcome)
        # Start the next round from the pre-test values whatever happened.
        reset_to(sb, names, before)
        if tf.state_list():
            tf.run("state", "rm", rc.ADDRESS)

    extra = {"quota_requests_total": len(rc.read_aws(sb, names)["quota_requests"])}
    text = report("kills during creates", seed, timing, outcomes, extra)
    print(text)
    rc.save_figures("crash_creates", {"seed": seed, "timing": timing, "outcomes": outcomes, **extra})
    killed = [o for o in outcomes if o["killed"]]
    assert len(killed) >= CREATE_KILLS - 2, text
    assert sum(o["phase"] == "apply" for o in outcomes) >= 2, text
    assert all(not o["problems"] for o in outcomes), text
    assert extra["quota_requests_total"] == 1, text


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            out[key] = {"before": before.get(key), "after": after.get(key)}
    return out


def reset_to(sb: Sandbox, names: rc.Names, before: dict[str, Any]) -> None:
    """Put the pre-test values back through boto3 (after a round that failed to)."""
    sc = names.scenario
    stage = before["stage"]
    if stage["rate"] is None:
        # The fixture stage has no throttle: remove whatever a round left.
        ops = [{"op": "remove", "path": "/*/*/throttling/rateLimit"}, {"op": "remove", "path": "/*/*/throttling/burstLimit"}]
    else:
        ops = [
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": str(stage["rate"])},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": str(stage["burst"])},
        ]
    try:
        sb.client("apigateway").update_stage(restApiId=sc.api.api_id, stageName=sc.api.stage_name, patchOperations=ops)
    except Exception:
        pass
    lam = sb.client("lambda")
    lb = before["lambda"]
    try:
        lam.delete_provisioned_concurrency_config(FunctionName=names.function, Qualifier=names.alias)
    except Exception:
        pass
    if lb["reserved"] is None:
        lam.delete_function_concurrency(FunctionName=names.function)
    lam.update_function_configuration(FunctionName=names.function, MemorySize=lb["memory"], Timeout=lb["timeout"])
    aas = sb.client("application-autoscaling")
    for dim in ("ReadCapacityUnits", "WriteCapacityUnits"):
        try:
            aas.deregister_scalable_target(ServiceNamespace="dynamodb", ResourceId=f"table/{names.table}",
                                           ScalableDimension=f"dynamodb:table:{dim}")
        except Exception:
            pass
    cf = sb.client("cloudfront")
    for p in rc.read_aws(sb, names)["cache_policies"]:
        cf.delete_cache_policy(Id=p["id"], IfMatch=cf.get_cache_policy(Id=p["id"])["ETag"])
    try:
        sb.client("cloudwatch").delete_dashboards(DashboardNames=[names.dashboard])
    except Exception:
        pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if lam.get_function_configuration(FunctionName=names.function).get("State", "Active") == "Active":
            break
        time.sleep(0.1)




def test_a_dropped_block_stays_released(clean_sandbox: Sandbox, names: rc.Names, tf: Terraform) -> None:
    """No crash at all: drop the Lambda pool, let someone else tune the function, apply a stage change."""
    sb, sc = clean_sandbox, names.scenario
    lam = sb.client("lambda")

    def memory() -> int:
        return int(lam.get_function_configuration(FunctionName=names.function)["MemorySize"])

    def profile(rate: int, with_lambda: bool) -> str:
        block = f'  lambda_pools = {{\n    fn = {{ function_name = "{names.function}", memory_size = 512 }}\n  }}\n' if with_lambda else ""
        return (
            f'resource "smuppy_scaling_profile" "api" {{\n  name = "drop-{sc.suffix}"\n'
            f'  api_gateway = {{\n    rest_api_id = "{sc.api.api_id}"\n    stage_name  = "{sc.api.stage_name}"\n'
            f"    rate_limit  = {rate}\n    burst_limit = 100\n  }}\n{block}}}\n"
        )

    original = memory()
    tf.write_config(profile(1000, True))
    tf.apply(check=True)
    assert memory() == 512
    tf.write_config(profile(1000, False))
    tf.apply(check=True)
    assert memory() == original  # the dropped block's function is handed back
    lam.update_function_configuration(FunctionName=names.function, MemorySize=1024)
    deadline = time.monotonic() + 10
    while lam.get_function_configuration(FunctionName=names.function).get("State", "Active") != "Active":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    tf.write_config(profile(2000, False))
    tf.apply(check=True)
    assert memory() == 1024, "an apply that does not manage the function changed its memory"
