"""Application Auto Scaling as AWS does it: deregistering a scalable target also
deletes the scaling policies and scheduled actions attached to it, and deregistering
a target that is not registered is an ``ObjectNotFoundException``.

moto 5.2.5 removes only the target and keeps its policies, so a client that relies
on AWS's documented behaviour (DeregisterScalableTarget "deletes the scaling
policies ... associated with it") would leave orphans behind in the sandbox that do
not exist on AWS. ``install()`` wraps moto's backend method at run time.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    """Make DeregisterScalableTarget cascade to the target's policies (idempotent)."""
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
    from moto.core.exceptions import JsonRESTError

    original = ApplicationAutoscalingBackend.deregister_scalable_target
    if getattr(original, "sandbox_cascades", False):
        return

    def deregister_scalable_target(self: Any, namespace: str, r_id: str, dimension: str) -> None:
        if not self._scalable_target_exists(r_id, dimension):
            raise JsonRESTError(
                "ObjectNotFoundException",
                f"No scalable target registered for service namespace: {namespace}, "
                f"resource ID: {r_id}, scalable dimension: {dimension}",
            )
        original(self, namespace, r_id, dimension)

        def attached(item: Any) -> bool:
            return (
                item.service_namespace == namespace
                and item.resource_id == r_id
                and item.scalable_dimension == dimension
            )

        for key in [k for k, p in self.policies.items() if attached(p)]:
            del self.policies[key]
        self.scheduled_actions = [a for a in self.scheduled_actions if not attached(a)]

    deregister_scalable_target.sandbox_cascades = True  # type: ignore[attr-defined]
    ApplicationAutoscalingBackend.deregister_scalable_target = deregister_scalable_target  # type: ignore[method-assign]
