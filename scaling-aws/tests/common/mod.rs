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

mod proxy;
use proxy::CountingProxies;
pub use proxy::RequestLog;

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
            ..AwsSettings::default()
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
/// The first apply of `p` in a fresh sandbox: nothing known before, nothing
/// captured yet.
pub async fn first_apply(
    aws: &Aws,
    p: &scaling::Profile,
    opts: &scaling_aws::ApplyOptions,
) -> scaling_aws::ApplyOutcome {
    scaling_aws::apply_profile(
        aws,
        p,
        None,
        &scaling_aws::Observed::default(),
        scaling_aws::PrivateState::default(),
        opts,
    )
    .await
}

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
