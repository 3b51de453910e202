//! Logs in the format Terraform reads from a provider's stderr: hclog JSON
//! lines.
//!
//! ```text
//! {"@level":"debug","@message":"served request","@module":"provider.terraform-provider-smuppy","@timestamp":"2026-11-26T20:29:05.659123+00:00","tf_rpc":"PlanResourceChange","duration_ms":1.2}
//! ```
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG` (`TRACE`, `DEBUG`,
//! `INFO`, `WARN`, `ERROR`; `JSON` and any other non-empty value mean
//! trace, as in Terraform). Unset, empty or `OFF`: no subscriber is
//! installed and no formatting work is done. Events from every crate (the
//! AWS SDK reports retries through `tracing`) are written with the fields of
//! their enclosing spans. The timestamp has exactly six fractional digits:
//! Terraform treats any other form as a plain text line.
//!
//! This crate never logs request values (they may hold secrets), only RPC
//! names and durations.

use std::io::Write;
use std::sync::Arc;

use serde_json::{Map, Value as Json};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// Installs the hclog layer as the global subscriber if `TF_LOG_PROVIDER` or
/// `TF_LOG` asks for logs. `module` becomes `@module`, e.g.
/// `provider.terraform-provider-smuppy`. Calling it again does nothing.
pub fn init(module: &str) {
    let provider_level = std::env::var("TF_LOG_PROVIDER").ok();
    let core_level = std::env::var("TF_LOG").ok();
    let Some(level) = level_from_env(provider_level.as_deref(), core_level.as_deref()) else {
        return;
    };
    use tracing_subscriber::layer::SubscriberExt;
    let subscriber = tracing_subscriber::registry().with(HclogLayer::stderr(module, level));
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// The level to log at: `TF_LOG_PROVIDER` if set and non-empty, else
/// `TF_LOG`; None means logging is off.
pub fn level_from_env(tf_log_provider: Option<&str>, tf_log: Option<&str>) -> Option<Level> {
    let raw = tf_log_provider
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or_else(|| tf_log.map(str::trim).filter(|s| !s.is_empty()))?;
    match raw.to_ascii_uppercase().as_str() {
        "OFF" => None,
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" => Some(Level::ERROR),
        // TRACE, JSON, and unrecognised values (Terraform's default).
        _ => Some(Level::TRACE),
    }
}

type Sink = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// A `tracing` layer writing one hclog JSON object per event.
pub struct HclogLayer {
    module: String,
    max_level: Level,
    sink: Sink,
}

impl HclogLayer {
    /// Writes to stderr, events at `max_level` or more severe.
    pub fn stderr(module: &str, max_level: Level) -> Self {
        Self::with_sink(module, max_level, |line| {
            let _ = std::io::stderr().lock().write_all(line);
        })
    }

    /// Hands each formatted line (newline included) to `sink`.
    pub fn with_sink(
        module: &str,
        max_level: Level,
        sink: impl Fn(&[u8]) + Send + Sync + 'static,
    ) -> Self {
        HclogLayer {
            module: module.to_string(),
            max_level,
            sink: Arc::new(sink),
        }
    }
}

/// Fields recorded on a span, kept in the span's extensions.
struct SpanFields(Map<String, Json>);

struct JsonVisitor<'a>(&'a mut Map<String, Json>);

impl Visit for JsonVisitor<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        let v = serde_json::Number::from_f64(value)
            .map(Json::Number)
            .unwrap_or_else(|| Json::String(value.to_string()));
        self.0.insert(field.name().to_string(), v);
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_string(), Json::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), Json::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_string(), Json::from(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), Json::from(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.0
            .insert(field.name().to_string(), Json::from(value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), Json::from(format!("{value:?}")));
    }
}

fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// RFC 3339 in UTC with exactly six fractional digits, the form Terraform
/// parses: `2026-11-26T20:29:05.659123+00:00`.
pub fn timestamp(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}+00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

impl<S> Layer<S> for HclogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        *metadata.level() <= self.max_level
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::from_level(
            self.max_level,
        ))
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Map::new();
        attrs.record(&mut JsonVisitor(&mut fields));
        span.extensions_mut().insert(SpanFields(fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut ext = span.extensions_mut();
        if let Some(SpanFields(fields)) = ext.get_mut::<SpanFields>() {
            values.record(&mut JsonVisitor(fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        let mut line = Map::new();
        line.insert("@level".into(), Json::from(level_name(meta.level())));
        line.insert("@message".into(), Json::from(""));
        line.insert("@module".into(), Json::from(self.module.as_str()));
        line.insert(
            "@timestamp".into(),
            Json::from(timestamp(time::OffsetDateTime::now_utc())),
        );
        line.insert("target".into(), Json::from(meta.target()));
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(fields)) = span.extensions().get::<SpanFields>() {
                    for (k, v) in fields {
                        line.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        let mut fields = Map::new();
        event.record(&mut JsonVisitor(&mut fields));
        if let Some(message) = fields.remove("message") {
            let text = match message {
                Json::String(s) => s,
                other => other.to_string(),
            };
            line.insert("@message".into(), Json::from(text));
        }
        for (k, v) in fields {
            // Event fields must not overwrite the reserved keys.
            if !k.starts_with('@') {
                line.insert(k, v);
            }
        }
        let mut bytes = Json::Object(line).to_string().into_bytes();
        bytes.push(b'\n');
        (self.sink)(&bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn level_comes_from_provider_then_core_variable() {
        assert_eq!(level_from_env(None, None), None);
        assert_eq!(level_from_env(Some(""), Some("")), None);
        assert_eq!(level_from_env(Some("off"), Some("TRACE")), None);
        assert_eq!(
            level_from_env(Some("DEBUG"), Some("ERROR")),
            Some(Level::DEBUG)
        );
        assert_eq!(level_from_env(None, Some("warn")), Some(Level::WARN));
        assert_eq!(level_from_env(None, Some("JSON")), Some(Level::TRACE));
        assert_eq!(level_from_env(Some(""), Some("INFO")), Some(Level::INFO));
    }

    #[test]
    fn timestamp_has_six_fractional_digits() {
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(1_795_724_945_659_000_000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let s = timestamp(t);
        assert_eq!(s, "2026-11-26T20:29:05.659000+00:00");
        let frac = s
            .split('.')
            .nth(1)
            .map(|f| f.trim_end_matches("+00:00").len());
        assert_eq!(frac, Some(6));
    }

    fn capture(max: Level, f: impl FnOnce()) -> Vec<Json> {
        let buf = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = Arc::clone(&buf);
        let layer = HclogLayer::with_sink("provider.terraform-provider-test", max, move |l| {
            if let Ok(mut b) = sink.lock() {
                b.extend_from_slice(l);
            }
        });
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, f);
        let text = buf.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&text)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or(Json::Null))
            .collect()
    }

    #[test]
    fn events_become_hclog_lines_with_span_fields() {
        let lines = capture(Level::DEBUG, || {
            let span = tracing::debug_span!("rpc", tf_rpc = "PlanResourceChange");
            let _g = span.enter();
            tracing::debug!(attempt = 2, "retrying");
            tracing::trace!("too detailed");
            tracing::warn!(target: "aws_smithy_runtime::retries", "throttled");
        });
        assert_eq!(lines.len(), 2, "{lines:?}");
        let first = &lines[0];
        assert_eq!(first["@level"], "debug");
        assert_eq!(first["@message"], "retrying");
        assert_eq!(first["@module"], "provider.terraform-provider-test");
        assert_eq!(first["tf_rpc"], "PlanResourceChange");
        assert_eq!(first["attempt"], 2);
        let ts = first["@timestamp"].as_str().unwrap_or_default();
        assert_eq!(ts.len(), "2026-11-26T20:29:05.659123+00:00".len(), "{ts}");
        assert!(ts.ends_with("+00:00"));
        assert_eq!(lines[1]["@level"], "warn");
        assert_eq!(lines[1]["target"], "aws_smithy_runtime::retries");
    }

    #[test]
    fn error_level_drops_debug_and_info() {
        let lines = capture(Level::ERROR, || {
            tracing::info!("hello");
            tracing::error!("broken");
        });
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["@message"], "broken");
    }
}
