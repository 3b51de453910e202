"""The scaling-profile module and the environment roots that call it.

- staging and prod share their module code byte for byte and differ only in tfvars;
- ``terraform fmt`` is clean and both roots validate;
- the module's own ``terraform test`` suite passes: the mocked unit runs alone, and
  the whole suite (including the run that applies) against the sandbox;
- examples/staging plans and applies against the sandbox, converges the stage,
  function and table, and destroy puts them back.

Every Terraform run works in a temporary copy; nothing is written into the repo.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from harness import fixtures as fx
from harness.sandbox import REPO_ROOT, Sandbox
from harness.terraform import Terraform, provider_block, run_terraform

pytestmark = pytest.mark.acceptance

MODULE = REPO_ROOT / "terraform" / "modules" / "scaling-profile"
EXAMPLES = REPO_ROOT / "examples"
SHARED_FILES = ("main.tf", "variables.tf", "outputs.tf", "providers.tf")
ENV_ROOTS = ("staging", "prod")
RUN_BLOCK = re.compile(r'^run\s+"[^"]+"\s*\{', re.MULTILINE)
SUMMARY = re.compile(r"(\d+) passed, (\d+) failed")


def run_blocks(*files: Path) -> int:
    return sum(len(RUN_BLOCK.findall(f.read_text())) for f in files)


def copy_tree(src: Path, dst: Path) -> Path:
    """Copy a configuration without local Terraform artefacts."""
    shutil.copytree(
        src,
        dst,
        ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*", "*_override.tf"),
    )
    return dst


def copy_env_root(name: str, into: Path) -> Path:
    """examples/NAME and the module, laid out as in the repo so the relative source works."""
    copy_tree(MODULE, into / "terraform" / "modules" / "scaling-profile")
    return copy_tree(EXAMPLES / name, into / "examples" / name)


def summary(output: str) -> tuple[int, int]:
    found = SUMMARY.findall(output)
    assert found, f"no test summary in terraform test output:\n{output}"
    passed, failed = found[-1]
    return int(passed), int(failed)


# -- structure --------------------------------------------------------------------------------------------


def test_staging_and_prod_share_the_module_code() -> None:
    for name in SHARED_FILES:
        staging = (EXAMPLES / "staging" / name).read_bytes()
        prod = (EXAMPLES / "prod" / name).read_bytes()
        assert staging == prod, f"examples/staging/{name} and examples/prod/{name} differ"
    main = (EXAMPLES / "staging" / "main.tf").read_text()
    assert 'source = "../../terraform/modules/scaling-profile"' in main
    staging_vars = (EXAMPLES / "staging" / "terraform.auto.tfvars").read_text()
    prod_vars = (EXAMPLES / "prod" / "terraform.auto.tfvars").read_text()
    assert staging_vars != prod_vars
    # Nothing but the tfvars (and shared files) may differ: no extra .tf file in one root.
    for env in ENV_ROOTS:
        tf_files = sorted(p.name for p in (EXAMPLES / env).glob("*.tf"))
        assert tf_files == sorted(SHARED_FILES), f"examples/{env} has {tf_files}"


def test_prod_requests_the_quotas_its_pools_need() -> None:
    text = (EXAMPLES / "prod" / "terraform.auto.tfvars").read_text()
    assert re.search(r'quota_code\s*=\s*"L-8A5B8E43"', text)
    lambda_quota = re.search(r'quota_code\s*=\s*"L-B99A9384",\s*desired_value\s*=\s*(\d+)', text)
    assert lambda_quota, "prod must request the Lambda concurrency quota"
    reserved = [int(v) for v in re.findall(r"reserved_concurrency\s*=\s*(\d+)", text)]
    assert reserved == [3000, 3000, 4000]
    # AWS keeps 100 executions unreserved.
    assert int(lambda_quota.group(1)) >= sum(reserved) + 100


def test_fmt_is_clean(tmp_path: Path) -> None:
    result = run_terraform(
        ["fmt", "-check", "-recursive", "-no-color", str(REPO_ROOT / "terraform"), str(EXAMPLES)],
        tmp_path,
    )
    assert result.rc == 0, f"terraform fmt would change:\n{result.output}"


@pytest.mark.parametrize("env", ENV_ROOTS)
def test_environment_root_validates(env: str, tmp_path: Path) -> None:
    root = copy_env_root(env, tmp_path / "repo")
    with Terraform(root, None) as tf:
        tf.require_provider()
        tf.run("init", "-input=false", "-no-color", "-backend=false").check()
        result = tf.run("validate", "-no-color").check()
        assert "The configuration is valid" in result.output


def test_resource_examples_validate(tmp_path: Path) -> None:
    examples = copy_tree(EXAMPLES / "resources" / "smuppy_scaling_profile", tmp_path / "resources")
    with Terraform(examples, None) as tf:
        tf.require_provider()
        result = tf.run("validate", "-no-color").check()
        assert "The configuration is valid" in result.output


# -- terraform test ----------------------------------------------------------------------------------------


def test_module_unit_tests_pass_without_aws(tmp_path: Path) -> None:
    module = copy_tree(MODULE, tmp_path / "scaling-profile")
    unit = module / "tests" / "unit.tftest.hcl"
    expected = run_blocks(unit)
    assert expected >= 10
    with Terraform(module, None) as tf:
        tf.require_provider()
        result = tf.run("test", "-no-color", "-filter=tests/unit.tftest.hcl")
    assert result.rc == 0, result.output
    assert summary(result.output) == (expected, 0), result.output


@pytest.mark.slow
def test_module_test_suite_passes_against_the_sandbox(
    sandbox: Sandbox, scenario: fx.Scenario, tmp_path: Path
) -> None:
    module = copy_tree(MODULE, tmp_path / "scaling-profile")
    runner = Terraform(module, sandbox)
    try:
        runner.require_provider()
        expected = run_blocks(*sorted((module / "tests").glob("*.tftest.hcl")))
        scenario_var = {
            "api_id": scenario.api.api_id,
            "stage": scenario.api.stage_name,
            "function": scenario.function.name,
            "alias": scenario.function.alias,
            # What the alias points to, as Lambda reports it: the run that applies
            # checks the provider read the same.
            "version": sandbox.client("lambda").get_alias(
                FunctionName=scenario.function.name, Name=scenario.function.alias
            )["FunctionVersion"],
            "table": scenario.table.name,
        }
        result = runner.run(
            "test",
            "-no-color",
            f"-var=sandbox_endpoints={json.dumps(sandbox.provider_endpoints)}",
            f"-var=scenario={json.dumps(scenario_var)}",
        )
        assert result.rc == 0, result.output
        assert summary(result.output) == (expected, 0), result.output
        # terraform test destroyed what it applied: the function has no reserved concurrency left.
        lam = sandbox.client("lambda")
        concurrency = lam.get_function_concurrency(FunctionName=scenario.function.name)
        assert concurrency.get("ReservedConcurrentExecutions") is None, concurrency
        with pytest.raises(ClientError) as gone:
            lam.get_provisioned_concurrency_config(
                FunctionName=scenario.function.name, Qualifier=scenario.function.alias
            )
        assert gone.value.response["Error"]["Code"] == "ProvisionedConcurrencyConfigNotFoundException", gone.value
        throttle = fx.stage_method_settings(sandbox, scenario.api.api_id, scenario.api.stage_name).get("*/*") or {}
        assert (throttle.get("throttlingRateLimit"), throttle.get("throttlingBurstLimit")) != (9321.0, 4321), throttle
    finally:
        runner.cleanup()


@pytest.mark.slow
def test_import_block_example_plans_an_import(sandbox: Sandbox, tmp_path: Path) -> None:
    """examples/resources/.../import.tf: its ID names the runbook's stage, function and table."""
    fx.ensure_scenario(sandbox)
    src = EXAMPLES / "resources" / "smuppy_scaling_profile"
    work = tmp_path / "import"
    work.mkdir()
    for name in ("providers.tf", "import.tf"):
        shutil.copy(src / name, work / name)
    (work / "sandbox_override.tf").write_text(provider_block(sandbox.provider_endpoints))
    with Terraform(work, sandbox) as tf:
        result = tf.plan_raw()
        assert result.rc == 0, result.output
        assert "Plan: 1 to import" in result.output, result.output
        # The import read what AWS has: the alias's published version and the function's memory.
        assert 'qualifier_version = "' in result.output, result.output


# -- examples/staging against the sandbox ------------------------------------------------------------------------


def sandbox_override(sandbox: Sandbox) -> str:
    return provider_block(sandbox.provider_endpoints)


@pytest.mark.slow
def test_staging_example_applies_and_destroys(sandbox: Sandbox, tmp_path: Path) -> None:
    # The names in examples/staging/terraform.auto.tfvars are the runbook's own.
    scene = fx.ensure_scenario(sandbox)
    assert (scene.api.api_id, scene.api.stage_name) == ("bmkd8zayee", "staging")
    assert (scene.function.name, scene.function.alias) == ("smuppy-api-handler", "prod")
    assert scene.table.name == "smuppy-feeds-staging"
    ddb = sandbox.client("dynamodb")
    lam = sandbox.client("lambda")
    mode_before = scene.table.billing_mode

    root = copy_env_root("staging", tmp_path / "repo")
    (root / "sandbox_override.tf").write_text(sandbox_override(sandbox))
    with Terraform(root, sandbox) as tf:
        tf.run("init", "-input=false", "-no-color").check()
        plan = tf.plan()
        assert plan.changes, plan.result.output
        try:
            tf.apply(check=True)
            outputs = json.loads(tf.run("output", "-json", "-no-color").check().stdout)
            capacity = outputs["capacity"]["value"]
            # 27,535 req/s × (1 − 0.7) reach the origin; × 55 ms is the concurrency needed.
            assert capacity["origin_rps"] == pytest.approx(8260.5)
            assert capacity["required_concurrency"] == pytest.approx(454.33, abs=0.01)
            assert capacity["headroom"] >= 1
            assert outputs["estimated_monthly_cost_usd"]["value"] > 0

            stage = sandbox.client("apigateway").get_stage(restApiId="bmkd8zayee", stageName="staging")
            throttle = stage.get("methodSettings", {}).get("*/*", {})
            assert throttle.get("throttlingRateLimit") == 10000, stage
            assert throttle.get("throttlingBurstLimit") == 5000, stage
            reserved = lam.get_function_concurrency(FunctionName="smuppy-api-handler")
            assert reserved.get("ReservedConcurrentExecutions") == 800
            table = ddb.describe_table(TableName="smuppy-feeds-staging")["Table"]
            assert table.get("BillingModeSummary", {}).get("BillingMode") == "PAY_PER_REQUEST"

            # A second plan finds nothing to do.
            assert not tf.plan().changes
        finally:
            # Also after a failed apply: whatever it reached is in the state.
            destroyed = tf.destroy()
        assert destroyed.rc == 0, destroyed.output

    reserved = lam.get_function_concurrency(FunctionName="smuppy-api-handler")
    assert reserved.get("ReservedConcurrentExecutions") is None, reserved
    table = ddb.describe_table(TableName="smuppy-feeds-staging")["Table"]
    assert table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED") == mode_before


# -- examples/prod against the sandbox ---------------------------------------------------------------------------

PROD_POOLS = ("smuppy-api-handler", "smuppy-api-pool-2", "smuppy-api-pool-3")


def ensure_prod_fixtures(sandbox: Sandbox) -> None:
    """What examples/prod/terraform.auto.tfvars names: three pools with alias prod, stage prod, table."""
    functions = [fx.ensure_function(sandbox, name) for name in PROD_POOLS]
    fx.ensure_rest_api(sandbox, fx.DEFAULT_API_ID, stage="prod", function=functions[0])
    fx.ensure_table(sandbox, "smuppy-feeds-prod")


@pytest.mark.slow
def test_prod_example_plans_with_quota_requests_pending(sandbox: Sandbox, tmp_path: Path) -> None:
    ensure_prod_fixtures(sandbox)
    root = copy_env_root("prod", tmp_path / "repo")
    (root / "sandbox_override.tf").write_text(sandbox_override(sandbox))
    with Terraform(root, sandbox) as tf:
        tf.run("init", "-input=false", "-no-color").check()
        result = tf.plan_raw("-detailed-exitcode")
        assert result.rc == 2, result.output
        # The stage rate and the reservations rely on requests only asked for: warnings.
        assert "LIM013" in result.output and "LIM016" in result.output, result.output
        assert "Plan: 1 to add" in result.output


def prod_pool_keys() -> dict[str, str]:
    """Key -> function name of the pools examples/prod/terraform.auto.tfvars declares."""
    text = (EXAMPLES / "prod" / "terraform.auto.tfvars").read_text()
    pools = text.split("lambda_pools = {", 1)[1].split("\n}\n", 1)[0]
    return dict(re.findall(r'^  (\w+) = \{\n\s+function_name\s+= "([^"]+)"', pools, re.MULTILINE))


def sandbox_pools_tfvars(order: list[str]) -> str:
    """examples/prod's pools, in ``order``, with the concurrency a 1,000-execution sandbox
    account grants; the other parts are left out, so the pools are all the profile holds."""
    keys = prod_pool_keys()
    lines = ["quota_requests = {}", "api_gateway    = null", "traffic        = null", "budget         = null",
             "cache_policy   = null", "dashboard      = null", "lambda_pools = {"]
    for key in order:
        lines.append(
            f'  {key} = {{ function_name = "{keys[key]}", qualifier = "prod", reserved_concurrency = 100, '
            "memory_size = 1024, timeout = 29, publish_on_change = true }"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_prod_pools_reordered_plan_nothing_and_a_removed_pool_changes_only_itself(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    keys = prod_pool_keys()
    assert list(keys) == ["api", "pool_2", "pool_3"], keys
    assert tuple(keys.values()) == PROD_POOLS
    ensure_prod_fixtures(sandbox)
    lam = sandbox.client("lambda")
    root = copy_env_root("prod", tmp_path / "repo")
    (root / "sandbox_override.tf").write_text(sandbox_override(sandbox))
    overrides = root / "sandbox.tfvars"
    with Terraform(root, sandbox) as tf:
        tf.run("init", "-input=false", "-no-color").check()
        overrides.write_text(sandbox_pools_tfvars(["api", "pool_2", "pool_3"]))
        try:
            tf.apply(f"-var-file={overrides}", check=True)
            for name in PROD_POOLS:
                assert lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions") == 100

            overrides.write_text(sandbox_pools_tfvars(["pool_3", "api", "pool_2"]))
            plan = tf.plan(f"-var-file={overrides}")
            assert not plan.changes, f"reordered pools plan changes:\n{plan.result.output}"

            overrides.write_text(sandbox_pools_tfvars(["pool_2", "pool_3"]))
            doc = tf.plan_json(f"-var-file={overrides}")
            (change,) = [c for c in doc["resource_changes"] if c["change"]["actions"] != ["no-op"]]
            assert change["change"]["actions"] == ["update"], change["change"]["actions"]
            before, after = change["change"]["before"], change["change"]["after"]
            assert sorted(before["lambda_pools"]) == ["api", "pool_2", "pool_3"]
            assert sorted(after["lambda_pools"]) == ["pool_2", "pool_3"]
            for key in ("pool_2", "pool_3"):
                assert after["lambda_pools"][key] == before["lambda_pools"][key], key
            analysis = {"capacity", "estimated_monthly_cost_usd", "cost_breakdown", "lambda_pools"}
            moved = sorted(k for k in before if k not in analysis and before.get(k) != after.get(k))
            assert moved == [], f"removing one pool changed {moved}"

            tf.apply(f"-var-file={overrides}", check=True)
            assert lam.get_function_concurrency(FunctionName=PROD_POOLS[0]).get("ReservedConcurrentExecutions") is None
            for name in PROD_POOLS[1:]:
                assert lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions") == 100
        finally:
            destroyed = tf.destroy(f"-var-file={overrides}")
        assert destroyed.rc == 0, destroyed.output
    for name in PROD_POOLS:
        assert lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions") is None
