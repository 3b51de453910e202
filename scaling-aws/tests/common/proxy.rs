//! A counting proxy in front of each emulator: what the emulators received,
//! recorded outside the code under test.

use std::collections::BTreeMap;

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
    pub(super) fn start(
        upstreams: &BTreeMap<String, String>,
    ) -> (CountingProxies, BTreeMap<String, String>) {
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

#[test]
fn requests_are_classified_by_operation() {
    let cases: [(&str, &[u8], &str, bool); 6] = [
        (
            "POST / HTTP/1.1\r\nX-Amz-Target: DynamoDB_20120810.DescribeTable\r\n\r\n",
            b"{}",
            "DescribeTable",
            false,
        ),
        (
            "POST / HTTP/1.1\r\nx-amz-target: AnyScaleFrontendService.RegisterScalableTarget\r\n\r\n",
            b"{}",
            "RegisterScalableTarget",
            true,
        ),
        (
            "POST /service/GraniteServiceVersion20100801/operation/PutDashboard HTTP/1.1\r\n\r\n",
            b"",
            "PutDashboard",
            true,
        ),
        (
            "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n",
            b"Action=GetDashboard&Version=2010-08-01",
            "GetDashboard",
            false,
        ),
        (
            "GET /restapis/abc/stages/staging HTTP/1.1\r\n\r\n",
            b"",
            "GET /restapis/abc/stages/staging",
            false,
        ),
        (
            "PATCH /restapis/abc/stages/staging?x=1 HTTP/1.1\r\n\r\n",
            b"{}",
            "PATCH /restapis/abc/stages/staging",
            true,
        ),
    ];
    for (head, body, op, write) in cases {
        assert_eq!(classify(head, body), (op.to_string(), write), "{head}");
    }
}
