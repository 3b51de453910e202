"""Reading Terraform's human plan output in acceptance tests.

    changes = plans.attribute_changes(tf.plan().result.output)
    assert changes["reserved_concurrency"] == ("77", "50")

Only the part of the output between "Terraform will perform the following actions"
and the "Plan:" summary is read. ``attribute_changes`` collects every in-place change
line (``~ name = old -> new``); values are kept as Terraform prints them (strings
quoted, ``(known after apply)`` verbatim). ``ANALYSIS_ATTRIBUTES`` names the computed
figures of the rule engine and the status fields that legitimately move with a change
of a managed setting, so a test can ask for "exactly this drift" among the rest.
"""

from __future__ import annotations

import re

ACTIONS_HEADER = "Terraform will perform the following actions"
_NAME = r"(?P<name>\"[^\"]+\"|[A-Za-z0-9_]+)"
_CHANGE = re.compile(r"^\s*[~-] " + _NAME + r"\s*= (?P<old>.*?) -> (?P<new>.*?)\s*$")
_ADDED = re.compile(r"^\s*\+ " + _NAME + r"\s*= (?P<new>.*?)\s*$")

# Computed attributes that follow from the managed ones (capacity, cost) or report
# progress (versions, statuses, ETags); they change whenever a managed setting does.
ANALYSIS_ATTRIBUTES = frozenset(
    {
        "bottleneck",
        "max_sustainable_rps",
        "required_concurrency",
        "estimated_monthly_cost_usd",
        "provisioned_status",
        "qualifier_version",
        "etag",
        "applied_value",
        "status",
        "request_id",
        "arn",
    }
)


def actions(output: str) -> str:
    """The actions section of a plan's output ('' when there are no changes)."""
    if ACTIONS_HEADER not in output:
        return ""
    body = output.split(ACTIONS_HEADER, 1)[1]
    return body.split("\nPlan:", 1)[0]


def attribute_changes(output: str) -> dict[str, tuple[str, str]]:
    """``name -> (old, new)`` for every ``~ name = old -> new`` line of the plan, every
    ``- name = old -> null`` (old, "null") and every ``+ name = new`` ("null", new)."""
    out: dict[str, tuple[str, str]] = {}
    for line in actions(output).splitlines():
        m = _CHANGE.match(line)
        if m:
            out[m.group("name").strip('"')] = (m.group("old"), m.group("new"))
            continue
        m = _ADDED.match(line)
        if m and not m.group("new").endswith(("{", "[")):
            out[m.group("name").strip('"')] = ("null", m.group("new"))
    return out


def managed_changes(output: str) -> dict[str, tuple[str, str]]:
    """``attribute_changes`` without the computed figures and status fields, and
    without the cost breakdown's entries (quoted names)."""
    return {
        k: v
        for k, v in attribute_changes(output).items()
        if k not in ANALYSIS_ATTRIBUTES and not _is_cost_entry(k)
    }


def _is_cost_entry(name: str) -> bool:
    # cost_breakdown keys are human labels such as "Lambda provisioned concurrency".
    return " " in name or name[:1].isupper()


def summary(output: str) -> tuple[int, int, int]:
    """(add, change, destroy) of the plan's summary line, (0, 0, 0) without one."""
    m = re.search(r"Plan: (\d+) to add, (\d+) to change, (\d+) to destroy", output)
    if not m:
        m2 = re.search(r"(\d+) to import, (\d+) to add, (\d+) to change, (\d+) to destroy", output)
        if not m2:
            return (0, 0, 0)
        return (int(m2.group(2)), int(m2.group(3)), int(m2.group(4)))
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)))


def warnings(output: str) -> list[str]:
    """Titles of the warning diagnostics in the output (``Warning: TITLE``)."""
    return [line.split("Warning:", 1)[1].strip() for line in output.splitlines() if line.startswith("Warning:")]


def errors(output: str) -> list[str]:
    """Titles of the error diagnostics in the output (``Error: TITLE``)."""
    return [line.split("Error:", 1)[1].strip() for line in output.splitlines() if line.startswith("Error:")]


def flat(output: str) -> str:
    """The output with its line wrapping undone, for substring checks."""
    return " ".join(output.split())


__all__ = [
    "ANALYSIS_ATTRIBUTES",
    "actions",
    "attribute_changes",
    "errors",
    "flat",
    "managed_changes",
    "summary",
    "warnings",
]
