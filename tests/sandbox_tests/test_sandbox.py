"""Tests of the sandbox itself: the moto launcher's extensions, the routing, ministack
behaviour the acceptance tests rely on, the fixtures, and process clean-up.

An emulator upgrade that breaks the launcher must fail here, loudly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from harness import fixtures as fx
from harness.sandbox import (
    MINISTACK,
    MOTO,
    PROVIDER_ENDPOINT_ATTRS,
    ROUTES,
    SANDBOX_ACCOUNT_ID,
    SANDBOX_SECRET_ACCESS_KEY,
    TESTS_DIR,
    Sandbox,
    SandboxError,
    venv_python,
)

APIGW = "apigateway"
THROTTLE_RATE = "L-8A5B8E43"
THROTTLE_BURST = "L-CDF5615A"
LAMBDA_CONCURRENCY = "L-B99A9384"


def error_code(err: ClientError) -> str:
    return str(err.response["Error"]["Code"])


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers kill(0); treat it as gone once it is not running.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return True
    return state == "Z"


def wait_gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [p for p in pids if not pid_gone(p)]
        if not alive:
            return []
        time.sleep(0.1)
    return [p for p in pids if not pid_gone(p)]


# -- routing and credentials ------------------------------------------------------------------------


def test_routing_table_sends_each_service_to_its_emulator(sandbox: Sandbox) -> None:
    eps = sandbox.endpoints
    assert set(eps) == set(ROUTES)
    direct = sandbox.direct_endpoints
    for service in ("apigateway", "lambda", "dynamodb", "cloudfront", "cloudwatch", "iam", "sts"):
        assert eps[service] == sandbox.front(MINISTACK), service
        assert direct[service] == sandbox.url(MINISTACK), service
    for service in ("application-autoscaling", "service-quotas", "globalaccelerator"):
        assert eps[service] == sandbox.front(MOTO), service
        assert direct[service] == sandbox.url(MOTO), service
    assert sandbox.url(MINISTACK) != sandbox.url(MOTO)
    assert sandbox.front(MINISTACK) != sandbox.front(MOTO)
    assert set(sandbox.provider_endpoints) == {
        "apigateway",
        "lambda",
        "dynamodb",
        "applicationautoscaling",
        "cloudfront",
        "cloudwatch",
        "servicequotas",
        "globalaccelerator",
        "sts",
    }
    assert sandbox.provider_endpoints["servicequotas"] == sandbox.front(MOTO)
    assert set(PROVIDER_ENDPOINT_ATTRS) <= set(ROUTES)


def test_client_refuses_a_service_no_emulator_serves(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxError, match="does not serve 's3'"):
        sandbox.client("s3")


def test_env_is_the_sandbox_account(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    env = sandbox.env()
    assert env["AWS_ACCESS_KEY_ID"] == SANDBOX_ACCOUNT_ID == "123456789012"
    assert env["AWS_SECRET_ACCESS_KEY"] == SANDBOX_SECRET_ACCESS_KEY
    assert env["AWS_REGION"] == "us-east-1"
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"
    monkeypatch.setenv("AWS_PROFILE", "someone-real")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    sub = sandbox.subprocess_env()
    assert "AWS_PROFILE" not in sub and "AWS_SESSION_TOKEN" not in sub
    assert not any(k.startswith("AWS_ENDPOINT_URL") for k in sub)
    cli = sandbox.subprocess_env(endpoint_urls=True)
    assert cli["AWS_ENDPOINT_URL_SERVICE_QUOTAS"] == sandbox.front(MOTO)
    assert cli["AWS_ENDPOINT_URL_API_GATEWAY"] == sandbox.front(MINISTACK)
    assert "AWS_ENDPOINT_URL" not in cli


def test_both_emulators_see_the_same_account(sandbox: Sandbox) -> None:
    assert sandbox.client("sts").get_caller_identity()["Account"] == SANDBOX_ACCOUNT_ID
    quota = sandbox.client("service-quotas").get_service_quota(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE)
    assert f":{SANDBOX_ACCOUNT_ID}:" in quota["Quota"]["QuotaArn"]


# -- Service Quotas ------------------------------------------------------------------------------------


def test_default_quotas_for_api_gateway_and_lambda(sandbox: Sandbox) -> None:
    sq = sandbox.client("service-quotas")
    rate = sq.get_aws_default_service_quota(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE)["Quota"]
    assert rate["QuotaName"] == "Throttle rate"
    assert rate["Value"] == 10000.0
    assert rate["Adjustable"] is True
    assert rate["ServiceName"] == "Amazon API Gateway"
    assert rate["QuotaArn"] == f"arn:aws:servicequotas:us-east-1::apigateway/{THROTTLE_RATE}"
    burst = sq.get_aws_default_service_quota(ServiceCode=APIGW, QuotaCode=THROTTLE_BURST)["Quota"]
    assert burst["Value"] == 5000.0
    assert burst["Adjustable"] is False
    conc = sq.get_aws_default_service_quota(ServiceCode="lambda", QuotaCode=LAMBDA_CONCURRENCY)["Quota"]
    assert conc["QuotaName"] == "Concurrent executions"
    assert conc["Value"] == 1000.0
    codes = {q["QuotaCode"] for q in sq.list_aws_default_service_quotas(ServiceCode=APIGW)["Quotas"]}
    assert codes == {THROTTLE_RATE, THROTTLE_BURST}


def test_moto_vpc_quotas_still_served(sandbox: Sandbox) -> None:
    quota = sandbox.client("service-quotas").get_service_quota(ServiceCode="vpc", QuotaCode="L-F678F1CE")
    assert quota["Quota"]["QuotaName"] == "VPCs per Region"
    assert quota["Quota"]["Value"] == 5.0


def test_unknown_quotas_and_requests_are_no_such_resource(sandbox: Sandbox) -> None:
    sq = sandbox.client("service-quotas")
    calls = [
        lambda: sq.get_service_quota(ServiceCode=APIGW, QuotaCode="L-00000000"),
        lambda: sq.get_aws_default_service_quota(ServiceCode="nosuchservice", QuotaCode=THROTTLE_RATE),
        lambda: sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode="L-00000000", DesiredValue=5),
        lambda: sq.get_requested_service_quota_change(RequestId="0123456789abcdef"),
        lambda: sq.list_requested_service_quota_change_history(ServiceCode="nosuchservice"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as info:
            call()
        assert error_code(info.value) == "NoSuchResourceException"


def test_request_is_filed_pending_and_counted(fresh_sandbox: Sandbox) -> None:
    sq = fresh_sandbox.client("service-quotas")
    assert fresh_sandbox.quota_requests() == []
    filed = sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=20000)[
        "RequestedQuota"
    ]
    assert filed["Status"] == "PENDING"
    assert filed["DesiredValue"] == 20000.0
    assert filed["QuotaName"] == "Throttle rate"
    assert filed["QuotaArn"] == f"arn:aws:servicequotas:us-east-1:{SANDBOX_ACCOUNT_ID}:apigateway/{THROTTLE_RATE}"
    assert filed["QuotaRequestedAtLevel"] == "ACCOUNT"
    assert filed["GlobalQuota"] is False
    assert json.loads(filed["Requester"])["accountId"] == SANDBOX_ACCOUNT_ID
    assert "CaseId" not in filed
    again = sq.get_requested_service_quota_change(RequestId=filed["Id"])["RequestedQuota"]
    assert again == filed
    counted = fresh_sandbox.quota_requests()
    assert [r["Id"] for r in counted] == [filed["Id"]]
    assert counted[0]["Region"] == "us-east-1"
    # Pending is not applied.
    applied = sq.get_service_quota(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE)["Quota"]["Value"]
    assert applied == 10000.0


def test_second_open_request_on_a_quota_is_refused(fresh_sandbox: Sandbox) -> None:
    sq = fresh_sandbox.client("service-quotas")
    first = sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=20000)
    first_id = first["RequestedQuota"]["Id"]
    with pytest.raises(ClientError) as info:
        sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=30000)
    assert error_code(info.value) == "ResourceAlreadyExistsException"
    assert "Only one open service quota increase request is allowed per quota" in str(info.value)

    # CASE_OPENED is still open.
    fresh_sandbox.set_quota_request_status(first_id, "CASE_OPENED")
    with pytest.raises(ClientError) as info:
        sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=30000)
    assert error_code(info.value) == "ResourceAlreadyExistsException"
    assert sq.get_requested_service_quota_change(RequestId=first_id)["RequestedQuota"]["CaseId"]

    # Another quota is independent.
    other = sq.request_service_quota_increase(
        ServiceCode="lambda", QuotaCode=LAMBDA_CONCURRENCY, DesiredValue=12000
    )
    assert other["RequestedQuota"]["Status"] == "PENDING"

    # Once closed (denied), a new request may be filed.
    fresh_sandbox.set_quota_request_status(first_id, "DENIED")
    second = sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=30000)
    assert second["RequestedQuota"]["Id"] != first_id
    assert len(fresh_sandbox.quota_requests()) == 3


def test_history_is_kept_per_quota(fresh_sandbox: Sandbox) -> None:
    sq = fresh_sandbox.client("service-quotas")
    rate = sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=20000)
    conc = sq.request_service_quota_increase(ServiceCode="lambda", QuotaCode=LAMBDA_CONCURRENCY, DesiredValue=12000)
    by_quota = sq.list_requested_service_quota_change_history_by_quota(
        ServiceCode=APIGW, QuotaCode=THROTTLE_RATE
    )["RequestedQuotas"]
    assert [r["Id"] for r in by_quota] == [rate["RequestedQuota"]["Id"]]
    by_service = sq.list_requested_service_quota_change_history(ServiceCode="lambda")["RequestedQuotas"]
    assert [r["Id"] for r in by_service] == [conc["RequestedQuota"]["Id"]]
    everything = sq.list_requested_service_quota_change_history()["RequestedQuotas"]
    assert len(everything) == 2
    pending = sq.list_requested_service_quota_change_history_by_quota(
        ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, Status="PENDING"
    )["RequestedQuotas"]
    approved = sq.list_requested_service_quota_change_history_by_quota(
        ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, Status="APPROVED"
    )["RequestedQuotas"]
    assert len(pending) == 1 and approved == []
    # Paging.
    page = sq.list_requested_service_quota_change_history(MaxResults=1)
    assert len(page["RequestedQuotas"]) == 1 and page["NextToken"]
    rest = sq.list_requested_service_quota_change_history(MaxResults=1, NextToken=page["NextToken"])
    assert len(rest["RequestedQuotas"]) == 1 and "NextToken" not in rest
    assert rest["RequestedQuotas"][0]["Id"] != page["RequestedQuotas"][0]["Id"]


def test_non_adjustable_quota_is_refused(sandbox: Sandbox) -> None:
    sq = sandbox.client("service-quotas")
    with pytest.raises(ClientError) as info:
        sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_BURST, DesiredValue=50000)
    assert error_code(info.value) == "IllegalArgumentException"
    assert "not adjustable" in str(info.value)


def test_approval_mode_applies_the_desired_value(fresh_sandbox: Sandbox, quota_auto_approve: Sandbox) -> None:
    sq = fresh_sandbox.client("service-quotas")
    filed = sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=25000)
    assert filed["RequestedQuota"]["Status"] == "APPROVED"
    assert sq.get_service_quota(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE)["Quota"]["Value"] == 25000.0
    # The default is unchanged, and an approved request is not open.
    assert sq.get_aws_default_service_quota(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE)["Quota"]["Value"] == 10000.0
    again = sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=40000)
    assert again["RequestedQuota"]["Status"] == "APPROVED"


def test_reset_clears_requests_and_approval_mode(sandbox: Sandbox) -> None:
    sq = sandbox.client("service-quotas")
    sandbox.set_quota_auto_approve(True)
    sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=25000)
    assert sandbox.quota_requests()
    # moto's own reset endpoint clears the launcher's state and mode too.
    req = urllib.request.Request(f"{sandbox.url(MOTO)}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
    with urllib.request.urlopen(f"{sandbox.url(MOTO)}/_sandbox/quotas/mode", timeout=5) as resp:
        assert json.loads(resp.read()) == {"AutoApprove": False}
    assert sandbox.quota_requests() == []
    assert sq.get_service_quota(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE)["Quota"]["Value"] == 10000.0
    filed = sq.request_service_quota_increase(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=25000)
    assert filed["RequestedQuota"]["Status"] == "PENDING"


def test_control_endpoint_approves_pending_requests(fresh_sandbox: Sandbox) -> None:
    sq = fresh_sandbox.client("service-quotas")
    filed = sq.request_service_quota_increase(ServiceCode="lambda", QuotaCode=LAMBDA_CONCURRENCY, DesiredValue=12000)
    request_id = filed["RequestedQuota"]["Id"]
    assert fresh_sandbox.approve_quota_requests() == [request_id]
    status = sq.get_requested_service_quota_change(RequestId=request_id)["RequestedQuota"]["Status"]
    assert status == "APPROVED"
    assert sq.get_service_quota(ServiceCode="lambda", QuotaCode=LAMBDA_CONCURRENCY)["Quota"]["Value"] == 12000.0
    assert fresh_sandbox.approve_quota_requests() == []


def test_without_support_case_a_request_is_not_approved(fresh_sandbox: Sandbox) -> None:
    sq = fresh_sandbox.client("service-quotas")
    filed = sq.request_service_quota_increase(
        ServiceCode=APIGW, QuotaCode=THROTTLE_RATE, DesiredValue=20000, SupportCaseAllowed=False
    )
    assert filed["RequestedQuota"]["Status"] == "NOT_APPROVED"


# -- Global Accelerator ----------------------------------------------------------------------------------

ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/smuppy-alb/0123456789abcdef"
NLB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/smuppy-nlb/fedcba9876543210"


def make_accelerator(ga, name: str) -> str:  # type: ignore[no-untyped-def]
    acc = ga.create_accelerator(Name=name, IpAddressType="IPV4", Enabled=True, IdempotencyToken=f"tok-{name}")
    return str(acc["Accelerator"]["AcceleratorArn"])


def test_accelerator_lifecycle_and_delete_rules(sandbox: Sandbox, suffix: str) -> None:
    ga = sandbox.client("globalaccelerator")
    created = ga.create_accelerator(Name=f"smuppy-global-{suffix}", Enabled=True, IdempotencyToken=suffix)["Accelerator"]
    arn = created["AcceleratorArn"]
    assert arn.startswith(f"arn:aws:globalaccelerator::{SANDBOX_ACCOUNT_ID}:accelerator/")
    assert created["Status"] == "IN_PROGRESS"
    assert created["DnsName"].endswith(".awsglobalaccelerator.com")
    assert len(created["IpSets"][0]["IpAddresses"]) == 2
    assert ga.describe_accelerator(AcceleratorArn=arn)["Accelerator"]["Status"] == "DEPLOYED"

    listener = ga.create_listener(
        AcceleratorArn=arn, PortRanges=[{"FromPort": 443, "ToPort": 443}], Protocol="TCP", IdempotencyToken="l"
    )["Listener"]
    assert listener["ListenerArn"].startswith(f"{arn}/listener/")
    assert listener["ClientAffinity"] == "NONE"
    group = ga.create_endpoint_group(
        ListenerArn=listener["ListenerArn"],
        EndpointGroupRegion="us-east-1",
        EndpointConfigurations=[{"EndpointId": ALB_ARN, "Weight": 100}],
        IdempotencyToken="g",
    )["EndpointGroup"]
    assert group["EndpointDescriptions"][0]["EndpointId"] == ALB_ARN
    assert group["EndpointDescriptions"][0]["ClientIPPreservationEnabled"] is True
    assert group["TrafficDialPercentage"] == 100.0
    assert group["HealthCheckPort"] == 443

    updated = ga.update_endpoint_group(EndpointGroupArn=group["EndpointGroupArn"], TrafficDialPercentage=50)
    assert updated["EndpointGroup"]["TrafficDialPercentage"] == 50.0
    assert ga.describe_endpoint_group(EndpointGroupArn=group["EndpointGroupArn"])["EndpointGroup"][
        "TrafficDialPercentage"
    ] == 50.0
    assert [li["ListenerArn"] for li in ga.list_listeners(AcceleratorArn=arn)["Listeners"]] == [listener["ListenerArn"]]
    assert len(ga.list_endpoint_groups(ListenerArn=listener["ListenerArn"])["EndpointGroups"]) == 1

    def refused(call, code: str) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ClientError) as info:
            call()
        assert error_code(info.value) == code

    refused(lambda: ga.delete_accelerator(AcceleratorArn=arn), "AcceleratorNotDisabledException")
    ga.update_accelerator(AcceleratorArn=arn, Enabled=False)
    refused(lambda: ga.delete_accelerator(AcceleratorArn=arn), "AssociatedListenerFoundException")
    refused(lambda: ga.delete_listener(ListenerArn=listener["ListenerArn"]), "AssociatedEndpointGroupFoundException")

    ga.delete_endpoint_group(EndpointGroupArn=group["EndpointGroupArn"])
    ga.delete_listener(ListenerArn=listener["ListenerArn"])
    ga.delete_accelerator(AcceleratorArn=arn)
    refused(lambda: ga.describe_accelerator(AcceleratorArn=arn), "AcceleratorNotFoundException")
    refused(lambda: ga.describe_listener(ListenerArn=listener["ListenerArn"]), "ListenerNotFoundException")
    refused(
        lambda: ga.describe_endpoint_group(EndpointGroupArn=group["EndpointGroupArn"]),
        "EndpointGroupNotFoundException",
    )
    assert arn not in [a["AcceleratorArn"] for a in ga.list_accelerators()["Accelerators"]]


@pytest.mark.parametrize(
    "endpoint_id",
    [
        "https://bmkd8zayee.execute-api.us-east-1.amazonaws.com/staging",
        "arn:aws:execute-api:us-east-1:123456789012:bmkd8zayee/staging",
        "arn:aws:apigateway:us-east-1::/restapis/bmkd8zayee/stages/staging",
        "bmkd8zayee.execute-api.us-east-1.amazonaws.com",
        "arn:aws:lambda:us-east-1:123456789012:function:smuppy-api-handler",
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/smuppy-alb/0123456789abcdef",
        "i-zzzz",
        "",
    ],
)
def test_only_alb_nlb_ec2_and_eip_endpoints_are_accepted(sandbox: Sandbox, suffix: str, endpoint_id: str) -> None:
    ga = sandbox.client("globalaccelerator")
    arn = make_accelerator(ga, f"ep-{suffix}")
    listener = ga.create_listener(
        AcceleratorArn=arn, PortRanges=[{"FromPort": 80, "ToPort": 80}], Protocol="TCP", IdempotencyToken="l"
    )["Listener"]["ListenerArn"]
    with pytest.raises(ClientError) as info:
        ga.create_endpoint_group(
            ListenerArn=listener,
            EndpointGroupRegion="us-east-1",
            EndpointConfigurations=[{"EndpointId": endpoint_id}],
            IdempotencyToken="g",
        )
    assert error_code(info.value) == "InvalidArgumentException"
    assert ga.list_endpoint_groups(ListenerArn=listener)["EndpointGroups"] == []


def test_valid_endpoint_kinds_are_accepted(sandbox: Sandbox, suffix: str) -> None:
    ga = sandbox.client("globalaccelerator")
    arn = make_accelerator(ga, f"ok-{suffix}")
    listener = ga.create_listener(
        AcceleratorArn=arn, PortRanges=[{"FromPort": 80, "ToPort": 81}], Protocol="TCP", IdempotencyToken="l"
    )["Listener"]["ListenerArn"]
    ids = [ALB_ARN, NLB_ARN, "i-0123456789abcdef0", "eipalloc-0123456789abcdef0"]
    group = ga.create_endpoint_group(
        ListenerArn=listener,
        EndpointGroupRegion="us-east-1",
        EndpointConfigurations=[{"EndpointId": e} for e in ids],
        IdempotencyToken="g",
    )["EndpointGroup"]
    assert [d["EndpointId"] for d in group["EndpointDescriptions"]] == ids
    with pytest.raises(ClientError) as info:
        ga.create_endpoint_group(ListenerArn=listener, EndpointGroupRegion="us-east-1", IdempotencyToken="g2")
    assert error_code(info.value) == "EndpointGroupAlreadyExistsException"


def test_idempotency_token_returns_the_same_accelerator(sandbox: Sandbox, suffix: str) -> None:
    ga = sandbox.client("globalaccelerator")
    first = ga.create_accelerator(Name=f"idem-{suffix}", IdempotencyToken=f"t-{suffix}")["Accelerator"]
    second = ga.create_accelerator(Name=f"idem-{suffix}", IdempotencyToken=f"t-{suffix}")["Accelerator"]
    third = ga.create_accelerator(Name=f"idem-{suffix}", IdempotencyToken=f"u-{suffix}")["Accelerator"]
    assert first["AcceleratorArn"] == second["AcceleratorArn"]
    assert third["AcceleratorArn"] != first["AcceleratorArn"]
    names = [a["Name"] for a in ga.list_accelerators(MaxResults=100)["Accelerators"]]
    assert names.count(f"idem-{suffix}") == 2


def test_listener_port_ranges_may_not_overlap(sandbox: Sandbox, suffix: str) -> None:
    ga = sandbox.client("globalaccelerator")
    arn = make_accelerator(ga, f"ports-{suffix}")
    ga.create_listener(AcceleratorArn=arn, PortRanges=[{"FromPort": 80, "ToPort": 90}], Protocol="TCP", IdempotencyToken="a")
    with pytest.raises(ClientError) as info:
        ga.create_listener(
            AcceleratorArn=arn, PortRanges=[{"FromPort": 85, "ToPort": 85}], Protocol="UDP", IdempotencyToken="b"
        )
    assert error_code(info.value) == "InvalidPortRangeException"


def test_accelerator_names_follow_the_aws_rules(sandbox: Sandbox, suffix: str) -> None:
    ga = sandbox.client("globalaccelerator")
    ok = ga.create_accelerator(Name=f"smuppy.global-{suffix}", IdempotencyToken=f"n-{suffix}")
    assert ok["Accelerator"]["Name"] == f"smuppy.global-{suffix}"
    for bad in ("-smuppy", "smuppy_global", "x" * 65):
        with pytest.raises(ClientError) as info:
            ga.create_accelerator(Name=bad, IdempotencyToken=f"{bad}-{suffix}"[:255])
        assert error_code(info.value) == "InvalidArgumentException"


def test_global_accelerator_is_served_from_us_west_2_only(sandbox: Sandbox) -> None:
    ga = sandbox.client("globalaccelerator", region_name="us-east-1")
    with pytest.raises(ClientError) as info:
        ga.list_accelerators()
    assert "us-west-2" in str(info.value)


# -- Application Auto Scaling on moto, table in ministack ---------------------------------------------------


def test_autoscaling_target_for_a_ministack_table(sandbox: Sandbox, scenario: fx.Scenario) -> None:
    aas = sandbox.client("application-autoscaling")
    resource_id = f"table/{scenario.table.name}"
    aas.register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId=resource_id,
        ScalableDimension="dynamodb:table:ReadCapacityUnits",
        MinCapacity=5,
        MaxCapacity=100,
    )
    targets = aas.describe_scalable_targets(ServiceNamespace="dynamodb", ResourceIds=[resource_id])
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets["ScalableTargets"]] == [(5, 100)]


# -- ministack behaviour the provider relies on ----------------------------------------------------------------


def test_stage_throttling_through_method_setting_paths(sandbox: Sandbox, scenario: fx.Scenario) -> None:
    apigw = sandbox.client("apigateway")
    api, stage = scenario.api.api_id, scenario.api.stage_name
    apigw.update_stage(
        restApiId=api,
        stageName=stage,
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "250"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "125"},
        ],
    )
    settings = fx.stage_method_settings(sandbox, api, stage)
    assert settings["*/*"]["throttlingRateLimit"] == 250.0
    assert settings["*/*"]["throttlingBurstLimit"] == 125


def test_runbook_stage_paths_store_nothing_in_the_emulator(sandbox: Sandbox, scenario: fx.Scenario) -> None:
    """AWS rejects /throttling/rateLimit ("Invalid method setting path"); ministack itself
    accepts it and stores nothing. Tests must therefore read back rather than trust a 200
    (the strict layer refuses it: tests/sandbox_tests/test_strict.py)."""
    apigw = sandbox.client("apigateway", direct=True)
    api, stage = scenario.api.api_id, scenario.api.stage_name
    before = fx.stage_method_settings(sandbox, api, stage)
    apigw.update_stage(
        restApiId=api,
        stageName=stage,
        patchOperations=[{"op": "replace", "path": "/throttling/rateLimit", "value": "100000"}],
    )
    assert fx.stage_method_settings(sandbox, api, stage) == before


def test_data_plane_throttles_with_429(sandbox: Sandbox, suffix: str) -> None:
    api = fx.ensure_rest_api(sandbox, fx.pinned_api_id(suffix), name=f"throttle-{suffix}")
    url = f"{api.invoke_url}{api.resource_path}"
    assert get(url) == 200
    sandbox.client("apigateway").update_stage(
        restApiId=api.api_id,
        stageName=api.stage_name,
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "1"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "1"},
        ],
    )
    codes = [get(url) for _ in range(6)]
    assert 429 in codes


# -- fixtures ------------------------------------------------------------------------------------------------


def test_scenario_fixtures_are_idempotent_and_as_specified(sandbox: Sandbox, suffix: str) -> None:
    first = fx.ensure_scenario(sandbox, suffix, preset_method_settings=True)
    second = fx.ensure_scenario(sandbox, suffix, preset_method_settings=True)
    assert first == second
    assert first.function.memory_size == 256 and first.function.timeout == 30
    assert first.function.alias == "prod" and first.function.version == "1"
    assert first.table.billing_mode == "PROVISIONED"
    assert (first.table.read_capacity, first.table.write_capacity) == (5, 5)
    assert first.api.api_id == fx.pinned_api_id(suffix) and len(first.api.api_id) == 10
    settings = fx.stage_method_settings(sandbox, first.api.api_id, "staging")["*/*"]
    assert settings["loggingLevel"] == "INFO"
    assert settings["metricsEnabled"] is True
    assert settings["cachingEnabled"] is True
    apis = sandbox.client("apigateway").get_rest_apis(limit=500)["items"]
    assert [a["id"] for a in apis].count(first.api.api_id) == 1
    # The Lambda proxy integration answers through the stage.
    assert get(f"{first.api.invoke_url}{first.api.resource_path}") == 200


def test_default_names_match_the_runbook(sandbox: Sandbox) -> None:
    assert fx.pinned_api_id() == "bmkd8zayee"
    table = fx.ensure_table(sandbox, f"{fx.DEFAULT_TABLE}-ppr-check", billing_mode="PAY_PER_REQUEST")
    assert table.billing_mode == "PAY_PER_REQUEST"
    assert fx.DEFAULT_FUNCTION == "smuppy-api-handler"
    assert fx.DEFAULT_TABLE == "smuppy-feeds-staging"


# -- processes ------------------------------------------------------------------------------------------------


def test_processes_are_gone_after_the_context_exits() -> None:
    with Sandbox() as sb:
        pids = list(sb.pids.values())
        assert len(pids) == 2 and all(not pid_gone(p) for p in pids)
        assert sb.started_in is not None and sb.started_in < 20
        sb.client("service-quotas").get_service_quota(ServiceCode=APIGW, QuotaCode=THROTTLE_RATE)
    assert wait_gone(pids, timeout=1.0) == []


def test_processes_are_gone_when_the_block_raises() -> None:
    pids: list[int] = []
    with pytest.raises(RuntimeError, match="boom"):
        with Sandbox() as sb:
            pids = list(sb.pids.values())
            raise RuntimeError("boom")
    assert pids and wait_gone(pids, timeout=1.0) == []


def test_start_failure_is_a_clear_error_and_leaves_nothing_running(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'no emulator here' >&2\nexit 7\n")
    fake.chmod(0o755)
    sb = Sandbox(python=str(fake), startup_timeout=5, log_dir=tmp_path / "logs")
    with pytest.raises(SandboxError, match="exited with code 7") as info:
        sb.start()
    assert "no emulator here" in str(info.value)
    assert not sb.alive()
    assert (sb.log_dir / "moto.log").exists()


def _start_serve(tmp_path: Path) -> tuple[subprocess.Popen[bytes], dict[str, object], Path]:
    ready = tmp_path / "sandbox.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(TESTS_DIR)
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.Popen(
        [venv_python(), "-m", "harness.sandbox", "serve", "--ready-file", str(ready)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not ready.exists():
        if proc.poll() is not None:
            raise AssertionError(f"serve exited {proc.returncode}: {proc.stderr.read().decode() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("serve did not become ready in 30 s")
        time.sleep(0.05)
    doc = json.loads(ready.read_text())
    return proc, doc["_sandbox"], ready


def test_serve_cli_writes_endpoints_and_stops_on_sigterm(tmp_path: Path) -> None:
    proc, doc, ready = _start_serve(tmp_path)
    try:
        flat = json.loads(ready.read_text())
        urls = {k: v for k, v in flat.items() if isinstance(v, str)}
        assert set(urls) == set(ROUTES) | set(PROVIDER_ENDPOINT_ATTRS.values())
        assert all(v.startswith("http://127.0.0.1:") for v in urls.values())
        assert urls["servicequotas"] == urls["service-quotas"] == doc["endpoints"]["service-quotas"]  # type: ignore[index]
        assert urls["lambda"] == doc["endpoints"]["lambda"] != doc["ministack"]  # type: ignore[index]
        assert doc["strict"] is True
        with urllib.request.urlopen(f"{doc['strict_control']}stats", timeout=5) as resp:
            assert json.loads(resp.read())["rejected_by_model"] == 0
        endpoints = doc["endpoints"]
        assert isinstance(endpoints, dict) and set(endpoints) == set(ROUTES)
        assert doc["provider_endpoints"]["servicequotas"] == endpoints["service-quotas"]  # type: ignore[index]
        with urllib.request.urlopen(f"{doc['moto']}/_sandbox/health", timeout=5) as resp:
            assert json.loads(resp.read())["status"] == "ok"
        pids = [int(p) for p in doc["pids"].values()]  # type: ignore[union-attr]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert wait_gone(pids, timeout=2.0) == []
        assert not ready.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_emulators_die_with_a_killed_serve_process(tmp_path: Path) -> None:
    proc, doc, _ = _start_serve(tmp_path)
    pids = [int(p) for p in doc["pids"].values()]  # type: ignore[union-attr]
    proc.kill()
    proc.wait(timeout=10)
    assert wait_gone(pids, timeout=10.0) == []


def test_serve_stops_when_its_parent_dies(tmp_path: Path) -> None:
    """A test runner that dies without stopping the sandbox leaves nothing behind."""
    ready = tmp_path / "sandbox.json"
    script = (
        "import os, subprocess, sys, time\n"
        f"p = subprocess.Popen([{venv_python()!r}, '-m', 'harness.sandbox', 'serve', '--ready-file', {str(ready)!r}])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(TESTS_DIR), TMPDIR=str(tmp_path))
    parent = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        serve_pid = int(parent.stdout.readline())
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert time.monotonic() < deadline, "serve did not become ready"
            time.sleep(0.05)
        pids = [int(p) for p in json.loads(ready.read_text())["_sandbox"]["pids"].values()]
    finally:
        parent.kill()
        parent.wait()
    assert wait_gone([serve_pid, *pids], timeout=15.0) == []


def test_sandbox_module_runs_as_a_file(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(TESTS_DIR / "harness" / "sandbox.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0
    assert "serve" in out.stdout
