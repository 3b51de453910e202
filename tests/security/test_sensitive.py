"""Sensitive attributes are marked sensitive.

The provider takes no secret: credentials come from the standard AWS chain, never
from the provider block or the resource. This test reads the schemas Terraform
itself gets (``terraform providers schema -json``) and fails if an attribute that
could hold a secret (by its name) is not marked ``sensitive``, so a secret added
later cannot end up in plan output unmasked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from harness.terraform import Terraform, required_providers_block

SECRET_NAME = re.compile(r"(?i)(secret|password|passphrase|token|credential|private_key|access_key|api_key|session)")


# Names that match SECRET_NAME but hold no secret: a path names the file that holds
# one (the provider reads it, never shows it), a role session name is public (it is
# part of the assumed role's ARN and of CloudTrail records).
NOT_SECRET = re.compile(r"(_file|_files|^session_name)$")
# Provider-block attributes that must be sensitive although their names say nothing.
ALSO_SENSITIVE = {"provider": ["http_proxy", "assume_role_with_web_identity.web_identity_token"]}


def attributes(block: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every attribute, those of nested attributes (``nested_type``) and blocks included."""
    for name, attr in block.get("attributes", {}).items():
        yield prefix + name, attr
        if "nested_type" in attr:
            yield from attributes(attr["nested_type"], f"{prefix}{name}.")
    for name, nested in block.get("block_types", {}).items():
        yield from attributes(nested["block"], f"{prefix}{name}.")


def test_secret_names_are_recognised() -> None:
    for name in ("secret_key", "db_password", "session_token", "access_key", "api_key"):
        assert SECRET_NAME.search(name), name
    for name in ("stage_name", "quota_code", "rate_limit", "endpoint_id", "headers", "etag"):
        assert not SECRET_NAME.search(name), name
    for name in ("web_identity_token_file", "shared_credentials_files", "session_name"):
        assert NOT_SECRET.search(name), name
    assert not NOT_SECRET.search("web_identity_token")


@pytest.mark.acceptance
def test_secret_bearing_attributes_are_sensitive(tmp_path: Path) -> None:
    with Terraform(tmp_path / "tf") as tf:
        tf.require_provider()
        (tf.workdir / "versions.tf").write_text(required_providers_block())
        result = tf.run("providers", "schema", "-json").check()
    doc = json.loads(result.stdout)
    schemas = next(iter(doc["provider_schemas"].values()))
    blocks = {"provider": schemas["provider"]["block"]}
    blocks.update({name: s["block"] for name, s in schemas["resource_schemas"].items()})
    blocks.update({name: s["block"] for name, s in schemas.get("data_source_schemas", {}).items()})
    assert "smuppy_scaling_profile" in blocks

    checked, unmarked = 0, []
    for owner, block in blocks.items():
        for path, attr in attributes(block):
            checked += 1
            name = path.rsplit(".", 1)[-1]
            secret_named = SECRET_NAME.search(name) and not NOT_SECRET.search(name)
            if (secret_named or path in ALSO_SENSITIVE.get(owner, [])) and not attr.get("sensitive"):
                unmarked.append(f"{owner}: {path}")
    assert checked > 50, checked
    assert not unmarked, f"attributes that may hold secrets but are not sensitive: {unmarked}"
