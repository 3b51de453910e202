"""Tests of the strict layer itself (``harness.strict``): one per rule.

Each test sends the request AWS refuses, with boto3, through the strict endpoint and
asserts AWS's error code; where the emulators accept it, the same request through a
lenient sandbox succeeds, which shows the refusal is the layer's.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterator

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import fixtures as fx
from harness.sandbox import Sandbox

NO_RETRY = Config(retries={"max_attempts": 1}, parameter_validation=False)


@pytest.fixture(scope="module")
def strict() -> Iterator[Sandbox]:
    with Sandbox(strict=True) as sb:
        yield sb


@pytest.fixture(scope="module")
def lenient() -> Iterator[Sandbox]:
    with Sandbox(strict=False) as sb:
        yield sb


def refused(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return int(err["ResponseMetadata"]["HTTPStatusCode"]), str(err["Error"]["Code"]), str(err["Error"]["Message"])


def scenario(sb: Sandbox) -> fx.Scenario:
    return fx.ensure_scenario(sb, fx.unique_suffix())


def update_stage(sb: Sandbox, sc: fx.Scenario, *ops: dict[str, str]) -> Any:
    return sb.client("apigateway", config=NO_RETRY).update_stage(
        restApiId=sc.api.api_id, stageName=sc.api.stage_name, patchOperations=list(ops)
    )


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


# -- API Gateway ------------------------------------------------------------------------------------------


def test_stage_patch_path_of_the_runbook_is_refused(strict: Sandbox, lenient: Sandbox) -> None:
    op = {"op": "replace", "path": "/throttling/rateLimit", "value": "100"}
    status, code, message = refused(update_stage, strict, scenario(strict), op)
    assert (status, code) == (400, "BadRequestException")
    assert message.startswith("Invalid method setting path: /throttling/rateLimit")
    update_stage(lenient, scenario(lenient), op)  # the emulator takes it


def test_field_level_remove_inside_a_method_setting_is_refused(strict: Sandbox, lenient: Sandbox) -> None:
    put = {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100"}
    remove = {"op": "remove", "path": "/*/*/throttling/rateLimit"}
    sc = scenario(strict)
    update_stage(strict, sc, put)
    status, code, message = refused(update_stage, strict, sc, remove)
    assert (status, code) == (400, "BadRequestException")
    assert "op=remove,path=/*/*" in message
    # Nothing changed: the throttle is still there.
    assert fx.stage_method_settings(strict, sc.api.api_id, sc.api.stage_name)["*/*"]["throttlingRateLimit"] == 100
    sl = scenario(lenient)
    update_stage(lenient, sl, put)
    update_stage(lenient, sl, remove)


def test_removing_a_method_setting_that_does_not_exist_is_refused(strict: Sandbox, lenient: Sandbox) -> None:
    status, code, message = refused(update_stage, strict, scenario(strict), {"op": "remove", "path": "/*/*"})
    assert (status, code) == (400, "BadRequestException")
    assert message == "Cannot remove method setting */* because there is no method setting for this method"
    update_stage(lenient, scenario(lenient), {"op": "remove", "path": "/*/*"})


def test_removing_an_existing_method_setting_is_accepted(strict: Sandbox) -> None:
    sc = scenario(strict)
    update_stage(strict, sc, {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "200"})
    update_stage(strict, sc, {"op": "remove", "path": "/*/*"})
    assert "*/*" not in fx.stage_method_settings(strict, sc.api.api_id, sc.api.stage_name)


def test_stage_burst_above_the_account_burst_is_clamped(strict: Sandbox) -> None:
    # AWS documents no error: the value is stored and the account's limit applies. The layer
    # notes the clamped value in the request log.
    sc = scenario(strict)
    mark = strict.strict_log_size()
    update_stage(strict, sc, {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "50000"})
    update_stage(strict, sc, {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "5000"})
    first, second = strict.strict_requests(mark)
    assert first["clamped"] == [{"path": "/*/*/throttling/burstLimit", "value": 50000.0, "effective": 5000.0}]
    assert "clamped" not in second
    # Once the rate quota is raised (approved), the account's burst follows it (half the rate).
    strict.set_quota_auto_approve(True)
    try:
        strict.client("service-quotas").request_service_quota_increase(
            ServiceCode="apigateway", QuotaCode="L-8A5B8E43", DesiredValue=100000.0
        )
    finally:
        strict.set_quota_auto_approve(False)
    mark = strict.strict_log_size()
    update_stage(strict, sc, {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "50000"})
    assert "clamped" not in strict.strict_requests(mark)[0]


def test_control_plane_calls_faster_than_the_documented_rate_are_throttled(strict: Sandbox) -> None:
    sc = scenario(strict)
    profile = strict.strict_stats  # noqa: F841 (keeps the sandbox referenced in the traceback)
    strict.set_strict_profile(apigw_control_rate=1.0, apigw_control_burst=2.0)
    try:
        client = strict.client("apigateway", config=NO_RETRY)
        codes = []
        for _ in range(4):
            try:
                client.get_stage(restApiId=sc.api.api_id, stageName=sc.api.stage_name)
                codes.append("ok")
            except ClientError as err:
                codes.append(str(err.response["Error"]["Code"]))
        assert "TooManyRequestsException" in codes, codes
    finally:
        strict.set_strict_profile(apigw_control_rate=10.0, apigw_control_burst=40.0)
        time.sleep(0.2)


# -- Lambda ---------------------------------------------------------------------------------------------


def test_reserved_concurrency_must_leave_100_unreserved(strict: Sandbox, lenient: Sandbox) -> None:
    sc = scenario(strict)
    lam = strict.client("lambda", config=NO_RETRY)
    status, code, message = refused(lam.put_function_concurrency, FunctionName=sc.function.name, ReservedConcurrentExecutions=950)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert "below its minimum value of [100]" in message
    assert "Concurrency" not in lam.get_function(FunctionName=sc.function.name)
    lam.put_function_concurrency(FunctionName=sc.function.name, ReservedConcurrentExecutions=50)
    lam.delete_function_concurrency(FunctionName=sc.function.name)
    sl = scenario(lenient)
    lenient.client("lambda").put_function_concurrency(FunctionName=sl.function.name, ReservedConcurrentExecutions=950)
    lenient.client("lambda").delete_function_concurrency(FunctionName=sl.function.name)


def test_provisioned_concurrency_above_reserved_is_refused(strict: Sandbox, lenient: Sandbox) -> None:
    for sb in (strict, lenient):
        sc = scenario(sb)
        lam = sb.client("lambda", config=NO_RETRY)
        lam.put_function_concurrency(FunctionName=sc.function.name, ReservedConcurrentExecutions=20)
        args = {"FunctionName": sc.function.name, "Qualifier": sc.function.alias, "ProvisionedConcurrentExecutions": 30}
        try:
            if sb is strict:
                status, code, _ = refused(lam.put_provisioned_concurrency_config, **args)
                assert (status, code) == (400, "InvalidParameterValueException")
            else:
                lam.put_provisioned_concurrency_config(**args)
                lam.delete_provisioned_concurrency_config(FunctionName=sc.function.name, Qualifier=sc.function.alias)
        finally:
            lam.delete_function_concurrency(FunctionName=sc.function.name)


def test_provisioned_concurrency_on_latest_is_refused(strict: Sandbox) -> None:
    sc = scenario(strict)
    lam = strict.client("lambda", config=NO_RETRY)
    status, code, message = refused(
        lam.put_provisioned_concurrency_config, FunctionName=sc.function.name, Qualifier="$LATEST",
        ProvisionedConcurrentExecutions=1,
    )
    assert (status, code) == (400, "InvalidParameterValueException")
    assert "unpublished function versions" in message


def test_writes_while_a_function_update_is_in_progress_conflict(strict: Sandbox) -> None:
    sc = scenario(strict)
    strict.set_strict_profile(function_update=1.0)
    try:
        lam = strict.client("lambda", config=NO_RETRY)
        lam.update_function_configuration(FunctionName=sc.function.name, MemorySize=512)
        assert lam.get_function_configuration(FunctionName=sc.function.name)["LastUpdateStatus"] == "InProgress"
        for call in (
            lambda: lam.update_function_configuration(FunctionName=sc.function.name, MemorySize=1024),
            lambda: lam.publish_version(FunctionName=sc.function.name),
        ):
            status, code, message = refused(call)
            assert (status, code) == (409, "ResourceConflictException")
            assert "An update is in progress" in message
        wait_until(
            lambda: lam.get_function_configuration(FunctionName=sc.function.name)["LastUpdateStatus"] == "Successful"
        )
        lam.update_function_configuration(FunctionName=sc.function.name, MemorySize=1024)
    finally:
        strict.set_strict_profile(function_update=0.3)


def test_provisioned_concurrency_goes_in_progress_then_ready(strict: Sandbox) -> None:
    sc = scenario(strict)
    lam = strict.client("lambda", config=NO_RETRY)
    args = {"FunctionName": sc.function.name, "Qualifier": sc.function.alias}
    put = lam.put_provisioned_concurrency_config(ProvisionedConcurrentExecutions=2, **args)
    assert put["Status"] == "IN_PROGRESS"
    assert lam.get_provisioned_concurrency_config(**args)["Status"] == "IN_PROGRESS"
    wait_until(lambda: lam.get_provisioned_concurrency_config(**args)["Status"] == "READY")
    lam.delete_provisioned_concurrency_config(**args)


def test_provisioned_concurrency_can_end_failed_with_a_reason(strict: Sandbox) -> None:
    sc = scenario(strict)
    lam = strict.client("lambda", config=NO_RETRY)
    args = {"FunctionName": sc.function.name, "Qualifier": sc.function.alias}
    strict.fail_next_provisioned_concurrency(sc.function.name, "FUNCTION_ERROR_INIT_FAILURE")
    lam.put_provisioned_concurrency_config(ProvisionedConcurrentExecutions=2, **args)
    wait_until(lambda: lam.get_provisioned_concurrency_config(**args)["Status"] != "IN_PROGRESS")
    got = lam.get_provisioned_concurrency_config(**args)
    assert (got["Status"], got["StatusReason"]) == ("FAILED", "FUNCTION_ERROR_INIT_FAILURE")
    lam.delete_provisioned_concurrency_config(**args)


# -- DynamoDB --------------------------------------------------------------------------------------------


def test_provisioned_throughput_above_the_table_quota_is_refused(strict: Sandbox, lenient: Sandbox) -> None:
    throughput = {"ReadCapacityUnits": 40001, "WriteCapacityUnits": 5}
    sc = scenario(strict)
    ddb = strict.client("dynamodb", config=NO_RETRY)
    status, code, _ = refused(ddb.update_table, TableName=sc.table.name, ProvisionedThroughput=throughput)
    assert (status, code) == (400, "LimitExceededException")
    assert ddb.describe_table(TableName=sc.table.name)["Table"]["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    sl = scenario(lenient)
    lenient.client("dynamodb").update_table(TableName=sl.table.name, ProvisionedThroughput=throughput)


def test_update_table_while_updating_is_refused(strict: Sandbox) -> None:
    sc = scenario(strict)
    strict.set_strict_profile(table_update=1.0)
    try:
        ddb = strict.client("dynamodb", config=NO_RETRY)
        ddb.update_table(TableName=sc.table.name, ProvisionedThroughput={"ReadCapacityUnits": 6, "WriteCapacityUnits": 5})
        assert ddb.describe_table(TableName=sc.table.name)["Table"]["TableStatus"] == "UPDATING"
        status, code, message = refused(
            ddb.update_table, TableName=sc.table.name, ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 5}
        )
        assert (status, code) == (400, "ResourceInUseException")
        assert sc.table.name in message
        wait_until(lambda: ddb.describe_table(TableName=sc.table.name)["Table"]["TableStatus"] == "ACTIVE")
    finally:
        strict.set_strict_profile(table_update=0.3)


def test_fifth_switch_to_on_demand_within_a_day_is_refused(strict: Sandbox, lenient: Sandbox) -> None:
    strict.set_strict_profile(table_update=0.05)
    try:
        for sb in (strict, lenient):
            sc = scenario(sb)
            ddb = sb.client("dynamodb", config=NO_RETRY)
            provisioned = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
            for _ in range(4):
                time.sleep(0.1)
                ddb.update_table(TableName=sc.table.name, BillingMode="PAY_PER_REQUEST")
                time.sleep(0.1)
                ddb.update_table(TableName=sc.table.name, BillingMode="PROVISIONED", ProvisionedThroughput=provisioned)
            time.sleep(0.1)
            if sb is strict:
                status, code, message = refused(ddb.update_table, TableName=sc.table.name, BillingMode="PAY_PER_REQUEST")
                assert (status, code) == (400, "LimitExceededException")
                assert "24-hour" in message
            else:
                ddb.update_table(TableName=sc.table.name, BillingMode="PAY_PER_REQUEST")
    finally:
        strict.set_strict_profile(table_update=0.3)


# -- Application Auto Scaling ------------------------------------------------------------------------------


def test_deregistering_a_target_deletes_its_policies(strict: Sandbox) -> None:
    # AWS: DeregisterScalableTarget "deletes the scaling policies ... associated with it". The
    # sandbox's moto extension does it (harness.moto_ext.autoscaling), in both modes.
    sc = scenario(strict)
    aas = strict.client("application-autoscaling")
    target = {
        "ServiceNamespace": "dynamodb",
        "ResourceId": f"table/{sc.table.name}",
        "ScalableDimension": "dynamodb:table:ReadCapacityUnits",
    }
    aas.register_scalable_target(MinCapacity=5, MaxCapacity=50, **target)
    aas.put_scaling_policy(
        PolicyName="p", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBReadCapacityUtilization"},
        },
        **target,
    )
    aas.deregister_scalable_target(**target)
    policies = aas.describe_scaling_policies(ServiceNamespace="dynamodb", ResourceId=target["ResourceId"])
    assert policies["ScalingPolicies"] == []


# -- CloudFront ------------------------------------------------------------------------------------------


def cache_policy(sb: Sandbox) -> tuple[str, str]:
    cf = sb.client("cloudfront")
    created = cf.create_cache_policy(
        CachePolicyConfig={
            "Name": f"strict-{fx.unique_suffix()}",
            "MinTTL": 1,
            "DefaultTTL": 60,
            "MaxTTL": 300,
            "ParametersInCacheKeyAndForwardedToOrigin": {
                "EnableAcceptEncodingGzip": True,
                "HeadersConfig": {"HeaderBehavior": "none"},
                "CookiesConfig": {"CookieBehavior": "none"},
                "QueryStringsConfig": {"QueryStringBehavior": "none"},
            },
        }
    )
    return str(created["CachePolicy"]["Id"]), str(created["ETag"])


def test_stale_etag_is_a_failed_precondition(strict: Sandbox) -> None:
    # ministack checks If-Match too; the layer checks it before the emulator sees the request.
    cf = strict.client("cloudfront", config=NO_RETRY)
    policy_id, etag = cache_policy(strict)
    config = cf.get_cache_policy_config(Id=policy_id)["CachePolicyConfig"]
    config["DefaultTTL"] = 120
    cf.update_cache_policy(Id=policy_id, IfMatch=etag, CachePolicyConfig=config)
    before = strict.strict_stats()["refused_by_rule"]
    status, code, _ = refused(cf.delete_cache_policy, Id=policy_id, IfMatch=etag)
    assert (status, code) == (412, "PreconditionFailed")
    assert strict.strict_stats()["refused_by_rule"] == before + 1
    cf.delete_cache_policy(Id=policy_id, IfMatch=cf.get_cache_policy(Id=policy_id)["ETag"])


def test_cache_policy_used_by_a_distribution_cannot_be_deleted(strict: Sandbox, lenient: Sandbox) -> None:
    cf = strict.client("cloudfront", config=NO_RETRY)
    policy_id, etag = cache_policy(strict)
    strict.register_distribution("E2STRICTDIST01", policy_id)
    listed = cf.list_distributions_by_cache_policy_id(CachePolicyId=policy_id)["DistributionIdList"]
    assert listed["Items"] == ["E2STRICTDIST01"]
    status, code, message = refused(cf.delete_cache_policy, Id=policy_id, IfMatch=etag)
    assert (status, code) == (409, "CachePolicyInUse")
    assert "E2STRICTDIST01" in message
    strict.register_distribution("E2STRICTDIST01", policy_id, attached=False)
    cf.delete_cache_policy(Id=policy_id, IfMatch=etag)
    lid, letag = cache_policy(lenient)
    lenient.client("cloudfront").delete_cache_policy(Id=lid, IfMatch=letag)


# -- Service Quotas --------------------------------------------------------------------------------------


def test_quota_request_follows_the_timeline_the_test_sets(strict: Sandbox) -> None:
    sq = strict.client("service-quotas")
    strict.set_quota_timeline([("CASE_OPENED", 0.2), ("DENIED", 0.5)])
    try:
        req = sq.request_service_quota_increase(ServiceCode="apigateway", QuotaCode="L-8A5B8E43", DesiredValue=20000.0)
        rid = req["RequestedQuota"]["Id"]
        assert req["RequestedQuota"]["Status"] == "PENDING"
        seen = []

        def status() -> str:
            current = str(sq.get_requested_service_quota_change(RequestId=rid)["RequestedQuota"]["Status"])
            if not seen or seen[-1] != current:
                seen.append(current)
            return current

        wait_until(lambda: status() == "DENIED")
        assert seen[0] in ("PENDING", "CASE_OPENED") and "CASE_OPENED" in seen
    finally:
        strict.set_quota_timeline([])


# -- the model check and the counts ----------------------------------------------------------------------


def test_requests_that_break_the_api_model_are_rejected(strict: Sandbox, lenient: Sandbox) -> None:
    before = strict.strict_stats()["rejected_by_model"]
    status, code, message = refused(strict.client("dynamodb", config=NO_RETRY).list_tables, Limit=0)
    assert (status, code) == (400, "ValidationException")
    assert message == (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )
    assert strict.strict_stats()["rejected_by_model"] == before + 1
    lenient.client("dynamodb", config=NO_RETRY).list_tables(Limit=0)  # the emulator answers


def test_the_request_log_tells_reads_from_writes(strict: Sandbox) -> None:
    sc = scenario(strict)
    mark = strict.strict_log_size()
    ag = strict.client("apigateway")
    ag.get_stage(restApiId=sc.api.api_id, stageName=sc.api.stage_name)
    update_stage(strict, sc, {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "50"})
    log = [(e["service"], e["operation"], e["method"], e["write"]) for e in strict.strict_requests(mark)]
    assert log == [
        ("apigateway", "GetStage", "GET", False),
        ("apigateway", "UpdateStage", "PATCH", True),
    ]


def test_strict_is_the_default_and_the_switch_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    def strict_requested(**kwargs: Any) -> bool:
        sb = Sandbox(**kwargs)  # not started: only its settings are read
        sb.stop()
        return bool(sb.strict_requested)

    monkeypatch.delenv("SMUPPY_SANDBOX_LENIENT", raising=False)
    assert strict_requested() is True
    assert strict_requested(strict=False) is False
    monkeypatch.setenv("SMUPPY_SANDBOX_LENIENT", "1")
    assert strict_requested() is False
    assert strict_requested(strict=True) is True


def test_lenient_sandbox_endpoints_are_the_emulators(lenient: Sandbox, strict: Sandbox) -> None:
    assert lenient.endpoints == lenient.direct_endpoints
    assert not lenient.strict
    assert strict.strict and set(strict.endpoints.values()).isdisjoint(strict.direct_endpoints.values())


def test_a_write_acknowledged_but_not_applied_never_reaches_the_emulator(strict: Sandbox) -> None:
    sc = scenario(strict)
    before = fx.stage_method_settings(strict, sc.api.api_id, sc.api.stage_name)
    since = strict.strict_log_size()
    strict.acknowledge_next_unapplied("apigateway", "UpdateStage")
    op = {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "123"}
    answer = update_stage(strict, sc, op)
    assert answer["stageName"] == sc.api.stage_name
    assert fx.stage_method_settings(strict, sc.api.api_id, sc.api.stage_name) == before
    logged = [e for e in strict.strict_requests(since) if e.get("operation") == "UpdateStage"]
    assert [e.get("unapplied") for e in logged] == [True], logged
    # Only the next one: the same write again reaches the emulator.
    update_stage(strict, sc, op)
    assert fx.stage_method_settings(strict, sc.api.api_id, sc.api.stage_name)["*/*"]["throttlingRateLimit"] == 123.0
