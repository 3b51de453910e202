"""The main job, end to end: sandbox up, fixtures created, examples/staging
applied with the real Terraform core, the analysis printed, the settings read
back through the AWS APIs, a second apply shown to be a no-op, sandbox down.

Run through scripts/demo.sh, which sets up the environment and builds the
provider first. `--keep` leaves the sandbox running (Ctrl-C to stop) so the
working copy can be explored with the printed environment.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from harness import fixtures as fx  # noqa: E402
from harness.sandbox import Sandbox  # noqa: E402
from harness.terraform import Terraform, provider_block  # noqa: E402


def say(msg: str) -> None:
    print(f"\n== {msg}", flush=True)


def working_copy(example: str, dest: Path) -> Path:
    """The example and the module it calls, at the same relative places."""
    for rel in (f"examples/{example}", "terraform"):
        shutil.copytree(
            ROOT / rel,
            dest / rel,
            ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl"),
        )
    return dest / "examples" / example


def readback(sb: Sandbox, scenario: fx.Scenario) -> list[tuple[str, str]]:
    """The settings as AWS reports them, one row per setting."""
    rows: list[tuple[str, str]] = []
    stage = sb.client("apigateway").get_stage(
        restApiId=scenario.api.api_id, stageName=scenario.api.stage_name
    )
    ms = (stage.get("methodSettings") or {}).get("*/*") or {}
    rows.append(
        (
            f"API Gateway {scenario.api.api_id}/{scenario.api.stage_name} */*",
            f"rate {ms.get('throttlingRateLimit')}  burst {ms.get('throttlingBurstLimit')}",
        )
    )
    lam = sb.client("lambda")
    fn = scenario.function.name
    conf = lam.get_function_configuration(FunctionName=fn)
    conc = lam.get_function_concurrency(FunctionName=fn).get("ReservedConcurrentExecutions")
    rows.append((f"Lambda {fn}", f"memory {conf.get('MemorySize')} MB  timeout {conf.get('Timeout')} s  reserved {conc}"))
    try:
        pc = lam.get_provisioned_concurrency_config(FunctionName=fn, Qualifier=scenario.function.alias)
        rows.append(
            (
                f"Lambda {fn}:{scenario.function.alias}",
                f"provisioned {pc.get('RequestedProvisionedConcurrentExecutions')} ({pc.get('Status')})",
            )
        )
    except Exception as err:  # noqa: BLE001 - shown as the reason
        rows.append((f"Lambda {fn}:{scenario.function.alias}", f"no provisioned concurrency ({type(err).__name__})"))
    table = sb.client("dynamodb").describe_table(TableName=scenario.table.name)["Table"]
    mode = (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    tp = table.get("ProvisionedThroughput") or {}
    rows.append(
        (
            f"DynamoDB {scenario.table.name}",
            f"{mode}  RCU {tp.get('ReadCapacityUnits')}  WCU {tp.get('WriteCapacityUnits')}",
        )
    )
    targets = sb.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="dynamodb", ResourceIds=[f"table/{scenario.table.name}"]
    )["ScalableTargets"]
    for t in targets:
        rows.append((f"Auto scaling {t['ScalableDimension']}", f"min {t['MinCapacity']}  max {t['MaxCapacity']}"))
    for item in sb.client("cloudfront").list_cache_policies(Type="custom").get("CachePolicyList", {}).get("Items", []):
        cfg = item["CachePolicy"]["CachePolicyConfig"]
        rows.append(
            (
                f"CloudFront cache policy {cfg['Name']}",
                f"TTL {cfg['MinTTL']}/{cfg.get('DefaultTTL')}/{cfg.get('MaxTTL')}",
            )
        )
    for d in sb.client("cloudwatch").list_dashboards().get("DashboardEntries", []):
        body = json.loads(sb.client("cloudwatch").get_dashboard(DashboardName=d["DashboardName"])["DashboardBody"])
        rows.append((f"CloudWatch dashboard {d['DashboardName']}", f"{len(body.get('widgets', []))} widgets"))
    for q in sb.client("service-quotas").list_requested_service_quota_change_history().get("RequestedQuotas", []):
        rows.append((f"Quota request {q['ServiceCode']}/{q['QuotaCode']}", f"{q['DesiredValue']:.0f} ({q['Status']})"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="staging", help="example root to apply (default staging)")
    parser.add_argument("--keep", action="store_true", help="keep the sandbox running until Ctrl-C")
    args = parser.parse_args()

    with Sandbox() as sb, tempfile.TemporaryDirectory(prefix="smuppy-demo-") as tmp:
        say(f"sandbox up: {json.dumps(sb.provider_endpoints)}")
        scenario = fx.ensure_scenario(sb, preset_method_settings=True)
        say(
            f"fixtures: REST API {scenario.api.api_id} stage {scenario.api.stage_name}, "
            f"function {scenario.function.name} alias {scenario.function.alias}, "
            f"table {scenario.table.name}"
        )
        workdir = working_copy(args.example, Path(tmp))
        # Sandbox routing: an override file, so the example stays as users write it.
        (workdir / "sandbox_override.tf").write_text(provider_block(sb.provider_endpoints))
        tf = Terraform(workdir, sb)
        try:
            say(f"terraform init ({tf.version()})")
            tf.run("init", "-input=false", "-no-color").check()
            say(f"terraform apply examples/{args.example}")
            first = tf.apply("-no-color")
            print(first.stdout)
            if first.rc != 0:
                print(first.stderr, file=sys.stderr)
                return 1
            say("capacity and cost analysis (terraform output)")
            out = tf.run("output", "-json").check()
            for name, item in json.loads(out.stdout).items():
                print(f"{name} = {json.dumps(item.get('value'), indent=2, sort_keys=True)}")
            say("settings read back through the AWS APIs")
            for what, value in readback(sb, scenario):
                print(f"  {what:<58} {value}")
            say("second apply: nothing left to do")
            second = tf.apply("-no-color").check()
            summary = [
                ln
                for ln in second.stdout.splitlines()
                if ln.startswith(("No changes.", "Apply complete!", "Plan:"))
            ]
            print("\n".join(summary) or second.stdout)
            if args.keep:
                env = {k: v for k, v in tf.env().items() if k.startswith(("AWS_", "TF_CLI_CONFIG"))}
                say("sandbox kept running; in another shell:")
                print(f"  cd {workdir}")
                for k, v in sorted(env.items()):
                    print(f"  export {k}={v}")
                print(f"  {ROOT / '.venv/bin/terraform'} plan")
                input("Press Enter (or Ctrl-C) to stop the sandbox... ")
        finally:
            tf.cleanup()
    say("sandbox stopped")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
