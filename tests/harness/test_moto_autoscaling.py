"""The sandbox's Application Auto Scaling deletes a target's policies with the target,
as AWS documents for DeregisterScalableTarget (harness.moto_ext.autoscaling).

    .venv/bin/python -m pytest tests/harness/test_moto_autoscaling.py
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import accounts


def _target_and_policy(aas: Any, table: str, dimension: str, metric: str) -> None:
    aas.register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId=f"table/{table}",
        ScalableDimension=dimension,
        MinCapacity=5,
        MaxCapacity=50,
    )
    aas.put_scaling_policy(
        PolicyName=f"{table}-{metric}",
        ServiceNamespace="dynamodb",
        ResourceId=f"table/{table}",
        ScalableDimension=dimension,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
        },
    )


def test_deregistering_a_target_deletes_its_policies_only(sandbox: Any, suffix: str) -> None:
    accounts.require_emulator(sandbox, "a check of the sandbox's own emulator")
    aas = sandbox.client("application-autoscaling")
    table = accounts.unique_name(suffix, "aas")
    read, write = "dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"
    _target_and_policy(aas, table, read, "DynamoDBReadCapacityUtilization")
    _target_and_policy(aas, table, write, "DynamoDBWriteCapacityUtilization")

    aas.deregister_scalable_target(ServiceNamespace="dynamodb", ResourceId=f"table/{table}", ScalableDimension=read)
    policies = aas.describe_scaling_policies(ServiceNamespace="dynamodb", ResourceId=f"table/{table}")["ScalingPolicies"]
    assert [p["ScalableDimension"] for p in policies] == [write], policies

    aas.deregister_scalable_target(ServiceNamespace="dynamodb", ResourceId=f"table/{table}", ScalableDimension=write)
    assert aas.describe_scaling_policies(ServiceNamespace="dynamodb", ResourceId=f"table/{table}")["ScalingPolicies"] == []
    # A target that is not there is still an error, as on AWS.
    with pytest.raises(ClientError) as err:
        aas.deregister_scalable_target(ServiceNamespace="dynamodb", ResourceId=f"table/{table}", ScalableDimension=write)
    assert err.value.response["Error"]["Code"] == "ObjectNotFoundException", err.value.response
