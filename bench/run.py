"""The benchmark: the provider against the runbook's CLI commands and against the floor.

    .venv/bin/python bench/run.py [--runs 5] [--only runbook,scale,process,validator,strict-prod]
                                  [--strict-runs 3] [--merge]
                                  [--provider-dir DIR] [--validator PATH] [--out bench]

Normally started by ``scripts/bench.sh``, which sets up the venv and builds the release
binaries first. Everything runs against one sandbox (ministack + extended moto, see
tests/harness/sandbox.py) started here; results go to ``bench/results.json`` and
``bench/results.md``. bench/README.md explains every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(BENCH_DIR))

from harness import fixtures  # noqa: E402
from harness.sandbox import MINISTACK, MOTO, Sandbox  # noqa: E402
from harness.terraform import Terraform, TfResult, provider_block  # noqa: E402

import runbook_steps  # noqa: E402
import strict_prod  # noqa: E402

MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
PROVIDER_BINARY = "terraform-provider-smuppy"
SCALE_COUNTS = (1, 10, 50, 100)

TARGETS = {
    "apply_vs_cli_min_speedup": 15.0,
    "apply_vs_floor_max_ratio": 1.5,
    "handshake_ms_max": 20.0,
    "schema_ms_max": 2.0,
    "refresh_100_s_max": 3.0,
    "rss_100_mb_max": 40.0,
    "validator_profiles_per_s_min": 10_000.0,
}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    pass


def summary(samples: list[float]) -> dict[str, Any]:
    s = sorted(samples)
    return {
        "median": statistics.median(s),
        "min": s[0],
        "max": s[-1],
        "runs": len(s),
        "samples": [round(x, 6) for x in samples],
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


# -- AWS calls, counted from the emulators' request logs ----------------------------------------------

_MOTO_LINE = re.compile(r'"(GET|POST|PUT|DELETE|PATCH|HEAD) (\S+) HTTP/[\d.]+" \d+')
_MINISTACK_LINE = re.compile(r" (GET|POST|PUT|DELETE|PATCH|HEAD) (\S+) -> service=(\S+)")


class CallCounter:
    """Counts AWS requests the emulators logged since ``mark()``.

    moto logs every request (werkzeug access log); ministack logs one DEBUG line per
    routed AWS request when started with LOG_LEVEL=DEBUG. The sandbox's own control
    calls (/_sandbox, /moto-api, /_ministack) are not AWS calls and are left out.
    """

    def __init__(self, sb: Sandbox) -> None:
        self.files = {MOTO: sb.log_dir / "moto.log", MINISTACK: sb.log_dir / "ministack.log"}
        self.offsets: dict[str, int] = {}

    def mark(self) -> None:
        self.offsets = {k: (p.stat().st_size if p.exists() else 0) for k, p in self.files.items()}

    def count(self, settle: float = 0.05) -> dict[str, int]:
        time.sleep(settle)  # both emulators log synchronously; this only covers the last write
        per_service: dict[str, int] = {}
        for name, path in self.files.items():
            with open(path, "rb") as f:
                f.seek(self.offsets.get(name, 0))
                text = f.read().decode(errors="replace")
            for line in text.splitlines():
                if name == MOTO:
                    m = _MOTO_LINE.search(line)
                    if not m or m.group(2).startswith(("/_sandbox", "/moto-api")):
                        continue
                    key = "moto"
                else:
                    m = _MINISTACK_LINE.search(line)
                    if not m or m.group(2).startswith("/_ministack"):
                        continue
                    key = m.group(3)
                per_service[key] = per_service.get(key, 0) + 1
        return per_service


# -- machine --------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "loadavg_at_start": os.getloadavg(),
    }


def rust_toolchain() -> str:
    try:
        return subprocess.run(["rustc", "-V"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# -- process RSS ------------------------------------------------------------------------------------------


class RssPoller:
    """Polls /proc for processes running ``binary`` and keeps the highest VmHWM seen.

    Used only in runs that are not timed (scanning /proc costs CPU on a 2-core machine).
    """

    def __init__(self, binary: Path, interval: float = 0.003) -> None:
        self.binary = str(binary.resolve())
        self.interval = interval
        self.peak_kb = 0
        self.pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "RssPoller":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        known: dict[int, bool] = {}
        while not self._stop.is_set():
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                pid = int(entry)
                is_ours = known.get(pid)
                if is_ours is None:
                    try:
                        is_ours = os.readlink(f"/proc/{pid}/exe") == self.binary
                    except OSError:
                        is_ours = False
                    known[pid] = is_ours
                if not is_ours:
                    continue
                self.pids.add(pid)
                try:
                    with open(f"/proc/{pid}/status") as f:
                        for line in f:
                            if line.startswith("VmHWM:"):
                                self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                                break
                except OSError:
                    pass
            self._stop.wait(self.interval)


# -- terraform --------------------------------------------------------------------------------------------


def tf_checked(tf: Terraform, *args: str) -> tuple[float, TfResult]:
    elapsed, result = timed(lambda: tf.run(*args))
    if result.rc not in (0,):
        errors = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.startswith("Error")]
        raise BenchError(f"terraform {' '.join(args)} exited {result.rc}: {errors}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result


APPLY = ("apply", "-auto-approve", "-input=false", "-no-color")


def clear_state(workdir: Path) -> None:
    for name in ("terraform.tfstate", "terraform.tfstate.backup", ".terraform.tfstate.lock.info"):
        (workdir / name).unlink(missing_ok=True)


# ==========================================================================================================
# 1. The runbook applied four ways
# ==========================================================================================================


def fresh_runbook_world(sb: Sandbox) -> None:
    """The runbook's account before anything is applied: emulators reset, API/function/table created.

    A function update still settling is let finish first: the emulator flips the function
    to Successful on a timer that outlives a reset and would end the next run's wait early.
    """
    with contextlib.suppress(Exception):  # no function yet (first run): nothing settling
        wait_function_updated(sb.client("lambda"), fixtures.DEFAULT_FUNCTION, timeout=5.0)
    sb.reset()
    fixtures.ensure_scenario(sb)


def check_runbook_applied(sb: Sandbox, where: str) -> None:
    """The stage throttle is the one component every version of the provider manages."""
    settings = fixtures.stage_method_settings(sb, fixtures.DEFAULT_API_ID, fixtures.DEFAULT_STAGE)
    star = settings.get("*/*") or {}
    if star.get("throttlingRateLimit") != 100000.0 or star.get("throttlingBurstLimit") != 50000:
        raise BenchError(f"{where}: the stage throttle was not applied; methodSettings={settings}")


def run_cli_steps(sb: Sandbox, steps: list[runbook_steps.Step]) -> None:
    aws = shutil.which("aws", path=str(REPO / ".venv" / "bin"))
    if aws is None:
        raise BenchError("the aws CLI is not in .venv/bin; run: bash scripts/setup.sh --bench")
    env = sb.subprocess_env()
    env["AWS_MAX_ATTEMPTS"] = "1"
    env["AWS_PAGER"] = ""
    ctx: runbook_steps.Context = {}
    endpoints = sb.endpoints
    for step in steps:
        region = "us-east-1"
        argv = [aws, "--endpoint-url", endpoints[step.service], "--region", region, "--output", "json", *step.cli(ctx)]
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise BenchError(f"{step.describe()} failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
        if step.keep is not None:
            step.keep(json.loads(proc.stdout), ctx)


def run_boto3_steps(clients: dict[str, Any], steps: list[runbook_steps.Step], settle: bool = False) -> float:
    """The same calls from this process, clients already built; returns seconds spent in the calls.

    With ``settle``, each function configuration update is followed by what a correct apply
    must do before it reports success (and what ``aws lambda wait function-updated-v2``
    does): read the function until its update has settled, here every 10 ms.
    """
    ctx: runbook_steps.Context = {}
    t0 = time.perf_counter()
    for step in steps:
        kwargs = step.kwargs(ctx)
        resp = getattr(clients[step.service], step.method)(**kwargs)
        if step.keep is not None:
            step.keep(resp, ctx)
        if settle and step.method == "update_function_configuration":
            wait_function_updated(clients[step.service], kwargs["FunctionName"])
    return time.perf_counter() - t0


def wait_function_updated(client: Any, function: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        c = client.get_function_configuration(FunctionName=function)
        if c.get("LastUpdateStatus") == "Failed":
            raise BenchError(f"the update of {function} failed: {c.get('LastUpdateStatusReason')}")
        if c.get("LastUpdateStatus") not in ("InProgress",) and c.get("State") != "Pending":
            return
        time.sleep(0.01)
    raise BenchError(f"the update of {function} did not settle within {timeout} s")


_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT(\d\d):(\d\d):(\d\d\.\d+)Z) \[\w+\] (.*)$")


def apply_profile(tf: Terraform, log_path: Path) -> dict[str, Any]:
    """One `terraform apply` with TF_LOG=debug: where its wall time goes.

    From Terraform's log (its own lines and the provider's hclog lines): when each
    provider process started, each RPC's duration as the provider logged it
    ("served request ... duration_ms"), and each wait the provider made for AWS to
    settle ("wait over ... waited_ms").
    """
    saved = dict(tf.extra_env)
    tf.extra_env.update({"TF_LOG": "debug", "TF_LOG_PATH": str(log_path)})
    try:
        t0 = time.perf_counter()
        result = tf.run(*APPLY)
        wall = time.perf_counter() - t0
    finally:
        tf.extra_env = saved
    if result.rc != 0:
        raise BenchError(f"profiled apply failed: {result.stderr[-2000:]}")
    starts = 0
    rpcs: dict[str, list[float]] = {}
    waits: list[dict[str, Any]] = []
    first = last = None
    for line in log_path.read_text(errors="replace").splitlines():
        m = _LOG_LINE.match(line)
        if not m:
            continue
        t = int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4))
        first = t if first is None else first
        last = t
        msg = m.group(5)
        if "provider: starting plugin:" in msg:
            starts += 1
        elif "served request" in msg:
            rpc = re.search(r"tf_rpc=(\w+)", msg)
            dur = re.search(r"duration_ms=([0-9.e+-]+)", msg)
            if rpc and dur:
                rpcs.setdefault(rpc.group(1), []).append(float(dur.group(1)))
        elif "wait over" in msg or "wait timed out" in msg:
            what = re.search(r'wait="([^"]+)"', msg) or re.search(r"wait=(\S+)", msg)
            ms = re.search(r"waited_ms=([0-9.e+-]+)", msg)
            polls = re.search(r"polls=(\d+)", msg)
            waits.append({
                "wait": what.group(1) if what else "?",
                "ms": float(ms.group(1)) if ms else None,
                "polls": int(polls.group(1)) if polls else None,
            })
    return {
        "wall_s": wall,
        "logged_span_s": (last - first) if first is not None and last is not None else None,
        "provider_processes": starts,
        "rpc_ms": {k: [round(x, 2) for x in v] for k, v in sorted(rpcs.items())},
        "waits": waits,
    }


def terraform_data_config(count: int) -> str:
    parts = []
    names = ["quota_request", "api_gateway", "lambda", "dynamodb", "autoscaling", "cache_policy", "dashboard"]
    for i in range(count):
        name = "runbook" if count == 1 else names[i % len(names)]
        parts.append(
            f'resource "terraform_data" "{name}" {{\n'
            "  input = {\n"
            '    name        = "staging"\n'
            '    rest_api_id = "bmkd8zayee"\n'
            "    rate_limit  = 100000\n"
            "    burst_limit = 50000\n"
            "  }\n"
            "}\n"
        )
    return "\n".join(parts)


# The runbook's values that the provider's plan refuses (the rule engine runs in plan and
# the example keeps the runbook's mistakes on purpose), corrected the way the CLI commands
# are corrected: an override file replaces the `traffic` and `lambda_pools` attributes. The stage,
# quota, table, cache policy and dashboard stay as the runbook has them.
RUNBOOK_CORRECTIONS = """\
resource "smuppy_scaling_profile" "runbook" {
  # 100k req/s needs 1,100 concurrent executions; the sandbox account has 1,000.
  traffic = {
    peak_rps        = 10000
    latency_ms      = 55
    cache_hit_ratio = 0.8
  }

  # Reserved 10,000 > account 1,000; timeout 30 s > the 29 s integration timeout.
  lambda_pools = {
    api = {
      function_name           = "smuppy-api-handler"
      reserved_concurrency    = 800
      provisioned_concurrency = 100
      qualifier               = "prod"
      memory_size             = 1024
      timeout                 = 20
    }
  }
}
"""


def STEADY_FUNCTION(corrections: str) -> str:
    out = corrections.replace("memory_size             = 1024", "memory_size             = 256")
    out = out.replace("      timeout                 = 20\n", "")
    if out == corrections:
        raise BenchError("the runbook corrections changed: cannot derive the variant without a function update")
    return out


def bench_runbook(sb: Sandbox, provider_dir: Path, runs: int, counter: CallCounter, work: Path) -> dict[str, Any]:
    log("runbook: preparing the example and the floors")
    example = work / "runbook"
    shutil.copytree(REPO / "examples" / "runbook", example)
    (example / "sandbox_override.tf").write_text(provider_block(sb.provider_endpoints))
    corrections = RUNBOOK_CORRECTIONS
    (example / "bench_override.tf").write_text(corrections)
    tf = Terraform(example, sb, provider_directory=provider_dir)
    # The same apply without the function configuration change: memory left at the
    # fixture's 256 MB and no timeout, so nothing waits for a Lambda update to settle.
    steady = work / "runbook_steady"
    shutil.copytree(example, steady, ignore=shutil.ignore_patterns(".terraform*", "terraform.tfstate*"))
    (steady / "bench_override.tf").write_text(STEADY_FUNCTION(corrections))
    tf_steady = Terraform(steady, sb, provider_directory=provider_dir)

    floor_dirs = {}
    for count in (1, 7):
        d = work / f"terraform_data_{count}"
        d.mkdir()
        (d / "main.tf").write_text(terraform_data_config(count))
        floor_dirs[count] = Terraform(d, None, provider_directory=provider_dir, check_provider=False)

    # The plan of the runbook in `terraform show -json` form (the validator's input shape).
    fresh_runbook_world(sb)
    tf_checked(tf, "plan", "-input=false", "-no-color", "-out=runbook.tfplan")
    _, shown = tf_checked(tf, "show", "-json", "runbook.tfplan")
    plan_doc = json.loads(shown.stdout)
    (example / "runbook.tfplan").unlink()
    if runs == 0:
        for ftf in floor_dirs.values():
            ftf.cleanup()
        tf.cleanup()
        tf_steady.cleanup()
        return {"_plan_doc": plan_doc}

    samples: dict[str, list[float]] = {k: [] for k in (
        "terraform_apply", "terraform_apply_no_function_update", "cli_quick_start", "cli_sections_1_4",
        "terraform_data_1", "terraform_data_7", "boto3_sections_1_4", "boto3_sections_1_4_settled",
        "boto3_quick_start")}
    calls: dict[str, dict[str, int]] = {}
    diagnostics: list[str] = []

    for i in range(runs):
        log(f"runbook: run {i + 1}/{runs}")
        # terraform apply of examples/runbook
        fresh_runbook_world(sb)
        clear_state(example)
        counter.mark()
        t, result = tf_checked(tf, *APPLY)
        calls["terraform_apply"] = counter.count()
        samples["terraform_apply"].append(t)
        check_runbook_applied(sb, "terraform apply")
        if i == 0:
            diagnostics = [ln for ln in result.stdout.splitlines() + result.stderr.splitlines() if "Warning" in ln or "Error" in ln]

        fresh_runbook_world(sb)
        clear_state(steady)
        t, _ = tf_checked(tf_steady, *APPLY)
        samples["terraform_apply_no_function_update"].append(t)
        check_runbook_applied(sb, "terraform apply without the function update")

        # the runbook's CLI commands
        fresh_runbook_world(sb)
        counter.mark()
        t, _ = timed(lambda: run_cli_steps(sb, runbook_steps.SECTIONS_1_4))
        calls["cli_sections_1_4"] = counter.count()
        samples["cli_sections_1_4"].append(t)
        check_runbook_applied(sb, "aws CLI sections 1-4")

        fresh_runbook_world(sb)
        counter.mark()
        t, _ = timed(lambda: run_cli_steps(sb, runbook_steps.QUICK_START))
        calls["cli_quick_start"] = counter.count()
        samples["cli_quick_start"].append(t)

        # floor (b): the same calls from one process
        fresh_runbook_world(sb)
        clients = {s: sb.client(s) for s in {st.service for st in runbook_steps.SECTIONS_1_4}}
        counter.mark()
        samples["boto3_sections_1_4"].append(run_boto3_steps(clients, runbook_steps.SECTIONS_1_4))
        calls["boto3_sections_1_4"] = counter.count()
        check_runbook_applied(sb, "boto3 sections 1-4")
        fresh_runbook_world(sb)
        clients = {s: sb.client(s) for s in {st.service for st in runbook_steps.SECTIONS_1_4}}
        samples["boto3_sections_1_4_settled"].append(
            run_boto3_steps(clients, runbook_steps.SECTIONS_1_4, settle=True))
        fresh_runbook_world(sb)
        clients = {s: sb.client(s) for s in {st.service for st in runbook_steps.QUICK_START}}
        samples["boto3_quick_start"].append(run_boto3_steps(clients, runbook_steps.QUICK_START))

        # floor (a): Terraform's core alone
        for count, ftf in floor_dirs.items():
            clear_state(ftf.workdir)
            t, _ = tf_checked(ftf, *APPLY)
            samples[f"terraform_data_{count}"].append(t)

    # Where one apply's time goes: Terraform's debug log of a further run (not timed above).
    fresh_runbook_world(sb)
    clear_state(example)
    profile = apply_profile(tf, work / "runbook-apply.log")

    for ftf in floor_dirs.values():
        ftf.cleanup()
    tf.cleanup()
    tf_steady.cleanup()

    med = {k: statistics.median(v) for k, v in samples.items()}
    floor = med["terraform_data_1"] + med["boto3_sections_1_4"]
    floor_settled = med["terraform_data_1"] + med["boto3_sections_1_4_settled"]
    return {
        "samples": {k: summary(v) for k, v in samples.items()},
        "aws_calls": calls,
        "floor_s": floor,
        "floor_settled_s": floor_settled,
        "ratio_vs_floor_settled": med["terraform_apply"] / floor_settled,
        "ratio_no_function_update_vs_floor": med["terraform_apply_no_function_update"] / floor,
        "speedup_no_function_update_vs_cli_sections_1_4": med["cli_sections_1_4"] / med["terraform_apply_no_function_update"],
        "profile": profile,
        "speedup_vs_cli_sections_1_4": med["cli_sections_1_4"] / med["terraform_apply"],
        "speedup_vs_cli_quick_start": med["cli_quick_start"] / med["terraform_apply"],
        "ratio_vs_floor": med["terraform_apply"] / floor,
        "apply_diagnostics": diagnostics[:20],
        "cli_commands": {
            "quick_start": [s.describe() for s in runbook_steps.QUICK_START],
            "sections_1_4": [s.describe() for s in runbook_steps.SECTIONS_1_4],
        },
        "_plan_doc": plan_doc,
    }


# ==========================================================================================================
# 2. Refresh and no-op plan of N profiles
# ==========================================================================================================


class _ThreadSandbox:
    """What the fixture helpers use of a Sandbox, with a boto3 session of its own (thread safety)."""

    def __init__(self, sb: Sandbox) -> None:
        import boto3

        self._sb = sb
        self._session = boto3.session.Session()
        self._clients: dict[str, Any] = {}

    def client(self, service: str, **kwargs: Any) -> Any:
        if service not in self._clients:
            from harness.sandbox import SANDBOX_ACCOUNT_ID, SANDBOX_SECRET_ACCESS_KEY, region_for

            self._clients[service] = self._session.client(
                service,
                endpoint_url=self._sb.endpoints[service],
                region_name=region_for(service),
                aws_access_key_id=SANDBOX_ACCOUNT_ID,
                aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY,
            )
        return self._clients[service]

    def invoke_url(self, api_id: str, stage: str) -> str:
        return self._sb.invoke_url(api_id, stage)


def scale_fixtures(sb: Sandbox, n: int) -> list[fixtures.Scenario]:
    local = threading.local()

    def make(i: int) -> fixtures.Scenario:
        if not hasattr(local, "sb"):
            local.sb = _ThreadSandbox(sb)
        return fixtures.ensure_scenario(local.sb, f"p{i:03d}", billing_mode="PAY_PER_REQUEST",
                                        lambda_integration=False)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(make, range(n)))


def profile_hcl(i: int, sc: fixtures.Scenario) -> str:
    # Values equal to the fixtures' own where a change would make apply wait for AWS
    # (memory), so setting up N profiles stays cheap; the stage throttle is changed.
    return (
        f'resource "smuppy_scaling_profile" "p{i:03d}" {{\n'
        f'  name = "p{i:03d}"\n'
        "  api_gateway {\n"
        f'    rest_api_id = "{sc.api.api_id}"\n'
        f'    stage_name  = "{sc.api.stage_name}"\n'
        "    rate_limit  = 1000\n"
        "    burst_limit = 500\n"
        "  }\n"
        "  lambda {\n"
        f'    function_name        = "{sc.function.name}"\n'
        "    reserved_concurrency = 5\n"
        f"    memory_size          = {sc.function.memory_size}\n"
        "  }\n"
        "  dynamodb {\n"
        f'    table_name   = "{sc.table.name}"\n'
        '    billing_mode = "PAY_PER_REQUEST"\n'
        "  }\n"
        "}\n"
    )


def bench_scale(sb: Sandbox, provider_dir: Path, runs: int, counter: CallCounter, work: Path) -> dict[str, Any]:
    n_max = max(SCALE_COUNTS)
    sb.reset()
    log(f"scale: creating {n_max} API/function/table fixtures")
    t, scenarios = timed(lambda: scale_fixtures(sb, n_max))
    log(f"scale: fixtures ready in {t:.1f}s")
    workdir = work / "scale"
    tf = Terraform(workdir, sb, provider_directory=provider_dir)
    tf.write_config("")
    binary = provider_dir / PROVIDER_BINARY
    out: dict[str, Any] = {"counts": {}}
    for n in SCALE_COUNTS:
        (workdir / "main.tf").write_text("\n".join(profile_hcl(i, scenarios[i]) for i in range(n)))
        log(f"scale: {n} profiles: apply (set-up, not timed)")
        t_apply, _ = tf_checked(tf, *APPLY)
        refresh: list[float] = []
        plan: list[float] = []
        refresh_calls: list[int] = []
        plan_calls: list[int] = []
        for _ in range(runs):
            counter.mark()
            t, _ = tf_checked(tf, "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
            refresh.append(t)
            refresh_calls.append(sum(counter.count().values()))
            counter.mark()
            t, result = timed(lambda: tf.run("plan", "-detailed-exitcode", "-input=false", "-no-color"))
            if result.rc != 0:
                raise BenchError(f"plan of {n} profiles is not a no-op (rc {result.rc}):\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
            plan.append(t)
            plan_calls.append(sum(counter.count().values()))
        entry: dict[str, Any] = {
            "setup_apply_s": t_apply,
            "refresh_s": summary(refresh),
            "noop_plan_s": summary(plan),
            "refresh_aws_calls_per_profile": statistics.median(refresh_calls) / n,
            "plan_aws_calls_per_profile": statistics.median(plan_calls) / n,
        }
        if n == n_max:
            log(f"scale: {n} profiles: peak provider RSS (separate, untimed plan)")
            with RssPoller(binary) as poller:
                tf_checked(tf, "plan", "-input=false", "-no-color")
            entry["provider_peak_rss_mb"] = poller.peak_kb / 1024
            entry["provider_processes_in_plan"] = len(poller.pids)
        out["counts"][str(n)] = entry
        log(f"scale: {n} profiles: refresh {statistics.median(refresh):.2f}s, plan {statistics.median(plan):.2f}s")
    # Linearity: seconds per extra profile between 10 and 100, against the fixed cost at 1.
    r = {n: out["counts"][str(n)]["refresh_s"]["median"] for n in SCALE_COUNTS}
    out["refresh_marginal_ms_per_profile"] = 1000 * (r[100] - r[10]) / 90
    out["refresh_fixed_s"] = r[1]
    log("scale: destroying (not timed)")
    tf_checked(tf, "destroy", "-auto-approve", "-input=false", "-no-color")
    tf.cleanup()
    return out


# ==========================================================================================================
# 3. The provider process: start -> handshake, GetProviderSchema, (RSS above)
# ==========================================================================================================


def client_cert_pem() -> str:
    """A client certificate like Terraform's AutoMTLS one: ECDSA P-521, self-signed, CA:TRUE."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP521R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HashiCorp"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(seconds=30))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, True, False, False, True, False, False, False), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA512())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def handshake_times(binary: Path, starts: int, cert_pem: str | None) -> list[float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "PLUGIN_"))}
    env.update({"TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE, "PLUGIN_PROTOCOL_VERSIONS": "6"})
    if cert_pem:
        env["PLUGIN_CLIENT_CERT"] = cert_pem
    out = []
    for _ in range(starts):
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(binary)], env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - t0
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        parts = line.decode(errors="replace").strip().split("|")
        if len(parts) < 5 or parts[0] != "1" or parts[1] != "6" or parts[2] != "unix":
            raise BenchError(f"unexpected handshake line {line!r}")
        if cert_pem and (len(parts) < 6 or not parts[5]):
            raise BenchError("handshake line without the server certificate under AutoMTLS")
        out.append(elapsed)
    return out


def grpc_stubs(tmp: Path) -> tuple[Any, Any]:
    try:
        from grpc_tools import protoc
    except ImportError as err:
        raise BenchError("grpcio-tools is not installed; run: bash scripts/setup.sh --bench") from err
    import grpc_tools

    tmp.mkdir(parents=True, exist_ok=True)
    proto_dir = REPO / "tfplugin" / "proto"
    include = Path(grpc_tools.__file__).parent / "_proto"
    rc = protoc.main(["protoc", f"-I{proto_dir}", f"-I{include}", f"--python_out={tmp}",
                      f"--grpc_python_out={tmp}", str(proto_dir / "tfplugin6.proto")])
    if rc != 0:
        raise BenchError("protoc failed on tfplugin6.proto")
    sys.path.insert(0, str(tmp))
    import tfplugin6_pb2  # type: ignore[import-not-found]
    import tfplugin6_pb2_grpc  # type: ignore[import-not-found]

    return tfplugin6_pb2, tfplugin6_pb2_grpc


def start_debug(binary: Path) -> tuple[subprocess.Popen[str], str]:
    """The provider in debug mode and the path of its plaintext unix socket."""
    proc = subprocess.Popen([str(binary), "--debug"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    for _ in range(5):
        line = proc.stdout.readline()
        if line.startswith("TF_REATTACH_PROVIDERS="):
            reattach = json.loads(line.split("=", 1)[1].strip().strip("'"))
            return proc, str(next(iter(reattach.values()))["Addr"]["String"])
    proc.kill()
    proc.wait()
    raise BenchError("provider --debug printed no TF_REATTACH_PROVIDERS line")


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def shutdown_to_exit(binary: Path, pb2: Any, pb2_grpc: Any) -> float:
    """What Terraform waits for when it is done with a provider: the GRPCController
    Shutdown call, then the connection closed, until the process has exited."""
    import grpc

    proc, addr = start_debug(binary)
    try:
        channel = grpc.insecure_channel(f"unix:{addr}", options=[("grpc.max_receive_message_length", 256 << 20), ("grpc.default_authority", "localhost")])
        pb2_grpc.ProviderStub(channel).GetProviderSchema(pb2.GetProviderSchema.Request(), timeout=10)
        shutdown = channel.unary_unary("/plugin.GRPCController/Shutdown",
                                       request_serializer=lambda b: b, response_deserializer=lambda b: b)
        t0 = time.perf_counter()
        shutdown(b"", timeout=10)
        channel.close()
        proc.wait(timeout=10)
        return time.perf_counter() - t0
    finally:
        stop(proc)


def bench_process(provider_dir: Path, work: Path, starts: int, calls: int) -> dict[str, Any]:
    import grpc

    binary = provider_dir / PROVIDER_BINARY
    cert = client_cert_pem()
    log(f"process: {starts} starts with AutoMTLS, {starts} without")
    handshake_times(binary, 3, cert)  # page cache warm
    mtls = handshake_times(binary, starts, cert)
    plain = handshake_times(binary, starts, None)

    pb2, pb2_grpc = grpc_stubs(work / "stubs")
    log(f"process: GetProviderSchema x{calls} over the debug socket")
    proc, addr = start_debug(binary)
    try:
        channel = grpc.insecure_channel(f"unix:{addr}", options=[("grpc.max_receive_message_length", 256 << 20), ("grpc.default_authority", "localhost")])
        stub = pb2_grpc.ProviderStub(channel)
        health = channel.unary_unary("/grpc.health.v1.Health/Check",
                                     request_serializer=lambda b: b, response_deserializer=lambda b: b)
        request = pb2.GetProviderSchema.Request()
        t0 = time.perf_counter()
        first = stub.GetProviderSchema(request, timeout=10)
        cold = time.perf_counter() - t0
        if "smuppy_scaling_profile" not in first.resource_schemas:
            raise BenchError("GetProviderSchema has no smuppy_scaling_profile")
        size = first.ByteSize()
        warm = []
        for _ in range(calls):
            t0 = time.perf_counter()
            stub.GetProviderSchema(request, timeout=10)
            warm.append(time.perf_counter() - t0)
        ping = []
        for _ in range(calls):
            t0 = time.perf_counter()
            health(b"\n\x06plugin", timeout=10)  # HealthCheckRequest{service: "plugin"}
            ping.append(time.perf_counter() - t0)
        channel.close()
    finally:
        stop(proc)
    log("process: Shutdown -> exit, 10 times")
    exits = [shutdown_to_exit(binary, pb2, pb2_grpc) for _ in range(10)]
    return {
        "shutdown_to_exit_s": summary(exits),
        "handshake_mtls_s": summary(mtls),
        "handshake_plaintext_s": summary(plain),
        "schema_first_s": cold,
        "schema_s": summary(warm),
        "schema_p95_s": sorted(warm)[int(0.95 * len(warm)) - 1],
        "schema_bytes": size,
        "health_check_s": summary(ping),
        "binary_bytes": binary.stat().st_size,
    }


# ==========================================================================================================
# 4. The validator
# ==========================================================================================================


def thousand_profile_plan(plan_doc: dict[str, Any], n: int) -> dict[str, Any]:
    """``plan_doc`` (one profile, from terraform show -json) with its profile repeated ``n`` times."""
    root = plan_doc.get("planned_values", {}).get("root_module", {})
    template = next((r for r in root.get("resources", []) if r.get("type") == "smuppy_scaling_profile"), None)
    if template is None:
        raise BenchError("the runbook plan has no smuppy_scaling_profile to replicate")
    resources = []
    for i in range(n):
        res = json.loads(json.dumps(template))
        res["address"] = f"smuppy_scaling_profile.p{i:04d}"
        res["name"] = f"p{i:04d}"
        values = res.setdefault("values", {})
        values["name"] = f"profile-{i:04d}"
        # Vary the load so the rule engine does not see one profile a thousand times.
        for t in values.get("traffic") or []:
            if isinstance(t, dict) and isinstance(t.get("peak_rps"), (int, float)):
                t["peak_rps"] = 1000 + 97 * i
        resources.append(res)
    doc = {k: v for k, v in plan_doc.items() if k not in ("planned_values", "resource_changes", "configuration", "prior_state")}
    doc["planned_values"] = {"root_module": {"resources": resources}}
    return doc


# A small interpreter that runs the command and prints its peak RSS (KiB). ru_maxrss of a
# child forked straight from this (large) process would count this process's pages from
# before exec; forked from a fresh, small interpreter the floor is that interpreter's size
# (about 10 MB), shown as the 1-profile figure.
_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)\n"
)


def run_with_rusage(argv: list[str]) -> tuple[float, int, int]:
    """Wall seconds and exit code of one run, and peak RSS (KiB) of another through the wrapper."""
    t0 = time.perf_counter()
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise BenchError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[:500]}")
    wrapped = subprocess.run([sys.executable, "-S", "-c", _RSS_WRAPPER, *argv], capture_output=True, text=True)
    try:
        rss_kb = int(wrapped.stdout.split()[0])
    except (IndexError, ValueError) as err:
        raise BenchError(f"peak RSS wrapper failed: {wrapped.stderr[:300]}") from err
    return elapsed, proc.returncode, rss_kb


def bench_validator(validator: Path, plan_doc: dict[str, Any], runs: int, work: Path) -> dict[str, Any]:
    n = 1000
    path = work / "plan-1000.json"
    path.write_text(json.dumps(thousand_profile_plan(plan_doc, n)))
    one = work / "plan-1.json"
    one.write_text(json.dumps(thousand_profile_plan(plan_doc, 1)))
    # Check the input is read as 1,000 profiles (JSON output lists one entry per profile).
    shown = subprocess.run([str(validator), "--format", "json", str(path)], capture_output=True, text=True)
    profiles_seen = None
    try:
        doc = json.loads(shown.stdout)
        if isinstance(doc, dict) and isinstance(doc.get("profiles"), list):
            profiles_seen = len(doc["profiles"])
    except json.JSONDecodeError:
        pass
    log(f"validator: {runs} runs on {n} profiles")
    big = [run_with_rusage([str(validator), str(path)]) for _ in range(runs)]
    small = [run_with_rusage([str(validator), str(one)]) for _ in range(runs)]
    wall = [b[0] for b in big]
    fixed = statistics.median(s[0] for s in small)
    med = statistics.median(wall)
    return {
        "profiles": n,
        "profiles_reported": profiles_seen,
        "input_bytes": path.stat().st_size,
        "wall_s": summary(wall),
        "exit_code": big[0][1],
        "profiles_per_s": n / med,
        "profiles_per_s_excluding_start": n / max(med - fixed, 1e-9),
        "one_profile_wall_s": fixed,
        "peak_rss_mb": max(b[2] for b in big) / 1024,
        "one_profile_peak_rss_mb": max(s[2] for s in small) / 1024,
        "rss_floor_mb": run_with_rusage(["true"])[2] / 1024,
        "binary_bytes": validator.stat().st_size,
    }


# ==========================================================================================================
# Report
# ==========================================================================================================


def verdict(ok: bool, miss: str) -> str:
    return "met" if ok else f"**missed** ({miss})"


def over(ratio: float) -> str:
    return f"{ratio:.2f}× over"


def short(ratio: float) -> str:
    return f"{ratio:.2f}× short"


def markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {res['finished_at']} on {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, "
        f"Linux {m['kernel']}; load average at start {', '.join(f'{x:.2f}' for x in m['loadavg_at_start'])}. "
        f"{res['toolchain']}; tree at commit {res['commit']}, provider binary built "
        f"{res.get('provider_binary_built', '?')}. Medians of {res['runs']} runs unless stated.",
        "",
        "| figure | measured | target | verdict |",
        "|---|---|---|---|",
    ]
    T = TARGETS
    rb = res.get("runbook")
    if rb:
        s = rb["samples"]
        ta = s["terraform_apply"]["median"]
        cli = s["cli_sections_1_4"]["median"]
        sp = rb["speedup_vs_cli_sections_1_4"]
        lines.append(f"| `terraform apply` examples/runbook | {ta:.3f} s | | |")
        lines.append(f"| runbook sections 1–4 with the `aws` CLI ({len(rb['cli_commands']['sections_1_4'])} calls) | {cli:.2f} s | | |")
        lines.append(f"| runbook Quick Start with the `aws` CLI (4 calls) | {s['cli_quick_start']['median']:.2f} s | | |")
        lines.append(
            f"| apply vs CLI sections 1–4 | {sp:.1f}× faster | ≥ {T['apply_vs_cli_min_speedup']:.0f}× | " +
            verdict(sp >= T['apply_vs_cli_min_speedup'], short(T['apply_vs_cli_min_speedup'] / sp)) + " |")
        lines.append(f"| apply vs CLI Quick Start | {rb['speedup_vs_cli_quick_start']:.1f}× faster | | |")
        lines.append(f"| floor (a): `terraform_data` apply, 1 resource / 7 resources | "
                     f"{s['terraform_data_1']['median']:.3f} s / {s['terraform_data_7']['median']:.3f} s | | |")
        lines.append(f"| floor (b): the {len(rb['cli_commands']['sections_1_4'])} calls from one process (boto3) | "
                     f"{1000 * s['boto3_sections_1_4']['median']:.1f} ms | | |")
        r = rb["ratio_vs_floor"]
        lines.append(
            f"| apply vs floor (a)+(b) = {rb['floor_s']:.3f} s | {r:.2f}× | ≤ {T['apply_vs_floor_max_ratio']}× | " +
            verdict(r <= T['apply_vs_floor_max_ratio'], over(r / T['apply_vs_floor_max_ratio'])) + " |")
        lines.append(f"| floor (c): the same calls, then reading the function until its update settled | "
                     f"{1000 * s['boto3_sections_1_4_settled']['median']:.1f} ms | | |")
        lines.append(f"| apply vs floor (a)+(c) = {rb['floor_settled_s']:.3f} s | {rb['ratio_vs_floor_settled']:.2f}× | | |")
        nf = s["terraform_apply_no_function_update"]["median"]
        lines.append(f"| `terraform apply` without the function configuration change (nothing to wait for) | {nf:.3f} s: "
                     f"{rb['speedup_no_function_update_vs_cli_sections_1_4']:.1f}× faster than the CLI, "
                     f"{rb['ratio_no_function_update_vs_floor']:.2f}× floor (a)+(b) | | |")
        c = rb["aws_calls"]
        lines.append(f"| AWS requests: apply / CLI sections 1–4 / boto3 | "
                     f"{sum(c.get('terraform_apply', {}).values())} / {sum(c.get('cli_sections_1_4', {}).values())} / "
                     f"{sum(c.get('boto3_sections_1_4', {}).values())} | | |")
    sc = res.get("scale")
    if sc:
        for n in SCALE_COUNTS:
            e = sc["counts"][str(n)]
            lines.append(
                f"| {n} profiles: refresh / no-op plan | {e['refresh_s']['median']:.2f} s / {e['noop_plan_s']['median']:.2f} s "
                f"({e['refresh_aws_calls_per_profile']:.1f} / {e['plan_aws_calls_per_profile']:.1f} AWS calls per profile) | "
                + (f"refresh ≤ {T['refresh_100_s_max']:.0f} s | "
                   + verdict(e['refresh_s']['median'] <= T['refresh_100_s_max'],
                             over(e['refresh_s']['median'] / T['refresh_100_s_max'])) + " |"
                   if n == 100 else "| |"))
        lines.append(f"| refresh: fixed cost (1 profile) / marginal per profile (10→100) | "
                     f"{sc['refresh_fixed_s']:.2f} s / {sc['refresh_marginal_ms_per_profile']:.1f} ms | | |")
        e = sc["counts"]["100"]
        if "provider_peak_rss_mb" in e:
            rss = e["provider_peak_rss_mb"]
            lines.append(f"| provider peak RSS, plan of 100 profiles ({e['provider_processes_in_plan']} provider processes) | "
                         f"{rss:.1f} MB | ≤ {T['rss_100_mb_max']:.0f} MB | " +
                         verdict(rss <= T['rss_100_mb_max'], over(rss / T['rss_100_mb_max'])) + " |")
    pr = res.get("process")
    if pr:
        h = 1000 * pr["handshake_mtls_s"]["median"]
        lines.append(f"| start → handshake line, AutoMTLS ({pr['handshake_mtls_s']['runs']} starts) | {h:.2f} ms "
                     f"(plaintext {1000 * pr['handshake_plaintext_s']['median']:.2f} ms) | ≤ {T['handshake_ms_max']:.0f} ms | " +
                     verdict(h <= T['handshake_ms_max'], over(h / T['handshake_ms_max'])) + " |")
        g = 1000 * pr["schema_s"]["median"]
        lines.append(f"| GetProviderSchema ({pr['schema_s']['runs']} calls, {pr['schema_bytes']} B) | {g:.3f} ms "
                     f"(first {1000 * pr['schema_first_s']:.2f} ms; gRPC health check {1000 * pr['health_check_s']['median']:.3f} ms) | "
                     f"≤ {T['schema_ms_max']:.0f} ms | " + verdict(g <= T['schema_ms_max'], over(g / T['schema_ms_max'])) + " |")
        lines.append(f"| provider Shutdown call → process exit (what Terraform waits for per provider process) | "
                     f"{1000 * pr['shutdown_to_exit_s']['median']:.1f} ms | | |")
        lines.append(f"| provider binary size | {pr['binary_bytes'] / 1e6:.1f} MB | | |")
    va = res.get("validator")
    if va:
        pps = va["profiles_per_s"]
        lines.append(f"| validator, plan JSON of {va['profiles']} profiles ({va['input_bytes'] / 1e6:.1f} MB) | "
                     f"{pps:,.0f} profiles/s ({1000 * va['wall_s']['median']:.1f} ms; "
                     f"{va['profiles_per_s_excluding_start']:,.0f}/s without start-up) | ≥ {T['validator_profiles_per_s_min']:,.0f}/s | " +
                     verdict(pps >= T['validator_profiles_per_s_min'], short(T['validator_profiles_per_s_min'] / pps)) + " |")
        lines.append(f"| validator peak RSS, 1,000 profiles (1 profile; measuring floor) | {va['peak_rss_mb']:.1f} MB "
                     f"({va['one_profile_peak_rss_mb']:.1f} MB; {va['rss_floor_mb']:.1f} MB) | | |")
    if rb:
        lines += ["", "Runbook commands timed with the `aws` CLI (one process each, `AWS_MAX_ATTEMPTS=1`):", ""]
        lines.append("- Quick Start: " + "; ".join(f"`{c}`" for c in rb["cli_commands"]["quick_start"]))
        lines.append("- Sections 1–4: " + "; ".join(f"`{c}`" for c in rb["cli_commands"]["sections_1_4"]))
        pf = rb.get("profile")
        if pf:
            lines.append("")
            rpc = "; ".join(f"{k} {', '.join(f'{x:.1f}' for x in v)}" for k, v in pf["rpc_ms"].items())
            waits = "; ".join(f"{w['wait']}: {w['ms']:.0f} ms ({w['polls']} reads)" for w in pf["waits"] if w["ms"] is not None)
            lines.append(f"Profile of one apply (TF_LOG=debug, {pf['wall_s']:.3f} s wall, {pf['provider_processes']} provider "
                         f"processes started): RPC durations in ms as the provider logged them: {rpc}. "
                         f"Waits for AWS to settle inside ApplyResourceChange: {waits or 'none'}.")
        lines.append("")
        lines.append("AWS requests per run, by service: " + "; ".join(
            f"{k}: {json.dumps(v, sort_keys=True)}" for k, v in rb["aws_calls"].items()))
    lines.append("")
    sp = res.get("strict_prod")
    if sp:
        lines += strict_prod.markdown(sp)
    return "\n".join(lines)


def git_commit() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "provider", "scaling-aws", "tfplugin", "scaling"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+local changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--starts", type=int, default=60, help="provider starts timed (each mode)")
    ap.add_argument("--schema-calls", type=int, default=200)
    ap.add_argument("--only", default="runbook,scale,process,validator,strict-prod")
    ap.add_argument("--strict-runs", type=int, default=3,
                    help="applies of examples/prod under the strict sandbox (each waits ≥ 20 s)")
    ap.add_argument("--merge", action="store_true",
                    help="keep the sections of the existing results.json that this run does not measure")
    ap.add_argument("--provider-dir", default=os.environ.get("SMUPPY_PROVIDER_DIR", str(REPO / "target" / "release")))
    ap.add_argument("--validator", default=None, help="smuppy-validate binary (default: in --provider-dir)")
    ap.add_argument("--out", default=str(BENCH_DIR))
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    provider_dir = Path(args.provider_dir).resolve()
    validator = Path(args.validator).resolve() if args.validator else provider_dir / "smuppy-validate"
    for b in [provider_dir / PROVIDER_BINARY] + ([validator] if "validator" in only else []):
        if not b.is_file():
            raise BenchError(f"{b} not found: build with cargo build --release")

    results: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "toolchain": rust_toolchain(),
        "commit": git_commit(),
        "provider_binary_built": dt.datetime.fromtimestamp(
            (provider_dir / PROVIDER_BINARY).stat().st_mtime, dt.timezone.utc).isoformat(timespec="seconds"),
        "runs": args.runs,
        "targets": TARGETS,
    }
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="smuppy-bench-"))
    # ministack logs one line per AWS request at DEBUG: the call counts come from there.
    os.environ["LOG_LEVEL"] = "DEBUG"
    plan_doc: dict[str, Any] | None = None
    try:
        # The lenient emulators: the benchmark times the runbook's commands with its values
        # (burst 50,000, 10,000 reserved), which the strict sandbox refuses as AWS does.
        needed = only & {"runbook", "scale", "validator"}
        with Sandbox(strict=False) if needed else contextlib.nullcontext() as sb:
            if sb is not None:
                log(f"sandbox up in {sb.started_in:.2f}s")
                counter = CallCounter(sb)
            if "runbook" in only or "validator" in only:
                rb = bench_runbook(sb, provider_dir, args.runs if "runbook" in only else 0, counter, work)
                plan_doc = rb.pop("_plan_doc")
                if "runbook" in only:
                    results["runbook"] = rb
            if "scale" in only:
                results["scale"] = bench_scale(sb, provider_dir, args.runs, counter, work)
        if "process" in only:
            results["process"] = bench_process(provider_dir, work, args.starts, args.schema_calls)
        if "validator" in only and plan_doc is not None:
            results["validator"] = bench_validator(validator, plan_doc, max(args.runs, 5), work)
        if "strict-prod" in only:
            build = "release build" if provider_dir.name == "release" else f"{provider_dir.name} build (not release)"
            try:
                sp = strict_prod.bench_strict_prod(provider_dir, args.strict_runs, work, build)
            except strict_prod.StrictProdError as err:
                raise BenchError(str(err)) from err
            sp.update({"machine": results["machine"], "commit": results["commit"],
                       "provider_binary_built": results["provider_binary_built"],
                       "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
            results["strict_prod"] = sp
    finally:
        if os.environ.get("BENCH_KEEP_WORK"):
            log(f"kept the working files in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["finished_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    results["duration_s"] = time.perf_counter() - began
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.merge and (out / "results.json").is_file():
        # Only the measured sections are replaced; the run's header stays the earlier run's.
        earlier = json.loads((out / "results.json").read_text())
        measured = {k: results[k] for k in ("runbook", "scale", "process", "validator", "strict_prod") if k in results}
        earlier.update(measured)
        results = earlier
    (out / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    md = markdown(results)
    (out / "results.md").write_text(md)
    print(md)
    log(f"done in {results['duration_s']:.0f}s; wrote {out / 'results.json'} and {out / 'results.md'}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as err:
        print(f"bench: {err}", file=sys.stderr)
        sys.exit(1)
