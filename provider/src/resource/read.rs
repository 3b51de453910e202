//! ReadResource (refresh, and the read that completes an import): every
//! value AWS reports replaces the one in state, so drift shows in the plan.

use tfplugin::{Diagnostics, ReadRequest, ReadResponse, Value};

use crate::provider::Configured;
use crate::{mapping, state};

pub async fn read(
    configured: &Configured,
    req: ReadRequest,
    diags: &mut Diagnostics,
) -> ReadResponse {
    if req.current_state.is_null() {
        return ReadResponse {
            new_state: Value::Null,
            private: req.private,
        };
    }
    let Some(aws) = configured.aws(diags) else {
        return ReadResponse {
            new_state: req.current_state,
            private: req.private,
        };
    };
    let profile = mapping::profile_from_value(&req.current_state, Some(aws.region()));
    let known = state::known_from_state(&req.current_state);
    let (observed, errors) = scaling_aws::read_profile(&aws, &profile, &known).await;
    let schema = crate::schema::resource_schema().block;
    // A part whose id AWS cannot take (an empty function name an older
    // version let into state) cannot be read, and nothing of it exists: its
    // read error is a warning, so it never blocks the destroy of the rest.
    let unreadable = super::validate::parts_with_invalid_ids(&req.current_state);
    for e in &errors {
        let path = mapping::location_to_path(&e.location, &schema);
        let in_unreadable = unreadable.iter().any(|p| path.0.starts_with(&p.0));
        crate::diagnostics::push_component(e, &schema, !in_unreadable, diags);
    }
    if diags.has_errors() {
        // Keep the state as it was: a failed read must not look like drift.
        return ReadResponse {
            new_state: req.current_state,
            private: req.private,
        };
    }
    let mut new_state = state::apply_observed(&req.current_state, &observed);
    // The analysis is a function of the state's own values; recomputing it
    // here keeps an imported profile (which arrives without it) from showing
    // a change, and follows drift in the values it reads.
    // The same account limits as the plan that follows in this process.
    let limits = configured.limits(&mut Diagnostics::new()).await;
    crate::analysis::set_computed(&mut new_state, &limits, &schema, Some(aws.region()));
    ReadResponse {
        new_state,
        private: req.private,
    }
}
