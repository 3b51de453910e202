"""The crash journal gives back only what its own resource instance captured.

Every check of what an apply changed reads the functions back through the Lambda API
(boto3): memory of ``$LATEST`` and reserved concurrency. The journal lives in
``<workdir>/.terraform/smuppy``; its entry files are named by
``sha256(slot) + "-" + sha256(instance id)`` where the slot is the workspace, the region
and the profile name (see provider/src/journal.rs, whose rule ``slot_hash`` mirrors).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from harness import accounts, plans
from harness import fixtures as fx
from harness.sandbox import SANDBOX_REGION
from harness.terraform import Terraform

pytestmark = pytest.mark.acceptance

NAME = "api"

CONFIG = """
variable "fn" {
  type = string
}

variable "also" {
  type    = string
  default = ""
}

resource "smuppy_scaling_profile" "api" {
  name = "%s"

  lambda_pools = merge(
    { fn = { function_name = var.fn, memory_size = 640, reserved_concurrency = 25 } },
    var.also == "" ? {} : { also = { function_name = var.also, memory_size = 384 } },
  )
}
""" % NAME


def slot_hash(workspace: str, region: str, name: str) -> str:
    """The journal's slot hash (journal.rs ``slot_hash``): length-prefixed fields."""
    text = "smuppy-journal/1\n" + "".join(f"{len(f.encode())}:{f}\n" for f in (workspace, region, name))
    return hashlib.sha256(text.encode()).hexdigest()


def lambda_settings(sb: Any, name: str) -> tuple[int, int | None]:
    lam = sb.client("lambda")
    memory = int(lam.get_function_configuration(FunctionName=name)["MemorySize"])
    reserved = lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")
    return memory, reserved


def journal_dir(tf: Terraform) -> Path:
    return tf.workdir / ".terraform" / "smuppy"


def entries(tf: Terraform) -> list[Path]:
    d = journal_dir(tf)
    return sorted(p for p in d.iterdir() if p.name.endswith(".json")) if d.is_dir() else []


def region_of(sb: Any) -> str:
    return getattr(sb, "region", SANDBOX_REGION)


@pytest.fixture
def functions(sandbox: Any, cleanup: accounts.Cleanup, suffix: str) -> tuple[str, str, str]:
    """Three functions (memory 256, no reserved concurrency): a, b and one no profile names."""
    made = [accounts.provision_function(sandbox, cleanup, accounts.unique_name(suffix, k)) for k in ("fn-a", "fn-b", "other")]
    return made[0].name, made[1].name, made[2].name


def test_a_second_workspace_leaves_the_first_workspaces_function_alone(
    tf: Terraform, sandbox: Any, functions: tuple[str, str, str]
) -> None:
    fn_a, fn_b, _ = functions
    assert lambda_settings(sandbox, fn_a) == (256, None)
    tf.write_config(CONFIG)
    tf.apply(variables={"fn": fn_a}, check=True)
    assert lambda_settings(sandbox, fn_a) == (640, 25)

    tf.run("workspace", "new", "w2").check()
    out = tf.apply(variables={"fn": fn_b}, check=True).output
    assert lambda_settings(sandbox, fn_b) == (640, 25)
    assert lambda_settings(sandbox, fn_a) == (640, 25), f"workspace w2 changed default's function:\n{out}"
    assert "crash journal" not in out.lower(), out

    tf.destroy(variables={"fn": fn_b}, check=True)
    assert lambda_settings(sandbox, fn_b) == (256, None)
    assert lambda_settings(sandbox, fn_a) == (640, 25)
    tf.run("workspace", "select", "default").check()
    tf.destroy(variables={"fn": fn_a}, check=True)
    assert lambda_settings(sandbox, fn_a) == (256, None)
    assert entries(tf) == []


def _planted(function: str) -> dict[str, Any]:
    return {"version": 1, "captures": {f"lambda:{function}": {"kind": "lambda", "memory_size": 128, "timeout": 3, "reserved_concurrency": 0}}}


def test_a_planted_journal_is_reported_and_never_applied(
    tf: Terraform, sandbox: Any, functions: tuple[str, str, str]
) -> None:
    fn_a, _, other = functions
    lam = sandbox.client("lambda")
    lam.update_function_configuration(FunctionName=other, MemorySize=512)
    fx._wait_function_ready(lam, other)
    lam.put_function_concurrency(FunctionName=other, ReservedConcurrentExecutions=10)
    assert lambda_settings(sandbox, other) == (512, 10)

    d = journal_dir(tf)
    d.mkdir(parents=True)
    # Where the journal of profile "api" used to be read from...
    legacy = d / f"{NAME}.json"
    legacy.write_text(json.dumps(_planted(other)))
    # ...and an entry in this profile's own slot, as a killed create would leave it.
    slot = slot_hash("default", region_of(sandbox), NAME)
    planted = d / f"{slot}-{hashlib.sha256(b'f' * 32).hexdigest()}.json"
    entry = {"format": 1, "workspace": "default", "region": region_of(sandbox), "profile": NAME,
             "instance": "f" * 32, "private": _planted(other)}
    planted.write_text(json.dumps(entry))

    tf.write_config(CONFIG)
    result = tf.apply(variables={"fn": fn_a}, check=True)
    assert lambda_settings(sandbox, fn_a) == (640, 25)
    assert lambda_settings(sandbox, other) == (512, 10), f"a planted journal changed {other}:\n{result.output}"
    flat = plans.flat(result.output)
    assert str(planted) in flat, result.output
    assert str(legacy) in flat, result.output
    # Not applied, not deleted: it is the user's to look at.
    assert planted.exists() and legacy.exists()

    tf.destroy(variables={"fn": fn_a}, check=True)
    assert lambda_settings(sandbox, fn_a) == (256, None)
    assert lambda_settings(sandbox, other) == (512, 10)


def test_a_symlink_beside_the_journal_is_never_followed(
    tf: Terraform, sandbox: Any, functions: tuple[str, str, str], tmp_path: Path
) -> None:
    fn_a, _, _ = functions
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    d = journal_dir(tf)
    d.mkdir(parents=True)
    (d / f"{NAME}.json.tmp").symlink_to(victim)

    tf.write_config(CONFIG)
    tf.apply(variables={"fn": fn_a}, check=True)
    assert lambda_settings(sandbox, fn_a) == (640, 25)
    assert victim.read_text() == "precious\n"
    tf.destroy(variables={"fn": fn_a}, check=True)
    assert victim.read_text() == "precious\n"
    assert lambda_settings(sandbox, fn_a) == (256, None)


def test_a_failed_apply_keeps_a_private_entry_that_lives_until_the_destroy(
    tf: Terraform, sandbox: Any, functions: tuple[str, str, str], suffix: str
) -> None:
    fn_a, fn_b, other = functions
    missing = accounts.unique_name(suffix, "no-such-fn")
    tf.write_config(CONFIG)
    failed = tf.apply(variables={"fn": fn_a, "also": missing})
    assert failed.rc != 0, failed.output
    assert lambda_settings(sandbox, fn_a) == (640, 25), failed.output

    d = journal_dir(tf)
    assert stat.S_IMODE(d.stat().st_mode) == 0o700, oct(d.stat().st_mode)
    kept = entries(tf)
    assert len(kept) == 1, kept
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600, oct(kept[0].stat().st_mode)
    assert len(kept[0].name) == 64 + 1 + 64 + len(".json"), kept[0].name
    assert kept[0].name.startswith(slot_hash("default", region_of(sandbox), NAME) + "-")
    assert f"lambda:{fn_a}" in json.loads(kept[0].read_text())["private"]["captures"]

    # The failed create is tainted: this apply replaces it (its destroy half
    # gets no private state from Terraform and takes the entry back).
    tf.apply(variables={"fn": fn_a}, check=True)
    assert lambda_settings(sandbox, fn_a) == (640, 25)
    # The entry lives as long as the instance, holding what Terraform was handed.
    [kept] = entries(tf)
    captured = json.loads(kept.read_text())["private"]["captures"][f"lambda:{fn_a}"]
    assert (captured["memory_size"], captured["reserved_concurrency"]) == (256, None), captured
    tf.destroy(variables={"fn": fn_a}, check=True)
    assert lambda_settings(sandbox, fn_a) == (256, None)
    assert lambda_settings(sandbox, fn_b) == (256, None) and lambda_settings(sandbox, other) == (256, None)
    assert os.listdir(d) == []


def two_profiles(first: tuple[str, str], second: tuple[str, str] | None) -> str:
    out = ""
    for i, p in enumerate(x for x in (first, second) if x):
        out += f"""
resource "smuppy_scaling_profile" "p{i}" {{
  name = "{p[0]}"

  lambda_pools = {{
    "{p[1]}" = {{
      function_name        = "{p[1]}"
      memory_size          = 640
      reserved_concurrency = 25
    }}
  }}
}}
"""
    return out


def test_names_that_sanitise_alike_do_not_share_a_journal(
    tf: Terraform, sandbox: Any, functions: tuple[str, str, str]
) -> None:
    fn_a, fn_b, _ = functions
    tf.write_config(two_profiles(("a/b", fn_a), None))
    tf.apply(check=True)
    assert lambda_settings(sandbox, fn_a) == (640, 25)
    # A second profile whose name the old journal sanitised to the same file.
    tf.write_config(two_profiles(("a/b", fn_a), ("a_b", fn_b)))
    out = tf.apply(check=True).output
    assert lambda_settings(sandbox, fn_b) == (640, 25)
    assert lambda_settings(sandbox, fn_a) == (640, 25), f"profile a_b changed a/b's function:\n{out}"
    tf.destroy(check=True)
    assert lambda_settings(sandbox, fn_a) == (256, None)
    assert lambda_settings(sandbox, fn_b) == (256, None)


def test_a_replacement_restores_before_it_creates_again(
    tf: Terraform, sandbox: Any, functions: tuple[str, str, str]
) -> None:
    """``terraform apply -replace``: Terraform gives the destroy half no private
    state; the settings from before the profile must still come back, so that the
    new create captures them, not the profile's own values."""
    fn_a, _, _ = functions
    tf.write_config(CONFIG)
    tf.apply(variables={"fn": fn_a}, check=True)
    assert lambda_settings(sandbox, fn_a) == (640, 25)
    out = tf.apply("-replace=smuppy_scaling_profile.api", variables={"fn": fn_a}, check=True).output
    assert "1 added, 0 changed, 1 destroyed" in out, out
    assert lambda_settings(sandbox, fn_a) == (640, 25)
    tf.destroy(variables={"fn": fn_a}, check=True)
    assert lambda_settings(sandbox, fn_a) == (256, None)
    assert entries(tf) == []
