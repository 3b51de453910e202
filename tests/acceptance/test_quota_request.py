"""smuppy_scaling_profile's quota_requests through the real Terraform core.

What was filed is read through Service Quotas (ListRequestedServiceQuotaChangeHistoryByQuota,
GetServiceQuota); in the sandbox the count of every request ever filed is also read from
the emulator's control endpoint. A quota increase request cannot be withdrawn, so against
a real account these tests run only with SMUPPY_ACCEPTANCE_ALLOW_QUOTA_REQUESTS=1, and the
checks that need the sandbox's approval mode or its request count are skipped.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness import accounts, plans
from harness.terraform import Terraform

pytestmark = pytest.mark.acceptance

ADDRESS = "smuppy_scaling_profile.quotas"
SERVICE = "apigateway"
QUOTA = "L-8A5B8E43"  # API Gateway: throttle rate per account and Region (default 10,000)
OPEN = ("PENDING", "CASE_OPENED")


@pytest.fixture
def account(sandbox: Any) -> Any:
    """The sandbox emptied of earlier requests; a real account only when allowed."""
    accounts.require_quota_requests_allowed(sandbox)
    if accounts.is_emulated(sandbox):
        sandbox.reset()
    return sandbox


def history(sb: Any) -> list[dict[str, Any]]:
    sq = sb.client("service-quotas")
    out: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"ServiceCode": SERVICE, "QuotaCode": QUOTA}
    while True:
        page = sq.list_requested_service_quota_change_history_by_quota(**kwargs)
        out.extend(page.get("RequestedQuotas", []))
        token = page.get("NextToken")
        if not token:
            return out
        kwargs["NextToken"] = token


def applied(sb: Any) -> float:
    return float(sb.client("service-quotas").get_service_quota(ServiceCode=SERVICE, QuotaCode=QUOTA)["Quota"]["Value"])


def filed_in_sandbox(sb: Any) -> list[dict[str, Any]]:
    """Every request the emulator received for the quota (sandbox only)."""
    return [r for r in sb.quota_requests() if r.get("QuotaCode") == QUOTA and r.get("ServiceCode") == SERVICE]


def config(desired: int) -> str:
    return f"""
resource "smuppy_scaling_profile" "quotas" {{
  name = "quota-acc"

  quota_requests = {{
    "{SERVICE}/{QUOTA}" = {{
      service_code  = "{SERVICE}"
      quota_code    = "{QUOTA}"
      desired_value = {desired}
    }}
  }}
}}
"""


def state_quota(tf: Terraform) -> dict[str, Any]:
    return dict(tf.resource(ADDRESS)["values"]["quota_requests"][f"{SERVICE}/{QUOTA}"])


def test_quota_request_basic(tf: Terraform, account: Any) -> None:
    start = applied(account)
    desired = int(start) + 5000
    if [r for r in history(account) if r["Status"] in OPEN]:
        # Only possible on a real account (the sandbox was emptied): AWS allows one
        # open request per quota, and the provider would adopt it instead of filing.
        pytest.skip(f"an increase request for {SERVICE}/{QUOTA} is already open in this account")
    earlier = {r["Id"] for r in history(account)}

    tf.write_config(config(desired))
    plan = tf.plan()
    out = plan.result.output
    assert "request_id" in out and "(known after apply)" in out, out
    tf.apply(check=True)

    filed = [r for r in history(account) if r["Id"] not in earlier]
    assert len(filed) == 1, filed
    request = filed[0]
    assert request["DesiredValue"] == desired and request["Status"] in OPEN, request
    state = state_quota(tf)
    assert state["request_id"] == request["Id"] and state["status"] == request["Status"], state

    replan = tf.plan()
    assert not replan.changes, replan.result.output
    for _ in range(3):
        tf.apply(check=True)
    new = [r["Id"] for r in history(account) if r["Id"] not in earlier]
    assert new == [request["Id"]], "a re-apply filed a second request"
    if accounts.is_emulated(account):
        assert len(filed_in_sandbox(account)) == 1

    result = tf.destroy(check=True)
    out = plans.flat(result.output)
    assert "quota requests cannot be withdrawn" in out, result.output
    assert request["Id"] in out, result.output
    assert tf.state_list() == []
    # Destroy filed nothing and withdrew nothing.
    after = [r for r in history(account) if r["Id"] not in earlier]
    assert [(r["Id"], r["Status"]) for r in after] == [(request["Id"], request["Status"])], after
    assert applied(account) == start


def test_quota_request_approved(tf: Terraform, account: Any) -> None:
    accounts.require_emulator(account, "the sandbox's quota approval mode")
    account.set_quota_auto_approve(True)
    try:
        start = applied(account)
        desired = int(start) + 5000
        tf.write_config(config(desired))
        tf.apply(check=True)
        filed = history(account)
        assert len(filed) == 1 and filed[0]["Status"] == "APPROVED", filed
        assert applied(account) == desired
        state = state_quota(tf)
        assert (state["status"], state["applied_value"], state["request_id"]) == ("APPROVED", desired, filed[0]["Id"]), state
        assert not tf.plan().changes
        tf.apply(check=True)
        assert len(filed_in_sandbox(account)) == 1, "the quota is at the desired value: nothing to file"

        # A higher desired value is an in-place update that files one more request.
        tf.write_config(config(desired + 5000))
        plan = tf.plan()
        out = plan.result.output
        assert "update in-place" in out and "must be replaced" not in out, out
        assert plans.managed_changes(out).get("desired_value") == (str(desired), str(desired + 5000)), out
        tf.apply(check=True)
        filed = history(account)
        assert len(filed) == 2 and all(r["Status"] == "APPROVED" for r in filed), filed
        assert applied(account) == desired + 5000
        assert not tf.plan().changes
    finally:
        account.set_quota_auto_approve(account.quota_auto_approve)
    tf.destroy(check=True)
    assert len(filed_in_sandbox(account)) == 2


def test_quota_request_approval_is_picked_up_on_refresh(tf: Terraform, account: Any) -> None:
    accounts.require_emulator(account, "approving a quota request")
    start = applied(account)
    desired = int(start) + 5000
    tf.write_config(config(desired))
    tf.apply(check=True)
    request_id = state_quota(tf)["request_id"]
    assert state_quota(tf)["status"] == "PENDING"

    assert account.approve_quota_requests(request_id) == [request_id]
    tf.apply("-refresh-only", check=True)
    state = state_quota(tf)
    assert (state["status"], state["applied_value"], state["request_id"]) == ("APPROVED", desired, request_id), state
    assert applied(account) == desired
    assert not tf.plan().changes
    assert len(filed_in_sandbox(account)) == 1
    tf.destroy(check=True)


def test_quota_request_import(tf: Terraform, account: Any) -> None:
    start = applied(account)
    open_requests = [r for r in history(account) if r["Status"] in OPEN]
    if open_requests:
        # A real account may hold one already (AWS allows one open request per quota).
        filed = open_requests[0]
        desired = int(filed["DesiredValue"])
    else:
        desired = int(start) + 5000
        filed = account.client("service-quotas").request_service_quota_increase(
            ServiceCode=SERVICE, QuotaCode=QUOTA, DesiredValue=desired
        )["RequestedQuota"]
    earlier = {r["Id"] for r in history(account)}
    tf.write_config(config(desired))
    tf.import_(ADDRESS, f"name=quota-acc;quota_request={SERVICE}/{QUOTA}", check=True)
    plan = tf.plan()
    assert not plan.changes, plan.result.output
    state = state_quota(tf)
    assert state["request_id"] == filed["Id"] and state["status"] in OPEN, state
    # An apply after the import adopts the open request instead of filing another.
    tf.apply(check=True)
    assert {r["Id"] for r in history(account)} == earlier
    tf.destroy(check=True)
    assert {r["Id"] for r in history(account)} == earlier


def test_quota_request_denied_is_refiled(tf: Terraform, account: Any) -> None:
    """AWS denies the request: refresh shows it, the next apply files a new one (once)."""
    accounts.require_emulator(account, "the sandbox's control of request statuses")
    desired = int(applied(account)) + 5000
    tf.write_config(config(desired))
    tf.apply(check=True)
    first = state_quota(tf)["request_id"]
    assert [r["Id"] for r in history(account)] == [first]

    account.set_quota_request_status(first, "DENIED")
    plan = tf.plan()
    assert plan.changes, plan.result.output
    assert "DENIED" in plan.result.output, plan.result.output
    tf.apply(check=True)

    requests = {r["Id"]: r for r in history(account)}
    assert requests[first]["Status"] == "DENIED", requests
    refiled = [r for i, r in requests.items() if i != first]
    assert len(refiled) == 1, requests
    assert refiled[0]["DesiredValue"] == desired and refiled[0]["Status"] in OPEN, refiled
    assert state_quota(tf)["request_id"] == refiled[0]["Id"]
    # Converged: nothing left to do, and another apply files nothing.
    assert not tf.plan().changes
    tf.apply(check=True)
    assert len(history(account)) == 2
    tf.destroy(check=True)
