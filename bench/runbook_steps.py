"""The runbook's own commands, as an operator runs them, in two forms.

Each step is one AWS call written twice: as the ``aws`` CLI command line the runbook
gives (corrected where the runbook is invalid) and as the same operation through boto3.
The benchmark runs the CLI form one process per call, like an operator pasting the
runbook into a shell, and the boto3 form from one process (the floor of the AWS work).

- ``QUICK_START``: section 8 of the runbook, its four commands as written.
- ``SECTIONS_1_4``: sections 1 to 4 (quota request, stage throttle, Lambda reserved and
  provisioned concurrency and memory, DynamoDB on-demand and auto scaling, CloudFront
  cache policy). Each change is preceded by a read of the current value (what an
  operator records to be able to undo it) and followed by a read-back (the check
  that it took), which is what the provider does for every component.

Corrections to the runbook: the stage patch paths ``/throttling/rateLimit`` and
``/throttling/burstLimit`` are invalid on AWS (BadRequestException "Invalid method
setting path"); the valid stage-wide paths are ``/*/*/throttling/rateLimit`` and
``/*/*/throttling/burstLimit``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

API_ID = "bmkd8zayee"
STAGE = "staging"
FUNCTION = "smuppy-api-handler"
ALIAS = "prod"
TABLE = "smuppy-feeds-staging"

CACHE_POLICY_CONFIG: dict[str, Any] = {
    "Name": "SmuppyAPICache",
    "DefaultTTL": 60,
    "MaxTTL": 300,
    "MinTTL": 1,
    "ParametersInCacheKeyAndForwardedToOrigin": {
        "EnableAcceptEncodingGzip": True,
        "EnableAcceptEncodingBrotli": True,
        "HeadersConfig": {
            "HeaderBehavior": "whitelist",
            "Headers": {"Items": ["Authorization"], "Quantity": 1},
        },
        "CookiesConfig": {"CookieBehavior": "none"},
        "QueryStringsConfig": {"QueryStringBehavior": "all"},
    },
}

SCALING_POLICY_CONFIG: dict[str, Any] = {
    "TargetValue": 70.0,
    "PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBReadCapacityUtilization"},
    "ScaleOutCooldown": 60,
    "ScaleInCooldown": 60,
}

# Values a step needs from an earlier step's output (the cache policy id).
Context = dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One AWS call: ``aws SERVICE OPERATION ARGS`` and ``client(SERVICE).METHOD(**kwargs)``."""

    service: str  # botocore / CLI service name
    operation: str  # CLI operation name
    cli_args: Callable[[Context], list[str]]
    method: str  # boto3 method name
    kwargs: Callable[[Context], dict[str, Any]]
    # Pulls values for later steps out of the response (a dict in both forms).
    keep: Callable[[dict[str, Any], Context], None] | None = field(default=None)

    def cli(self, ctx: Context) -> list[str]:
        return [self.service, self.operation, *self.cli_args(ctx)]

    def describe(self) -> str:
        return f"aws {self.service} {self.operation}"


def _const(args: list[str]) -> Callable[[Context], list[str]]:
    return lambda _ctx: list(args)


def _kw(kwargs: dict[str, Any]) -> Callable[[Context], dict[str, Any]]:
    return lambda _ctx: dict(kwargs)


def _keep_cache_policy(resp: dict[str, Any], ctx: Context) -> None:
    ctx["cache_policy_id"] = resp["CachePolicy"]["Id"]


QUOTA = ["--service-code", "apigateway", "--quota-code", "L-8A5B8E43"]
QUOTA_KW = {"ServiceCode": "apigateway", "QuotaCode": "L-8A5B8E43"}
STAGE_ARGS = ["--rest-api-id", API_ID, "--stage-name", STAGE]
STAGE_KW = {"restApiId": API_ID, "stageName": STAGE}
AAS_TARGET = [
    "--service-namespace", "dynamodb",
    "--resource-id", f"table/{TABLE}",
    "--scalable-dimension", "dynamodb:table:ReadCapacityUnits",
]
AAS_TARGET_KW = {
    "ServiceNamespace": "dynamodb",
    "ResourceId": f"table/{TABLE}",
    "ScalableDimension": "dynamodb:table:ReadCapacityUnits",
}

REQUEST_QUOTA = Step(
    "service-quotas", "request-service-quota-increase",
    _const(QUOTA + ["--desired-value", "100000"]),
    "request_service_quota_increase", _kw({**QUOTA_KW, "DesiredValue": 100000.0}),
)
ON_DEMAND = Step(
    "dynamodb", "update-table",
    _const(["--table-name", TABLE, "--billing-mode", "PAY_PER_REQUEST"]),
    "update_table", _kw({"TableName": TABLE, "BillingMode": "PAY_PER_REQUEST"}),
)
RESERVE = Step(
    "lambda", "put-function-concurrency",
    _const(["--function-name", FUNCTION, "--reserved-concurrent-executions", "10000"]),
    "put_function_concurrency", _kw({"FunctionName": FUNCTION, "ReservedConcurrentExecutions": 10000}),
)
GET_STAGE = Step("apigateway", "get-stage", _const(STAGE_ARGS), "get_stage", _kw(STAGE_KW))

QUICK_START: list[Step] = [REQUEST_QUOTA, ON_DEMAND, RESERVE, GET_STAGE]

SECTIONS_1_4: list[Step] = [
    # 1. API Gateway: quota increase, stage throttle.
    Step("service-quotas", "get-service-quota", _const(QUOTA), "get_service_quota", _kw(QUOTA_KW)),
    REQUEST_QUOTA,
    Step(
        "service-quotas", "list-requested-service-quota-change-history-by-quota", _const(QUOTA),
        "list_requested_service_quota_change_history_by_quota", _kw(QUOTA_KW),
    ),
    GET_STAGE,
    Step(
        "apigateway", "update-stage",
        _const(STAGE_ARGS + [
            "--patch-operations",
            "op=replace,path=/*/*/throttling/rateLimit,value=100000",
            "op=replace,path=/*/*/throttling/burstLimit,value=50000",
        ]),
        "update_stage",
        _kw({**STAGE_KW, "patchOperations": [
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100000"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "50000"},
        ]}),
    ),
    GET_STAGE,
    # 2. Lambda: reserved concurrency, provisioned concurrency on the alias, memory.
    Step("lambda", "get-function-concurrency", _const(["--function-name", FUNCTION]),
         "get_function_concurrency", _kw({"FunctionName": FUNCTION})),
    RESERVE,
    Step("lambda", "get-function-concurrency", _const(["--function-name", FUNCTION]),
         "get_function_concurrency", _kw({"FunctionName": FUNCTION})),
    # (ListProvisionedConcurrencyConfigs would be the natural read, but the emulator answers
    # it with a 404 when there is none; the alias read records the version it points to.)
    Step("lambda", "get-alias", _const(["--function-name", FUNCTION, "--name", ALIAS]),
         "get_alias", _kw({"FunctionName": FUNCTION, "Name": ALIAS})),
    Step(
        "lambda", "put-provisioned-concurrency-config",
        _const(["--function-name", FUNCTION, "--qualifier", ALIAS, "--provisioned-concurrent-executions", "1000"]),
        "put_provisioned_concurrency_config",
        _kw({"FunctionName": FUNCTION, "Qualifier": ALIAS, "ProvisionedConcurrentExecutions": 1000}),
    ),
    Step("lambda", "get-provisioned-concurrency-config",
         _const(["--function-name", FUNCTION, "--qualifier", ALIAS]),
         "get_provisioned_concurrency_config", _kw({"FunctionName": FUNCTION, "Qualifier": ALIAS})),
    Step("lambda", "get-function-configuration", _const(["--function-name", FUNCTION]),
         "get_function_configuration", _kw({"FunctionName": FUNCTION})),
    Step("lambda", "update-function-configuration",
         _const(["--function-name", FUNCTION, "--memory-size", "1024"]),
         "update_function_configuration", _kw({"FunctionName": FUNCTION, "MemorySize": 1024})),
    Step("lambda", "get-function-configuration", _const(["--function-name", FUNCTION]),
         "get_function_configuration", _kw({"FunctionName": FUNCTION})),
    # 3. DynamoDB: option A (on-demand), option B (auto scaling of read capacity).
    Step("dynamodb", "describe-table", _const(["--table-name", TABLE]), "describe_table", _kw({"TableName": TABLE})),
    ON_DEMAND,
    Step("dynamodb", "describe-table", _const(["--table-name", TABLE]), "describe_table", _kw({"TableName": TABLE})),
    Step("application-autoscaling", "describe-scalable-targets",
         _const(["--service-namespace", "dynamodb", "--resource-ids", f"table/{TABLE}"]),
         "describe_scalable_targets", _kw({"ServiceNamespace": "dynamodb", "ResourceIds": [f"table/{TABLE}"]})),
    Step("application-autoscaling", "register-scalable-target",
         _const(AAS_TARGET + ["--min-capacity", "1000", "--max-capacity", "100000"]),
         "register_scalable_target", _kw({**AAS_TARGET_KW, "MinCapacity": 1000, "MaxCapacity": 100000})),
    Step("application-autoscaling", "put-scaling-policy",
         _const(AAS_TARGET + [
             "--policy-name", "ScaleOnDemand", "--policy-type", "TargetTrackingScaling",
             "--target-tracking-scaling-policy-configuration", json.dumps(SCALING_POLICY_CONFIG),
         ]),
         "put_scaling_policy",
         _kw({**AAS_TARGET_KW, "PolicyName": "ScaleOnDemand", "PolicyType": "TargetTrackingScaling",
              "TargetTrackingScalingPolicyConfiguration": SCALING_POLICY_CONFIG})),
    Step("application-autoscaling", "describe-scaling-policies",
         _const(["--service-namespace", "dynamodb", "--resource-id", f"table/{TABLE}"]),
         "describe_scaling_policies", _kw({"ServiceNamespace": "dynamodb", "ResourceId": f"table/{TABLE}"})),
    # 4. CloudFront cache policy.
    Step("cloudfront", "list-cache-policies", _const(["--type", "custom"]),
         "list_cache_policies", _kw({"Type": "custom"})),
    Step("cloudfront", "create-cache-policy",
         _const(["--cache-policy-config", json.dumps(CACHE_POLICY_CONFIG)]),
         "create_cache_policy", _kw({"CachePolicyConfig": CACHE_POLICY_CONFIG}),
         keep=_keep_cache_policy),
    Step("cloudfront", "get-cache-policy", lambda ctx: ["--id", str(ctx["cache_policy_id"])],
         "get_cache_policy", lambda ctx: {"Id": str(ctx["cache_policy_id"])}),
]
