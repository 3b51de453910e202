//! What every component shares while it runs: the AWS handle, the options,
//! the private state being built, a write counter and cancellation.

use crate::client::Aws;
use crate::error::ComponentError;
use crate::state::{
    AcceleratorObserved, CachePolicyObserved, Capture, DashboardObserved, LambdaObserved, Observed,
    PrivateState, QuotaObserved, StageObserved, TableObserved,
};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// A flag that stops waits early (Terraform's StopProvider). Clones share
/// the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }
    /// Ask every wait using this flag to stop at its next poll.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
    /// Sleep for `d` unless cancelled first. Returns false when cancelled.
    pub async fn sleep(&self, d: Duration) -> bool {
        if self.is_cancelled() {
            return false;
        }
        let notified = self.notify.notified();
        tokio::select! {
            _ = tokio::time::sleep(d) => !self.is_cancelled(),
            _ = notified => false,
        }
    }
}

/// Called with the whole private state each time a new capture is added,
/// before the change it protects is made: the provider persists it, so a
/// process killed mid-apply does not lose what destroy must restore.
#[derive(Clone)]
pub struct CaptureHook(pub std::sync::Arc<dyn Fn(&PrivateState) + Send + Sync>);

impl std::fmt::Debug for CaptureHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaptureHook")
    }
}

/// The longest pause between two polls of a long wait (provisioned
/// concurrency can take minutes).
pub const MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);

/// How long a run waits for asynchronous AWS work when not told otherwise
/// (the provider documents it as `wait_timeout_seconds`' default).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(15 * 60);

/// Options of [`apply_profile`](crate::apply_profile).
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// How long to wait for provisioned concurrency to become READY.
    /// Default [`DEFAULT_WAIT`].
    pub provisioned_concurrency_timeout: Duration,
    /// How long to wait for other asynchronous updates to settle (function
    /// configuration, table status, accelerator deployment). Default
    /// [`DEFAULT_WAIT`], the one wait the provider documents.
    pub settle_timeout: Duration,
    /// First poll interval; polls back off ×1.5 up to [`MAX_POLL_INTERVAL`].
    /// Default 200 ms: most updates settle within a second or two, and a
    /// first poll 2 s out made every apply wait 2 s.
    pub poll_interval: Duration,
    /// Stops waits early; the component then reports what it reached.
    pub cancel: Cancel,
    /// Persists captures as they are taken (see [`CaptureHook`]).
    pub on_capture: Option<CaptureHook>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            provisioned_concurrency_timeout: DEFAULT_WAIT,
            settle_timeout: DEFAULT_WAIT,
            poll_interval: Duration::from_millis(200),
            cancel: Cancel::new(),
            on_capture: None,
        }
    }
}

/// Shared by the components of one run.
pub(crate) struct Ctx<'a> {
    pub aws: &'a Aws,
    pub opts: &'a ApplyOptions,
    writes: AtomicU32,
    private: Mutex<PrivateState>,
    /// Capture keys present when the run started (from earlier runs).
    initial: std::collections::BTreeSet<String>,
}

impl<'a> Ctx<'a> {
    pub fn new(aws: &'a Aws, opts: &'a ApplyOptions, private: PrivateState) -> Ctx<'a> {
        let initial = private.captures().keys().cloned().collect();
        Ctx {
            aws,
            opts,
            writes: AtomicU32::new(0),
            private: Mutex::new(private),
            initial,
        }
    }

    /// Count one mutating AWS call.
    pub fn wrote(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }

    pub fn writes(&self) -> u32 {
        self.writes.load(Ordering::SeqCst)
    }

    fn with_private<T>(&self, f: impl FnOnce(&mut PrivateState) -> T) -> T {
        let mut guard = match self.private.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    pub fn capture(&self, key: &str) -> Option<Capture> {
        self.with_private(|p| p.capture(key).cloned())
    }

    /// Records `capture` under `key` unless one is there already. A new
    /// capture is handed to the options' hook before this returns, so it is
    /// persisted before the change that follows it.
    ///
    /// The hook runs under the lock, so concurrent components' snapshots
    /// reach it in order and an older one never lands last.
    pub fn capture_once(&self, key: &str, capture: Capture) {
        self.with_private(|p| {
            if p.capture_once(key, capture) {
                if let Some(hook) = &self.opts.on_capture {
                    (hook.0)(p);
                }
            }
        });
    }

    /// Whether `key` was captured by an earlier run (not by this one).
    pub fn had_before_run(&self, key: &str) -> bool {
        self.initial.contains(key)
    }

    /// Forgets the capture under `key` (its thing was restored). The hook
    /// sees the smaller state too, so a journal never re-reverts it.
    pub fn release(&self, key: &str) {
        self.with_private(|p| {
            if p.release(key).is_some() {
                if let Some(hook) = &self.opts.on_capture {
                    (hook.0)(p);
                }
            }
        });
    }

    pub fn capture_keys(&self) -> Vec<String> {
        self.with_private(|p| p.captures().keys().cloned().collect())
    }

    pub fn private_snapshot(&self) -> PrivateState {
        self.with_private(|p| p.clone())
    }
}

/// What one component reached.
#[derive(Debug)]
pub(crate) struct Part<T> {
    pub observed: Option<T>,
    pub errors: Vec<ComponentError>,
    pub warnings: Vec<ComponentError>,
}

impl<T> Part<T> {
    pub fn new(observed: Option<T>) -> Part<T> {
        Part {
            observed,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }
    pub fn failed(observed: Option<T>, error: ComponentError) -> Part<T> {
        Part {
            observed,
            errors: vec![error],
            warnings: Vec::new(),
        }
    }
}

/// Poll `check` until it returns `Some`, with backoff from
/// `opts.poll_interval` ×1.5 up to MAX_POLL_INTERVAL, for at most `timeout`. Returns `None`
/// on timeout or cancellation. `what` names the wait in the debug log, which
/// records how long each wait took and how many reads it made.
pub(crate) async fn poll_until<T, E, F, Fut>(
    what: &str,
    opts: &ApplyOptions,
    timeout: Duration,
    mut check: F,
) -> Result<Option<T>, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, E>>,
{
    let start = tokio::time::Instant::now();
    let mut interval = opts.poll_interval;
    let max = MAX_POLL_INTERVAL.max(opts.poll_interval);
    let mut polls = 0u32;
    loop {
        polls += 1;
        if let Some(v) = check().await? {
            let waited_ms = start.elapsed().as_secs_f64() * 1000.0;
            tracing::debug!(wait = what, waited_ms, polls, "wait over");
            return Ok(Some(v));
        }
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            tracing::debug!(
                wait = what,
                waited_ms = elapsed.as_secs_f64() * 1000.0,
                polls,
                "wait timed out"
            );
            return Ok(None);
        }
        let nap = interval.min(timeout - elapsed);
        if !opts.cancel.sleep(nap).await {
            return Ok(None);
        }
        interval = (interval.saturating_mul(3) / 2).min(max);
    }
}

/// The errors and warnings of one run's parts, gathered as their values
/// are taken.
#[derive(Default)]
pub(crate) struct Collect {
    pub(crate) errors: Vec<ComponentError>,
    pub(crate) warnings: Vec<ComponentError>,
}

impl Collect {
    pub(crate) fn take<T>(&mut self, part: Part<T>) -> Option<T> {
        self.errors.extend(part.errors);
        self.warnings.extend(part.warnings);
        part.observed
    }
    pub(crate) fn take_all<T>(&mut self, parts: Vec<Part<T>>) -> Vec<Option<T>> {
        parts.into_iter().map(|p| self.take(p)).collect()
    }
    /// What every component reported, in the order refresh and apply join them.
    pub(crate) fn observed(&mut self, (s, l, t, q, cp, d, ga): Parts) -> Observed {
        Observed {
            api_gateway: self.take(s),
            lambdas: self.take_all(l),
            dynamodb: self.take_all(t),
            quota_requests: self.take_all(q),
            cache_policy: self.take(cp),
            dashboard: self.take(d),
            global_accelerator: self.take(ga),
        }
    }
}

/// One part per component: stage, Lambda pools, tables, quota requests,
/// cache policy, dashboard, accelerator.
pub(crate) type Parts = (
    Part<StageObserved>,
    Vec<Part<LambdaObserved>>,
    Vec<Part<TableObserved>>,
    Vec<Part<QuotaObserved>>,
    Part<CachePolicyObserved>,
    Part<DashboardObserved>,
    Part<AcceleratorObserved>,
);

pub(crate) fn ctx_into(ctx: &Ctx<'_>) -> (PrivateState, u32) {
    (ctx.private_snapshot(), ctx.writes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn poll_stops_at_timeout_and_on_cancel() {
        let opts = ApplyOptions {
            poll_interval: Duration::from_millis(5),
            ..ApplyOptions::default()
        };
        let mut n = 0;
        let r: Result<Option<u32>, ()> =
            poll_until("test", &opts, Duration::from_millis(40), || {
                n += 1;
                async { Ok(None) }
            })
            .await;
        assert_eq!(r, Ok(None));
        assert!(n >= 2, "polled {n} times");

        let mut k = 0;
        let r: Result<Option<u32>, ()> = poll_until("test", &opts, Duration::from_secs(5), || {
            k += 1;
            let v = k;
            async move { Ok((v == 3).then_some(v)) }
        })
        .await;
        assert_eq!(r, Ok(Some(3)));

        opts.cancel.cancel();
        let started = std::time::Instant::now();
        let r: Result<Option<u32>, ()> =
            poll_until("test", &opts, Duration::from_secs(30), || async {
                Ok(None)
            })
            .await;
        assert_eq!(r, Ok(None));
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
