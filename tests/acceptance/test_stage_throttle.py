"""smuppy_scaling_profile's api_gateway block, end to end: the real Terraform
core drives the provider against the sandbox, and every check of what changed
reads the stage back through the API Gateway API (boto3), never through state.
"""

from __future__ import annotations

import pytest

from harness import fixtures as fx
from harness.sandbox import Sandbox
from harness.terraform import Terraform

ADDRESS = "smuppy_scaling_profile.api"


def stage_throttle(sb: Sandbox, api_id: str, stage: str) -> tuple[float | None, int | None]:
    settings = fx.stage_method_settings(sb, api_id, stage).get("*/*") or {}
    return settings.get("throttlingRateLimit"), settings.get("throttlingBurstLimit")


def profile_config(api_id: str, stage: str, rate: float | None, burst: int | None, name: str = "staging") -> str:
    lines = [
        f'    rest_api_id = "{api_id}"',
        f'    stage_name  = "{stage}"',
    ]
    if rate is not None:
        lines.append(f"    rate_limit  = {rate}")
    if burst is not None:
        lines.append(f"    burst_limit = {burst}")
    body = "\n".join(lines)
    return f"""
resource "smuppy_scaling_profile" "api" {{
  name = "{name}"
  api_gateway = {{
{body}
  }}
}}
"""


@pytest.fixture
def stage(sandbox: Sandbox, suffix: str) -> fx.RestApi:
    """A deployed stage with logging, metrics and caching already set stage-wide."""
    return fx.ensure_rest_api(
        sandbox,
        fx.pinned_api_id(suffix),
        name=f"smuppy-api-{suffix}",
        method_settings=fx.PRESET_METHOD_SETTINGS,
    )


def test_stage_throttle_lifecycle(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi) -> None:
    api, name = stage.api_id, stage.stage_name
    before = fx.stage_method_settings(sandbox, api, name).get("*/*") or {}
    assert before.get("loggingLevel") == "INFO", before
    prior_rate, prior_burst = stage_throttle(sandbox, api, name)

    tf.write_config(profile_config(api, name, 2500, 1200))
    tf.run("init", "-input=false", "-no-color").check()
    tf.run("validate", "-no-color").check()
    assert tf.plan().changes

    tf.apply(check=True)
    assert stage_throttle(sandbox, api, name) == (2500.0, 1200)

    # A second plan has nothing to do.
    second = tf.plan()
    assert not second.changes, second.result.output

    # Out-of-band change through the AWS API: the plan shows exactly that drift.
    sandbox.client("apigateway").update_stage(
        restApiId=api,
        stageName=name,
        patchOperations=[{"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "777"}],
    )
    drift = tf.plan()
    assert drift.changes
    out = drift.result.output
    assert "rate_limit" in out and "777" in out and "2500" in out, out
    assert "burst_limit" not in out.split("Terraform will perform")[-1], out

    tf.apply(check=True)
    assert stage_throttle(sandbox, api, name) == (2500.0, 1200)
    assert not tf.plan().changes

    tf.destroy(check=True)
    after = fx.stage_method_settings(sandbox, api, name).get("*/*") or {}
    assert stage_throttle(sandbox, api, name) == (prior_rate, prior_burst)
    # Logging, metrics and caching are untouched.
    for key in ("loggingLevel", "metricsEnabled", "cachingEnabled"):
        assert after.get(key) == before.get(key), (key, before, after)


def test_destroy_leaves_no_stage_wide_entry_where_there_was_none(tf: Terraform, sandbox: Sandbox, suffix: str) -> None:
    """A stage without a ``*/*`` method setting gets none back, read through GetStage."""
    bare = fx.ensure_rest_api(sandbox, fx.pinned_api_id(suffix), name=f"smuppy-bare-{suffix}")
    api, name = bare.api_id, bare.stage_name
    assert "*/*" not in fx.stage_method_settings(sandbox, api, name)
    tf.write_config(profile_config(api, name, 800, 400))
    tf.apply(check=True)
    assert stage_throttle(sandbox, api, name) == (800.0, 400)
    tf.destroy(check=True)
    settings = fx.stage_method_settings(sandbox, api, name)
    assert "*/*" not in settings, settings


def test_update_in_place(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi) -> None:
    api, name = stage.api_id, stage.stage_name
    tf.write_config(profile_config(api, name, 1000, 500))
    tf.apply(check=True)
    tf.write_config(profile_config(api, name, 3000, 500))
    plan = tf.plan()
    assert plan.changes
    assert "update in-place" in plan.result.output, plan.result.output
    assert "must be replaced" not in plan.result.output
    tf.apply(check=True)
    assert stage_throttle(sandbox, api, name) == (3000.0, 500)
    tf.destroy(check=True)


def test_import_gives_a_no_change_plan(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi) -> None:
    api, name = stage.api_id, stage.stage_name
    sandbox.client("apigateway").update_stage(
        restApiId=api,
        stageName=name,
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "4000"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "2000"},
        ],
    )
    tf.write_config(profile_config(api, name, 4000, 2000))
    tf.import_(ADDRESS, f"name=staging;api_gateway={api}/{name}", check=True)
    plan = tf.plan()
    assert not plan.changes, plan.result.output
    state = tf.resource(ADDRESS)["values"]
    assert state["api_gateway"]["rate_limit"] == 4000
    assert state["api_gateway"]["burst_limit"] == 2000


def test_import_block_gives_a_no_change_plan(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi) -> None:
    api, name = stage.api_id, stage.stage_name
    sandbox.client("apigateway").update_stage(
        restApiId=api,
        stageName=name,
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "4500"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "900"},
        ],
    )
    config = profile_config(api, name, 4500, 900) + f"""
import {{
  to = {ADDRESS}
  id = "name=staging;api_gateway={api}/{name}"
}}
"""
    tf.write_config(config)
    plan = tf.plan()
    out = plan.result.output
    assert "1 to import, 0 to add, 0 to change, 0 to destroy" in out, out
    tf.apply(check=True)
    assert not tf.plan().changes
    assert stage_throttle(sandbox, api, name) == (4500.0, 900)


def test_bad_import_id_says_the_format(tf: Terraform, stage: fx.RestApi) -> None:
    tf.write_config(profile_config(stage.api_id, stage.stage_name, 10, 5))
    result = tf.import_(ADDRESS, "api_gateway=nope")
    assert result.rc != 0
    assert "Expected an import ID of the form" in " ".join(result.output.split()), result.output


@pytest.mark.parametrize(
    ("body", "attribute", "message"),
    [
        ("rate_limit = -5", "rate_limit", "rate_limit is too small: it must be at least 0"),
        ("rate_limit = 10\n    burst_limit = 2.5", "burst_limit", "must be a whole number"),
        ("burst_limit = 100", "burst_limit", "set rate_limit too"),
    ],
)
def test_validate_points_at_the_attribute(tf: Terraform, body: str, attribute: str, message: str) -> None:
    tf.write_config(
        f"""
resource "smuppy_scaling_profile" "api" {{
  name = "bad"
  api_gateway = {{
    rest_api_id = "abc"
    stage_name  = "s"
    {body}
  }}
}}
"""
    )
    result = tf.run("validate", "-no-color")
    assert result.rc == 1, result.output
    out = result.output
    assert message in " ".join(out.split()), out
    # Terraform quotes the offending line of the configuration under the error.
    assert f"{attribute} =" in out or f"{attribute}=" in out, out
