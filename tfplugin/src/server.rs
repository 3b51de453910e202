//! Serving a provider: the go-plugin launch (cookie, version, unix socket,
//! handshake line, AutoMTLS), the debug/reattach mode, and shutdown.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::UnixListener;
use tokio_rustls::TlsAcceptor;
use tonic::transport::server::Router;
use tonic::transport::Server;

use crate::handshake::{self, NOT_A_PLUGIN_MESSAGE};
use crate::proto::{plugin, tfplugin6};
use crate::provider::Provider;
use crate::services::{
    Broker, Controller, ProviderService, ShutdownSignal, Stdio, MAX_MESSAGE_SIZE,
};
use crate::tls::{self, TlsError, TlsIncoming};

/// How a provider binary is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeOptions {
    /// The provider's source address, e.g.
    /// `registry.terraform.io/smuppy/smuppy` (used in debug mode's
    /// `TF_REATTACH_PROVIDERS`).
    pub provider_address: String,
    /// The executable's name, e.g. `terraform-provider-smuppy` (names the
    /// log module and the messages).
    pub binary_name: String,
    /// Debug (reattach) mode: started by hand with `--debug`, no magic
    /// cookie, plaintext gRPC, prints `TF_REATTACH_PROVIDERS`, serves until
    /// Ctrl-C or SIGTERM.
    pub debug: bool,
}

impl ServeOptions {
    pub fn new(provider_address: impl Into<String>, binary_name: impl Into<String>) -> Self {
        ServeOptions {
            provider_address: provider_address.into(),
            binary_name: binary_name.into(),
            debug: false,
        }
    }

    /// Sets debug (reattach) mode.
    pub fn debug(mut self, debug: bool) -> Self {
        self.debug = debug;
        self
    }
}

/// Why serving failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Started without Terraform's magic cookie (by hand, most likely).
    #[error("{NOT_A_PLUGIN_MESSAGE}")]
    NotLaunchedByTerraform,
    #[error("{0}")]
    UnsupportedProtocol(String),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("cannot listen on {path}: {source}")]
    Listen {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the handshake to stdout: {0}")]
    Stdout(std::io::Error),
    #[error("cannot install signal handlers: {0}")]
    Signals(std::io::Error),
    #[error("gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// How long in-flight calls may run after Shutdown before the process
/// leaves anyway (Terraform kills it 2 s after Shutdown).
const SHUTDOWN_GRACE: Duration = Duration::from_millis(800);

/// Serves `provider` until Terraform shuts it down (or, in debug mode, until
/// Ctrl-C / SIGTERM).
///
/// Managed mode (Terraform started the binary): checks
/// `TF_PLUGIN_MAGIC_COOKIE` and `PLUGIN_PROTOCOL_VERSIONS`, listens on a
/// unix socket in the OS temp dir, serves TLS pinned to
/// `PLUGIN_CLIENT_CERT` when that is set (plaintext otherwise), prints the
/// one handshake line on stdout, ignores SIGINT, and returns after
/// `plugin.GRPCController/Shutdown`, SIGTERM, or once its parent (Terraform)
/// is gone. The socket file is removed.
pub async fn serve<P: Provider>(provider: P, opts: ServeOptions) -> Result<(), ServeError> {
    if opts.debug {
        return serve_debug(provider, opts).await;
    }
    let cookie = std::env::var(handshake::MAGIC_COOKIE_KEY).ok();
    if !handshake::cookie_ok(cookie.as_deref()) {
        return Err(ServeError::NotLaunchedByTerraform);
    }
    let versions = std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok();
    handshake::negotiate_version(versions.as_deref()).map_err(ServeError::UnsupportedProtocol)?;

    let tls = match std::env::var("PLUGIN_CLIENT_CERT") {
        Ok(pem) if !pem.trim().is_empty() => {
            let client_cert = tls::parse_client_cert_pem(&pem)?;
            let identity = tls::generate_server_identity()?;
            let config = tls::server_config(&identity, client_cert)?;
            Some((identity.cert, TlsAcceptor::from(config)))
        }
        _ => None,
    };

    let (socket, listener) = SocketFile::bind()?;
    let shutdown = ShutdownSignal::new();
    watch_signals(&shutdown, false)?;
    watch_parent(&shutdown);
    let router = router(provider, &shutdown).await;

    let line = handshake::handshake_line(
        "unix",
        &socket.path.to_string_lossy(),
        tls.as_ref().map(|(cert, _)| cert.as_ref()),
    );
    print_stdout(&line)?;
    tracing::info!(
        socket = %socket.path.display(),
        tls = tls.is_some(),
        "provider listening"
    );

    match tls {
        Some((_, acceptor)) => {
            let incoming = TlsIncoming::new(listener, acceptor);
            run(
                router.serve_with_incoming_shutdown(incoming, shutdown.wait()),
                &shutdown,
            )
            .await
        }
        None => {
            let incoming = tokio_stream::wrappers::UnixListenerStream::new(listener);
            run(
                router.serve_with_incoming_shutdown(incoming, shutdown.wait()),
                &shutdown,
            )
            .await
        }
    }
}

/// Debug mode: plaintext on a unix socket, reattach instructions on stdout.
async fn serve_debug<P: Provider>(provider: P, opts: ServeOptions) -> Result<(), ServeError> {
    let (socket, listener) = SocketFile::bind()?;
    let shutdown = ShutdownSignal::new();
    watch_signals(&shutdown, true)?;
    let router = router(provider, &shutdown).await;

    let reattach = reattach_json(&opts.provider_address, std::process::id(), &socket.path);
    print_stdout(&format!(
        "TF_REATTACH_PROVIDERS='{reattach}'\n# {} is serving in debug mode: export the line above \
         in the shell that runs terraform; Ctrl-C stops the provider.",
        opts.binary_name
    ))?;

    let incoming = tokio_stream::wrappers::UnixListenerStream::new(listener);
    run(
        router.serve_with_incoming_shutdown(incoming, shutdown.wait()),
        &shutdown,
    )
    .await
}

/// The `TF_REATTACH_PROVIDERS` value for one provider on a unix socket.
pub(crate) fn reattach_json(address: &str, pid: u32, socket: &Path) -> String {
    let mut providers = serde_json::Map::new();
    providers.insert(
        address.to_string(),
        serde_json::json!({
            "Protocol": "grpc",
            "ProtocolVersion": 6,
            "Pid": pid,
            "Test": true,
            "Addr": {"Network": "unix", "String": socket.to_string_lossy()},
        }),
    );
    serde_json::Value::Object(providers).to_string()
}

/// All services, with message limits raised and health reporting "plugin".
async fn router<P: Provider>(provider: P, shutdown: &ShutdownSignal) -> Router {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    let provider_server =
        tfplugin6::provider_server::ProviderServer::new(ProviderService::new(provider))
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE);
    Server::builder()
        .add_service(provider_server)
        .add_service(plugin::grpc_controller_server::GrpcControllerServer::new(
            Controller {
                shutdown: shutdown.clone(),
            },
        ))
        .add_service(plugin::grpc_stdio_server::GrpcStdioServer::new(Stdio {
            shutdown: shutdown.clone(),
        }))
        .add_service(plugin::grpc_broker_server::GrpcBrokerServer::new(Broker {
            shutdown: shutdown.clone(),
        }))
        .add_service(health_service)
}

/// Runs the server; once shutdown is signalled, in-flight calls get
/// [`SHUTDOWN_GRACE`] to finish, then serving stops regardless.
async fn run<F>(server: F, shutdown: &ShutdownSignal) -> Result<(), ServeError>
where
    F: std::future::Future<Output = Result<(), tonic::transport::Error>>,
{
    let deadline = {
        let stopped = shutdown.wait();
        async move {
            stopped.await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        }
    };
    tokio::select! {
        result = server => result?,
        () = deadline => tracing::debug!("shutdown grace period over"),
    }
    tracing::debug!("provider stopped");
    Ok(())
}

/// SIGTERM stops the server; SIGINT stops it only in debug mode (in managed
/// mode the user's Ctrl-C reaches Terraform, which drives the shutdown).
fn watch_signals(shutdown: &ShutdownSignal, interrupt_stops: bool) -> Result<(), ServeError> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).map_err(ServeError::Signals)?;
    let mut int = signal(SignalKind::interrupt()).map_err(ServeError::Signals)?;
    let s = shutdown.clone();
    tokio::spawn(async move {
        term.recv().await;
        tracing::debug!("SIGTERM received");
        s.trigger();
    });
    let s = shutdown.clone();
    tokio::spawn(async move {
        while int.recv().await.is_some() {
            if interrupt_stops {
                s.trigger();
                break;
            }
            tracing::debug!("SIGINT ignored; Terraform drives the shutdown");
        }
    });
    Ok(())
}

/// How often the provider checks that Terraform, its parent, is still there.
const PARENT_POLL: Duration = Duration::from_millis(250);

/// Terraform gone (killed with SIGKILL, crashed) means nobody will ever call
/// Shutdown: the process would otherwise stay up forever under init. When
/// the parent changes (the process was re-parented), shutdown is triggered
/// the same way as by Shutdown or SIGTERM, so in-flight calls get the same
/// bounded grace before the process leaves.
fn watch_parent(shutdown: &ShutdownSignal) {
    let parent = std::os::unix::process::parent_id();
    let s = shutdown.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PARENT_POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = std::os::unix::process::parent_id();
            if now != parent {
                tracing::warn!(
                    parent,
                    now,
                    "Terraform (the parent process) is gone; shutting down"
                );
                s.trigger();
                break;
            }
        }
    });
}

fn print_stdout(text: &str) -> Result<(), ServeError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(ServeError::Stdout)?;
    out.flush().map_err(ServeError::Stdout)
}

/// A unix socket path in the OS temp dir, removed when dropped.
struct SocketFile {
    path: PathBuf,
}

impl SocketFile {
    /// Binds a fresh socket, readable and writable by this user only.
    fn bind() -> Result<(Self, UnixListener), ServeError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "tfplugin-{}-{nanos:x}-{n}.sock",
            std::process::id()
        ));
        let listener = UnixListener::bind(&path).map_err(|source| ServeError::Listen {
            path: path.clone(),
            source,
        })?;
        let socket = SocketFile { path };
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&socket.path, std::fs::Permissions::from_mode(0o600)).map_err(
            |source| ServeError::Listen {
                path: socket.path.clone(),
                source,
            },
        )?;
        Ok((socket, listener))
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The whole `main` of a provider binary: reads `--debug` from the command
/// line, sets up logging ([`crate::logging::init`] with module
/// `provider.<binary_name>`), builds a tokio runtime and serves. Returns the
/// process exit code: 1 (with the usual message on stderr) when the binary
/// was not started by Terraform, or when serving failed.
pub fn main_entry<P: Provider>(provider: P, mut opts: ServeOptions) -> ExitCode {
    if std::env::args().skip(1).any(|a| a == "--debug") {
        opts.debug = true;
    }
    crate::logging::init(&format!("provider.{}", opts.binary_name));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{}: cannot start the async runtime: {e}", opts.binary_name);
            return ExitCode::FAILURE;
        }
    };
    let name = opts.binary_name.clone();
    let result = runtime.block_on(serve(provider, opts));
    // Tasks still running (an abandoned call) must not hold the process.
    runtime.shutdown_timeout(Duration::from_millis(100));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::NotLaunchedByTerraform) => {
            eprintln!("{NOT_A_PLUGIN_MESSAGE}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reattach_value_has_the_fields_terraform_reads() {
        let json = reattach_json(
            "registry.terraform.io/smuppy/smuppy",
            42,
            Path::new("/tmp/x.sock"),
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        let p = &v["registry.terraform.io/smuppy/smuppy"];
        assert_eq!(p["Protocol"], "grpc");
        assert_eq!(p["ProtocolVersion"], 6);
        assert_eq!(p["Pid"], 42);
        assert_eq!(p["Test"], true);
        assert_eq!(p["Addr"]["Network"], "unix");
        assert_eq!(p["Addr"]["String"], "/tmp/x.sock");
    }
}
