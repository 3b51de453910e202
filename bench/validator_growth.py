"""How `smuppy-validate` grows with the number of profiles: N profiles in one `.tf` file
against the same N profiles one per file, N from 1 to 10,000 (bench/README.md, section 6).
With `--aws`, N `aws_*` resources instead: N/10 units of ten resource blocks each (a
function, a REST API, its deployment, stage and `*/*` method settings, a provisioned table,
a read and a write auto scaling target and policy), linked by reference as a configuration
writes them, in one file against one file per unit.

Usage (no sandbox, no AWS; the validator binary only):

    python3 bench/validator_growth.py [--validator target/release/smuppy-validate]
        [--sizes 1,10,100,1000,10000] [--aws] [--runs 3] [--json FILE]

Prints one row per N: the median wall time of each layout, the time per profile, the
ratio one file ÷ many files, and the growth from the previous N (time ratio ÷ N ratio: 1.0
is linear, 2.0 at a tenfold N would be quadratic). Times are wall clock around the whole
command (process start-up included), medians of --runs runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from validator_timing import default_validator, fmt_s, timed

ROOT = Path(__file__).resolve().parent.parent


def profile(i: int) -> str:
    """One profile shaped like the examples (traffic, a stage, a pool, a table), written
    compactly so that 10,000 of them stay under the loader's 4 MiB per-file limit."""
    return f"""resource "smuppy_scaling_profile" "p{i}" {{
  name = "p{i}"
  traffic = {{ peak_rps = 100, latency_ms = 50, cache_hit_ratio = 0.5 }}
  api_gateway = {{ rest_api_id = "a{i:09d}", stage_name = "prod", rate_limit = 80 }}
  lambda_pools = {{ api = {{ function_name = "fn-{i}", memory_size = 512 }} }}
  dynamodb_tables = {{ t = {{ table_name = "t-{i}", billing_mode = "PAY_PER_REQUEST" }} }}
}}
"""


def aws_unit(i: int) -> str:
    """Ten `aws_*` resource blocks of one unit, shaped like the plan bench's stack
    (bench/validator_aws_plan_rate.py), written compactly (10,000 resources in one file
    stay under the loader's 4 MiB per-file limit)."""
    u = f"u{i:05d}"
    return f"""resource "aws_lambda_function" "fn_{u}" {{
  function_name = "fn-{u}"
  role = "arn:aws:iam::123456789012:role/bench"
  handler = "index.handler"
  runtime = "nodejs20.x"
  memory_size = 512
  timeout = 10
  reserved_concurrent_executions = 1
}}
resource "aws_api_gateway_rest_api" "api_{u}" {{ name = "api-{u}" }}
resource "aws_api_gateway_deployment" "api_{u}" {{ rest_api_id = aws_api_gateway_rest_api.api_{u}.id }}
resource "aws_api_gateway_stage" "prod_{u}" {{
  rest_api_id = aws_api_gateway_rest_api.api_{u}.id
  deployment_id = aws_api_gateway_deployment.api_{u}.id
  stage_name = "prod"
}}
resource "aws_api_gateway_method_settings" "all_{u}" {{
  rest_api_id = aws_api_gateway_rest_api.api_{u}.id
  stage_name = aws_api_gateway_stage.prod_{u}.stage_name
  method_path = "*/*"
  settings {{
    throttling_rate_limit = 100
    throttling_burst_limit = 50
  }}
}}
resource "aws_dynamodb_table" "t_{u}" {{
  name = "t-{u}"
  billing_mode = "PROVISIONED"
  read_capacity = 10
  write_capacity = 5
  hash_key = "id"
  attribute {{
    name = "id"
    type = "S"
  }}
}}
""" + "".join(f"""resource "aws_appautoscaling_target" "{d}_{u}" {{
  service_namespace = "dynamodb"
  resource_id = "table/${{aws_dynamodb_table.t_{u}.name}}"
  scalable_dimension = "dynamodb:table:{dim}CapacityUnits"
  min_capacity = {lo}
  max_capacity = {hi}
}}
resource "aws_appautoscaling_policy" "{d}_{u}" {{
  name = "{d}-{u}"
  policy_type = "TargetTrackingScaling"
  resource_id = aws_appautoscaling_target.{d}_{u}.resource_id
  scalable_dimension = aws_appautoscaling_target.{d}_{u}.scalable_dimension
  service_namespace = aws_appautoscaling_target.{d}_{u}.service_namespace
  target_tracking_scaling_policy_configuration {{
    predefined_metric_specification {{ predefined_metric_type = "DynamoDB{dim}CapacityUtilization" }}
    target_value = 70
  }}
}}
""" for d, dim, lo, hi in (("read", "Read", 10, 100), ("write", "Write", 5, 50)))


AWS_PER_UNIT = 10


def write_layouts(base: Path, n: int, aws: bool = False) -> tuple[Path, Path]:
    one = base / f"one-{n}"
    many = base / f"many-{n}"
    one.mkdir()
    many.mkdir()
    if aws:
        if n % AWS_PER_UNIT:
            raise SystemExit(f"--aws: sizes are multiples of {AWS_PER_UNIT} (one unit), not {n}")
        units = [aws_unit(i) for i in range(n // AWS_PER_UNIT)]
    else:
        units = [profile(i) for i in range(n)]
    (one / "main.tf").write_text("".join(units))
    for i, text in enumerate(units):
        (many / f"p{i:05d}.tf").write_text(text)
    return one, many


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--validator", type=Path, default=default_validator())
    ap.add_argument("--sizes", default=None,
                    help="default 1,10,100,1000,10000 (with --aws: 10,100,1000,10000)")
    ap.add_argument("--aws", action="store_true",
                    help="aws_* resource blocks instead of smuppy_scaling_profile")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write every sample to FILE")
    args = ap.parse_args(argv)
    default = "10,100,1000,10000" if args.aws else "1,10,100,1000,10000"
    sizes = [int(s) for s in (args.sizes or default).split(",") if s.strip()]
    what = "aws_* resources" if args.aws else "profiles"
    if not args.validator.exists():
        raise SystemExit(f"{args.validator}: no such binary (cargo build -p smuppy-validate)")

    rows = []
    with tempfile.TemporaryDirectory(prefix="smuppy-growth-") as tmp:
        for n in sizes:
            one, many = write_layouts(Path(tmp), n, args.aws)
            samples = {"one_file": [], "many_files": []}
            for _ in range(args.runs):
                samples["one_file"].append(timed(args.validator, one))
                samples["many_files"].append(timed(args.validator, many))
            rows.append({"n": n, "samples": samples,
                         "one_file": statistics.median(samples["one_file"]),
                         "many_files": statistics.median(samples["many_files"])})
            print(f"[growth] {n} {what} measured", file=sys.stderr, flush=True)

    print(f"smuppy-validate {args.validator} ({'release' if 'release' in str(args.validator) else 'debug'} build), "
          f"medians of {args.runs} runs, {os.cpu_count()} CPUs, load average at the end "
          f"{os.getloadavg()[0]:.2f}")
    print()
    one_of = "aws_* resource" if args.aws else "profile"
    many = "many files (one per unit)" if args.aws else "many files"
    print(f"| {what} | one file | per {one_of} | {many} | per {one_of} | one ÷ many "
          "| growth one file | growth many files |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    prev = None
    for r in rows:
        n = r["n"]
        growth_one = growth_many = "—"
        if prev is not None:
            k = n / prev["n"]
            growth_one = f"{r['one_file'] / prev['one_file'] / k:.2f}"
            growth_many = f"{r['many_files'] / prev['many_files'] / k:.2f}"
        print(f"| {n:,} | {fmt_s(r['one_file'])} | {r['one_file'] / n * 1e6:,.0f} µs "
              f"| {fmt_s(r['many_files'])} | {r['many_files'] / n * 1e6:,.0f} µs "
              f"| {r['one_file'] / r['many_files']:.2f} | {growth_one} | {growth_many} |")
        prev = r
    print()
    print(f"growth = (time ratio) ÷ ({what} ratio) from the row above: 1.00 is linear; start-up "
          "dominates the small sizes, so read the large ones.")
    if args.json:
        args.json.write_text(json.dumps({"validator": str(args.validator), "runs": args.runs,
                                         "aws": args.aws,
                                         "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
