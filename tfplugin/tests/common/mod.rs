//! Shared helpers for the server tests: start the fixture provider the way
//! Terraform does, read its handshake, and talk gRPC to it over its unix
//! socket, with or without AutoMTLS.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::UnixStream;
use tokio::process::{Child, ChildStderr, ChildStdout, Command};
use tonic::transport::{Channel, Endpoint, Uri};

use tfplugin::proto::tfplugin6::provider_client::ProviderClient;

pub const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
pub const RPC_TIMEOUT: Duration = Duration::from_secs(10);

/// The fixture provider binary (`examples/fixture_provider.rs`), which
/// `cargo test -p tfplugin` builds next to the test binaries. Refuses a
/// missing or stale binary (older than the crate's sources): a filtered run
/// like `cargo test --test server` does not rebuild examples.
pub fn fixture_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/<profile>/deps/<test> -> target/<profile>/examples/fixture_provider
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let bin = profile_dir.join("examples").join("fixture_provider");
    let built = std::fs::metadata(&bin)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| {
            panic!(
                "{} is missing: run `cargo test -p tfplugin` (which builds examples) or \
                 `cargo build -p tfplugin --example fixture_provider`",
                bin.display()
            )
        });
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let newest_source = newest_mtime(&crate_dir.join("src"))
        .into_iter()
        .chain(newest_mtime(&crate_dir.join("examples")))
        .max();
    if let Some(src) = newest_source {
        assert!(
            src <= built,
            "{} is older than the sources: run `cargo test -p tfplugin` (which builds \
             examples) or `cargo build -p tfplugin --example fixture_provider`",
            bin.display()
        );
    }
    bin
}

fn newest_mtime(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let t = if path.is_dir() {
            newest_mtime(&path)
        } else {
            entry.metadata().and_then(|m| m.modified()).ok()
        };
        newest = newest.max(t);
    }
    newest
}

/// A Terraform-like client certificate: ECDSA P-521, CA:TRUE,
/// O=HashiCorp CN=localhost, SAN localhost, EKU server+client.
pub struct ClientIdentity {
    pub pem: String,
    pub cert: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
}

pub fn terraform_like_client_cert() -> ClientIdentity {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose, PKCS_ECDSA_P521_SHA512,
    };
    let key = KeyPair::generate_for(&PKCS_ECDSA_P521_SHA512).expect("P-521 key");
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "HashiCorp");
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::seconds(30);
    params.not_after = now + time::Duration::days(365);
    let cert = params.self_signed(&key).expect("self-signed");
    ClientIdentity {
        pem: cert.pem(),
        cert: cert.der().clone(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

/// A started provider process and what its handshake said.
pub struct Plugin {
    pub child: Child,
    pub stdout: BufReader<ChildStdout>,
    pub stderr: Option<ChildStderr>,
    pub line: String,
    pub socket: PathBuf,
    pub server_cert: Option<Vec<u8>>,
}

/// Starts the fixture provider with Terraform's environment (cookie,
/// `PLUGIN_PROTOCOL_VERSIONS=6,5`, the client cert if given) plus `extra`.
pub async fn start(client_pem: Option<&str>, extra: &[(&str, &str)]) -> Plugin {
    let mut cmd = Command::new(fixture_binary());
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6,5")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(pem) = client_pem {
        cmd.env("PLUGIN_CLIENT_CERT", pem);
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", fixture_binary().display()));
    let stdout = child.stdout.take().expect("stdout piped");
    let stderr = child.stderr.take();
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    tokio::time::timeout(RPC_TIMEOUT, stdout.read_line(&mut line))
        .await
        .expect("handshake within 10 s")
        .expect("read handshake");
    let line = line.trim_end_matches('\n').to_string();
    let fields: Vec<&str> = line.split('|').collect();
    assert_eq!(fields.len(), 6, "handshake line {line:?}");
    let server_cert = if fields[5].is_empty() {
        None
    } else {
        Some(
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(fields[5])
                .expect("unpadded standard base64"),
        )
    };
    Plugin {
        socket: PathBuf::from(fields[3]),
        child,
        stdout,
        stderr,
        line,
        server_cert,
    }
}

impl Plugin {
    /// Waits for the process to exit; returns its code and the time taken.
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<(i32, Duration)> {
        let started = std::time::Instant::now();
        match tokio::time::timeout(limit, self.child.wait()).await {
            Ok(Ok(status)) => Some((status.code().unwrap_or(-1), started.elapsed())),
            _ => None,
        }
    }

    /// Everything the process wrote to stdout after the handshake line
    /// (call after it exited).
    pub async fn rest_of_stdout(&mut self) -> String {
        let mut rest = String::new();
        let _ = tokio::time::timeout(RPC_TIMEOUT, self.stdout.read_to_string(&mut rest)).await;
        rest
    }

    pub async fn stderr_text(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut e) = self.stderr.take() {
            let _ = tokio::time::timeout(RPC_TIMEOUT, e.read_to_string(&mut text)).await;
        }
        text
    }

    pub fn signal(&self, sig: &str) {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill")
            .args([format!("-{sig}"), pid])
            .status()
            .expect("kill");
        assert!(status.success());
    }
}

impl Drop for Plugin {
    /// Stops a still-running provider with SIGTERM so it removes its socket
    /// file (the SIGKILL of `kill_on_drop` would leave it behind).
    fn drop(&mut self) {
        let Some(pid) = self.child.id() else { return };
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status();
        let deadline = std::time::Instant::now() + Duration::from_secs(1);
        while self.socket.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A plaintext gRPC channel over the unix socket.
pub async fn plain_channel(socket: &Path) -> Result<Channel, String> {
    let socket = socket.to_path_buf();
    let endpoint = Endpoint::try_from("http://localhost").map_err(|e| e.to_string())?;
    tokio::time::timeout(
        RPC_TIMEOUT,
        endpoint.connect_with_connector(tower::service_fn(move |_: Uri| {
            let socket = socket.clone();
            async move { UnixStream::connect(socket).await.map(TokioIo::new) }
        })),
    )
    .await
    .map_err(|_| "connect timed out".to_string())?
    .map_err(|e| format!("{e:?}"))
}

/// Trusts exactly one server certificate (the handshake's), as go-plugin
/// does; signatures are checked with the aws-lc-rs algorithms.
#[derive(Debug)]
struct PinnedServer {
    der: Vec<u8>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let name_ok = matches!(server_name, ServerName::DnsName(n) if n.as_ref() == "localhost");
        if name_ok && end_entity.as_ref() == self.der.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A gRPC channel over TLS on the unix socket, trusting only `server_cert`,
/// presenting `client` (or no certificate), ALPN h2.
pub async fn tls_channel(
    socket: &Path,
    server_cert: &[u8],
    client: Option<&ClientIdentity>,
) -> Result<Channel, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedServer {
        der: server_cert.to_vec(),
        algorithms: provider.signature_verification_algorithms,
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match client {
        Some(c) => builder
            .with_client_auth_cert(vec![c.cert.clone()], c.key.clone_key())
            .map_err(|e| e.to_string())?,
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let socket = socket.to_path_buf();
    let endpoint = Endpoint::try_from("http://localhost").map_err(|e| e.to_string())?;
    tokio::time::timeout(
        RPC_TIMEOUT,
        endpoint.connect_with_connector(tower::service_fn(move |_: Uri| {
            let socket = socket.clone();
            let connector = connector.clone();
            async move {
                let stream = UnixStream::connect(socket).await?;
                let name = ServerName::try_from("localhost").map_err(std::io::Error::other)?;
                let tls = connector.connect(name, stream).await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        })),
    )
    .await
    .map_err(|_| "connect timed out".to_string())?
    .map_err(|e| format!("{e:?}"))
}

pub fn provider_client(channel: Channel) -> ProviderClient<Channel> {
    ProviderClient::new(channel)
        .max_decoding_message_size(256 * 1024 * 1024)
        .max_encoding_message_size(256 * 1024 * 1024)
}

/// GetProviderSchema through `channel`, with a timeout; errors as text.
pub async fn get_schema(
    channel: Result<Channel, String>,
) -> Result<tfplugin::proto::tfplugin6::get_provider_schema::Response, String> {
    let mut client = provider_client(channel?);
    let call =
        client.get_provider_schema(tfplugin::proto::tfplugin6::get_provider_schema::Request {});
    match tokio::time::timeout(RPC_TIMEOUT, call).await {
        Ok(Ok(r)) => Ok(r.into_inner()),
        Ok(Err(status)) => Err(format!("{status:?}")),
        Err(_) => Err("call timed out".to_string()),
    }
}

/// The value type of a block as the server reports it, rebuilt from the
/// wire alone: attribute types from their type JSON or `nested_type`,
/// nested blocks by their nesting.
pub fn block_type_from_proto(b: &tfplugin::proto::tfplugin6::schema::Block) -> tfplugin::Type {
    use tfplugin::proto::tfplugin6::schema::nested_block::NestingMode;
    use tfplugin::Type;
    let mut attrs = std::collections::BTreeMap::new();
    for a in &b.attributes {
        attrs.insert(a.name.clone(), attribute_type_from_proto(a));
    }
    for nb in &b.block_types {
        let inner = block_type_from_proto(nb.block.as_ref().expect("nested block"));
        let ty = match NestingMode::try_from(nb.nesting).expect("nesting mode") {
            NestingMode::Single | NestingMode::Group => inner,
            NestingMode::List => Type::list(inner),
            NestingMode::Set => Type::set(inner),
            NestingMode::Map => Type::map(inner),
            NestingMode::Invalid => panic!("invalid nesting of {}", nb.type_name),
        };
        attrs.insert(nb.type_name.clone(), ty);
    }
    Type::Object {
        attributes: attrs,
        optional: vec![],
    }
}

/// An attribute's value type from the wire: its type JSON, or the type its
/// `nested_type` implies (exactly one of the two must be set).
pub fn attribute_type_from_proto(
    a: &tfplugin::proto::tfplugin6::schema::Attribute,
) -> tfplugin::Type {
    use tfplugin::proto::tfplugin6::schema::object::NestingMode;
    use tfplugin::Type;
    match &a.nested_type {
        Some(obj) => {
            assert!(a.r#type.is_empty(), "{}: both type and nested_type", a.name);
            let object = Type::object(
                obj.attributes
                    .iter()
                    .map(|i| (i.name.clone(), attribute_type_from_proto(i))),
            );
            match NestingMode::try_from(obj.nesting).expect("nesting mode") {
                NestingMode::Single => object,
                NestingMode::List => Type::list(object),
                NestingMode::Set => Type::set(object),
                NestingMode::Map => Type::map(object),
                NestingMode::Invalid => panic!("invalid nesting of {}", a.name),
            }
        }
        None => tfplugin::value::json::type_from_json(&String::from_utf8_lossy(&a.r#type))
            .unwrap_or_else(|e| panic!("{}: attribute type JSON: {e}", a.name)),
    }
}
