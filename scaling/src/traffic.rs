//! The traffic model: the profile's `traffic` block with every unset value
//! replaced by an explicit, documented default. Each default used is listed
//! in `assumptions` and reported as a `TRF001` finding, so no figure in a
//! report rests on a silent guess.

use serde::Serialize;

use crate::profile::{Location, Profile};

/// Origin latency when neither the profile nor a measurement gives one (ms).
pub const DEFAULT_LATENCY_MS: f64 = 50.0;
/// Share of requests answered by CloudFront when unset.
pub const DEFAULT_CACHE_HIT_RATIO: f64 = 0.0;
/// DynamoDB reads per origin request when unset.
pub const DEFAULT_READS_PER_REQUEST: f64 = 1.0;
/// DynamoDB writes per origin request when unset.
pub const DEFAULT_WRITES_PER_REQUEST: f64 = 0.0;
/// Average / peak over a month when unset: the peak is sustained (worst case).
pub const DEFAULT_AVERAGE_TO_PEAK: f64 = 1.0;
/// Response size in bytes (CloudFront data transfer) when unset.
pub const DEFAULT_RESPONSE_BYTES: f64 = 1024.0;
/// Item size in KB when unset (one read capacity unit's worth).
pub const DEFAULT_ITEM_SIZE_KB: f64 = 4.0;
/// Reads are strongly consistent when unset (1 RCU per 4 KB; the costlier case).
pub const DEFAULT_STRONGLY_CONSISTENT: bool = true;
/// Seconds in the 30-day month every monthly figure uses.
pub const SECONDS_PER_MONTH: f64 = 30.0 * 86_400.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    X86_64,
    Arm64,
}

impl Architecture {
    pub fn parse(s: &str) -> Option<Architecture> {
        match s {
            "x86_64" => Some(Architecture::X86_64),
            "arm64" => Some(Architecture::Arm64),
            _ => None,
        }
    }
    pub fn as_str(&self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }
}

/// A load test's measured figures (e.g. from a k6 summary export).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measured {
    /// Requests per second achieved.
    pub rps: f64,
    /// Average request duration, ms.
    pub latency_avg_ms: f64,
    /// 95th percentile request duration, ms.
    pub latency_p95_ms: Option<f64>,
    /// Peak virtual users.
    pub vus_max: Option<f64>,
}

/// A default the model used in place of an unset value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumption {
    /// Field of the `traffic` block.
    pub field: &'static str,
    /// The value used, as printed.
    pub value: String,
    pub reason: String,
}

/// Where the latency figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LatencySource {
    Profile,
    Measured,
    Default,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficModel {
    /// Target peak at the edge, req/s. `None`: capacity rules have nothing to check.
    pub peak_rps: Option<f64>,
    pub latency_ms: f64,
    pub latency_source: LatencySource,
    pub cache_hit_ratio: f64,
    pub reads_per_request: f64,
    pub writes_per_request: f64,
    pub average_to_peak_ratio: f64,
    /// Explicit monthly requests from the profile (overrides peak × ratio).
    pub monthly_requests: Option<f64>,
    pub response_bytes: f64,
    pub item_size_kb: f64,
    pub strongly_consistent_reads: bool,
    pub architecture: Architecture,
    pub measured: Option<Measured>,
    pub assumptions: Vec<Assumption>,
}

impl TrafficModel {
    /// Resolves the profile's traffic block. A measurement, when given,
    /// replaces the latency (its average) whatever the profile says.
    pub fn from_profile(profile: &Profile, measured: Option<&Measured>) -> TrafficModel {
        let t = &profile.traffic;
        let mut assumptions = Vec::new();
        let mut pick = |field: &'static str, v: Option<f64>, default: f64, why: &str| match v {
            Some(v) => v,
            None => {
                assumptions.push(Assumption {
                    field,
                    value: crate::finding::num(default),
                    reason: why.to_string(),
                });
                default
            }
        };
        let cache_hit_ratio = pick(
            "cache_hit_ratio",
            t.cache_hit_ratio,
            DEFAULT_CACHE_HIT_RATIO,
            "no cache hit ratio given: every request reaches the origin",
        );
        let reads_per_request = pick(
            "reads_per_request",
            t.reads_per_request,
            DEFAULT_READS_PER_REQUEST,
            "one DynamoDB read per origin request",
        );
        let writes_per_request = pick(
            "writes_per_request",
            t.writes_per_request,
            DEFAULT_WRITES_PER_REQUEST,
            "no DynamoDB writes",
        );
        let average_to_peak_ratio = if t.monthly_requests.is_some() {
            t.average_to_peak_ratio.unwrap_or(DEFAULT_AVERAGE_TO_PEAK)
        } else {
            pick(
                "average_to_peak_ratio",
                t.average_to_peak_ratio,
                DEFAULT_AVERAGE_TO_PEAK,
                "the peak is sustained all month (worst case for cost)",
            )
        };
        let response_bytes = pick(
            "response_bytes",
            t.response_bytes,
            DEFAULT_RESPONSE_BYTES,
            "1 KiB responses",
        );
        let item_size_kb = pick(
            "item_size_kb",
            t.item_size_kb,
            DEFAULT_ITEM_SIZE_KB,
            "4 KB items (one read unit each)",
        );
        let (latency_ms, latency_source) = match (measured, t.latency_ms) {
            (Some(m), _) => (m.latency_avg_ms, LatencySource::Measured),
            (None, Some(l)) => (l, LatencySource::Profile),
            (None, None) => {
                assumptions.push(Assumption {
                    field: "latency_ms",
                    value: crate::finding::num(DEFAULT_LATENCY_MS),
                    reason: "no latency given or measured".into(),
                });
                (DEFAULT_LATENCY_MS, LatencySource::Default)
            }
        };
        let strongly_consistent_reads = match t.strongly_consistent_reads {
            Some(b) => b,
            None => {
                assumptions.push(Assumption {
                    field: "strongly_consistent_reads",
                    value: DEFAULT_STRONGLY_CONSISTENT.to_string(),
                    reason: "strongly consistent reads (1 unit per 4 KB, the costlier case)".into(),
                });
                DEFAULT_STRONGLY_CONSISTENT
            }
        };
        let architecture = match t.architecture.as_deref().and_then(Architecture::parse) {
            Some(a) => a,
            None => {
                assumptions.push(Assumption {
                    field: "architecture",
                    value: "x86_64".into(),
                    reason: match &t.architecture {
                        Some(other) => {
                            format!("unknown architecture {other:?}; x86_64 prices used")
                        }
                        None => "x86_64 Lambda prices".into(),
                    },
                });
                Architecture::X86_64
            }
        };
        TrafficModel {
            peak_rps: t.peak_rps,
            latency_ms,
            latency_source,
            cache_hit_ratio: cache_hit_ratio.clamp(0.0, 1.0),
            reads_per_request,
            writes_per_request,
            average_to_peak_ratio,
            monthly_requests: t.monthly_requests,
            response_bytes,
            item_size_kb,
            strongly_consistent_reads,
            architecture,
            measured: measured.copied(),
            assumptions,
        }
    }

    pub fn latency_s(&self) -> f64 {
        self.latency_ms / 1000.0
    }

    /// Requests per second that pass CloudFront and reach API Gateway.
    pub fn origin_rps(&self) -> Option<f64> {
        self.peak_rps
            .map(|p| crate::capacity::round6(p - p * self.cache_hit_ratio))
    }

    /// Viewer requests in the 30-day month.
    pub fn monthly_requests(&self) -> f64 {
        match (self.monthly_requests, self.peak_rps) {
            (Some(m), _) => m,
            (None, Some(p)) => p * self.average_to_peak_ratio * SECONDS_PER_MONTH,
            (None, None) => 0.0,
        }
    }

    /// Read units one origin request consumes: reads × ⌈size / 4 KB⌉ × (1 or ½).
    pub fn read_units_per_request(&self) -> f64 {
        let per_read = (self.item_size_kb / 4.0).ceil().max(1.0);
        let factor = if self.strongly_consistent_reads {
            1.0
        } else {
            0.5
        };
        self.reads_per_request * per_read * factor
    }

    /// Write units one origin request consumes: writes × ⌈size / 1 KB⌉.
    pub fn write_units_per_request(&self) -> f64 {
        self.writes_per_request * self.item_size_kb.ceil().max(1.0)
    }

    /// Location of a traffic field, for findings.
    pub fn location(field: &str) -> Location {
        Location::attr("traffic").index(0).then(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runbook_traffic() -> Profile {
        let mut p = Profile::default();
        p.traffic.peak_rps = Some(100_000.0);
        p.traffic.latency_ms = Some(55.0);
        p.traffic.cache_hit_ratio = Some(0.8);
        p
    }

    #[test]
    fn origin_rps_after_the_cdn() {
        let m = TrafficModel::from_profile(&runbook_traffic(), None);
        assert!((m.origin_rps().unwrap_or(0.0) - 20_000.0).abs() < 1e-6);
    }

    #[test]
    fn defaults_are_listed_as_assumptions() {
        let m = TrafficModel::from_profile(&runbook_traffic(), None);
        let fields: Vec<_> = m.assumptions.iter().map(|a| a.field).collect();
        assert!(fields.contains(&"reads_per_request"));
        assert!(fields.contains(&"average_to_peak_ratio"));
        assert!(!fields.contains(&"latency_ms"));
        assert!(!fields.contains(&"cache_hit_ratio"));
        let empty = TrafficModel::from_profile(&Profile::default(), None);
        assert_eq!(empty.latency_ms, DEFAULT_LATENCY_MS);
        assert!(empty.assumptions.iter().any(|a| a.field == "latency_ms"));
    }

    #[test]
    fn a_measurement_replaces_the_latency() {
        let m = TrafficModel::from_profile(
            &runbook_traffic(),
            Some(&Measured {
                rps: 27_535.0,
                latency_avg_ms: 35.0,
                latency_p95_ms: Some(80.0),
                vus_max: Some(2000.0),
            }),
        );
        assert_eq!(m.latency_ms, 35.0);
        assert_eq!(m.latency_source, LatencySource::Measured);
    }

    #[test]
    fn a_month_at_100k_sustained_is_259_2_billion_requests() {
        let m = TrafficModel::from_profile(&runbook_traffic(), None);
        assert_eq!(m.monthly_requests(), 259_200_000_000.0);
    }

    #[test]
    fn read_units_follow_size_and_consistency() {
        let mut p = runbook_traffic();
        p.traffic.item_size_kb = Some(6.0);
        p.traffic.strongly_consistent_reads = Some(false);
        p.traffic.reads_per_request = Some(2.0);
        let m = TrafficModel::from_profile(&p, None);
        // 2 reads × ⌈6/4⌉ = 2 units each × 0.5 (eventual) = 2
        assert_eq!(m.read_units_per_request(), 2.0);
    }
}
