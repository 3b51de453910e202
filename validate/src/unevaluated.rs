//! What the loader could not evaluate, reported on each attribute (INP001,
//! `scaling::not_evaluated`): the value is unset in the profile, so every
//! rule that reads it skipped it.

use scaling::Analysis;

use crate::input::LoadedProfile;
use crate::locations::{engine_location, user_location};

/// Adds an INP001 finding per value `l` could not evaluate.
pub(crate) fn report(l: &LoadedProfile, analysis: &mut Analysis) {
    if l.unevaluated.is_empty() {
        return;
    }
    for u in &l.unevaluated {
        let loc = engine_location(&u.path, &l.keys);
        let what = if u.path.is_empty() {
            String::new()
        } else {
            user_location(&loc, &l.keys).to_string()
        };
        analysis
            .findings
            .push(scaling::not_evaluated(loc, &what, &u.why));
    }
    scaling::analysis::sort_findings(&mut analysis.findings);
}
