"""One part of the profile the account cannot reach: destroy restores all the others.

CloudFront answers AccessDenied to every call (an account whose policy does not allow
it); the stage throttle, the Lambda settings, the table mode and its auto scaling
targets and the dashboard must still be restored by ``terraform destroy``, the
CloudFront part reported with AWS's error and kept in state, and a second destroy once
the access is back must finish the job. Every check reads AWS through boto3, straight
from the emulators (not through the fault proxy).
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.faults import FaultFront
from harness.sandbox import Sandbox
from harness.terraform import Terraform

import relcommon as rc

pytestmark = pytest.mark.acceptance

DENIED = [
    {
        "service": "cloudfront",
        "probability": 1.0,
        "error": {
            "code": "AccessDenied",
            "status": 403,
            "message": "User is not authorized to perform this cloudfront operation (injected)",
        },
    }
]


def without_cloudfront(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snapshot.items() if k != "cache_policies"}


def test_destroy_restores_every_part_it_can_and_keeps_the_one_it_cannot(
    front: FaultFront, clean_sandbox: Sandbox, names: rc.Names, tf: Terraform
) -> None:
    sb = clean_sandbox
    before = rc.baseline(sb, names)
    rc.write_provider(tf, front.provider_endpoints)
    tf.write_config(rc.profile_hcl(names, rc.Settings()), with_provider=False)
    tf.apply(check=True)
    applied = rc.baseline(sb, names)
    assert without_cloudfront(applied) != without_cloudfront(before)
    assert len(applied["cache_policies"]) == 1, applied["cache_policies"]
    try:
        front.set_rules(DENIED)
        first = tf.destroy()
        out = first.output
        assert first.rc != 0, out
        assert "AccessDenied" in out and "cache_policy" in out, out
        # Everything else is back as it was, read through the AWS APIs.
        now = rc.baseline(sb, names)
        for key, value in without_cloudfront(before).items():
            assert now[key] == value, (key, value, now[key])
        assert now["cache_policies"] == applied["cache_policies"]
        # Only the unrestored part stays in state.
        values = tf.resource(rc.ADDRESS)["values"]
        assert values.get("cache_policy"), values
        for block in ("api_gateway", "lambda", "dynamodb", "dashboard"):
            assert not values.get(block), (block, values.get(block))
    finally:
        front.clear_rules()
    second = tf.destroy()
    assert second.rc == 0, second.output
    assert rc.baseline(sb, names) == before
    assert tf.state_list() == []
