"""The runbook's own commands (sections 1 to 3 and its quick start), replayed as
written through boto3 against the strict sandbox: they fail where AWS fails them.

Each call below is one ``aws`` command of the runbook with its exact arguments. The README
("The runbook against the strict sandbox") quotes the answers asserted here.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import fixtures as fx
from harness.sandbox import Sandbox

NO_RETRY = Config(retries={"max_attempts": 1})


@pytest.fixture(scope="module")
def runbook_account() -> Iterator[Sandbox]:
    """A strict sandbox holding the runbook's API, function and table under their names."""
    with Sandbox(strict=True) as sb:
        fx.ensure_scenario(sb)
        yield sb


def answer(call: Any, **kwargs: Any) -> tuple[str, str]:
    try:
        call(**kwargs)
    except ClientError as err:
        return str(err.response["Error"]["Code"]), str(err.response["Error"]["Message"])
    return "OK", ""


def test_stage_throttle_commands_fail_as_on_aws(runbook_account: Sandbox) -> None:
    ag = runbook_account.client("apigateway", config=NO_RETRY)
    stage = {"restApiId": fx.DEFAULT_API_ID, "stageName": fx.DEFAULT_STAGE}
    # aws apigateway update-stage ... op=replace,path=/throttling/rateLimit,value=100000
    #                                 op=replace,path=/throttling/burstLimit,value=50000
    code, message = answer(
        ag.update_stage,
        patchOperations=[
            {"op": "replace", "path": "/throttling/rateLimit", "value": "100000"},
            {"op": "replace", "path": "/throttling/burstLimit", "value": "50000"},
        ],
        **stage,
    )
    assert code == "BadRequestException"
    assert message.startswith("Invalid method setting path: /throttling/rateLimit.")
    # The same values on the valid stage-wide paths: accepted (AWS documents no error), but above
    # the account's 10,000 rps / 5,000 burst, so the account's limits apply: the layer notes both
    # as clamped.
    mark = runbook_account.strict_log_size()
    code, _ = answer(
        ag.update_stage,
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100000"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "50000"},
        ],
        **stage,
    )
    assert code == "OK"
    (entry,) = runbook_account.strict_requests(mark)
    assert [(c["path"], c["effective"]) for c in entry["clamped"]] == [
        ("/*/*/throttling/rateLimit", 10000.0),
        ("/*/*/throttling/burstLimit", 5000.0),
    ]
    ag.update_stage(patchOperations=[{"op": "remove", "path": "/*/*"}], **stage)
    # Nothing of it reached the stage.
    assert "*/*" not in fx.stage_method_settings(runbook_account, fx.DEFAULT_API_ID, fx.DEFAULT_STAGE)


def test_lambda_concurrency_commands_fail_as_on_aws(runbook_account: Sandbox) -> None:
    lam = runbook_account.client("lambda", config=NO_RETRY)
    # aws lambda put-function-concurrency --function-name smuppy-api-handler --reserved-concurrent-executions 10000
    code, message = answer(lam.put_function_concurrency, FunctionName=fx.DEFAULT_FUNCTION, ReservedConcurrentExecutions=10000)
    assert code == "InvalidParameterValueException"
    assert "below its minimum value of [100]" in message
    # aws lambda put-provisioned-concurrency-config --function-name smuppy-api-handler --qualifier prod
    #   --provisioned-concurrent-executions 1000
    code, message = answer(
        lam.put_provisioned_concurrency_config,
        FunctionName=fx.DEFAULT_FUNCTION,
        Qualifier=fx.DEFAULT_ALIAS,
        ProvisionedConcurrentExecutions=1000,
    )
    assert code == "InvalidParameterValueException"
    assert "below its minimum value of [100]" in message
    assert "Concurrency" not in lam.get_function(FunctionName=fx.DEFAULT_FUNCTION)


def test_the_commands_aws_accepts_pass(runbook_account: Sandbox) -> None:
    # aws service-quotas request-service-quota-increase --service-code apigateway --quota-code L-8A5B8E43
    #   --desired-value 100000
    sq = runbook_account.client("service-quotas", config=NO_RETRY)
    req = sq.request_service_quota_increase(ServiceCode="apigateway", QuotaCode="L-8A5B8E43", DesiredValue=100000.0)
    assert req["RequestedQuota"]["Status"] == "PENDING"
    # aws lambda update-function-configuration --function-name smuppy-api-handler --memory-size 1024
    lam = runbook_account.client("lambda", config=NO_RETRY)
    assert answer(lam.update_function_configuration, FunctionName=fx.DEFAULT_FUNCTION, MemorySize=1024)[0] == "OK"
    # aws dynamodb update-table --table-name smuppy-feeds-staging --billing-mode PAY_PER_REQUEST
    ddb = runbook_account.client("dynamodb", config=NO_RETRY)
    assert answer(ddb.update_table, TableName=fx.DEFAULT_TABLE, BillingMode="PAY_PER_REQUEST")[0] == "OK"
    stats = runbook_account.strict_stats()
    assert stats["rejected_by_model"] == 0
