"""docs/iam-policy.json grants what the provider does, and no more than it needs.

- Every AWS operation the provider made in the shared acceptance run (read from the
  AWS SDK's ``invoke`` spans in the TRACE and JSON logs) is allowed by the policy,
  on a resource of the shape the provider touches.
- Every SDK call written in the AWS layer's and the provider's source is allowed too,
  so a code path the run did not take is covered as well.
- The policy has no wildcard actions and names only the services the provider uses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.sandbox import REPO_ROOT

import iam_check
from iam_check import Policy, Request, operations_in_log, operations_in_source, request_for
from secrun import SecurityRun

POLICY_PATH = REPO_ROOT / "docs" / "iam-policy.json"
SOURCE_DIRS = [REPO_ROOT / "scaling-aws" / "src", REPO_ROOT / "provider" / "src"]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy(json.loads(POLICY_PATH.read_text()))


def test_evaluator_allows_and_denies(policy: Policy) -> None:
    """The evaluator can say no: wrong verb, wrong resource, an action not granted."""
    assert policy.allows(request_for("API Gateway", "UpdateStage"))
    assert not policy.allows(Request("apigateway:DELETE", "arn:aws:apigateway:us-east-1::/restapis/x/stages/y"))
    assert not policy.allows(Request("apigateway:PATCH", "arn:aws:apigateway:us-east-1::/account"))
    assert not policy.allows(Request("lambda:DeleteFunction", iam_check.FUNCTION_ARN))
    assert not policy.allows(Request("lambda:PutFunctionConcurrency", "arn:aws:iam::123456789012:role/x"))
    assert not policy.allows(Request("dynamodb:DeleteTable", iam_check.TABLE_ARN))
    assert policy.allows(Request("LAMBDA:putfunctionconcurrency", iam_check.FUNCTION_ARN))
    with pytest.raises(KeyError):
        request_for("API Gateway", "DeleteRestApi")


def test_policy_is_least_privilege(policy: Policy) -> None:
    actions = policy.actions()
    assert actions
    for action in actions:
        service, _, name = action.partition(":")
        assert name and "*" not in name and "?" not in name, f"wildcard action {action}"
        assert service in set(iam_check.SERVICE_PREFIX.values()) | {"iam"}, action
    destructive = [a for a in actions if a.split(":")[1].startswith("Delete")]
    # Deletes only of what the provider creates or sets itself.
    allowed_deletes = {
        "lambda:DeleteFunctionConcurrency",
        "lambda:DeleteProvisionedConcurrencyConfig",
        "application-autoscaling:DeleteScalingPolicy",
        "cloudwatch:DeleteAlarms",
        "cloudfront:DeleteCachePolicy",
        "cloudwatch:DeleteDashboards",
        "globalaccelerator:DeleteAccelerator",
        "globalaccelerator:DeleteListener",
        "globalaccelerator:DeleteEndpointGroup",
    }
    assert set(destructive) <= allowed_deletes, sorted(set(destructive) - allowed_deletes)
    iam_actions = [a for a in actions if a.startswith("iam:")]
    assert iam_actions == ["iam:CreateServiceLinkedRole"], iam_actions
    for st in policy.statements:
        if "iam:CreateServiceLinkedRole" in iam_check._as_list(st["Action"]):
            assert "Condition" in st and st["Resource"] != "*", st


def check_all(policy: Policy, ops: set[tuple[str, str]]) -> list[str]:
    problems = []
    for service, op in sorted(ops):
        try:
            req = request_for(service, op)
        except KeyError:
            problems.append(f"{service} {op}: no IAM mapping in tests/security/iam_check.py")
            continue
        if not policy.allows(req):
            problems.append(f"{service} {op}: {req.action} on {req.resource} is not allowed")
    return problems


@pytest.mark.acceptance
def test_operations_of_the_acceptance_run_are_allowed(policy: Policy, security_run: SecurityRun) -> None:
    ops: set[tuple[str, str]] = set()
    for step in ("apply", "apply_plan", "failing_apply", "destroy"):
        ops |= operations_in_log(security_run.log_text(step))
    # Control: the profile uses every service, so each one's calls must have been seen.
    seen = {service for service, _ in ops}
    expected = set(iam_check.CLIENT_ACCESSOR.values())
    assert expected <= seen, f"no logged call of {sorted(expected - seen)}; seen {sorted(ops)}"
    assert ("API Gateway", "UpdateStage") in ops, sorted(ops)
    problems = check_all(policy, ops)
    assert not problems, "\n".join(problems)


def test_operations_in_the_source_are_allowed(policy: Policy) -> None:
    texts = [p.read_text() for d in SOURCE_DIRS for p in sorted(Path(d).rglob("*.rs"))]
    ops = operations_in_source(texts)
    assert ("API Gateway", "UpdateStage") in ops, sorted(ops)
    problems = check_all(policy, ops)
    assert not problems, "\n".join(problems)


# Needed from the caller by what AWS does on its behalf, not called by the provider:
# DynamoDB auto scaling creates its service-linked role and target-tracking alarms.
IMPLICIT = {
    "iam:CreateServiceLinkedRole",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DeleteAlarms",
}


def test_policy_grants_nothing_the_provider_does_not_call(policy: Policy) -> None:
    texts = [p.read_text() for d in SOURCE_DIRS for p in sorted(Path(d).rglob("*.rs"))]
    used = {request_for(s, o).action.lower() for s, o in operations_in_source(texts)}
    unused = []
    for action in policy.actions():
        if action in IMPLICIT or action.lower() in used:
            continue
        if action.startswith("apigateway:"):
            continue  # verbs, checked per operation above
        unused.append(action)
    assert not unused, f"granted but never called: {unused}"


def test_log_and_source_parsers() -> None:
    line = (
        '2026-11-26T21:44:20.512Z [TRACE] provider.terraform-provider-smuppy: rpc.service="Service Quotas" '
        "rpc.system=aws-api rpc.method=GetServiceQuota sdk_invocation_id=1"
    )
    assert operations_in_log(line) == {("Service Quotas", "GetServiceQuota")}
    src = "aws\n    .servicequotas()\n    .get_aws_default_service_quota()\n    .send()"
    assert operations_in_source([src]) == {("Service Quotas", "GetAwsDefaultServiceQuota")}
    bound = "let ga = ctx.aws.globalaccelerator();\n ga.update_listener()\n .send()"
    assert operations_in_source([bound]) == {("Global Accelerator", "UpdateListener")}
