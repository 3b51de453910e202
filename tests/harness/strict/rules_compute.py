"""Strict rules for Lambda and DynamoDB: concurrency limits, states that take time.

Transition times come from the sandbox's ``Profile`` (short in tests, realistic for the
benchmark). Each rule cites the AWS page it is written from.
"""

from __future__ import annotations

import json
import time
import zlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.strict.proxy import Answer, Exchange, StrictState

# Lambda operations refused while the function's LastUpdateStatus is InProgress. Source: Lambda
# developer guide, "Lambda function states" (https://docs.aws.amazon.com/lambda/latest/dg/
# functions-states.html): while an update is in progress, a further code or configuration update
# or a version publish fails with ResourceConflictException (409).
LAMBDA_BLOCKED_WHILE_UPDATING = ("UpdateFunctionConfiguration", "UpdateFunctionCode", "PublishVersion")
LAMBDA_STARTS_UPDATE = ("UpdateFunctionConfiguration", "UpdateFunctionCode")


def function_name(value: str) -> str:
    """my-fn, 123456789012:function:my-fn, arn:...:function:my-fn[:qualifier] -> my-fn."""
    if ":function:" in value or value.count(":") >= 2:
        after = value.split("function:", 1)[-1]
        return after.split(":", 1)[0]
    return value


def applied_quota(state: "StrictState", service: str, code: str) -> float | None:
    """The account's value of a quota as Service Quotas reports it (raised once approved)."""
    try:
        return float(state.direct("service-quotas").get_service_quota(ServiceCode=service, QuotaCode=code)["Quota"]["Value"])
    except Exception:
        return None


def _json_answer(answer: "Answer", value: Any) -> "Answer":
    answer.body = json.dumps(value).encode()
    for key in [k for k in answer.headers if k.lower() == "x-amz-crc32"]:
        # DynamoDB signs its bodies with a CRC32 the SDKs check: keep it true to the new body.
        answer.headers[key] = str(zlib.crc32(answer.body) & 0xFFFFFFFF)
    return answer


class ComputeRules:
    def __init__(self, state: "StrictState") -> None:
        self.state = state
        self.reset()

    def reset(self) -> None:
        self.updating: dict[str, float] = {}  # function -> end of its InProgress window
        self.pc: dict[tuple[str, str], dict[str, Any]] = {}  # (function, qualifier) -> ready_at, failure
        self.pc_failures: dict[str, str] = {}  # function -> reason for its next PC config
        self.table_updating: dict[str, float] = {}  # table -> end of its UPDATING window
        self.on_demand_switches: dict[str, list[float]] = {}

    def control(self, method: str, path: str, data: dict[str, Any]) -> Any:
        if path == "lambda/pc-failure" and method == "POST":
            with self.state.lock:
                self.pc_failures[function_name(str(data["FunctionName"]))] = str(data["Reason"])
            return {"FunctionName": data["FunctionName"], "Reason": data["Reason"]}
        return None

    def before(self, ex: "Exchange") -> "Answer | None":
        if ex.call.service == "lambda":
            return self._lambda_before(ex)
        return self._dynamodb_before(ex)

    def after(self, ex: "Exchange", answer: "Answer") -> "Answer":
        if ex.call.service == "lambda":
            return self._lambda_after(ex, answer)
        return self._dynamodb_after(ex, answer)

    # -- Lambda ---------------------------------------------------------------------------------------------

    def _unreserved(self) -> int | None:
        """The account's unreserved concurrency: its concurrent-executions quota (L-B99A9384,
        raised once an increase is approved) less what functions reserve (from the emulator)."""
        try:
            limit = self.state.direct("lambda").get_account_settings()["AccountLimit"]
        except Exception:
            return None
        reserved_sum = int(limit["ConcurrentExecutions"]) - int(limit["UnreservedConcurrentExecutions"])
        quota = applied_quota(self.state, "lambda", "L-B99A9384")
        account = int(quota) if quota else self.state.profile.lambda_account_concurrency
        return account - reserved_sum

    def _reserved(self, fn: str) -> int | None:
        try:
            got = self.state.direct("lambda").get_function_concurrency(FunctionName=fn)
        except Exception:
            return None
        value = got.get("ReservedConcurrentExecutions")
        return None if value is None else int(value)

    def _lambda_before(self, ex: "Exchange") -> "Answer | None":
        name = ex.call.name
        fn = function_name(str(ex.params.get("FunctionName", "")))
        p = self.state.profile
        if name in LAMBDA_BLOCKED_WHILE_UPDATING and self.updating.get(fn, 0.0) > time.monotonic():
            return ex.error(
                409,
                "ResourceConflictException",
                "The operation cannot be performed at this time. An update is in progress for resource: "
                f"arn:aws:lambda:us-east-1:123456789012:function:{fn}",
            )
        if name == "PutFunctionConcurrency":
            # Source: Lambda API reference, PutFunctionConcurrency ("You can reserve concurrency for
            # as many functions as you like, as long as you leave at least 100 simultaneous
            # executions unreserved for functions that aren't configured with a per-function limit").
            wanted = int(ex.params.get("ReservedConcurrentExecutions", 0))
            unreserved = self._unreserved()
            if unreserved is not None:
                free = unreserved + (self._reserved(fn) or 0)
                if free - wanted < p.lambda_min_unreserved:
                    return ex.error(
                        400,
                        "InvalidParameterValueException",
                        "Specified ReservedConcurrentExecutions for function decreases account's "
                        f"UnreservedConcurrentExecution below its minimum value of [{p.lambda_min_unreserved}].",
                    )
        if name == "PutProvisionedConcurrencyConfig":
            # Source: Lambda developer guide, "Configuring provisioned concurrency"
            # (https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html): it is set
            # on a published version or an alias, not on the unpublished version ($LATEST); the
            # provisioned concurrency of a function can't exceed its reserved concurrency, and
            # without reserved concurrency it comes out of the unreserved pool, which keeps 100.
            qualifier = str(ex.params.get("Qualifier", ""))
            wanted = int(ex.params.get("ProvisionedConcurrentExecutions", 0))
            if qualifier == "$LATEST":
                return ex.error(
                    400,
                    "InvalidParameterValueException",
                    "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
                )
            reserved = self._reserved(fn)
            others = self._other_pc(fn, qualifier)
            if reserved is not None and others + wanted > reserved:
                return ex.error(
                    400,
                    "InvalidParameterValueException",
                    "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution "
                    f"for function {fn} ({reserved}; {others} already provisioned on other versions).",
                )
            unreserved = self._unreserved()
            if reserved is None and unreserved is not None and unreserved - wanted < p.lambda_min_unreserved:
                return ex.error(
                    400,
                    "InvalidParameterValueException",
                    "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
                    f"below its minimum value of [{p.lambda_min_unreserved}].",
                )
        return None

    def _other_pc(self, fn: str, qualifier: str) -> int:
        try:
            configs = self.state.direct("lambda").list_provisioned_concurrency_configs(FunctionName=fn)
        except Exception:
            return 0
        total = 0
        for cfg in configs.get("ProvisionedConcurrencyConfigs", []):
            if not str(cfg.get("FunctionArn", "")).endswith(f":{qualifier}"):
                total += int(cfg.get("RequestedProvisionedConcurrentExecutions", 0))
        return total

    def _lambda_after(self, ex: "Exchange", answer: "Answer") -> "Answer":
        name = ex.call.name
        fn = function_name(str(ex.params.get("FunctionName", "")))
        qualifier = str(ex.params.get("Qualifier", ""))
        now = time.monotonic()
        p = self.state.profile
        ok = 200 <= answer.status < 300
        if name in LAMBDA_STARTS_UPDATE and ok:
            self.updating[fn] = now + p.function_update
            return self._rewrite_update_status(answer, fn)
        if name in ("GetFunctionConfiguration", "GetFunction") and ok and qualifier in ("", "$LATEST"):
            return self._rewrite_update_status(answer, fn)
        if name == "PutProvisionedConcurrencyConfig" and ok:
            with self.state.lock:
                self.pc[(fn, qualifier)] = {"ready_at": now + p.pc_ready, "failure": self.pc_failures.pop(fn, None)}
            return self._rewrite_pc(answer, fn, qualifier)
        if name == "GetProvisionedConcurrencyConfig" and ok:
            return self._rewrite_pc(answer, fn, qualifier)
        if name == "DeleteProvisionedConcurrencyConfig" and ok:
            self.pc.pop((fn, qualifier), None)
        if name == "DeleteFunction" and ok:
            self.updating.pop(fn, None)
            for key in [k for k in self.pc if k[0] == fn]:
                self.pc.pop(key, None)
        return answer

    def _rewrite_update_status(self, answer: "Answer", fn: str) -> "Answer":
        if self.updating.get(fn, 0.0) <= time.monotonic():
            return answer
        try:
            body = json.loads(answer.body)
        except ValueError:
            return answer
        config = body.get("Configuration", body)
        config["LastUpdateStatus"] = "InProgress"
        config["LastUpdateStatusReason"] = "The function is being updated."
        config["LastUpdateStatusReasonCode"] = ""
        return _json_answer(answer, body)

    def _rewrite_pc(self, answer: "Answer", fn: str, qualifier: str) -> "Answer":
        # Source: Lambda API reference, GetProvisionedConcurrencyConfig (Status IN_PROGRESS | READY |
        # FAILED; StatusReason "For failed allocations, the reason that provisioned concurrency
        # could not be allocated"; AllocatedProvisionedConcurrentExecutions grows while IN_PROGRESS).
        entry = self.pc.get((fn, qualifier))
        if entry is None:
            return answer
        try:
            body = json.loads(answer.body)
        except ValueError:
            return answer
        if time.monotonic() < entry["ready_at"]:
            body["Status"] = "IN_PROGRESS"
            body["AllocatedProvisionedConcurrentExecutions"] = 0
            body["AvailableProvisionedConcurrentExecutions"] = 0
            body.pop("StatusReason", None)
        elif entry["failure"]:
            body["Status"] = "FAILED"
            body["StatusReason"] = entry["failure"]
            body["AllocatedProvisionedConcurrentExecutions"] = 0
            body["AvailableProvisionedConcurrentExecutions"] = 0
        return _json_answer(answer, body)

    # -- DynamoDB -------------------------------------------------------------------------------------------

    def _dynamodb_before(self, ex: "Exchange") -> "Answer | None":
        name = ex.call.name
        if name not in ("UpdateTable", "CreateTable"):
            return None
        p = self.state.profile
        table = str(ex.params.get("TableName", ""))
        # Source: DynamoDB developer guide, "Quotas in Amazon DynamoDB" (ServiceQuotas.html): per
        # table, 40,000 read capacity units and 40,000 write capacity units by default; a request
        # above it answers LimitExceededException.
        throughput = ex.params.get("ProvisionedThroughput") or {}
        for key, cap, unit in (
            ("ReadCapacityUnits", p.ddb_table_max_rcu, "read"),
            ("WriteCapacityUnits", p.ddb_table_max_wcu, "write"),
        ):
            if int(throughput.get(key) or 0) > cap:
                return ex.error(
                    400,
                    "LimitExceededException",
                    f"Subscriber limit exceeded: Provisioned throughput for a single table or global secondary "
                    f"index cannot exceed {cap} table-level {unit} capacity units",
                )
        if name != "UpdateTable":
            return None
        # Source: DynamoDB API reference, UpdateTable ("You can only perform one of the following
        # operations at once ... UpdateTable is an asynchronous operation; while it's executing, the
        # table status changes from ACTIVE to UPDATING. While it's UPDATING, you can't issue another
        # UpdateTable request"; ResourceInUseException).
        if self.table_updating.get(table, 0.0) > time.monotonic():
            return ex.error(
                400,
                "ResourceInUseException",
                f"Attempt to change a resource which is still in use: Table is being updated: {table}",
            )
        if ex.params.get("BillingMode") == "PAY_PER_REQUEST":
            # Source: DynamoDB developer guide, "Considerations when switching capacity modes"
            # (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/switching.capacitymode.html):
            # "You can switch tables from provisioned capacity mode to on-demand mode up to four times
            # in a 24-hour rolling window. You can switch tables from on-demand mode to provisioned
            # capacity mode at any time."
            if self._billing_mode(table) == "PROVISIONED":
                day_ago = time.time() - 86400
                recent = [t for t in self.on_demand_switches.get(table, []) if t > day_ago]
                if len(recent) >= p.ddb_on_demand_switches_per_day:
                    return ex.error(
                        400,
                        "LimitExceededException",
                        f"Subscriber limit exceeded: Update to PayPerRequest mode is limited to "
                        f"{p.ddb_on_demand_switches_per_day} times in a 24-hour rolling window for table: {table}",
                    )
                ex.notes["switch_to_on_demand"] = True
        return None

    def _billing_mode(self, table: str) -> str | None:
        try:
            desc = self.state.direct("dynamodb").describe_table(TableName=table)["Table"]
        except Exception:
            return None
        return str((desc.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED")

    def _dynamodb_after(self, ex: "Exchange", answer: "Answer") -> "Answer":
        name = ex.call.name
        table = str(ex.params.get("TableName", ""))
        ok = answer.status == 200
        if name == "UpdateTable" and ok:
            with self.state.lock:
                self.table_updating[table] = time.monotonic() + self.state.profile.table_update
                if ex.notes.get("switch_to_on_demand"):
                    self.on_demand_switches.setdefault(table, []).append(time.time())
            return self._rewrite_table_status(answer, table, "TableDescription")
        if name == "DescribeTable" and ok:
            return self._rewrite_table_status(answer, table, "Table")
        if name == "DeleteTable" and ok:
            self.table_updating.pop(table, None)
            self.on_demand_switches.pop(table, None)
        return answer

    def _rewrite_table_status(self, answer: "Answer", table: str, key: str) -> "Answer":
        if self.table_updating.get(table, 0.0) <= time.monotonic():
            return answer
        try:
            body = json.loads(answer.body)
        except ValueError:
            return answer
        if isinstance(body.get(key), dict):
            body[key]["TableStatus"] = "UPDATING"
        return _json_answer(answer, body)
