"""Re-applies never file a second quota increase request.

Counted in the sandbox's own listing of every RequestServiceQuotaIncrease it received
(``Sandbox.quota_requests()``), not through the provider.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness import fixtures as fx
from harness.sandbox import Sandbox
from harness.terraform import Terraform

import relcommon as rc

pytestmark = pytest.mark.acceptance


def quota_profile(sc: fx.Scenario, desired: int = rc.QUOTA_DESIRED) -> str:
    return f"""
resource "smuppy_scaling_profile" "api" {{
  name = "quota-{sc.suffix}"

  quota_requests = {{
    "{rc.QUOTA_SERVICE}/{rc.QUOTA_CODE}" = {{
      service_code  = "{rc.QUOTA_SERVICE}"
      quota_code    = "{rc.QUOTA_CODE}"
      desired_value = {desired}
    }}
  }}

  api_gateway = {{
    rest_api_id = "{sc.api.api_id}"
    stage_name  = "{sc.api.stage_name}"
    rate_limit  = 1000
    burst_limit = 500
  }}
}}
"""


def filed(sb: Sandbox) -> list[dict[str, Any]]:
    return [r for r in sb.quota_requests() if r.get("QuotaCode") == rc.QUOTA_CODE]


def state_request(tf: Terraform) -> tuple[str | None, str | None]:
    (q,) = tf.resource(rc.ADDRESS)["values"]["quota_requests"].values()
    return q.get("request_id"), q.get("status")


@pytest.fixture
def quota_scenario(clean_sandbox: Sandbox, suffix: str) -> fx.Scenario:
    assert filed(clean_sandbox) == []
    return fx.ensure_scenario(clean_sandbox, suffix)


def test_ten_applies_file_one_request(clean_sandbox: Sandbox, quota_scenario: fx.Scenario, tf: Terraform) -> None:
    sb = clean_sandbox
    tf.write_config(quota_profile(quota_scenario))
    counts = []
    first_id = None
    for i in range(10):
        tf.apply(check=True)
        reqs = filed(sb)
        counts.append(len(reqs))
        assert len(reqs) == 1, (i, reqs)
        request_id, status = state_request(tf)
        assert request_id == reqs[0]["Id"] and status == "PENDING", (i, request_id, status, reqs)
        first_id = first_id or request_id
        assert request_id == first_id
        if i == 3:
            tf.run("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color").check()
            assert len(filed(sb)) == 1
        if i == 6:
            assert not tf.plan().changes
            assert len(filed(sb)) == 1
    rc.save_figures("quota_once", {"applies": 10, "refresh_only_applies": 1, "plans": 1, "requests_after_each": counts})
    assert counts == [1] * 10


def test_lost_state_adopts_the_open_request(
    clean_sandbox: Sandbox, quota_scenario: fx.Scenario, tf: Terraform
) -> None:
    """A run whose state never got written (crash after the request) files nothing new."""
    sb = clean_sandbox
    tf.write_config(quota_profile(quota_scenario))
    tf.apply(check=True)
    (first,) = filed(sb)
    tf.run("state", "rm", rc.ADDRESS).check()
    tf.apply(check=True)
    assert [r["Id"] for r in filed(sb)] == [first["Id"]]
    assert state_request(tf) == (first["Id"], "PENDING")


def test_a_closed_request_allows_a_new_one(
    clean_sandbox: Sandbox, quota_scenario: fx.Scenario, tf: Terraform
) -> None:
    """Exactly one more after AWS denies the first (the rule is 'no open request', not 'never again')."""
    sb = clean_sandbox
    tf.write_config(quota_profile(quota_scenario))
    tf.apply(check=True)
    (first,) = filed(sb)
    sb.set_quota_request_status(first["Id"], "DENIED")
    for _ in range(3):
        tf.apply(check=True)
    reqs = filed(sb)
    assert len(reqs) == 2, reqs
    second = next(r for r in reqs if r["Id"] != first["Id"])
    assert state_request(tf) == (second["Id"], "PENDING")
