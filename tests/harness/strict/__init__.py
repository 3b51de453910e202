"""The strict sandbox: a layer in front of the emulators that answers as the AWS API
reference says where the emulators are lenient.

On by default for every ``Sandbox`` (tests, demo, ``python -m harness.sandbox serve``);
``SMUPPY_SANDBOX_LENIENT=1`` or ``Sandbox(strict=False)`` runs the emulators bare.
``harness.strict.model`` checks every request against botocore's service models,
``harness.strict.rules`` / ``rules_compute`` hold the behaviour rules (each citing its
AWS source), ``harness.strict.proxy`` the HTTP side. docs/reliability.md lists the rules.
"""

from __future__ import annotations

import os
from typing import Any

from harness.strict.proxy import REALISTIC_PROFILE, TEST_PROFILE, Profile, StrictProxy, StrictState

LENIENT_ENV = "SMUPPY_SANDBOX_LENIENT"

__all__ = [
    "LENIENT_ENV",
    "REALISTIC_PROFILE",
    "TEST_PROFILE",
    "Profile",
    "StrictControls",
    "StrictProxy",
    "StrictState",
    "strict_by_default",
]


def strict_by_default() -> bool:
    return os.environ.get(LENIENT_ENV, "").strip().lower() not in ("1", "true", "yes")


class StrictControls:
    """The Sandbox's handles on its strict layer (mixed into ``harness.sandbox.Sandbox``)."""

    strict_state: StrictState | None

    def _strict(self) -> StrictState:
        if self.strict_state is None:
            raise RuntimeError("this sandbox runs without the strict layer (strict=False)")
        return self.strict_state

    @property
    def strict(self) -> bool:
        return self.strict_state is not None

    def strict_stats(self) -> dict[str, Any]:
        from harness.strict.proxy import _stats

        return _stats(self._strict())

    def strict_requests(self, since: int = 0) -> list[dict[str, Any]]:
        """The request log from index ``since`` (take ``len(...)`` before an action)."""
        state = self._strict()
        with state.lock:
            return [dict(e) for e in state.log[since:]]

    def strict_log_size(self) -> int:
        state = self._strict()
        with state.lock:
            return len(state.log)

    def set_strict_profile(self, **values: Any) -> Profile:
        return self._strict().set_profile(values)

    def register_distribution(self, distribution_id: str, cache_policy_id: str, attached: bool = True) -> None:
        """Tell the layer that a distribution's cache behaviour uses ``cache_policy_id``."""
        self._strict().rules.control(
            "POST" if attached else "DELETE",
            "cloudfront/distributions",
            {"DistributionId": distribution_id, "CachePolicyId": cache_policy_id},
        )

    def fail_next_provisioned_concurrency(self, function_name: str, reason: str) -> None:
        self._strict().rules.control("POST", "lambda/pc-failure", {"FunctionName": function_name, "Reason": reason})

    def set_quota_timeline(self, steps: list[tuple[str, float]]) -> None:
        """Quota requests filed from now on move through ``[(status, seconds after filing), ...]``."""
        self._strict().rules.control(
            "POST", "quotas/timeline", {"Steps": [{"Status": s, "After": a} for s, a in steps]}
        )

    def acknowledge_next_unapplied(self, service: str, operation: str) -> None:
        """The next ``operation`` of ``service`` (botocore names, e.g. apigateway/UpdateStage) is
        answered 200 with the resource unchanged and never reaches the emulator."""
        self._strict().acknowledge_unapplied({"Service": service, "Operation": operation})


def xfail_under_strict(reason: str) -> Any:
    """A strict xfail for a test that fails only because the strict sandbox refuses what AWS
    refuses (a provider defect); off against the lenient emulators and a real account, where
    the test is expected to pass as before."""
    import pytest

    from harness import accounts

    return pytest.mark.xfail(
        condition=strict_by_default() and not accounts.real_aws_requested(), strict=True, reason=reason
    )
