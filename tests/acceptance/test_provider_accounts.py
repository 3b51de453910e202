"""The provider block's account settings, through the real Terraform core against the
sandbox's STS (ministack serves GetCallerIdentity and AssumeRole, and a role in another
account yields credentials of that account).

- ``allowed_account_ids`` / ``forbidden_account_ids`` stop plan and apply before any AWS
  write, with an error naming the account reached and the configured list; what AWS has
  is read back through boto3 and must be exactly what it was.
- ``assume_role`` really reaches AWS as the role: with ``allowed_account_ids`` set to
  the role's account (210987654321, not the sandbox's 123456789012) the plan passes only
  when the role was assumed.
- ``shared_config_files`` / ``shared_credentials_files``: the credentials and region are
  only in those files, and the apply reaches the sandbox with them.
- ``http_proxy``: every call goes through the proxy (a dead proxy stops the apply; a
  forwarding one sees the stage's UpdateStage).

Sandbox only: a real account has one account ID and roles of its own.
"""

from __future__ import annotations

import http.client
import http.server
import socket
import threading
import urllib.parse
from pathlib import Path

import pytest

from harness import accounts
from harness import fixtures as fx
from harness.sandbox import SANDBOX_ACCOUNT_ID, SANDBOX_SECRET_ACCESS_KEY, Sandbox
from harness.terraform import Terraform, hcl_string, provider_block, required_providers_block
from harness.tls import private_ca

OTHER_ACCOUNT = "210987654321"
ROLE_ARN = f"arn:aws:iam::{OTHER_ACCOUNT}:role/smuppy-deploy"


def write_provider(tf: Terraform, sb: Sandbox, extra: str, *, region: str | None = "us-east-1") -> None:
    """provider.tf: the sandbox's endpoints plus STS (the harness's block has no sts),
    and ``extra`` lines inside the provider block."""
    endpoints = dict(sb.provider_endpoints)
    endpoints["sts"] = sb.endpoints["sts"]
    block = provider_block(endpoints, region or "us-east-1")
    if region is None:
        block = "\n".join(line for line in block.splitlines() if not line.strip().startswith("region")) + "\n"
    head, rest = block.split("\n", 1)
    (tf.workdir / "provider.tf").write_text(required_providers_block() + "\n" + head + "\n" + extra + "\n" + rest)


def stage_profile(api_id: str, stage: str, rate: float, burst: int) -> str:
    return f"""
resource "smuppy_scaling_profile" "api" {{
  name = "accounts"
  api_gateway = {{
    rest_api_id = "{api_id}"
    stage_name  = "{stage}"
    rate_limit  = {rate}
    burst_limit = {burst}
  }}
}}
"""


@pytest.fixture
def stage(sandbox: Sandbox, suffix: str) -> fx.RestApi:
    accounts.require_emulator(sandbox, "a second account and its roles")
    return fx.ensure_rest_api(sandbox, fx.pinned_api_id(suffix), name=f"smuppy-acct-{suffix}")


def stage_settings(sb: Sandbox, stage: fx.RestApi) -> dict:
    return fx.stage_method_settings(sb, stage.api_id, stage.stage_name).get("*/*") or {}


@pytest.mark.parametrize(
    "guard, named",
    [
        (f'allowed_account_ids = ["{OTHER_ACCOUNT}"]', OTHER_ACCOUNT),
        (f'forbidden_account_ids = ["{SANDBOX_ACCOUNT_ID}", "{OTHER_ACCOUNT}"]', OTHER_ACCOUNT),
    ],
    ids=["allowed-not-matching", "forbidden-matching"],
)
def test_wrong_account_stops_before_any_write(
    tf: Terraform, sandbox: Sandbox, stage: fx.RestApi, guard: str, named: str
) -> None:
    before = stage_settings(sandbox, stage)
    write_provider(tf, sandbox, f"  {guard}")
    tf.write_config(stage_profile(stage.api_id, stage.stage_name, 1234, 567), with_provider=False)
    tf.run("init", "-input=false", "-no-color").check()

    for step in ("plan", "apply"):
        args = [step, "-input=false", "-no-color"] + (["-auto-approve"] if step == "apply" else [])
        result = tf.run(*args)
        assert result.rc != 0, result.output
        out = result.output
        assert "Wrong AWS account" in out, out
        # Both accounts: the one the credentials reach and the configured one.
        assert SANDBOX_ACCOUNT_ID in out and named in out, out

    # AWS saw no write: the stage's settings are exactly as before, nothing in state.
    assert stage_settings(sandbox, stage) == before
    assert stage_settings(sandbox, stage).get("throttlingRateLimit") != 1234
    assert tf.run("state", "list").stdout.strip() == ""


def test_matching_allowed_account_applies(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi) -> None:
    write_provider(tf, sandbox, f'  allowed_account_ids = ["{SANDBOX_ACCOUNT_ID}"]')
    tf.write_config(stage_profile(stage.api_id, stage.stage_name, 1234, 567), with_provider=False)
    tf.run("init", "-input=false", "-no-color").check()
    tf.apply(check=True)
    got = stage_settings(sandbox, stage)
    assert (got.get("throttlingRateLimit"), got.get("throttlingBurstLimit")) == (1234.0, 567)
    tf.destroy(check=True)


TRAFFIC_ONLY = """
resource "smuppy_scaling_profile" "model" {
  name = "assumed"
  traffic = {
    peak_rps   = 100
    latency_ms = 50
  }
}
"""


def test_assume_role_reaches_aws_as_the_role(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi) -> None:
    tf.write_config(TRAFFIC_ONLY, with_provider=False)
    guard = f'  allowed_account_ids = ["{OTHER_ACCOUNT}"]'
    write_provider(tf, sandbox, guard)
    tf.run("init", "-input=false", "-no-color").check()

    # Without the role the credentials reach the sandbox's own account: refused.
    plain = tf.run("plan", "-input=false", "-no-color")
    assert plain.rc != 0 and "Wrong AWS account" in plain.output, plain.output

    # With it, GetCallerIdentity answers with the role's account: the plan passes.
    role = f"""{guard}
  assume_role {{
    role_arn     = "{ROLE_ARN}"
    session_name = "smuppy-ci-42"
    duration     = "1h"
    external_id  = "smuppy-ext-id"
    tags = {{
      team = "api"
    }}
  }}"""
    write_provider(tf, sandbox, role)
    assumed = tf.run("plan", "-input=false", "-no-color")
    assert assumed.rc == 0, assumed.output
    assert "Wrong AWS account" not in assumed.output


def test_web_identity_token_file_reaches_aws_as_the_role(
    tf: Terraform, sandbox: Sandbox, stage: fx.RestApi, tmp_path: Path
) -> None:
    token = tmp_path / "oidc-token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.smuppy-ci.sig\n")
    tf.write_config(TRAFFIC_ONLY, with_provider=False)
    write_provider(
        tf,
        sandbox,
        f"""  allowed_account_ids = ["{OTHER_ACCOUNT}"]
  assume_role_with_web_identity {{
    role_arn                = "{ROLE_ARN}"
    web_identity_token_file = {hcl_string(str(token))}
    duration                = "15m"
  }}""",
    )
    tf.run("init", "-input=false", "-no-color").check()
    result = tf.run("plan", "-input=false", "-no-color")
    assert result.rc == 0, result.output

    # The file is read when credentials are needed: gone, the plan cannot reach AWS.
    token.unlink()
    gone = tf.run("plan", "-input=false", "-no-color")
    assert gone.rc != 0 and "web_identity_token_file" in gone.output, gone.output


def test_duration_error_names_the_attribute(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi) -> None:
    write_provider(tf, sandbox, f'  assume_role {{\n    role_arn = "{ROLE_ARN}"\n    duration = "1d"\n  }}')
    tf.write_config(TRAFFIC_ONLY, with_provider=False)
    tf.run("init", "-input=false", "-no-color").check()
    result = tf.run("validate", "-no-color")
    assert result.rc != 0
    assert "Invalid duration" in result.output and "duration" in result.output, result.output


class WithoutEnvCredentials(Terraform):
    """terraform with no AWS credentials or region in its environment."""

    def env(self) -> dict[str, str]:
        env = super().env()
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"):
            env.pop(key, None)
        return env


def test_shared_files_hold_the_only_credentials(
    sandbox: Sandbox, stage: fx.RestApi, tmp_path: Path
) -> None:
    files = tmp_path / "aws"
    files.mkdir()
    config = files / "config"
    config.write_text("[profile smuppy-ci]\nregion = us-east-1\n")
    credentials = files / "credentials"
    credentials.write_text(
        f"[smuppy-ci]\naws_access_key_id = {SANDBOX_ACCOUNT_ID}\naws_secret_access_key = {SANDBOX_SECRET_ACCESS_KEY}\n"
    )
    tf = WithoutEnvCredentials(tmp_path / "tf", sandbox, extra_env={"HOME": str(tmp_path)})
    try:
        tf.write_config(stage_profile(stage.api_id, stage.stage_name, 2222, 333), with_provider=False)
        files_lines = (
            '  profile                  = "smuppy-ci"\n'
            f"  shared_config_files      = [{hcl_string(str(config))}]\n"
            f"  shared_credentials_files = [{hcl_string(str(credentials))}]\n"
            f'  allowed_account_ids      = ["{SANDBOX_ACCOUNT_ID}"]'
        )
        # Without the files the profile does not exist: no credentials, no apply.
        write_provider(tf, sandbox, '  profile = "smuppy-ci"')
        tf.run("init", "-input=false", "-no-color").check()
        missing = tf.run("apply", "-auto-approve", "-input=false", "-no-color")
        assert missing.rc != 0, missing.output
        got = stage_settings(sandbox, stage)
        assert got.get("throttlingRateLimit") != 2222

        write_provider(tf, sandbox, files_lines, region=None)
        tf.apply(check=True)
        got = stage_settings(sandbox, stage)
        assert (got.get("throttlingRateLimit"), got.get("throttlingBurstLimit")) == (2222.0, 333)
        tf.destroy(check=True)
    finally:
        tf.cleanup()


class _ForwardProxy(http.server.BaseHTTPRequestHandler):
    """A plain HTTP forward proxy (absolute-URI requests), recording what it forwarded."""

    seen: list[str] = []

    def _forward(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        conn.request(self.command, url.path + (f"?{url.query}" if url.query else ""), body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        type(self).seen.append(f"{self.command} {url.hostname}:{url.port}{url.path}")
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

    def log_message(self, *args: object) -> None:
        pass


def test_http_proxy_carries_every_call(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi) -> None:
    # A proxy that is not there: nothing reaches AWS, the apply fails.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_port = closed.getsockname()[1]
    closed.close()
    tf.write_config(stage_profile(stage.api_id, stage.stage_name, 3333, 444), with_provider=False)
    write_provider(tf, sandbox, f'  http_proxy  = "http://127.0.0.1:{dead_port}"\n  max_retries = 0')
    tf.run("init", "-input=false", "-no-color").check()
    failed = tf.run("apply", "-auto-approve", "-input=false", "-no-color")
    assert failed.rc != 0, failed.output
    assert stage_settings(sandbox, stage).get("throttlingRateLimit") != 3333

    handler = type("Proxy", (_ForwardProxy,), {"seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        write_provider(tf, sandbox, f'  http_proxy = "http://127.0.0.1:{server.server_address[1]}"')
        tf.apply(check=True)
        got = stage_settings(sandbox, stage)
        assert (got.get("throttlingRateLimit"), got.get("throttlingBurstLimit")) == (3333.0, 444)
        stage_path = f"/restapis/{stage.api_id}/stages/{stage.stage_name}"
        assert any(s.startswith("PATCH") and s.endswith(stage_path) for s in handler.seen), handler.seen
        tf.destroy(check=True)
    finally:
        server.shutdown()
        server.server_close()


def test_custom_ca_bundle_is_trusted(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi, tmp_path: Path) -> None:
    """API Gateway behind an HTTPS endpoint whose certificate only the bundle vouches for."""
    import ssl

    ca, cert, key = private_ca(tmp_path)
    target = urllib.parse.urlsplit(sandbox.endpoints["apigateway"])

    class Reverse(http.server.BaseHTTPRequestHandler):
        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            conn.request(self.command, self.path, body=body, headers=dict(self.headers.items()))
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Reverse)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        https = f"https://127.0.0.1:{server.server_address[1]}"
        endpoints = dict(sandbox.provider_endpoints)
        endpoints["apigateway"] = https
        block = provider_block(endpoints)
        head, rest = block.split("\n", 1)
        tf.write_config(stage_profile(stage.api_id, stage.stage_name, 4444, 555), with_provider=False)

        # Without the bundle the certificate is refused: no call gets through.
        (tf.workdir / "provider.tf").write_text(required_providers_block() + "\n" + head + "\n  max_retries = 0\n" + rest)
        tf.run("init", "-input=false", "-no-color").check()
        refused = tf.run("apply", "-auto-approve", "-input=false", "-no-color")
        assert refused.rc != 0, refused.output
        assert stage_settings(sandbox, stage).get("throttlingRateLimit") != 4444

        extra = f"  custom_ca_bundle = {hcl_string(str(ca))}\n"
        (tf.workdir / "provider.tf").write_text(required_providers_block() + "\n" + head + "\n" + extra + rest)
        tf.apply(check=True)
        got = stage_settings(sandbox, stage)
        assert (got.get("throttlingRateLimit"), got.get("throttlingBurstLimit")) == (4444.0, 555)
        tf.destroy(check=True)
    finally:
        server.shutdown()
        server.server_close()
