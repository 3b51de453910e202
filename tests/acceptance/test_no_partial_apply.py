"""An apply never starts with a part that cannot succeed, and a failed apply never
blocks the destroy of what it did change.

1. An empty function name beside a stage and another function is refused by
   ``terraform apply`` before any write: the stage's throttle and the other
   function's memory and reserved concurrency, read through boto3, are what they were.
2. An apply that fails half way (a function deleted out of band) leaves the stage and
   the other function changed; ``terraform destroy`` then puts back what it can
   (read through boto3) instead of failing while refreshing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness import accounts
from harness import fixtures as fx
from harness.terraform import Terraform

pytestmark = pytest.mark.acceptance


@pytest.fixture
def stage(sandbox: Any, suffix: str) -> fx.RestApi:
    return fx.ensure_rest_api(sandbox, fx.pinned_api_id(suffix), name=f"smuppy-api-{suffix}")


def _function(sandbox: Any, cleanup: accounts.Cleanup, suffix: str, kind: str) -> fx.LambdaFunction:
    return accounts.provision_function(sandbox, cleanup, accounts.unique_name(suffix, kind))


def aws_settings(sb: Any, api: fx.RestApi, functions: list[str]) -> dict[str, Any]:
    """The stage throttle and each function's memory and reserved concurrency, from AWS."""
    ms = fx.stage_method_settings(sb, api.api_id, api.stage_name).get("*/*") or {}
    lam = sb.client("lambda")
    out: dict[str, Any] = {"stage": (ms.get("throttlingRateLimit"), ms.get("throttlingBurstLimit"))}
    for fn in functions:
        conf = lam.get_function_configuration(FunctionName=fn)
        reserved = lam.get_function_concurrency(FunctionName=fn).get("ReservedConcurrentExecutions")
        out[fn] = (conf["MemorySize"], reserved)
    return out


def profile(api: fx.RestApi, *functions: str) -> str:
    pools = "".join(
        f"""
    pool{i} = {{
      function_name        = "{fn}"
      memory_size          = 640
      reserved_concurrency = 25
    }}"""
        for i, fn in enumerate(functions)
    )
    blocks = f"\n  lambda_pools = {{{pools}\n  }}\n"
    return f"""
resource "smuppy_scaling_profile" "api" {{
  name = "guards"

  api_gateway = {{
    rest_api_id = "{api.api_id}"
    stage_name  = "{api.stage_name}"
    rate_limit  = 2500
    burst_limit = 1200
  }}
{blocks}}}
"""


def test_empty_function_name_is_refused_before_any_write(
    tf: Terraform, sandbox: Any, cleanup: accounts.Cleanup, stage: fx.RestApi, suffix: str
) -> None:
    fn = _function(sandbox, cleanup, suffix, "fa").name
    before = aws_settings(sandbox, stage, [fn])

    tf.write_config(profile(stage, fn, ""))
    result = tf.apply()
    assert result.rc != 0, result.output
    assert "Invalid function_name" in result.output, result.output
    assert "ConstructionFailure" not in result.output, result.output
    assert aws_settings(sandbox, stage, [fn]) == before
    assert not (tf.workdir / "terraform.tfstate").exists(), "nothing may reach state"


def test_destroy_after_a_failed_apply_restores_what_it_changed(
    tf: Terraform, sandbox: Any, cleanup: accounts.Cleanup, stage: fx.RestApi, suffix: str
) -> None:
    fa = _function(sandbox, cleanup, suffix, "fa").name
    fb = _function(sandbox, cleanup, suffix, "fb").name
    before = aws_settings(sandbox, stage, [fa])

    tf.write_config(profile(stage, fa, fb))
    # The second function disappears after the plan was made: the apply changes the
    # stage and the first function, then fails on the second.
    tf.run("plan", "-input=false", "-no-color", "-out=tfplan").check()
    sandbox.client("lambda").delete_function(FunctionName=fb)
    failed = tf.run("apply", "-input=false", "-no-color", "tfplan")
    assert failed.rc != 0, failed.output
    assert aws_settings(sandbox, stage, [fa]) != before, "the apply changed nothing: no partial failure"

    destroy = tf.destroy()
    assert destroy.rc == 0, destroy.output
    assert aws_settings(sandbox, stage, [fa]) == before


def test_destroy_of_a_state_with_an_id_aws_cannot_take(
    tf: Terraform, sandbox: Any, cleanup: accounts.Cleanup, stage: fx.RestApi, suffix: str
) -> None:
    """A state an older version wrote from ``function_name = ""`` (its apply failed half
    way, tainted): refreshing it must not block the destroy of the stage and the other
    function."""
    fa = _function(sandbox, cleanup, suffix, "fa").name
    fb = _function(sandbox, cleanup, suffix, "fb").name
    before = aws_settings(sandbox, stage, [fa])
    tf.write_config(profile(stage, fa, fb))
    tf.apply(check=True)
    assert aws_settings(sandbox, stage, [fa]) != before

    path = tf.workdir / "terraform.tfstate"
    doc = json.loads(path.read_text())
    values = doc["resources"][0]["instances"][0]["attributes"]
    values["lambda_pools"]["pool1"]["function_name"] = ""
    doc["resources"][0]["instances"][0]["status"] = "tainted"
    doc["serial"] += 1
    path.write_text(json.dumps(doc))
    tf.write_config(profile(stage, fa))

    destroy = tf.destroy()
    assert destroy.rc == 0, destroy.output
    assert aws_settings(sandbox, stage, [fa]) == before
