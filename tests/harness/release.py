"""A release made by ``scripts/release.sh``, the mirrors it lays out, and what Terraform
records when it installs from them.

    with GpgHome() as gpg:
        rel = make_release(tmp / "dist", gpg, bin_dir=provider_dir())
    with HttpsDirectory(rel.network_mirror, tmp / "tls") as server:
        ...  # network_mirror { url = server.url }, SSL_CERT_FILE = server.ca_file

Everything checked here is computed independently of the script: the ``h1:`` hash of a
package follows Terraform's own algorithm (``dirhash.Hash1`` over the zip's entries), the
``zh:`` hash is the SHA-256 of the zip's bytes.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .sandbox import REPO_ROOT
from .tls import private_ca

RELEASE_SCRIPT = REPO_ROOT / "scripts" / "release.sh"
PROVIDER = "terraform-provider-smuppy"
HOSTNAME = "registry.terraform.io"
NAMESPACE = TYPE = "smuppy"


class ReleaseError(RuntimeError):
    """The release could not be made, or is not what was expected."""


def crate_version() -> str:
    """The provider crate's version as cargo reports it."""
    out = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1", "--offline"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    for pkg in json.loads(out)["packages"]:
        if pkg["name"] == PROVIDER:
            return str(pkg["version"])
    raise ReleaseError(f"cargo metadata does not list {PROVIDER}")


def host_target() -> str:
    """Terraform's name of this platform (``linux_amd64``)."""
    machine = os.uname().machine
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)
    return f"{os.uname().sysname.lower()}_{arch}"


def zh_hash(zip_path: Path) -> str:
    """``zh:``: SHA-256 of the archive's bytes."""
    return "zh:" + hashlib.sha256(zip_path.read_bytes()).hexdigest()


def h1_hash(zip_path: Path) -> str:
    """``h1:`` as Terraform computes it for a package: the SHA-256 of the sorted lines
    ``<sha256 hex of the file>  <path>\\n`` of every file in it, base64-encoded."""
    lines = []
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            digest = hashlib.sha256(zf.read(info)).hexdigest()
            lines.append(f"{digest}  {info.filename}\n")
    summary = hashlib.sha256("".join(sorted(lines)).encode()).digest()
    return "h1:" + base64.b64encode(summary).decode()


# -- gpg ----------------------------------------------------------------------------------------


class GpgHome:
    """A throwaway GNUPGHOME with one signing key (no passphrase, valid one day). Its
    gpg-agent is stopped and the directory removed on exit."""

    UID = "smuppy release test <release-test@smuppy.invalid>"

    def __init__(self, *, generate: bool = True) -> None:
        if shutil.which("gpg") is None:
            raise ReleaseError("gpg is not installed (Debian package gnupg)")
        # Short path: the agent's socket lives in it (Unix socket paths are limited).
        self.home = Path(tempfile.mkdtemp(prefix="smuppy-gpg-"))
        self.home.chmod(0o700)
        self.key = ""
        self.generate = generate

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["GNUPGHOME"] = str(self.home)
        return env

    def gpg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["gpg", "--batch", *args], env=self.env(), capture_output=True, text=True, check=check, timeout=120
        )

    def __enter__(self) -> "GpgHome":
        if not self.generate:
            return self
        try:
            self.gpg("--passphrase", "", "--quick-gen-key", self.UID, "ed25519", "sign", "1d")
            listing = self.gpg("--with-colons", "--list-secret-keys", self.UID).stdout
        except BaseException:
            self.close()
            raise
        fingerprints = [line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:")]
        self.key = fingerprints[0]
        return self

    def close(self) -> None:
        if shutil.which("gpgconf"):
            subprocess.run(["gpgconf", "--kill", "all"], env=self.env(), capture_output=True, timeout=60)
        shutil.rmtree(self.home, ignore_errors=True)

    def __exit__(self, *exc: Any) -> None:
        self.close()


def verify_with_public_key(public_key: Path, signature: Path, signed: Path) -> subprocess.CompletedProcess[str]:
    """``gpg --verify`` in a fresh keyring that holds only ``public_key`` (what a user does)."""
    fresh = GpgHome(generate=False)
    try:
        fresh.gpg("--import", str(public_key))
        return fresh.gpg("--verify", str(signature), str(signed), check=False)
    finally:
        fresh.close()


# -- the release --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    out: Path
    version: str
    target: str
    output: str  # what the script printed

    @property
    def release_dir(self) -> Path:
        return self.out / "release"

    @property
    def zip_name(self) -> str:
        return f"{PROVIDER}_{self.version}_{self.target}.zip"

    @property
    def zip_path(self) -> Path:
        return self.release_dir / self.zip_name

    @property
    def sums(self) -> Path:
        return self.release_dir / f"{PROVIDER}_{self.version}_SHA256SUMS"

    @property
    def public_key(self) -> Path:
        return self.release_dir / f"{PROVIDER}_{self.version}_signing-key.asc"

    @property
    def network_mirror(self) -> Path:
        return self.out / "network-mirror"

    @property
    def filesystem_mirror(self) -> Path:
        return self.out / "filesystem-mirror"

    def provider_path(self, mirror: Path) -> Path:
        return mirror / HOSTNAME / NAMESPACE / TYPE


def run_release(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(RELEASE_SCRIPT), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def make_release(out: Path, gpg: GpgHome, *, bin_dir: Path, version: str | None = None) -> Release:
    """``scripts/release.sh --profile debug`` with the binaries of ``bin_dir``, signed by
    ``gpg``'s key."""
    args = ["--profile", "debug", "--bin-dir", str(bin_dir), "--out", str(out), "--gpg-key", gpg.key]
    if version:
        args += ["--version", version]
    proc = run_release(*args, env=gpg.env())
    if proc.returncode != 0:
        raise ReleaseError(f"release.sh exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return Release(out=out, version=version or crate_version(), target=host_target(), output=proc.stdout + proc.stderr)


# -- serving a directory over HTTPS -------------------------------------------------------------


class HttpsDirectory:
    """A static HTTPS server for ``root`` on a free loopback port, with a certificate of a
    private CA (``ca_file``, for ``SSL_CERT_FILE``). Records the paths it was asked for;
    stopped on exit."""

    def __init__(self, root: Path, tls_dir: Path) -> None:
        self.root = root.resolve()
        tls_dir.mkdir(parents=True, exist_ok=True)
        self.ca_file, cert, key = private_ca(tls_dir)
        self.requests: list[tuple[str, int]] = []
        lock = threading.Lock()
        owner = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(owner.root), **kwargs)

            def log_request(self, code: Any = "-", size: Any = "-") -> None:
                with lock:
                    owner.requests.append((self.path, int(code) if str(code).isdigit() else 0))

            def log_message(self, *args: Any) -> None:
                pass

        Handler.extensions_map = {**Handler.extensions_map, ".json": "application/json"}
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> "HttpsDirectory":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


# -- the CLI configuration and the lock file ----------------------------------------------------


def network_mirror_cli_config(url: str) -> str:
    """Install every provider from the network mirror at ``url``; no dev_overrides, no direct."""
    return f'provider_installation {{\n  network_mirror {{\n    url = "{url}"\n  }}\n}}\n'


def filesystem_mirror_cli_config(path: Path) -> str:
    escaped = str(path).replace("\\", "\\\\").replace('"', '\\"')
    return f'provider_installation {{\n  filesystem_mirror {{\n    path = "{escaped}"\n  }}\n}}\n'


@dataclass(frozen=True)
class LockedProvider:
    version: str
    constraints: str
    hashes: tuple[str, ...]


def locked_provider(workdir: Path, address: str = f"{HOSTNAME}/{NAMESPACE}/{TYPE}") -> LockedProvider:
    """The provider's entry in ``.terraform.lock.hcl``."""
    path = workdir / ".terraform.lock.hcl"
    if not path.exists():
        raise ReleaseError(f"{path} was not written")
    text = path.read_text()
    block = re.search(r'provider "' + re.escape(address) + r'" \{(.*?)\n\}', text, re.S)
    if not block:
        raise ReleaseError(f"{path} has no entry for {address}:\n{text}")
    body = block.group(1)
    version = re.search(r'^\s*version\s*=\s*"([^"]*)"', body, re.M)
    constraints = re.search(r'^\s*constraints\s*=\s*"([^"]*)"', body, re.M)
    hashes = re.search(r"^\s*hashes\s*=\s*\[(.*?)\]", body, re.M | re.S)
    return LockedProvider(
        version=version.group(1) if version else "",
        constraints=constraints.group(1) if constraints else "",
        hashes=tuple(re.findall(r'"([^"]+)"', hashes.group(1))) if hashes else (),
    )
