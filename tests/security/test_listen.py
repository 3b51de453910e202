"""The provider binary, started the way Terraform starts it, lets no one else in.

- It listens on a unix socket only (mode 0600, owned by the user), never on a
  network interface: the handshake line says ``unix`` and the process holds no
  listening TCP or UDP socket outside loopback (checked through /proc).
- Only the client certificate Terraform handed it (``PLUGIN_CLIENT_CERT``) may talk
  to it: a plain connection, TLS without a client certificate and TLS with another
  certificate all get no HTTP/2 answer; the pinned certificate does (the control).
- Without Terraform's magic cookie it refuses to start and listens on nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import os
import select
import socket
import ssl
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from harness.terraform import provider_dir

MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
H2_EMPTY_SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


@dataclass(frozen=True)
class ClientCert:
    cert_pem: bytes
    key_pem: bytes


def terraform_like_cert() -> ClientCert:
    """A certificate shaped like the one Terraform makes per plugin process:
    ECDSA P-521, O=HashiCorp CN=localhost, SAN localhost, CA, EKU server+client."""
    key = ec.generate_private_key(ec.SECP521R1())
    name = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HashiCorp"), x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]
    )
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(seconds=30))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=True,
                data_encipherment=False, key_agreement=True, key_cert_sign=True, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .sign(key, hashes.SHA512())
    )
    return ClientCert(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )


@dataclass
class Handshake:
    core: str
    app: str
    network: str
    address: str
    protocol: str
    server_cert_der: bytes


def parse_handshake(line: str) -> Handshake:
    fields = line.strip().split("|")
    assert len(fields) >= 6, f"handshake line has {len(fields)} fields: {line!r}"
    cert_b64 = fields[5]
    der = base64.b64decode(cert_b64 + "=" * (-len(cert_b64) % 4)) if cert_b64 else b""
    return Handshake(fields[0], fields[1], fields[2], fields[3], fields[4], der)


@dataclass
class Started:
    proc: subprocess.Popen[bytes]
    handshake: Handshake
    client: ClientCert


def provider_binary() -> Path:
    binary = provider_dir() / "terraform-provider-smuppy"
    if not binary.is_file():
        pytest.fail(f"provider binary {binary} not built (cargo build -p terraform-provider-smuppy)")
    return binary


def plugin_env(client: ClientCert | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "PLUGIN_"))}
    env.update(
        {
            "TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE,
            "PLUGIN_PROTOCOL_VERSIONS": "6,5",
            "PLUGIN_MIN_PORT": "10000",
            "PLUGIN_MAX_PORT": "25000",
        }
    )
    if client is not None:
        env["PLUGIN_CLIENT_CERT"] = client.cert_pem.decode()
    return env


def read_line(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    buf = b""
    while not buf.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"no handshake line within {timeout}s (got {buf!r})")
        ready, _, _ = select.select([proc.stdout], [], [], remaining)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 1)
            if not chunk:
                pytest.fail(f"provider closed stdout before the handshake (got {buf!r}), rc={proc.poll()}")
            buf += chunk
    return buf.decode()


@pytest.fixture
def started() -> Iterator[Started]:
    client = terraform_like_cert()
    proc = subprocess.Popen(
        [str(provider_binary())],
        env=plugin_env(client),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tempfile.gettempdir(),
    )
    try:
        yield Started(proc, parse_handshake(read_line(proc)), client)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def inet_listeners(pid: int) -> list[tuple[str, str, str]]:
    """(protocol, local address, state) of the process's TCP/UDP sockets that listen
    (TCP LISTEN, any bound UDP), from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        table = Path(f"/proc/{pid}/net/{proto}")
        if not table.exists():
            continue
        for row in table.read_text().splitlines()[1:]:
            cols = row.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if inode not in inodes:
                continue
            if proto.startswith("tcp") and state != "0A":  # 0A = LISTEN
                continue
            found.append((proto, decode_proc_addr(local), state))
    return found


def decode_proc_addr(hex_addr: str) -> str:
    host, port = hex_addr.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        ip = ipaddress.IPv4Address(raw[::-1])
    else:  # four little-endian 32-bit words
        ip = ipaddress.IPv6Address(b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4)))
    return f"{ip}:{int(port, 16)}"


def is_loopback(addr: str) -> bool:
    host = addr.rsplit(":", 1)[0]
    return ipaddress.ip_address(host).is_loopback


def test_proc_address_decoding() -> None:
    assert decode_proc_addr("0100007F:1F90") == "127.0.0.1:8080"
    assert decode_proc_addr("00000000:0050") == "0.0.0.0:80"
    assert decode_proc_addr("00000000000000000000000001000000:0016") == "::1:22"
    assert is_loopback("127.0.0.1:8080") and not is_loopback("0.0.0.0:80")


def test_listens_only_on_a_private_unix_socket(started: Started) -> None:
    hs = started.handshake
    assert (hs.core, hs.app, hs.protocol) == ("1", "6", "grpc"), hs
    assert hs.network in ("unix", "tcp"), hs
    if hs.network == "tcp":
        assert is_loopback(hs.address), f"listens on {hs.address}, not on loopback"
    else:
        st = os.stat(hs.address)
        assert stat.S_ISSOCK(st.st_mode), hs.address
        assert st.st_uid == os.getuid()
        assert stat.S_IMODE(st.st_mode) & 0o077 == 0, f"socket mode {oct(stat.S_IMODE(st.st_mode))}"
    # Whatever the handshake says, the process holds no network listener off loopback.
    listeners = inet_listeners(started.proc.pid)
    exposed = [entry for entry in listeners if not is_loopback(entry[1])]
    assert not exposed, f"listening beyond loopback: {exposed}"
    if hs.network == "unix":
        assert not listeners, f"unix socket announced, yet also listening on {listeners}"


def test_server_certificate_is_for_localhost(started: Started) -> None:
    cert = x509.load_der_x509_certificate(started.handshake.server_cert_der)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert cert.not_valid_after_utc - cert.not_valid_before_utc < dt.timedelta(days=366 * 31)


def connect(hs: Handshake) -> socket.socket:
    if hs.network == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(hs.address)
    else:
        host, port = hs.address.rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=10)
    return s


def tls_context(hs: Handshake, client: ClientCert | None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_verify_locations(cadata=hs.server_cert_der)
    ctx.set_alpn_protocols(["h2"])
    if client is not None:
        with tempfile.TemporaryDirectory() as d:
            cert, key = Path(d, "c.pem"), Path(d, "k.pem")
            cert.write_bytes(client.cert_pem)
            key.write_bytes(client.key_pem)
            ctx.load_cert_chain(cert, key)
    return ctx


def h2_answer(sock: socket.socket) -> bytes:
    """Sends the HTTP/2 preface and an empty SETTINGS frame; returns what comes back
    (empty when the server closed the connection or a TLS alert ended it)."""
    try:
        sock.sendall(H2_PREFACE + H2_EMPTY_SETTINGS)
        data = b""
        while len(data) < 9:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return data
    except (ssl.SSLError, ConnectionError, socket.timeout, OSError):
        return b""


def tls_attempt(hs: Handshake, client: ClientCert | None) -> tuple[bool, bytes]:
    """(handshake completed from the client's side, HTTP/2 bytes received)."""
    raw = connect(hs)
    try:
        try:
            tls = tls_context(hs, client).wrap_socket(raw, server_hostname="localhost")
        except (ssl.SSLError, ConnectionError, OSError):
            return False, b""
        with tls:
            return True, h2_answer(tls)
    finally:
        raw.close()


def is_settings_frame(data: bytes) -> bool:
    return len(data) >= 9 and data[3] == 0x04


def test_pinned_client_certificate_is_answered(started: Started) -> None:
    """Control: with the certificate from PLUGIN_CLIENT_CERT, TLS and HTTP/2 work."""
    completed, answer = tls_attempt(started.handshake, started.client)
    assert completed
    assert is_settings_frame(answer), f"no HTTP/2 SETTINGS from the provider: {answer!r}"


def test_plain_connection_is_refused(started: Started) -> None:
    sock = connect(started.handshake)
    with sock:
        answer = h2_answer(sock)
    assert not is_settings_frame(answer), "the provider spoke HTTP/2 without TLS"


def test_tls_without_client_certificate_is_refused(started: Started) -> None:
    _, answer = tls_attempt(started.handshake, None)
    assert not is_settings_frame(answer), "the provider answered a client without a certificate"


def test_tls_with_another_certificate_is_refused(started: Started) -> None:
    _, answer = tls_attempt(started.handshake, terraform_like_cert())
    assert not is_settings_frame(answer), "the provider answered a certificate it was not given"


def test_the_server_keeps_serving_after_refusals(started: Started) -> None:
    """Refused attempts do not take the provider down for Terraform."""
    for client in (None, terraform_like_cert()):
        tls_attempt(started.handshake, client)
    completed, answer = tls_attempt(started.handshake, started.client)
    assert completed and is_settings_frame(answer)
    assert started.proc.poll() is None


def test_without_the_magic_cookie_it_does_not_serve() -> None:
    env = plugin_env(terraform_like_cert())
    del env["TF_PLUGIN_MAGIC_COOKIE"]
    proc = subprocess.run(
        [str(provider_binary())], env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=30
    )
    assert proc.returncode == 1
    assert proc.stdout == b"", proc.stdout
    assert b"plugin" in proc.stderr.lower(), proc.stderr


def test_socket_file_is_removed_on_exit(started: Started) -> None:
    path = started.handshake.address
    assert started.handshake.network == "unix" and os.path.exists(path)
    started.proc.terminate()
    started.proc.wait(timeout=10)
    assert not os.path.exists(path), f"{path} left behind"
