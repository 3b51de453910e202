"""The provider installed the way a user installs it: ``scripts/release.sh`` makes a signed
release and its two mirrors, and the real ``terraform init`` installs the provider from
each, with a CLI configuration that has no ``dev_overrides`` (the harness's usual one is
replaced) and no ``direct`` source: nothing but the mirror can supply it.

- The release files are checked on their own: SHA256SUMS against the files' bytes, the
  detached signature with only the published public key, the zip's single executable, the
  registry manifest, the mirror indexes (relative archive URL, ``zh:`` hash of the zip).
- Network mirror: served over HTTPS on a free loopback port (a private CA's certificate,
  trusted by Terraform through ``SSL_CERT_FILE``); the server must have been asked for
  ``index.json``, ``VERSION.json`` and the zip. An archive whose bytes do not match the
  index's ``zh:`` hash is refused.
- Filesystem mirror: the packed layout.
- After each ``init``: ``.terraform.lock.hcl`` pins the release's version under the
  configured constraint with the ``h1:`` hash computed here from the zip (for an unsigned
  source Terraform records only the hash it computed itself, not the mirror's ``zh:``), the
  installed executable is the released one, and plan + apply land the stage throttle, read
  back through API Gateway's GetStage; a second plan is empty.

The release packages the debug binaries (``--profile debug``), so no release build is paid.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from harness import fixtures as fx
from harness import release as rel
from harness.sandbox import Sandbox
from harness.terraform import Terraform, provider_block, provider_dir

pytestmark = pytest.mark.acceptance

RATE, BURST = 3210.0, 321


def configuration(version_constraint: str, api_id: str, stage: str) -> str:
    """The root module the tests install the provider for: only ``name`` and one
    ``api_gateway`` setting (the throttle), in the resource's current syntax."""
    return f"""
terraform {{
  required_providers {{
    smuppy = {{
      source  = "smuppy/smuppy"
      version = "{version_constraint}"
    }}
  }}
}}

resource "smuppy_scaling_profile" "api" {{
  name = "installed"

  api_gateway = {{
    rest_api_id = "{api_id}"
    stage_name  = "{stage}"
    rate_limit  = {RATE}
    burst_limit = {BURST}
  }}
}}
"""


def constraint_for(version: str) -> str:
    major, minor = version.split(".")[:2]
    return f"~> {major}.{minor}"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[rel.Release]:
    """One signed release of the debug binaries, for every test of the module."""
    out = tmp_path_factory.mktemp("dist")
    with rel.GpgHome() as gpg:
        made = rel.make_release(out, gpg, bin_dir=provider_dir())
    yield made
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture
def stage(sandbox: Sandbox, suffix: str) -> fx.RestApi:
    return fx.ensure_rest_api(sandbox, fx.pinned_api_id(suffix), name=f"smuppy-api-{suffix}")


def use_cli_config(tf: Terraform, text: str, **env: str) -> None:
    """Replace the harness's dev_overrides configuration; no plugin cache either."""
    tf.cli_config_file.write_text(text)
    tf.extra_env.update({"TF_PLUGIN_CACHE_DIR": "", **env})


def install_and_apply(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi, release: rel.Release) -> str:
    """init, check the lock file and the installed executable, plan, apply, check AWS;
    returns what init printed."""
    constraint = constraint_for(release.version)
    tf.write_config(configuration(constraint, stage.api_id, stage.stage_name), with_provider=False)
    (tf.workdir / "provider.tf").write_text(provider_block(sandbox.provider_endpoints))

    init = tf.run("init", "-input=false", "-no-color").check()
    assert "development overrides" not in init.output.lower(), init.output
    assert f"Installed smuppy/smuppy v{release.version}" in init.output, init.output

    locked = rel.locked_provider(tf.workdir)
    assert locked.version == release.version, locked
    assert locked.constraints == constraint, locked
    h1, zh = rel.h1_hash(release.zip_path), rel.zh_hash(release.zip_path)
    assert h1 in locked.hashes, (locked, h1)
    # Only hashes of this package: from an unsigned mirror Terraform records its own h1:
    # (a zh: would only come from a signed registry listing).
    assert set(locked.hashes) <= {h1, zh}, locked

    # Terraform runs the executable it unpacked from the release, not the build tree's.
    installed = (
        tf.workdir / ".terraform" / "providers" / rel.HOSTNAME / rel.NAMESPACE / rel.TYPE
        / release.version / release.target / f"{rel.PROVIDER}_v{release.version}"
    )
    assert installed.is_file() and not installed.is_symlink(), installed
    assert sha256(installed) == sha256(provider_dir() / rel.PROVIDER)

    def throttle() -> tuple[Any, Any]:
        settings = fx.stage_method_settings(sandbox, stage.api_id, stage.stage_name).get("*/*") or {}
        return settings.get("throttlingRateLimit"), settings.get("throttlingBurstLimit")

    assert throttle() != (RATE, BURST)
    assert tf.plan().changes
    tf.apply(check=True)
    assert throttle() == (RATE, BURST)
    second = tf.plan()
    assert not second.changes, second.result.output
    return init.output


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


# -- the release files ---------------------------------------------------------------------------


def test_release_files_are_complete_and_signed(release: rel.Release) -> None:
    v, target = release.version, release.target
    files = {p.name for p in release.release_dir.iterdir()}
    assert files == {
        release.zip_name,
        f"smuppy-validate_{v}_{target}.zip",
        f"{rel.PROVIDER}_{v}_manifest.json",
        f"{rel.PROVIDER}_{v}_SHA256SUMS",
        f"{rel.PROVIDER}_{v}_SHA256SUMS.sig",
        f"{rel.PROVIDER}_{v}_signing-key.asc",
        "terraform-registry-manifest.json",
    }, files

    # SHA256SUMS: "<hex>  <name>" for every archive and the manifest, matching the bytes.
    listed = {}
    for line in release.sums.read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert set(listed) == {release.zip_name, f"smuppy-validate_{v}_{target}.zip", f"{rel.PROVIDER}_{v}_manifest.json"}
    for name, digest in listed.items():
        assert sha256(release.release_dir / name) == digest, name

    # The signature verifies with the published public key alone, and only for these sums.
    sig = release.sums.with_name(release.sums.name + ".sig")
    good = rel.verify_with_public_key(release.public_key, sig, release.sums)
    assert good.returncode == 0 and "Good signature" in good.stderr, good.stderr
    assert "BEGIN PGP PUBLIC KEY BLOCK" in release.public_key.read_text()
    tampered = release.sums.with_name("tampered_SHA256SUMS")
    tampered.write_text(release.sums.read_text().replace(listed[release.zip_name], "0" * 64))
    try:
        bad = rel.verify_with_public_key(release.public_key, sig, tampered)
        assert bad.returncode != 0 and "BAD signature" in bad.stderr, bad.stderr
    finally:
        tampered.unlink()

    # One executable, named as Terraform expects, with the built binary's bytes.
    with zipfile.ZipFile(release.zip_path) as zf:
        (entry,) = zf.infolist()
        assert entry.filename == f"{rel.PROVIDER}_v{v}"
        assert (entry.external_attr >> 16) & 0o777 == 0o755
        assert hashlib.sha256(zf.read(entry)).hexdigest() == sha256(provider_dir() / rel.PROVIDER)

    manifest = {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}
    assert read_json(release.release_dir / "terraform-registry-manifest.json") == manifest
    assert read_json(release.release_dir / f"{rel.PROVIDER}_{v}_manifest.json") == manifest


def test_mirror_trees_follow_terraforms_layouts(release: rel.Release) -> None:
    net = release.provider_path(release.network_mirror)
    assert read_json(net / "index.json") == {"versions": {release.version: {}}}
    assert read_json(net / f"{release.version}.json") == {
        "archives": {release.target: {"url": release.zip_name, "hashes": [rel.zh_hash(release.zip_path)]}}
    }
    # The url is relative to VERSION.json: the zip sits beside it.
    assert sha256(net / release.zip_name) == sha256(release.zip_path)
    packed = release.provider_path(release.filesystem_mirror) / release.zip_name
    assert sha256(packed) == sha256(release.zip_path)
    # The hashes the script announces: the index's zh: and the lock file's h1:.
    assert f"{release.zip_name} {rel.zh_hash(release.zip_path)}" in release.output, release.output
    assert f"lock file hash for {release.target}: {rel.h1_hash(release.zip_path)}" in release.output, release.output


def test_a_second_version_is_added_to_the_mirror_index(release: rel.Release, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(release.out, out)
    proc = rel.run_release(
        "--profile", "debug", "--bin-dir", str(provider_dir()), "--out", str(out), "--version", "99.0.0", "--unsigned"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    net = release.provider_path(out / "network-mirror")
    assert read_json(net / "index.json") == {"versions": {release.version: {}, "99.0.0": {}}}
    assert (net / f"{release.version}.json").exists() and (net / "99.0.0.json").exists()
    assert not (out / "release" / f"{rel.PROVIDER}_99.0.0_SHA256SUMS.sig").exists()


def test_release_archive_is_reproducible(release: rel.Release, tmp_path: Path) -> None:
    """The same binary and commit give the same zip, so the same zh: and h1: hashes."""
    proc = rel.run_release(
        "--profile", "debug", "--bin-dir", str(provider_dir()), "--out", str(tmp_path / "again"), "--unsigned"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sha256(tmp_path / "again" / "release" / release.zip_name) == sha256(release.zip_path)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--profile", "fast"], "--profile must be release or debug"),
        (["--version", "1.0"], "is not a semantic version"),
        (["--gpg-key"], "--gpg-key needs a value"),
        (["--gpg-key", "ABCDEF"], "--unsigned and --gpg-key exclude each other"),
        (["--bogus"], "unknown argument: --bogus"),
        (["--profile", "debug", "--bin-dir", "/nonexistent"], "terraform-provider-smuppy not found"),
    ],
)
def test_release_script_refuses_bad_arguments(args: list[str], message: str, tmp_path: Path) -> None:
    proc = rel.run_release(*args, "--out", str(tmp_path / "dist"), "--unsigned")
    assert proc.returncode != 0
    assert message in proc.stderr, proc.stderr


def test_release_needs_a_key_or_unsigned(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SMUPPY_RELEASE_GPG_KEY"}
    proc = rel.run_release("--profile", "debug", "--out", str(tmp_path / "dist"), env=env)
    assert proc.returncode != 0 and "no signing key" in proc.stderr, proc.stderr
    assert not (tmp_path / "dist" / "release").exists()


def test_release_refuses_a_key_not_in_the_keyring(tmp_path: Path) -> None:
    with rel.GpgHome(generate=False) as empty:
        proc = rel.run_release(
            "--profile", "debug", "--out", str(tmp_path / "dist"), "--gpg-key", "nobody@smuppy.invalid", env=empty.env()
        )
    assert proc.returncode != 0 and "no secret key 'nobody@smuppy.invalid'" in proc.stderr, proc.stderr
    assert not (tmp_path / "dist" / "release").exists()


# -- terraform init from the mirrors -------------------------------------------------------------


def test_init_installs_from_the_network_mirror(
    tf: Terraform, sandbox: Sandbox, stage: fx.RestApi, release: rel.Release, tmp_path: Path
) -> None:
    with rel.HttpsDirectory(release.network_mirror, tmp_path / "tls") as server:
        use_cli_config(tf, rel.network_mirror_cli_config(server.url), SSL_CERT_FILE=str(server.ca_file))
        init_output = install_and_apply(tf, sandbox, stage, release)
        served = {path for path, code in server.requests if code == 200}
    # Terraform checked the archive against the index's zh: hash.
    assert "(verified checksum)" in init_output, init_output
    base = f"/{rel.HOSTNAME}/{rel.NAMESPACE}/{rel.TYPE}/"
    assert {base + "index.json", base + f"{release.version}.json", base + release.zip_name} <= served, server.requests


def test_network_mirror_archive_not_matching_its_hash_is_refused(
    tf: Terraform, sandbox: Sandbox, release: rel.Release, tmp_path: Path
) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(release.network_mirror, mirror)
    index = release.provider_path(mirror) / f"{release.version}.json"
    doc = read_json(index)
    doc["archives"][release.target]["hashes"] = ["zh:" + "0" * 64]
    index.write_text(json.dumps(doc))
    with rel.HttpsDirectory(mirror, tmp_path / "tls") as server:
        use_cli_config(tf, rel.network_mirror_cli_config(server.url), SSL_CERT_FILE=str(server.ca_file))
        tf.write_config(configuration(constraint_for(release.version), "abcdefghij", "staging"), with_provider=False)
        init = tf.run("init", "-input=false", "-no-color")
    assert init.rc != 0
    assert "checksum" in init.output.lower(), init.output
    assert not (tf.workdir / ".terraform.lock.hcl").exists()


def test_init_without_the_mirror_certificate_fails(tf: Terraform, release: rel.Release, tmp_path: Path) -> None:
    """The HTTPS check is real: without SSL_CERT_FILE the private CA is not trusted."""
    with rel.HttpsDirectory(release.network_mirror, tmp_path / "tls") as server:
        use_cli_config(tf, rel.network_mirror_cli_config(server.url))
        tf.write_config(configuration(constraint_for(release.version), "abcdefghij", "staging"), with_provider=False)
        init = tf.run("init", "-input=false", "-no-color")
    assert init.rc != 0
    assert "certificate" in init.output.lower(), init.output


def test_init_installs_from_the_filesystem_mirror(
    tf: Terraform, sandbox: Sandbox, stage: fx.RestApi, release: rel.Release
) -> None:
    use_cli_config(tf, rel.filesystem_mirror_cli_config(release.filesystem_mirror))
    install_and_apply(tf, sandbox, stage, release)

