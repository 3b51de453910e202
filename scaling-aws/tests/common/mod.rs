//! Test helpers: start the project's AWS sandbox (emulators on loopback) and
//! connect to it.
//!
//! The sandbox is `python -m harness.sandbox serve --ready-file F` from the
//! repository's `.venv`; it writes `{service: url}` to F once every emulator
//! answers and stops on SIGTERM. The process group is killed when the
//! [`Sandbox`] is dropped, so no emulator outlives a test.

#![allow(dead_code)]

use scaling_aws::{Aws, AwsSettings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

/// The sandbox account: moto and ministack agree on it.
pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Running emulators; killed on drop.
pub struct Sandbox {
    children: Vec<Child>,
    /// The URL per service the tests use: a counting proxy in front of the emulator
    /// for the services the provider calls (see [`Sandbox::requests`]).
    pub endpoints: BTreeMap<String, String>,
    proxies: CountingProxies,
    _dir: TempDir,
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let p =
            std::env::temp_dir().join(format!("scaling-aws-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Stop the sandbox: SIGTERM to its process group (the sandbox stops its
/// emulators, which also die with it through PR_SET_PDEATHSIG), then
/// SIGKILL after 5 s.
fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    // `--` so the negative group id is never read as a signal or option.
    let _ = Command::new("kill")
        .args(["-s", "TERM", "--", &group])
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        for c in &mut self.children {
            kill_group(c);
        }
    }
}

fn spawn_group(cmd: &mut Command) -> Child {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0)
        .stdin(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"))
}

impl Sandbox {
    /// Start the sandbox and wait until it is ready (at most 60 s).
    pub fn start() -> Sandbox {
        let root = repo_root();
        let python = root.join(".venv/bin/python");
        if !python.exists() {
            panic!(
                "{} is missing: run scripts/setup.sh first",
                python.display()
            );
        }
        let dir = TempDir::new("sandbox");
        let ready = dir.0.join("ready.json");
        let log = std::fs::File::create(dir.0.join("sandbox.log")).expect("log file");
        let log2 = log.try_clone().expect("log file");
        let mut cmd = Command::new(&python);
        cmd.args(["-m", "harness.sandbox", "serve", "--ready-file"])
            .arg(&ready)
            .env("PYTHONPATH", root.join("tests"))
            .current_dir(&dir.0)
            .args(["--log-dir"])
            .arg(
                std::env::var_os("SANDBOX_LOG_DIR")
                    .unwrap_or_else(|| dir.0.join("logs").into_os_string()),
            )
            .stdout(log)
            .stderr(log2);
        let mut child = spawn_group(&mut cmd);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(text) = std::fs::read_to_string(&ready) {
                if let Ok(map) = serde_json::from_str::<BTreeMap<String, serde_json::Value>>(&text)
                {
                    let mut endpoints: BTreeMap<String, String> = map
                        .into_iter()
                        .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
                        .collect();
                    let proxied = endpoints
                        .iter()
                        .filter(|(k, _)| scaling_aws::client::SERVICE_KEYS.contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    let (proxies, urls) = CountingProxies::start(&proxied);
                    endpoints.extend(urls);
                    return Sandbox {
                        children: vec![child],
                        endpoints,
                        proxies,
                        _dir: dir,
                    };
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(dir.0.join("sandbox.log")).unwrap_or_default();
                panic!("sandbox exited early ({status}):\n{log}");
            }
            if Instant::now() > deadline {
                kill_group(&mut child);
                let log = std::fs::read_to_string(dir.0.join("sandbox.log")).unwrap_or_default();
                panic!("sandbox not ready after 60 s:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The URL serving `service` (settings key, e.g. `lambda`).
    pub fn url(&self, service: &str) -> &str {
        self.endpoints
            .get(service)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("sandbox serves no {service}: {:?}", self.endpoints))
    }

    /// Every request the emulators received from the provider's services, as the
    /// counting proxies in front of them saw it.
    pub fn requests(&self) -> &RequestLog {
        &self.proxies.log
    }

    /// Connect with the sandbox's static credentials.
    pub async fn connect(&self) -> Aws {
        static ENV: Once = Once::new();
        ENV.call_once(|| {
            // Edition 2021: set_var is safe; every test sets the same values.
            std::env::set_var("AWS_ACCESS_KEY_ID", ACCOUNT);
            std::env::set_var("AWS_SECRET_ACCESS_KEY", "sandbox");
            std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
            std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
            std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
            std::env::remove_var("AWS_PROFILE");
            std::env::remove_var("AWS_SESSION_TOKEN");
        });
        let endpoints = scaling_aws::client::SERVICE_KEYS
            .iter()
            .filter_map(|k| self.endpoints.get(*k).map(|u| (k.to_string(), u.clone())))
            .collect();
        Aws::connect(AwsSettings {
            region: Some(REGION.to_string()),
            profile: None,
            endpoints,
            max_retries: Some(2),
        })
        .await
        .expect("connect to the sandbox")
    }
}

/// A zip archive holding one stored (uncompressed) file: enough for a
/// Lambda deployment package.
pub fn zip_one(name: &str, content: &[u8]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                let mask = (crc & 1).wrapping_neg();
                crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
            }
        }
        !crc
    }
    let crc = crc32(content);
    let size = content.len() as u32;
    let n = name.len() as u16;
    let mut out = Vec::new();
    let mut local = Vec::new();
    local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    local.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
    local.extend_from_slice(&crc.to_le_bytes());
    local.extend_from_slice(&size.to_le_bytes());
    local.extend_from_slice(&size.to_le_bytes());
    local.extend_from_slice(&n.to_le_bytes());
    local.extend_from_slice(&0u16.to_le_bytes());
    local.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&local);
    out.extend_from_slice(content);
    let cd_offset = out.len() as u32;
    let mut cd = Vec::new();
    cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    cd.extend_from_slice(&[20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
    cd.extend_from_slice(&crc.to_le_bytes());
    cd.extend_from_slice(&size.to_le_bytes());
    cd.extend_from_slice(&size.to_le_bytes());
    cd.extend_from_slice(&n.to_le_bytes());
    cd.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
    cd.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
    cd.extend_from_slice(&0u32.to_le_bytes());
    cd.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&cd);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// An empty profile named `name`.
pub fn profile(name: &str) -> scaling::Profile {
    scaling::Profile {
        name: name.to_string(),
        ..scaling::Profile::default()
    }
}

/// Apply options with short waits between polls (the emulators settle fast).
pub fn fast_polls() -> scaling_aws::ApplyOptions {
    scaling_aws::ApplyOptions {
        poll_interval: Duration::from_millis(200),
        ..scaling_aws::ApplyOptions::default()
    }
}

/// Applies `p` again on top of what applying it gave (`out`): the second
/// apply must succeed without a single write reaching the emulators (counted by
/// the sandbox's proxies, not by the code under test). Returns its outcome.
pub async fn reapply_writes_nothing(
    sb: &Sandbox,
    aws: &Aws,
    p: &scaling::Profile,
    out: &scaling_aws::ApplyOutcome,
    opts: &scaling_aws::ApplyOptions,
) -> scaling_aws::ApplyOutcome {
    let mark = sb.requests().len();
    let again =
        scaling_aws::apply_profile(aws, p, Some(p), &out.observed, out.private.clone(), opts).await;
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    let received = sb.requests().since(mark);
    // The apply reads what it manages: no request at all means the proxies are
    // not on the path, and "no write" would prove nothing.
    assert!(
        !received.is_empty(),
        "the emulators received no request from the second apply"
    );
    let writes: Vec<_> = received.iter().filter(|r| r.write).collect();
    assert!(
        writes.is_empty(),
        "the second apply wrote to AWS: {writes:?}"
    );
    assert_eq!(
        again.writes, 0,
        "the second apply counted writes of its own"
    );
    again
}

// -- requests the emulators received -------------------------------------------------------------------

/// One request that reached an emulator through the sandbox's counting proxy.
#[derive(Debug, Clone)]
pub struct Received {
    /// The settings key of the service (e.g. `apigateway`).
    pub service: String,
    /// The operation: from `X-Amz-Target`, an RPC v2 path, a query `Action=`, or
    /// `METHOD /path` for REST services.
    pub operation: String,
    /// Whether the request can change AWS: a REST method other than GET/HEAD, or an
    /// operation not named Get*/List*/Describe*/BatchGet*/Query/Scan.
    pub write: bool,
}

/// Every request the proxies forwarded, in order.
#[derive(Clone, Default)]
pub struct RequestLog(std::sync::Arc<std::sync::Mutex<Vec<Received>>>);

impl RequestLog {
    pub fn len(&self) -> usize {
        self.0.lock().map(|v| v.len()).unwrap_or(0)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The requests received after the first `mark` ones.
    pub fn since(&self, mark: usize) -> Vec<Received> {
        self.0
            .lock()
            .map(|v| v.get(mark..).map(<[Received]>::to_vec).unwrap_or_default())
            .unwrap_or_default()
    }
    fn push(&self, r: Received) {
        if let Ok(mut v) = self.0.lock() {
            v.push(r);
        }
    }
}

fn is_read_operation(op: &str) -> bool {
    ["Get", "List", "Describe", "BatchGet"]
        .iter()
        .any(|p| op.starts_with(p))
        || op == "Query"
        || op == "Scan"
}

/// The operation of one HTTP request (head and body), and whether it writes.
fn classify(head: &str, body: &[u8]) -> (String, bool) {
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    let header = |name: &str| {
        head.split("\r\n").skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let named = if let Some(target) = header("x-amz-target") {
        target.rsplit('.').next().map(str::to_string)
    } else if let Some(i) = path.find("/operation/") {
        Some(
            path[i + "/operation/".len()..]
                .split(['?', '/'])
                .next()
                .unwrap_or_default()
                .to_string(),
        )
    } else if header("content-type").is_some_and(|c| c.contains("x-www-form-urlencoded")) {
        String::from_utf8_lossy(body)
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action=").map(str::to_string))
    } else {
        None
    };
    match named {
        Some(op) => {
            let write = !is_read_operation(&op);
            (op, write)
        }
        None => {
            let write = !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS");
            (
                format!("{method} {}", path.split('?').next().unwrap_or_default()),
                write,
            )
        }
    }
}

/// Copies requests from `client` to `upstream`, logging each (head parsed, body by
/// Content-Length). A request it cannot delimit (chunked) is logged as a write and
/// the rest of the connection is copied unparsed.
async fn forward_requests(
    mut client: tokio::net::tcp::OwnedReadHalf,
    mut upstream: tokio::net::tcp::OwnedWriteHalf,
    service: String,
    log: RequestLog,
) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = client.read(&mut chunk).await?;
            if n == 0 {
                return upstream.shutdown().await;
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_string();
        let lower = head.to_ascii_lowercase();
        if lower.contains("transfer-encoding: chunked") {
            log.push(Received {
                service: service.clone(),
                operation: "UNPARSED (chunked)".into(),
                write: true,
            });
            upstream.write_all(&buf).await?;
            tokio::io::copy(&mut client, &mut upstream).await?;
            return upstream.shutdown().await;
        }
        let length: usize = lower
            .split("\r\n")
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < end + length {
            let n = client.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let (operation, write) = classify(&head, &buf[end..end + length]);
        log.push(Received {
            service: service.clone(),
            operation,
            write,
        });
        upstream.write_all(&buf[..end + length]).await?;
        buf.drain(..end + length);
    }
}

/// A counting proxy per service in front of the emulators, on its own thread and
/// runtime; stopped (listeners and connections closed) on drop.
pub struct CountingProxies {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub log: RequestLog,
}

impl CountingProxies {
    /// Starts one proxy per `(service, upstream URL)`; returns the proxies and the
    /// URL to use for each service instead.
    fn start(upstreams: &BTreeMap<String, String>) -> (CountingProxies, BTreeMap<String, String>) {
        let log = RequestLog::default();
        let mut listeners = Vec::new();
        let mut urls = BTreeMap::new();
        for (service, url) in upstreams {
            let rest = url
                .strip_prefix("http://")
                .unwrap_or_else(|| panic!("not http: {url}"));
            let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind proxy");
            listener.set_nonblocking(true).expect("nonblocking");
            let port = listener.local_addr().expect("proxy address").port();
            let suffix = if path.is_empty() {
                String::new()
            } else {
                format!("/{path}")
            };
            urls.insert(service.clone(), format!("http://127.0.0.1:{port}{suffix}"));
            listeners.push((service.clone(), authority.to_string(), listener));
        }
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread_log = log.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("proxy runtime");
            rt.block_on(async move {
                for (service, upstream, listener) in listeners {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                    let log = thread_log.clone();
                    tokio::spawn(async move {
                        while let Ok((client, _)) = listener.accept().await {
                            let (service, upstream, log) =
                                (service.clone(), upstream.clone(), log.clone());
                            tokio::spawn(async move {
                                let Ok(server) = tokio::net::TcpStream::connect(&upstream).await
                                else {
                                    return;
                                };
                                let (client_read, mut client_write) = client.into_split();
                                let (mut server_read, server_write) = server.into_split();
                                let back = tokio::spawn(async move {
                                    let _ =
                                        tokio::io::copy(&mut server_read, &mut client_write).await;
                                });
                                let _ =
                                    forward_requests(client_read, server_write, service, log).await;
                                let _ = back.await;
                            });
                        }
                    });
                }
                let _ = stopped.await;
            });
            // Dropping the runtime cancels every listener and connection task.
        });
        (
            CountingProxies {
                stop: Some(stop),
                thread: Some(thread),
                log,
            },
            urls,
        )
    }
}

impl Drop for CountingProxies {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
