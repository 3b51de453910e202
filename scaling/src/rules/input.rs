//! Input rules (INP): what the front end could not read. A value it could
//! not evaluate (a function it does not implement, a remote module, a value
//! known only after apply) is left unset, and every rule skips unset
//! values: this finding says so, on the attribute, with why.

use super::catalogue as rule;
use crate::finding::Finding;
use crate::profile::{Location, LocationStep};

/// INP001 at `location`: the value there (`what`, as the configuration
/// writes it) could not be evaluated, because of `why`. At the resource
/// itself (`what` empty) `why` says what was not read.
pub fn not_evaluated(location: Location, what: &str, why: &str) -> Finding {
    let traffic = matches!(location.0.first(), Some(LocationStep::Attr(a)) if a == "traffic");
    let message = if what.is_empty() {
        why.to_string()
    } else {
        format!(
            "{what} could not be evaluated ({why}): every rule that reads it skipped it{}",
            if traffic {
                ", and the traffic model took its default where it has one (TRF001)"
            } else {
                ""
            }
        )
    };
    rule::INP001.finding(location, message)
}
