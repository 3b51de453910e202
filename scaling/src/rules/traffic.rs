//! Traffic rules (TRF): the traffic values the figures rest on. Values out
//! of range (TRF003) are judged with the other ranges, in `ranges`.

use super::catalogue as rule;
use super::context::{traffic, Ctx};
use crate::finding::{num, Finding};

pub(super) fn rules(c: &Ctx, out: &mut Vec<Finding>) {
    for a in &c.t.assumptions {
        rule::TRF001.emit(
            out,
            traffic(a.field),
            format!("assumed {} = {}: {}", a.field, a.value, a.reason),
        );
    }
    if let (Some(m), Some(peak)) = (&c.t.measured, c.t.peak_rps) {
        if m.rps > 0.0 && peak > m.rps * c.extrapolation_factor {
            rule::TRF002.emit(
                out,
                traffic("peak_rps"),
                format!(
                    "target {} rps is {}× the measured {} rps (limit {}×): the latency of {} ms measured at {} rps may not hold at the target",
                    num(peak),
                    num(peak / m.rps),
                    num(m.rps),
                    num(c.extrapolation_factor),
                    num(m.latency_avg_ms),
                    num(m.rps)
                ),
            );
        }
    }
}
