"""How `smuppy-validate` grows with the number of profiles: N profiles in one `.tf` file
against the same N profiles one per file, N from 1 to 10,000 (bench/README.md, section 6).

Usage (no sandbox, no AWS; the validator binary only):

    python3 bench/validator_growth.py [--validator target/release/smuppy-validate]
        [--sizes 1,10,100,1000,10000] [--runs 3] [--json FILE]

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


def write_layouts(base: Path, n: int) -> tuple[Path, Path]:
    one = base / f"one-{n}"
    many = base / f"many-{n}"
    one.mkdir()
    many.mkdir()
    (one / "main.tf").write_text("".join(profile(i) for i in range(n)))
    for i in range(n):
        (many / f"p{i:05d}.tf").write_text(profile(i))
    return one, many


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--validator", type=Path, default=default_validator())
    ap.add_argument("--sizes", default="1,10,100,1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write every sample to FILE")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not args.validator.exists():
        raise SystemExit(f"{args.validator}: no such binary (cargo build -p smuppy-validate)")

    rows = []
    with tempfile.TemporaryDirectory(prefix="smuppy-growth-") as tmp:
        for n in sizes:
            one, many = write_layouts(Path(tmp), n)
            samples = {"one_file": [], "many_files": []}
            for _ in range(args.runs):
                samples["one_file"].append(timed(args.validator, one))
                samples["many_files"].append(timed(args.validator, many))
            rows.append({"n": n, "samples": samples,
                         "one_file": statistics.median(samples["one_file"]),
                         "many_files": statistics.median(samples["many_files"])})
            print(f"[growth] {n} profiles measured", file=sys.stderr, flush=True)

    print(f"smuppy-validate {args.validator} ({'release' if 'release' in str(args.validator) else 'debug'} build), "
          f"medians of {args.runs} runs, {os.cpu_count()} CPUs")
    print()
    print("| profiles | one file | per profile | many files | per profile | one ÷ many "
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
    print("growth = (time ratio) ÷ (profiles ratio) from the row above: 1.00 is linear; start-up "
          "dominates the small sizes, so read the large ones.")
    if args.json:
        args.json.write_text(json.dumps({"validator": str(args.validator), "runs": args.runs,
                                         "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
