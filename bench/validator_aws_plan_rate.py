"""The validator's rate on plan JSON with `aws_*` resources, written by the real
Terraform core (bench/README.md, section 7).

Usage (no sandbox, no AWS; Terraform from .venv, the test provider and the validator):

    python3 bench/validator_aws_plan_rate.py [--validator target/release/smuppy-validate]
        [--units 1,10,100,300,1000,3000] [--core-max 300] [--base 10] [--runs 3] [--json FILE]
        [--compare OTHER_VALIDATOR]

For each size, one root module declares `units` copies (for_each over a range) of a
serverless stack shaped like the corpus ones: a function, a REST API with its
deployment, stage and `*/*` method settings, a provisioned table with a read and a write
auto scaling target and target-tracking policy each — 10 `aws_*` resources per unit,
plus one shared IAM role. `terraform plan -out` and `terraform show -json` write the plan
JSON with the test provider of `tfplugin/examples/aws_schema_provider` under
`dev_overrides` (not timed); then `smuppy-validate --format json --no-config plan.json`
is timed, wall clock around the whole command (start-up included), median of --runs.
Prints resources, the plan file's size, the median time, resources/s, and the growth
from the previous size (time ratio ÷ resources ratio: 1.00 is linear). With --compare, a
second binary (another build, an earlier commit) is timed on the same plans in the same run,
the two alternating, and the ratio of their medians is shown.

The core's plan grows worse than linearly (100 units: ~6 s; 300 units: ~2 min; 1,000 units
had not finished after 9 minutes), so sizes above --core-max are *expansions* of the core's
--base-unit plan: the instances of unit `u00000` copied under the next keys, in the shape
the core wrote them (each copy's addresses, `index`, names and every value keyed by the
unit renamed; `planned_values`, `resource_changes` and `prior_state` if any, sorted by
address as the core sorts them; the `units` variable; `configuration` stays one block per
resource). Before anything is timed, the base plan expanded to each core size above it
must give the validator's output byte for byte (profiles, findings, locations, exit code)
as the core's own plan of that size, or the bench stops.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from validator_timing import default_validator, fmt_s, timed

ROOT = Path(__file__).resolve().parent.parent

STACK = """
resource "aws_iam_role" "lambda" {
  name               = "bench"
  assume_role_policy = "{}"
}

locals {
  units = toset([for i in range(var.units) : format("u%05d", i)])
}

variable "units" {
  type = number
}

resource "aws_lambda_function" "fn" {
  for_each                       = local.units
  function_name                  = "fn-${each.key}"
  role                           = aws_iam_role.lambda.arn
  handler                        = "index.handler"
  runtime                        = "nodejs20.x"
  memory_size                    = 512
  timeout                        = 10
  reserved_concurrent_executions = 1
}

resource "aws_api_gateway_rest_api" "api" {
  for_each = local.units
  name     = "api-${each.key}"
}

resource "aws_api_gateway_deployment" "api" {
  for_each    = local.units
  rest_api_id = aws_api_gateway_rest_api.api[each.key].id
}

resource "aws_api_gateway_stage" "prod" {
  for_each      = local.units
  rest_api_id   = aws_api_gateway_rest_api.api[each.key].id
  deployment_id = aws_api_gateway_deployment.api[each.key].id
  stage_name    = "prod"
}

resource "aws_api_gateway_method_settings" "all" {
  for_each    = local.units
  rest_api_id = aws_api_gateway_rest_api.api[each.key].id
  stage_name  = aws_api_gateway_stage.prod[each.key].stage_name
  method_path = "*/*"
  settings {
    throttling_rate_limit  = 100
    throttling_burst_limit = 50
  }
}

resource "aws_dynamodb_table" "t" {
  for_each       = local.units
  name           = "t-${each.key}"
  billing_mode   = "PROVISIONED"
  read_capacity  = 10
  write_capacity = 5
  hash_key       = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_appautoscaling_target" "read" {
  for_each           = local.units
  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.t[each.key].name}"
  scalable_dimension = "dynamodb:table:ReadCapacityUnits"
  min_capacity       = 10
  max_capacity       = 100
}

resource "aws_appautoscaling_policy" "read" {
  for_each           = local.units
  name               = "read-${each.key}"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.read[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.read[each.key].scalable_dimension
  service_namespace  = aws_appautoscaling_target.read[each.key].service_namespace
  target_tracking_scaling_policy_configuration {
    predefined_metric_specification {
      predefined_metric_type = "DynamoDBReadCapacityUtilization"
    }
    target_value = 70
  }
}

resource "aws_appautoscaling_target" "write" {
  for_each           = local.units
  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.t[each.key].name}"
  scalable_dimension = "dynamodb:table:WriteCapacityUnits"
  min_capacity       = 5
  max_capacity       = 50
}

resource "aws_appautoscaling_policy" "write" {
  for_each           = local.units
  name               = "write-${each.key}"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.write[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.write[each.key].scalable_dimension
  service_namespace  = aws_appautoscaling_target.write[each.key].service_namespace
  target_tracking_scaling_policy_configuration {
    predefined_metric_specification {
      predefined_metric_type = "DynamoDBWriteCapacityUtilization"
    }
    target_value = 70
  }
}
"""


def terraform(args: list[str], cwd: Path, cli_config: Path) -> str:
    env = dict(os.environ, TF_CLI_CONFIG_FILE=str(cli_config), TF_IN_AUTOMATION="1",
               TF_INPUT="0", CHECKPOINT_DISABLE="1")
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "terraform"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"terraform {' '.join(args)}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def write_plan(base: Path, units: int, cli_config: Path) -> tuple[Path, int]:
    work = base / f"units-{units}"
    work.mkdir()
    (work / "main.tf").write_text(STACK)
    terraform(["init", "-no-color"], work, cli_config)
    terraform(["plan", "-no-color", "-parallelism=50", "-out=plan.bin", f"-var=units={units}"],
              work, cli_config)
    out = work / "plan.json"
    out.write_text(terraform(["show", "-json", "plan.bin"], work, cli_config))
    resources = sum(1 for c in json.loads(out.read_text())["resource_changes"]
                    if c["type"].startswith("aws_"))
    return out, resources


UNIT = "u00000"


def unit_key(i: int) -> str:
    return f"u{i:05d}"


def expand_plan(doc: dict, units: int) -> dict:
    """The core's plan of fewer units grown to `units`: the instances of unit u00000 copied
    under the keys the core would give the next units (see the module's docstring)."""
    doc = json.loads(json.dumps(doc))
    have = int(doc["variables"]["units"]["value"])

    def grow(items: list) -> list:
        first = [json.dumps(r) for r in items if r.get("index") == UNIT]
        if not first:
            raise SystemExit("expand: the plan has no instance of unit u00000")
        added = [json.loads(text.replace(UNIT, unit_key(i)))
                 for i in range(have, units) for text in first]
        out = items + added
        out.sort(key=lambda r: r["address"])
        return out

    for section in ("planned_values", "prior_state"):
        module = (doc.get(section) or {}).get("root_module") if section == "planned_values" \
            else ((doc.get(section) or {}).get("values") or {}).get("root_module")
        if module and module.get("resources"):
            if any(m.get("resources") for m in module.get("child_modules", [])):
                raise SystemExit("expand: child modules are not expanded")
            module["resources"] = grow(module["resources"])
    doc["resource_changes"] = grow(doc["resource_changes"])
    doc["variables"]["units"]["value"] = str(units)
    return doc


def write_json(path: Path, doc: dict) -> None:
    # Compact, as `terraform show -json` writes it.
    path.write_text(json.dumps(doc, separators=(",", ":")) + "\n")


def report(validator: Path, plan: Path) -> tuple[int, bytes]:
    proc = subprocess.run([str(validator), str(plan), "--format", "json", "--no-config"],
                          capture_output=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{plan}: exit {proc.returncode}: {proc.stderr.decode().strip()}")
    return proc.returncode, proc.stdout


def aws_resources(doc: dict) -> int:
    return sum(1 for c in doc["resource_changes"] if c["type"].startswith("aws_"))


def table(rows: list, key: str, validator: Path, runs: int) -> None:
    build = "release" if "release" in str(validator) else "debug"
    print()
    print(f"smuppy-validate {validator} ({build} build), medians of {runs} runs, "
          f"{os.cpu_count()} CPUs, load average at the end {os.getloadavg()[0]:.2f}")
    print()
    print("| aws_* resources | plan JSON | source | median | per resource | resources/s | growth |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    prev = None
    for r in rows:
        growth = "—"
        if prev is not None:
            growth = f"{r[key] / prev[key] / (r['resources'] / prev['resources']):.2f}"
        print(f"| {r['resources']:,} | {r['bytes'] / 1e6:.1f} MB | {r['source']} | {fmt_s(r[key])} "
              f"| {r[key] / r['resources'] * 1e6:,.0f} µs | {r['resources'] / r[key]:,.0f} "
              f"| {growth} |")
        prev = r


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--validator", type=Path, default=default_validator())
    ap.add_argument("--provider", type=Path,
                    default=ROOT / "target" / "debug" / "examples" / "aws_schema_provider")
    ap.add_argument("--units", default="1,10,100,300,1000,3000")
    ap.add_argument("--core-max", type=int, default=300,
                    help="largest size the core plans; larger sizes are expansions")
    ap.add_argument("--base", type=int, default=10,
                    help="the core plan the expansions start from")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write every sample to FILE")
    ap.add_argument("--compare", type=Path, help="another smuppy-validate timed alongside")
    args = ap.parse_args(argv)
    for path, how in ((args.validator, "cargo build -p smuppy-validate"),
                      (args.provider, "cargo build -p tfplugin --example aws_schema_provider")):
        if not path.exists():
            raise SystemExit(f"{path}: no such binary ({how})")

    sizes = [int(u) for u in args.units.split(",") if u.strip()]
    if args.base > args.core_max or args.base < 1:
        raise SystemExit("--base must be a size the core plans (1 ≤ base ≤ --core-max)")
    rows = []
    checks = []
    with tempfile.TemporaryDirectory(prefix="smuppy-awsrate-") as tmp:
        base = Path(tmp)
        (base / "bin").mkdir()
        shutil.copy(args.provider, base / "bin" / "terraform-provider-aws")
        cli_config = base / "terraformrc"
        cli_config.write_text('provider_installation {\n  dev_overrides {\n'
                              f'    "registry.terraform.io/hashicorp/aws" = "{base / "bin"}"\n'
                              '  }\n  direct {}\n}\n')
        core = sorted({u for u in sizes if u <= args.core_max} | {args.base})
        plans: dict[int, tuple[Path, str]] = {}
        for units in core:
            plans[units] = (write_plan(base, units, cli_config)[0], "core")
            print(f"[aws-rate] core plan of {units} units written", file=sys.stderr, flush=True)
        base_doc = json.loads(plans[args.base][0].read_text())
        # The expansion gives what the core gives, at every core size above the base.
        for units in core:
            if units <= args.base:
                continue
            grown = base / f"expanded-check-{units}.json"
            write_json(grown, expand_plan(base_doc, units))
            want, got = report(args.validator, plans[units][0]), report(args.validator, grown)
            if want != got:
                raise SystemExit(f"expansion of the {args.base}-unit plan to {units} units: the "
                                 f"validator's output differs from the core's plan of {units} units")
            out = json.loads(want[1])
            checks.append({"units": units, "exit": want[0], "profiles": len(out["profiles"]),
                           "findings": sum(len(p.get("findings", [])) for p in out["profiles"])})
        for units in sizes:
            if units not in plans:
                path = base / f"expanded-{units}.json"
                write_json(path, expand_plan(base_doc, units))
                plans[units] = (path, f"expanded from the {args.base}-unit core plan")
        for units in sizes:
            plan, source = plans[units]
            resources = aws_resources(json.loads(plan.read_text()))
            samples, other = [], []
            for _ in range(args.runs):
                samples.append(timed(args.validator, plan))
                if args.compare:
                    other.append(timed(args.compare, plan))
            row = {"units": units, "resources": resources, "bytes": plan.stat().st_size,
                   "source": source, "samples": samples, "median": statistics.median(samples)}
            if args.compare:
                row["compare_samples"] = other
                row["compare_median"] = statistics.median(other)
            rows.append(row)
            print(f"[aws-rate] {resources} resources measured", file=sys.stderr, flush=True)

    for c in checks:
        print(f"- the {args.base}-unit core plan expanded to {c['units']} units gives the "
              f"validator's output of the core's {c['units']}-unit plan byte for byte "
              f"({c['profiles']:,} profiles, {c['findings']:,} findings, exit {c['exit']})")
    table(rows, "median", args.validator, args.runs)
    if args.compare:
        table(rows, "compare_median", args.compare, args.runs)
        print()
        print(f"Same run, same plans, alternating: {args.compare} ÷ {args.validator}: "
              + "; ".join(f"{r['resources']:,} resources {r['compare_median'] / r['median']:.2f}×"
                          for r in rows))
    print()
    print("growth = (time ratio) ÷ (resources ratio) from the row above: 1.00 is linear; "
          "start-up dominates the small sizes.")
    if args.json:
        args.json.write_text(json.dumps({"validator": str(args.validator),
                                         "compare": str(args.compare) if args.compare else None,
                                         "runs": args.runs,
                                         "expansion_checks": checks, "rows": rows},
                                        indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
