"""AWS faults between the provider and the sandbox: the profile still converges.

microburst (``harness.faults``) sits in front of ministack and moto; the provider's
``endpoints`` point at it, boto3 checks go straight to the emulators. Faults:

- throttling errors in each service's own wire format, 5xx, added latency and
  connection resets before the request reaches the emulator, at set probabilities,
  for a whole create / refresh / update / destroy cycle with the real Terraform core;
- the response of every mutating call lost once after the emulator made the change
  (the hardest case for idempotency: the SDK retries a call that already succeeded).

A fault may make one apply fail; the property is convergence: re-applying succeeds
within a bounded number of attempts, and then every managed setting read through the
AWS APIs equals Terraform's state and the configuration, with nothing duplicated.
Retries must show in TF_LOG (aws-smithy-runtime's standard retry strategy logs
``attempt #N failed with ...; retrying after ...`` at DEBUG).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from harness import faults
from harness.faults import FaultFront
from harness.sandbox import SANDBOX_ACCOUNT_ID, SANDBOX_SECRET_ACCESS_KEY, Sandbox, region_for
from harness.terraform import Terraform

import relcommon as rc

pytestmark = pytest.mark.acceptance

MAX_ATTEMPTS = 12  # applies / plans / destroys allowed per step under faults


def through(front: FaultFront, service: str) -> Any:
    """A boto3 client that goes through the fault proxy and never retries."""
    return boto3.session.Session().client(
        service,
        endpoint_url=front.endpoints[service],
        region_name=region_for(service),
        aws_access_key_id=SANDBOX_ACCOUNT_ID,
        aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30),
    )


READS = {
    "apigateway": lambda c: c.get_rest_apis(),
    "lambda": lambda c: c.get_account_settings(),
    "dynamodb": lambda c: c.list_tables(),
    "application-autoscaling": lambda c: c.describe_scalable_targets(ServiceNamespace="dynamodb"),
    "cloudfront": lambda c: c.list_cache_policies(Type="custom"),
    "cloudwatch": lambda c: c.list_dashboards(),
    "service-quotas": lambda c: c.list_requested_service_quota_change_history(),
}


# -- the proxy itself ------------------------------------------------------------------------------------


def test_each_fault_kind_reaches_the_client(front: FaultFront, sandbox: Sandbox, suffix: str) -> None:
    front.collect()
    try:
        # Throttling and 5xx: the SDK parses each service's own error code and status.
        for kind, table, make in (
            ("throttling", faults.THROTTLING, faults.throttling),
            ("5xx", faults.SERVER_ERRORS, faults.server_errors),
        ):
            front.set_rules(make(1.0, times=1))
            for service, call in READS.items():
                code, status = table[service]
                with pytest.raises(ClientError) as info:
                    call(through(front, service))
                err = info.value.response
                assert err["Error"]["Code"] == code, (kind, service, err)
                assert err["ResponseMetadata"]["HTTPStatusCode"] == status, (kind, service, err)
                call(through(front, service))  # the rule fired its one time: through again

        # Latency: the request is slowed down, then served.
        front.set_rules(faults.latency(1.0, 400, 400, times=1))
        t0 = time.monotonic()
        READS["lambda"](through(front, "lambda"))
        assert time.monotonic() - t0 >= 0.38

        cw_direct = sandbox.client("cloudwatch")
        body = '{"widgets": []}'

        # Reset: the connection drops before the emulator sees the request.
        reset_name = f"rel-reset-{suffix}"
        front.set_rules(faults.resets(1.0, times=1))
        with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
            through(front, "cloudwatch").put_dashboard(DashboardName=reset_name, DashboardBody=body)
        assert not cw_direct.list_dashboards(DashboardNamePrefix=reset_name).get("DashboardEntries")

        # Response lost: the emulator made the change, the client never heard of it.
        lost_name = f"rel-lost-{suffix}"
        front.set_rules(faults.responses_lost(1.0, operation="PutDashboard", times=1))
        with pytest.raises((ConnectionClosedError, EndpointConnectionError, ClientError)):
            through(front, "cloudwatch").put_dashboard(DashboardName=lost_name, DashboardBody=body)
        entries = cw_direct.list_dashboards(DashboardNamePrefix=lost_name).get("DashboardEntries")
        assert [e["DashboardName"] for e in entries] == [lost_name]
        cw_direct.delete_dashboards(DashboardNames=[lost_name])
    finally:
        front.clear_rules()
    events = front.collect()
    kinds = front.fired_by_kind(events)
    assert kinds["throttling"] == len(READS) and kinds["5xx"] == len(READS), kinds
    assert kinds["latency"] == 1 and kinds["reset"] == 1 and kinds["response_lost"] == 1, kinds
    assert {e["service"] for e in events if e["kind"] == "throttling"} == set(READS)


# -- the provider through faults -------------------------------------------------------------------------


def faulty_mix() -> list[dict[str, Any]]:
    """Faults that hit before the emulator changes anything, at set rates per request."""
    return (
        faults.resets(0.03)
        + faults.throttling(0.15)
        + faults.server_errors(0.05)
        + faults.latency(0.2, 20, 250)
    )


def converge(name: str, tf: Terraform, run: Any, figures: dict[str, Any]) -> rc.Attempts:
    att = rc.until_ok(name, run, MAX_ATTEMPTS)
    figures["steps"].append(
        {"step": name, "runs": len(att.results), "failed_runs": att.failures, "seconds": round(att.seconds, 1),
         "errors": att.errors()[:5]}
    )
    assert att.ok, f"{name} did not converge in {MAX_ATTEMPTS} runs:\n" + "\n".join(att.errors()) + (
        "\n--- last output:\n" + att.results[-1].output[-4000:]
    )
    return att


def check(sb: Sandbox, tf: Terraform, names: rc.Names, settings: rc.Settings, figures: dict[str, Any], step: str) -> None:
    aws = rc.read_aws(sb, names)
    state = rc.read_state(tf)
    bad = rc.mismatches(aws, state, settings)
    figures["checks"].append({"after": step, "mismatches": bad})
    assert not bad, f"after {step}: AWS and state differ:\n" + "\n".join(bad)


@pytest.mark.slow
@pytest.mark.parametrize(
    "max_retries",
    [
        pytest.param(None, id="sdk-retries"),  # the default 3: the SDK absorbs nearly every fault
        pytest.param(2, id="failing-applies"),  # about one call in 100 fails for good: applies fail, re-applies converge
    ],
)
def test_lifecycle_converges_under_faults(
    front: FaultFront, clean_sandbox: Sandbox, names: rc.Names, tf_debug: Terraform, max_retries: int | None
) -> None:
    sb, tf = clean_sandbox, tf_debug
    before = rc.baseline(sb, names)
    figures: dict[str, Any] = {"steps": [], "checks": [], "max_retries": max_retries}
    rc.write_provider(tf, front.provider_endpoints, max_retries)
    front.collect()
    front.set_rules(faulty_mix())
    t0 = time.monotonic()
    try:
        first = rc.Settings()
        tf.write_config(rc.profile_hcl(names, first), with_provider=False)
        converge("create", tf, tf.apply, figures)
        check(sb, tf, names, first, figures, "create")

        # Refresh under faults: the plan must get through and find nothing to do.
        plan = converge("refresh", tf, lambda: tf.plan_raw("-detailed-exitcode"), figures)
        assert plan.results[-1].rc == 0, plan.results[-1].output

        second = rc.Settings(rate=4000, burst=1500, reserved=150, provisioned=10, memory=768, timeout=25,
                             read_min=60, read_max=600, target=60, default_ttl=120)
        tf.write_config(rc.profile_hcl(names, second), with_provider=False)
        converge("update", tf, tf.apply, figures)
        check(sb, tf, names, second, figures, "update")
        plan = converge("refresh after update", tf, lambda: tf.plan_raw("-detailed-exitcode"), figures)
        assert plan.results[-1].rc == 0, plan.results[-1].output

        converge("destroy", tf, tf.destroy, figures)
    finally:
        front.clear_rules()
    events = front.collect()
    figures["seconds"] = round(time.monotonic() - t0, 1)
    figures["faults"] = front.fired_by_kind(events)
    figures["faults_by_service"] = dict(Counter(f"{e['service']}:{e['kind']}" for e in events))
    figures["requests_through_proxy"] = front.requests_seen()

    assert rc.read_state(tf) is None
    after = rc.baseline(sb, names)
    figures["restored"] = after == before
    assert after == before, f"destroy did not restore the settings:\nbefore {before}\nafter  {after}"
    # The quota request stays (it cannot be withdrawn) and was filed once.
    reqs = rc.read_aws(sb, names)["quota_requests"]
    figures["quota_requests"] = len(reqs)
    assert len(reqs) == 1, reqs

    # Faults of every kind were injected, and the SDK's retries show in TF_LOG.
    retries = rc.retry_lines(tf.workdir / "terraform.log")
    figures["retry_log_lines"] = len(retries)
    rc.save_figures(f"faults_lifecycle_{'default' if max_retries is None else max_retries}", figures)
    for kind in ("throttling", "5xx", "latency", "reset"):
        assert figures["faults"][kind] > 0, figures["faults"]
    assert len(retries) >= figures["faults"]["throttling"] // 2, (len(retries), figures["faults"])
    assert any("tf_rpc=ApplyResourceChange" in line for line in retries), retries[:5]


# Every mutating call the provider makes on apply, and on destroy.
APPLY_WRITES = [
    ("apigateway", "UpdateStage"),
    ("lambda", "UpdateFunctionConfiguration"),
    ("lambda", "PutFunctionConcurrency"),
    ("lambda", "PutProvisionedConcurrencyConfig"),
    ("application-autoscaling", "RegisterScalableTarget"),
    ("application-autoscaling", "PutScalingPolicy"),
    ("cloudwatch", "PutDashboard"),
    ("service-quotas", "RequestServiceQuotaIncrease"),
]
DESTROY_WRITES = [
    ("apigateway", "UpdateStage"),
    ("lambda", "UpdateFunctionConfiguration"),
    ("lambda", "DeleteFunctionConcurrency"),
    ("lambda", "DeleteProvisionedConcurrencyConfig"),
    ("application-autoscaling", "DeregisterScalableTarget"),
    ("cloudfront", "DeleteCachePolicy"),
]


def lost_once(ops: list[tuple[str, str]]) -> list[dict[str, Any]]:
    rules = []
    for service, op in ops:
        rules += faults.responses_lost(1.0, operation=op, service=service, times=1)
    return rules


@pytest.mark.slow
def test_lost_responses_of_every_write_converge(
    front: FaultFront, clean_sandbox: Sandbox, names: rc.Names, tf_debug: Terraform
) -> None:
    sb, tf = clean_sandbox, tf_debug
    before = rc.baseline(sb, names)
    figures: dict[str, Any] = {"steps": [], "checks": []}
    rc.write_provider(tf, front.provider_endpoints)
    settings = rc.Settings()
    tf.write_config(rc.profile_hcl(names, settings), with_provider=False)
    front.collect()
    try:
        front.set_rules(lost_once(APPLY_WRITES))
        converge("create, every write's response lost once", tf, tf.apply, figures)
        fired_apply = front.collect()
        check(sb, tf, names, settings, figures, "create")
        front.clear_rules()
        plan = tf.plan_raw("-detailed-exitcode")
        assert plan.rc == 0, plan.output

        front.set_rules(lost_once(DESTROY_WRITES))
        converge("destroy, every write's response lost once", tf, tf.destroy, figures)
        fired_destroy = front.collect()
    finally:
        front.clear_rules()
    figures["lost_on_apply"] = sorted(f"{e['service']}:{e['operation']}" for e in fired_apply)
    figures["lost_on_destroy"] = sorted(f"{e['service']}:{e['operation']}" for e in fired_destroy)
    rc.save_figures("faults_lost_responses", figures)
    # Each listed write really was made and its answer lost (the table's UpdateTable
    # is not in the list: under auto scaling the provider leaves throughput alone).
    assert {(e["service"], e["operation"]) for e in fired_apply} == set(APPLY_WRITES), figures["lost_on_apply"]
    assert rc.read_state(tf) is None
    after = rc.baseline(sb, names)
    assert after == before, f"destroy did not restore the settings:\nbefore {before}\nafter  {after}"
    assert len(rc.read_aws(sb, names)["quota_requests"]) == 1




@pytest.mark.slow
@pytest.mark.parametrize(
    ("phase", "service", "operation"),
    [
        pytest.param("apply", "cloudfront", "CreateCachePolicy", id="CreateCachePolicy"),
        pytest.param("destroy", "cloudwatch", "DeleteDashboards", id="DeleteDashboards"),
    ],
)
def test_lost_response_converges(
    front: FaultFront, clean_sandbox: Sandbox, names: rc.Names, tf_debug: Terraform,
    phase: str, service: str, operation: str,
) -> None:
    """One write whose lost response the provider does not yet survive (reported)."""
    sb, tf = clean_sandbox, tf_debug
    before = rc.baseline(sb, names)
    figures: dict[str, Any] = {"steps": [], "checks": []}
    rc.write_provider(tf, front.provider_endpoints)
    settings = rc.Settings()
    tf.write_config(rc.profile_hcl(names, settings), with_provider=False)
    front.collect()
    try:
        if phase == "apply":
            front.set_rules(lost_once([(service, operation)]))
        att = rc.until_ok("apply", tf.apply, 4)
        figures["steps"].append({"step": "apply", "runs": len(att.results), "errors": att.errors()[:3]})
        assert att.ok, att.errors()
        check(sb, tf, names, settings, figures, "create")
        if phase == "destroy":
            front.set_rules(lost_once([(service, operation)]))
        att = rc.until_ok("destroy", tf.destroy, 4)
        figures["steps"].append({"step": "destroy", "runs": len(att.results), "errors": att.errors()[:3]})
        assert att.ok, att.errors()
        assert rc.baseline(sb, names) == before
    finally:
        front.clear_rules()
        front.collect()
        figures["cache_policies_named"] = len(rc.read_aws(sb, names)["cache_policies"])
        rc.save_figures(f"faults_lost_{operation}", figures)
        # Leave nothing behind for later tests: state, then what the failed runs orphaned.
        tf.destroy()
        cf = sb.client("cloudfront")
        for p in rc.read_aws(sb, names)["cache_policies"]:
            cf.delete_cache_policy(Id=p["id"], IfMatch=cf.get_cache_policy(Id=p["id"])["ETag"])


CONFLICT = {
    "code": "ResourceConflictException",
    "status": 409,
    "message": "The operation cannot be performed at this time. An update is in progress for resource (injected)",
}


def test_writes_refused_during_a_function_update_run_again(
    front: FaultFront, clean_sandbox: Sandbox, names: rc.Names, tf_debug: Terraform
) -> None:
    """AWS refuses concurrency writes while the function's configuration is being
    updated (ResourceConflictException, which the SDK does not retry): the provider
    waits for the update to settle and writes once more, in the same apply."""
    sb, tf = clean_sandbox, tf_debug
    figures: dict[str, Any] = {"steps": [], "checks": []}
    rc.write_provider(tf, front.provider_endpoints)
    settings = rc.Settings()
    tf.write_config(rc.profile_hcl(names, settings), with_provider=False)
    front.collect()
    try:
        front.set_rules(
            [
                {"service": "lambda", "operation": op, "probability": 1.0, "times": 1, "error": CONFLICT}
                for op in ("PutFunctionConcurrency", "PutProvisionedConcurrencyConfig")
            ],
            kind="error",
        )
        result = tf.apply()
        fired = front.collect()
        assert result.rc == 0, result.output
        refused = sorted(e.get("operation") or str(e.get("action")) for e in fired)
        figures["refused"] = refused
        assert len(fired) == 2, fired
        check(sb, tf, names, settings, figures, "create")
        front.clear_rules()
        plan = tf.plan_raw("-detailed-exitcode")
        assert plan.rc == 0, plan.output
    finally:
        front.clear_rules()
        front.collect()
        rc.save_figures("faults_conflict", figures)
        tf.destroy()


def test_capacity_beside_autoscaling_is_refused(clean_sandbox: Sandbox, names: rc.Names, tf: Terraform) -> None:
    """read_capacity / write_capacity beside an autoscaling block could never hold
    (auto scaling moves them): validation refuses it (LIM021) before anything reaches AWS."""
    before = rc.baseline(clean_sandbox, names)
    tf.write_config(rc.profile_hcl(names, rc.Settings(rcu=50, wcu=20)))
    result = tf.run("validate", "-no-color")
    assert result.rc == 1, result.output
    assert "LIM021" in result.output, result.output
    assert rc.baseline(clean_sandbox, names) == before




@pytest.mark.slow
def test_destroy_after_a_partial_failure_converges(
    front: FaultFront, clean_sandbox: Sandbox, names: rc.Names, tf_debug: Terraform
) -> None:
    """A destroy that fails on one component (CloudFront down) and then runs again."""
    sb, tf = clean_sandbox, tf_debug
    before = rc.baseline(sb, names)
    rc.write_provider(tf, front.provider_endpoints)
    tf.write_config(rc.profile_hcl(names, rc.Settings()), with_provider=False)
    tf.apply(check=True)
    front.collect()
    try:
        front.set_rules(faults.server_errors(1.0, ["cloudfront"], operation="DeleteCachePolicy"))
        first = tf.destroy()
        assert first.rc != 0 and "could not delete the cache policy" in first.output, first.output
        front.clear_rules()
        second = rc.until_ok("destroy", tf.destroy, 3)
        rc.save_figures("faults_partial_destroy", {"runs": len(second.results), "errors": second.errors()[:3]})
        assert second.ok, second.errors()
        assert rc.baseline(sb, names) == before
    finally:
        front.clear_rules()
        front.collect()
