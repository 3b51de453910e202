"""Plan JSON written by the real Terraform core for hashicorp/aws stacks gives the
same findings as the HCL of the same directory.

The official AWS provider cannot be downloaded here, so a test-only provider
(``tfplugin/examples/aws_schema_provider``, built with
``cargo build -p tfplugin --example aws_schema_provider``) serves the schemas of
the ``aws_*`` resources the validator reads for ``registry.terraform.io/hashicorp/aws``
under ``dev_overrides``. For each corpus configuration below the test runs the real
``terraform init``, ``terraform plan -out`` and ``terraform show -json``, feeds the JSON
to ``smuppy-validate`` and compares (rule id, address, attribute) of every finding
with the run on the directory's HCL: same set, and not empty, but for the known
difference of ``PLAN_ONLY`` (plan JSON does not record ``lifecycle``).

Some corpus configurations refer to IAM roles or deployments they do not declare,
as the validator does not need them; Terraform does, so the copy gets a
``references.tf`` (in the root, or in the module named) declaring them, and both
runs see that same copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox import REPO_ROOT
from harness.terraform import run_terraform, terraform_binary

CORPUS = REPO_ROOT / "tests" / "validator" / "corpus"

# Declarations the corpus files refer to but leave out (see module doc).
REFERENCES = {
    "aws_runbook": (
        'resource "aws_iam_role" "lambda" {\n  name = "smuppy-api"\n  assume_role_policy = "{}"\n}\n'
        'resource "aws_api_gateway_deployment" "api" {\n  rest_api_id = aws_api_gateway_rest_api.api.id\n}\n'
    ),
    "aws_for_each_functions": 'resource "aws_iam_role" "lambda" {\n  name = "shop"\n  assume_role_policy = "{}"\n}\n',
    "aws_dynamodb_autoscaling": "",
    "aws_method_throttles": "",
    "aws_accelerator_on_api": "",
    "aws_regions": "",
    "aws_module_wrapper": {
        "modules/rest-api/references.tf": 'resource "aws_api_gateway_deployment" "this" {\n  rest_api_id = aws_api_gateway_rest_api.this.id\n}\n'
    },
    "aws_ok_stack": (
        'resource "aws_iam_role" "api" {\n  name = "shop-api"\n  assume_role_policy = "{}"\n}\n'
        'resource "aws_api_gateway_deployment" "shop" {\n  rest_api_id = aws_api_gateway_rest_api.shop.id\n}\n'
    ),
    "aws_table_module_count": "",
    "aws_proxy_integration_quota": 'resource "aws_iam_role" "lambda" {\n  name = "orders"\n  assume_role_policy = "{}"\n}\n',
    "aws_two_accelerators": "",
    "aws_quota_other_region": "",
}


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target")) / "debug"


def built(path: Path, how: str) -> Path:
    if not path.is_file():
        pytest.fail(f"{path} not found: build it with `{how}`")
    return path


@pytest.fixture(scope="module")
def aws_provider_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Terraform CLI config overriding hashicorp/aws with the test provider."""
    src = built(target_dir() / "examples" / "aws_schema_provider", "cargo build -p tfplugin --example aws_schema_provider")
    root = tmp_path_factory.mktemp("aws-provider")
    (root / "bin").mkdir()
    shutil.copy(src, root / "bin" / "terraform-provider-aws")
    config = root / "terraformrc"
    config.write_text(
        "provider_installation {\n"
        "  dev_overrides {\n"
        f'    "registry.terraform.io/hashicorp/aws" = "{root / "bin"}"\n'
        "  }\n"
        "  direct {}\n"
        "}\n"
    )
    return config


def validate(path: Path) -> tuple[int, dict[str, Any]]:
    binary = built(target_dir() / "smuppy-validate", "cargo build -p smuppy-validate")
    proc = subprocess.run(
        [str(binary), "--format", "json", str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode in (0, 1), f"exit {proc.returncode}\n{proc.stderr}"
    return proc.returncode, json.loads(proc.stdout)


def findings(doc: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(rule id, profile address, attribute) of every finding."""
    return {
        (f["rule_id"], p["address"], f.get("location") or "")
        for p in doc["profiles"]
        for f in p["findings"]
    }


def addresses(doc: dict[str, Any]) -> set[str]:
    return {p["address"] for p in doc["profiles"]}


# Known difference: `terraform show -json` does not carry `lifecycle { ignore_changes }`,
# so from the plan the validator cannot tell that a table's capacity beside auto scaling
# is only where it starts (the HCL run reads that it is): it takes it so and says it, an
# INP001 on each such capacity the HCL run does not have.
PLAN_ONLY = {
    "aws_dynamodb_autoscaling": {
        "aws_dynamodb_table.sessions.read_capacity",
        "aws_dynamodb_table.sessions.write_capacity",
    },
    "aws_table_module_count": {"module.profiles.aws_dynamodb_table.this.read_capacity"},
    "aws_ok_stack": {
        "aws_dynamodb_table.carts.read_capacity",
        "aws_dynamodb_table.carts.write_capacity",
    },
}
CASES = sorted(REFERENCES)


@pytest.mark.parametrize("case", CASES)
def test_real_plan_json_gives_the_hcl_findings(case: str, tmp_path: Path, aws_provider_config: Path) -> None:
    work = tmp_path / case
    shutil.copytree(CORPUS / case, work)
    (work / "expect.json").unlink()
    refs = REFERENCES[case]
    for path, text in (refs if isinstance(refs, dict) else {"references.tf": refs}).items():
        if text:
            (work / path).write_text(text)

    hcl_exit, hcl = validate(work)  # before terraform writes anything there

    env = {"TF_CLI_CONFIG_FILE": str(aws_provider_config)}
    init = run_terraform(["init", "-input=false", "-no-color"], cwd=work, env=env)
    assert init.rc == 0, init.output
    plan = run_terraform(["plan", "-input=false", "-no-color", "-out=plan.bin"], cwd=work, env=env)
    assert plan.rc == 0, plan.output
    show = run_terraform(["show", "-json", "plan.bin"], cwd=work, env=env)
    assert show.rc == 0, show.output
    plan_json = work / "plan.json"
    plan_json.write_text(show.stdout)

    doc = json.loads(show.stdout)
    # The real core wrote it: its format version, and the computed ids unknown.
    assert doc["format_version"].startswith("1."), doc["format_version"]
    changes = doc["resource_changes"]
    assert changes and all(c["change"]["actions"] == ["create"] for c in changes)
    assert all(c["change"]["after_unknown"].get("id") is True for c in changes)

    plan_exit, from_plan = validate(plan_json)

    assert findings(hcl), "the HCL run found nothing: the comparison would prove nothing"
    assert addresses(from_plan) == addresses(hcl)
    only_plan = findings(from_plan) - findings(hcl)
    assert {(rule, at) for rule, _, at in only_plan} == {
        ("INP001", at) for at in PLAN_ONLY.get(case, set())
    }, f"only in HCL: {sorted(findings(hcl) - findings(from_plan))}\nonly in plan: {sorted(only_plan)}"
    assert findings(hcl) <= findings(from_plan), f"only in HCL: {sorted(findings(hcl) - findings(from_plan))}"
    assert plan_exit == hcl_exit
