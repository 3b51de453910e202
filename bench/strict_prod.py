"""Section 5 of the benchmark: `terraform apply` of examples/prod under the strict sandbox
with realistic transition times, against the longest chain of waits that must follow one
another (bench/README.md, section 5, explains the method).

Used by bench/run.py (``--only strict-prod``); the figures go to results.json under
``strict_prod``.
"""

from __future__ import annotations

import re
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from harness import fixtures, sandbox as sandbox_mod
from harness.sandbox import Sandbox
from harness.strict import REALISTIC_PROFILE
from harness.terraform import Terraform, provider_block

APPLY = ("apply", "-auto-approve", "-input=false", "-no-color")
DESTROY = ("destroy", "-auto-approve", "-input=false", "-no-color")
PROD_POOLS = ("smuppy-api-handler", "smuppy-api-pool-2", "smuppy-api-pool-3")
PROD_TABLE = "smuppy-feeds-prod"
PROD_STAGE = "prod"
# The increases examples/prod asks for, approved before the apply: a production account
# whose quota requests went through (the apply then files nothing new). Without the
# Lambda one, AWS (and the strict layer) refuse 10,000 reserved executions.
PROD_QUOTAS = (("apigateway", "L-8A5B8E43", 100000.0), ("lambda", "L-B99A9384", 12000.0))
RATIO_TARGET = 1.1
# A wait that starts less than this after another ended, in the same component, is taken
# as following it (log timestamps are to the millisecond; waited_ms is measured apart).
TOLERANCE_S = 0.005

_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT(\d\d):(\d\d):(\d\d\.\d+)Z) \[\w+\] (.*)$")


class StrictProdError(RuntimeError):
    pass


def _log(msg: str) -> None:
    import sys

    print(f"[bench {time.strftime('%H:%M:%S')}] strict-prod: {msg}", file=sys.stderr, flush=True)


def _field(msg: str, name: str) -> str | None:
    m = re.search(rf'\b{name}="((?:[^"\\]|\\.)*)"', msg) or re.search(rf"\b{name}=(\S+)", msg)
    return m.group(1) if m else None


def parse_waits(log_text: str) -> dict[str, Any]:
    """The provider's waits (``wait over`` / ``wait timed out`` lines of ``poll_until``) and
    ApplyResourceChange's duration, from a TF_LOG=debug log of one apply."""
    waits: list[dict[str, Any]] = []
    apply_rpc_ms: list[float] = []
    apply_rpc: list[tuple[float, float]] = []  # (start, end) of each ApplyResourceChange
    for line in log_text.splitlines():
        m = _LOG_LINE.match(line)
        if not m:
            continue
        end = int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4))
        msg = m.group(5)
        if "wait over" in msg or "wait timed out" in msg:
            ms = _field(msg, "waited_ms")
            if ms is None:
                continue
            dur = float(ms) / 1000.0
            waits.append({
                "wait": _field(msg, "wait") or "?",
                "component": _field(msg, "component"),
                "start": end - dur,
                "end": end,
                "s": dur,
                "polls": int(_field(msg, "polls") or 0),
                "timed_out": "wait timed out" in msg,
            })
        elif "served request" in msg and _field(msg, "tf_rpc") == "ApplyResourceChange":
            dur = _field(msg, "duration_ms")
            if dur is not None:
                apply_rpc_ms.append(float(dur))
                apply_rpc.append((end - float(dur) / 1000.0, end))
    waits.sort(key=lambda w: w["start"])
    return {"waits": waits, "apply_resource_change_ms": apply_rpc_ms, "apply_resource_change": apply_rpc}


def longest_chain(waits: list[dict[str, Any]]) -> dict[str, Any]:
    """The longest chain of waits that must follow one another.

    Waits of one component run in one task: a wait that starts after another of the same
    component ended follows it (it could not start earlier). Waits of different components
    run concurrently and never chain; two waits of one component that overlap are not
    chained either. The chain with the largest summed duration is the critical path of the
    waits: no ordering of the provider's work can finish before it. A wait without a
    component name forms a chain on its own.
    """
    best: dict[str, Any] = {"s": 0.0, "waits": [], "component": None}
    by_comp: dict[Any, list[int]] = {}
    for i, w in enumerate(waits):
        key = w["component"] if w["component"] is not None else ("?", i)
        by_comp.setdefault(key, []).append(i)
    for key, idx in by_comp.items():
        idx.sort(key=lambda i: waits[i]["end"])
        total: dict[int, float] = {}
        prev: dict[int, int | None] = {}
        for i in idx:
            total[i], prev[i] = waits[i]["s"], None
            for j in idx:
                if j != i and waits[j]["end"] <= waits[i]["start"] + TOLERANCE_S and j in total:
                    if total[j] + waits[i]["s"] > total[i]:
                        total[i], prev[i] = total[j] + waits[i]["s"], j
        for i in idx:
            if total[i] > best["s"]:
                chain, k = [], i
                while k is not None:
                    chain.append(k)
                    k = prev[k]
                chain.reverse()
                best = {
                    "s": total[i],
                    "component": key if isinstance(key, str) else None,
                    "names": [waits[c]["wait"] for c in chain],
                    "waits": [f"{waits[c]['wait']} {waits[c]['s']:.2f} s" for c in chain],
                    "span_s": waits[i]["end"] - waits[chain[0]]["start"],
                    "start": waits[chain[0]]["start"],
                    "end": waits[i]["end"],
                }
    return best


# The sandbox transition each wait waits for (harness.strict.Profile field).
TRANSITION = {
    "function configuration update": "function_update",
    "provisioned concurrency READY": "pc_ready",
    "table active": "table_update",
}


def nominal_chain(names: list[str], profile: Any) -> float | None:
    """The chain's length had each wait ended the moment the sandbox's transition did
    (no polling delay): the sum of the transition times of its waits."""
    if profile is None or any(n not in TRANSITION for n in names):
        return None
    return sum(float(getattr(profile, TRANSITION[n])) for n in names)


BREAKDOWN_LABELS = {
    "terraform_outside_apply_rpc_s": "Terraform outside ApplyResourceChange (start-up, refresh, plan, state)",
    "rpc_start_to_chain_start_s": "ApplyResourceChange before the chain's first wait (reads of the prior values, first writes)",
    "between_waits_on_chain_s": "between the waits of the chain (publish, alias, provisioned concurrency write)",
    "chain_end_to_rpc_end_s": "after the chain's last wait (read-back)",
}


def _ensure_fixtures(sb: Sandbox) -> None:
    """What examples/prod names: three pools with alias prod, stage prod, table (PROVISIONED);
    the account's quota increases approved."""
    functions = [fixtures.ensure_function(sb, name) for name in PROD_POOLS]
    fixtures.ensure_rest_api(sb, fixtures.DEFAULT_API_ID, stage=PROD_STAGE, function=functions[0])
    fixtures.ensure_table(sb, PROD_TABLE)
    sq = sb.client("service-quotas")
    sb.set_quota_auto_approve(True)
    try:
        for service, code, value in PROD_QUOTAS:
            sq.request_service_quota_increase(ServiceCode=service, QuotaCode=code, DesiredValue=value)
            got = sq.get_service_quota(ServiceCode=service, QuotaCode=code)["Quota"]["Value"]
            if float(got) < value:
                raise StrictProdError(f"quota {service}/{code} is {got} after an approved increase to {value}")
    finally:
        sb.set_quota_auto_approve(False)


def _check_applied(sb: Sandbox) -> None:
    """What AWS (the emulator) reports after the apply: PC READY on every pool, on-demand table."""
    lam = sb.client("lambda")
    for name in PROD_POOLS:
        pc = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="prod")
        if pc.get("Status") != "READY":
            raise StrictProdError(f"{name}:prod provisioned concurrency is {pc.get('Status')} after apply")
    table = sb.client("dynamodb").describe_table(TableName=PROD_TABLE)["Table"]
    if table.get("BillingModeSummary", {}).get("BillingMode") != "PAY_PER_REQUEST":
        raise StrictProdError(f"{PROD_TABLE} is not on demand after apply: {table.get('BillingModeSummary')}")


def _copy_root(into: Path) -> Path:
    repo = Path(__file__).resolve().parent.parent
    ignore = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*", "*_override.tf")
    shutil.copytree(repo / "terraform" / "modules" / "scaling-profile", into / "terraform" / "modules" / "scaling-profile", ignore=ignore)
    root = into / "examples" / "prod"
    shutil.copytree(repo / "examples" / "prod", root, ignore=ignore)
    return root


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def bench_strict_prod(provider_dir: Path, runs: int, work: Path, build: str) -> dict[str, Any]:
    # ministack's own account concurrency must match the approved quota (12,000), or the
    # emulator refuses the 10,000 reserved executions the strict layer lets through.
    saved = sandbox_mod.MINISTACK_ENV.get("LAMBDA_ACCOUNT_CONCURRENCY")
    sandbox_mod.MINISTACK_ENV["LAMBDA_ACCOUNT_CONCURRENCY"] = "12000"
    try:
        with Sandbox(strict=True, profile=REALISTIC_PROFILE) as sb:
            return _bench(sb, provider_dir, runs, work, build)
    finally:
        if saved is None:
            sandbox_mod.MINISTACK_ENV.pop("LAMBDA_ACCOUNT_CONCURRENCY", None)
        else:
            sandbox_mod.MINISTACK_ENV["LAMBDA_ACCOUNT_CONCURRENCY"] = saved


def _bench(sb: Sandbox, provider_dir: Path, runs: int, work: Path, build: str) -> dict[str, Any]:
    prof = sb.strict_state.profile if sb.strict_state else None
    _log(f"sandbox up in {sb.started_in:.2f}s, profile {prof}")
    root = _copy_root(work / "strict-prod")
    (root / "sandbox_override.tf").write_text(provider_block(sb.provider_endpoints))
    samples: list[dict[str, Any]] = []
    with Terraform(root, sb, provider_directory=provider_dir) as tf:
        init = tf.run("init", "-input=false", "-no-color")
        if init.rc != 0:
            raise StrictProdError(f"terraform init failed: {init.stderr[-2000:]}")
        for run in range(runs):
            sb.reset()
            _ensure_fixtures(sb)
            for name in ("terraform.tfstate", "terraform.tfstate.backup"):
                (root / name).unlink(missing_ok=True)
            log_path = work / f"strict-prod-apply-{run}.log"
            log_path.unlink(missing_ok=True)
            # The provider's lines only (its waits and RPC durations); Terraform's core
            # logs nothing, so the log costs the apply as little as it can.
            tf.extra_env.update({"TF_LOG_PROVIDER": "debug", "TF_LOG_PATH": str(log_path)})
            t0 = time.perf_counter()
            result = tf.run(*APPLY)
            wall = time.perf_counter() - t0
            tf.extra_env.pop("TF_LOG_PROVIDER", None)
            tf.extra_env.pop("TF_LOG_PATH", None)
            if result.rc != 0:
                errors = [ln for ln in (result.stdout + result.stderr).splitlines() if "Error" in ln]
                raise StrictProdError(f"apply {run} exited {result.rc}: {errors[:10]}\n{result.stdout[-4000:]}")
            _check_applied(sb)
            parsed = parse_waits(log_path.read_text(errors="replace"))
            waits = parsed["waits"]
            chain = longest_chain(waits)
            t1 = time.perf_counter()
            destroyed = tf.run(*DESTROY)
            destroy_s = time.perf_counter() - t1
            if destroyed.rc != 0:
                raise StrictProdError(f"destroy {run} exited {destroyed.rc}: {destroyed.stdout[-3000:]}")
            breakdown: dict[str, float] = {}
            if waits and len(parsed["apply_resource_change"]) == 1:
                arc_start, arc_end = parsed["apply_resource_change"][0]
                breakdown = {
                    "terraform_outside_apply_rpc_s": wall - (arc_end - arc_start),
                    "rpc_start_to_chain_start_s": chain["start"] - arc_start,
                    "between_waits_on_chain_s": chain["span_s"] - chain["s"],
                    "chain_end_to_rpc_end_s": arc_end - chain["end"],
                }
            sample = {
                "breakdown": breakdown,
                "apply_s": wall,
                "destroy_s": destroy_s,
                "apply_resource_change_s": sum(parsed["apply_resource_change_ms"]) / 1000.0,
                "sum_of_waits_s": sum(w["s"] for w in waits),
                "chain_s": chain["s"],
                "chain_span_s": chain.get("span_s", 0.0),
                "chain": chain,
                "ratio": wall / chain["s"] if chain["s"] else None,
                "nominal_chain_s": nominal_chain(chain.get("names", []), prof),
                "waits": [
                    {k: (round(v, 3) if isinstance(v, float) else v) for k, v in w.items() if k not in ("start", "end")}
                    | {"start_s": round(w["start"] - waits[0]["start"], 3)}
                    for w in waits
                ],
            }
            _log(f"run {run + 1}/{runs}: apply {wall:.2f} s, chain {chain['s']:.2f} s "
                 f"({' → '.join(chain['waits'])}), sum of waits {sample['sum_of_waits_s']:.2f} s, "
                 f"ratio {sample['ratio']:.3f}; destroy {destroy_s:.2f} s")
            samples.append(sample)
    ratios = [s["ratio"] for s in samples if s["ratio"] is not None]
    return {
        "build": build,
        "profile": {"pc_ready_s": prof.pc_ready, "function_update_s": prof.function_update,
                    "table_update_s": prof.table_update} if prof else None,
        "runs": len(samples),
        "apply_s": _median([s["apply_s"] for s in samples]),
        "destroy_s": _median([s["destroy_s"] for s in samples]),
        "apply_resource_change_s": _median([s["apply_resource_change_s"] for s in samples]),
        "chain_s": _median([s["chain_s"] for s in samples]),
        "chain_span_s": _median([s["chain_span_s"] for s in samples]),
        "sum_of_waits_s": _median([s["sum_of_waits_s"] for s in samples]),
        "ratio": _median(ratios) if ratios else None,
        "nominal_chain_s": samples[0]["nominal_chain_s"] if samples else None,
        "ratio_vs_nominal_chain": (_median([s["apply_s"] / s["nominal_chain_s"] for s in samples])
                                   if samples and all(s["nominal_chain_s"] for s in samples) else None),
        "ratio_target": RATIO_TARGET,
        "breakdown": {k: _median([s["breakdown"][k] for s in samples if k in s["breakdown"]])
                      for k in (samples[0]["breakdown"] if samples else {})},
        "samples": samples,
    }


def markdown(sp: dict[str, Any]) -> list[str]:
    p = sp["profile"] or {}
    r = sp["ratio"]
    verdict = "met" if r is not None and r <= RATIO_TARGET else f"**missed** ({r / RATIO_TARGET:.2f}× over)"
    chain = sp["samples"][0]["chain"] if sp["samples"] else {}
    return [
        f"## examples/prod under the strict sandbox, realistic transition times",
        "",
        f"Strict layer with provisioned concurrency READY after {p.get('pc_ready_s')} s, a function update "
        f"{p.get('function_update_s')} s, a table update {p.get('table_update_s')} s; provider: {sp['build']}. "
        f"Medians of {sp['runs']} applies (TF_LOG_PROVIDER=debug), each from fresh fixtures; see bench/README.md, section 5. "
        f"Run {sp.get('finished_at', '?')}, load average at the start of the bench run "
        f"{', '.join(f'{x:.2f}' for x in sp['machine']['loadavg_at_start']) if sp.get('machine') else '?'}; "
        f"tree at commit {sp.get('commit', '?')}, provider binary built {sp.get('provider_binary_built', '?')}.",
        "",
        "| figure | measured | target | verdict |",
        "|---|---|---|---|",
        f"| `terraform apply` of examples/prod (wall) | {sp['apply_s']:.2f} s | | |",
        f"| of which ApplyResourceChange (provider's log) | {sp['apply_resource_change_s']:.2f} s | | |",
        f"| longest chain of waits that must follow one another | {sp['chain_s']:.2f} s "
        f"(first start → last end {sp['chain_span_s']:.2f} s) | | |",
        f"| sum of all waits | {sp['sum_of_waits_s']:.2f} s | | |",
        f"| apply ÷ longest chain | {r:.3f}× | ≤ {RATIO_TARGET}× | {verdict} |",
        f"| `terraform destroy` (restores the fixtures) | {sp['destroy_s']:.2f} s | | |",
    ] + ([
        f"| the same chain had each wait ended with its transition (sum of the sandbox's transition times) | "
        f"{sp['nominal_chain_s']:.2f} s; apply ÷ that {sp['ratio_vs_nominal_chain']:.3f}× | | |",
    ] if sp.get("nominal_chain_s") and sp.get("ratio_vs_nominal_chain") else []) + [
        "",
        "Where the apply's time goes besides the chain (medians; with the chain they add up to the apply): " + "; ".join(
            f"{label} {sp['breakdown'][k]:.2f} s" for k, label in BREAKDOWN_LABELS.items()
            if k in sp.get("breakdown", {})) + ".",
        "",
        "Longest chain in the first run: " + (f"`{chain.get('component')}`: " if chain.get("component") else "")
        + " → ".join(chain.get("waits", [])) + ".",
        "",
        "Waits of the first run (start relative to the first wait): " + "; ".join(
            f"{w['component'] or '?'} {w['wait']} +{w['start_s']:.2f} s for {w['s']:.2f} s ({w['polls']} reads)"
            for w in (sp["samples"][0]["waits"] if sp["samples"] else [])) + ".",
        "",
    ]
