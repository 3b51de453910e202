//! k6 summaries: `k6 run --summary-export` (metrics with flat fields) or a
//! `handleSummary` JSON (fields under `values`).

use std::path::Path;

use serde_json::Value;

use scaling::Measured;

use crate::error::InputError;
use crate::input::{display_path, read};

fn metric(doc: &Value, name: &str, field: &str) -> Option<f64> {
    let m = doc.get("metrics")?.get(name)?;
    m.get(field)
        .or_else(|| m.get("values").and_then(|v| v.get(field)))
        .and_then(Value::as_f64)
}

pub fn load_k6(path: &Path) -> Result<Measured, InputError> {
    let file = display_path(path);
    let doc: Value = serde_json::from_str(&read(path)?).map_err(|e| InputError::Json {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    parse_k6(&doc).map_err(|reason| InputError::Other(format!("{file}: {reason}")))
}

pub fn parse_k6(doc: &Value) -> Result<Measured, String> {
    let rps =
        metric(doc, "http_reqs", "rate").ok_or("not a k6 summary: no metrics.http_reqs.rate")?;
    let avg = metric(doc, "http_req_duration", "avg")
        .ok_or("not a k6 summary: no metrics.http_req_duration.avg")?;
    if !(rps > 0.0 && avg > 0.0) {
        return Err(format!(
            "k6 summary has rate {rps} and average duration {avg}: both must be above 0"
        ));
    }
    Ok(Measured {
        rps,
        latency_avg_ms: avg,
        latency_p95_ms: metric(doc, "http_req_duration", "p(95)"),
        vus_max: metric(doc, "vus_max", "max").or_else(|| metric(doc, "vus_max", "value")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_layouts() {
        let flat = serde_json::json!({"metrics": {
            "http_reqs": {"count": 1, "rate": 27535.0},
            "http_req_duration": {"avg": 55.0, "p(95)": 120.5},
            "vus_max": {"value": 2000, "min": 2000, "max": 2000}}});
        let m = parse_k6(&flat).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (m.rps, m.latency_avg_ms, m.latency_p95_ms, m.vus_max),
            (27535.0, 55.0, Some(120.5), Some(2000.0))
        );
        let nested = serde_json::json!({"metrics": {
            "http_reqs": {"values": {"rate": 69.0}},
            "http_req_duration": {"values": {"avg": 41.0}}}});
        let m = parse_k6(&nested).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((m.rps, m.latency_avg_ms, m.vus_max), (69.0, 41.0, None));
        assert!(parse_k6(&serde_json::json!({"metrics": {}})).is_err());
    }
}
