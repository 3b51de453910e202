"""The validator's rate on plan JSON with `aws_*` resources, written by the real
Terraform core (bench/README.md, section 7).

Usage (no sandbox, no AWS; Terraform from .venv, the test provider and the validator):

    python3 bench/validator_aws_plan_rate.py [--validator target/release/smuppy-validate]
        [--units 10,100,1000] [--runs 3] [--json FILE]

For each size, one root module declares `units` copies (for_each over a range) of a
serverless stack shaped like the corpus ones: a function, a REST API with its
deployment, stage and `*/*` method settings, a provisioned table with a read and a write
auto scaling target and target-tracking policy each — 10 `aws_*` resources per unit,
plus one shared IAM role. `terraform plan -out` and `terraform show -json` write the plan
JSON with the test provider of `tfplugin/examples/aws_schema_provider` under
`dev_overrides` (not timed); then `smuppy-validate --format json --no-config plan.json`
is timed, wall clock around the whole command (start-up included), median of --runs.
Prints resources, the plan file's size, the median time, resources/s, and the growth
from the previous size (time ratio ÷ resources ratio: 1.00 is linear).
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--validator", type=Path, default=default_validator())
    ap.add_argument("--provider", type=Path,
                    default=ROOT / "target" / "debug" / "examples" / "aws_schema_provider")
    ap.add_argument("--units", default="10,100,1000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write every sample to FILE")
    args = ap.parse_args(argv)
    for path, how in ((args.validator, "cargo build -p smuppy-validate"),
                      (args.provider, "cargo build -p tfplugin --example aws_schema_provider")):
        if not path.exists():
            raise SystemExit(f"{path}: no such binary ({how})")

    rows = []
    with tempfile.TemporaryDirectory(prefix="smuppy-awsrate-") as tmp:
        base = Path(tmp)
        (base / "bin").mkdir()
        shutil.copy(args.provider, base / "bin" / "terraform-provider-aws")
        cli_config = base / "terraformrc"
        cli_config.write_text('provider_installation {\n  dev_overrides {\n'
                              f'    "registry.terraform.io/hashicorp/aws" = "{base / "bin"}"\n'
                              '  }\n  direct {}\n}\n')
        for units in [int(u) for u in args.units.split(",") if u.strip()]:
            plan, resources = write_plan(base, units, cli_config)
            samples = [timed(args.validator, plan) for _ in range(args.runs)]
            rows.append({"units": units, "resources": resources, "bytes": plan.stat().st_size,
                         "samples": samples, "median": statistics.median(samples)})
            print(f"[aws-rate] {resources} resources measured", file=sys.stderr, flush=True)

    build = "release" if "release" in str(args.validator) else "debug"
    print(f"smuppy-validate {args.validator} ({build} build), medians of {args.runs} runs, "
          f"{os.cpu_count()} CPUs, plan JSON from the real Terraform core")
    print()
    print("| aws_* resources | plan JSON | median | per resource | resources/s | growth |")
    print("|---:|---:|---:|---:|---:|---:|")
    prev = None
    for r in rows:
        growth = "—"
        if prev is not None:
            growth = f"{r['median'] / prev['median'] / (r['resources'] / prev['resources']):.2f}"
        print(f"| {r['resources']:,} | {r['bytes'] / 1e6:.1f} MB | {fmt_s(r['median'])} "
              f"| {r['median'] / r['resources'] * 1e6:,.0f} µs | {r['resources'] / r['median']:,.0f} "
              f"| {growth} |")
        prev = r
    print()
    print("growth = (time ratio) ÷ (resources ratio) from the row above: 1.00 is linear; "
          "start-up dominates the small sizes.")
    if args.json:
        args.json.write_text(json.dumps({"validator": str(args.validator), "runs": args.runs,
                                         "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
