//! ReadResource (refresh, and the read that completes an import): every
//! value AWS reports replaces the one in state, so drift shows in the plan.
//! A block that could not be read keeps its prior state with a warning on
//! it: one unreadable part (an API the account may not call) must not stop
//! the refresh of the others, nor the destroy that follows it.

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
            identity: None,
        };
    }
    let Some(aws) = configured.aws(diags) else {
        return ReadResponse {
            new_state: req.current_state,
            private: req.private,
            identity: None,
        };
    };
    let profile = mapping::profile_from_value(&req.current_state, Some(aws.region()));
    let known = state::known_from_state(&req.current_state);
    let (observed, errors) = scaling_aws::read_profile(&aws, &profile, &known).await;
    let schema = crate::schema::internal_schema().block;
    for e in &errors {
        crate::diagnostics::push_component(e, &schema, false, diags);
    }
    if diags.has_errors() {
        return ReadResponse {
            new_state: req.current_state,
            private: req.private,
            identity: None,
        };
    }
    let mut new_state = state::apply_observed(&req.current_state, &observed);
    // A failed read must not look like drift: those blocks stay as they were.
    super::parts::keep_prior(&mut new_state, &req.current_state, &errors);
    // The analysis is a function of the state's own values; recomputing it
    // here keeps an imported profile (which arrives without it) from showing
    // a change, and follows drift in the values it reads.
    // The same account limits as the plan that follows in this process.
    let limits = configured.limits(&mut Diagnostics::new()).await;
    crate::analysis::set_computed(&mut new_state, &limits, &schema, Some(aws.region()));
    ReadResponse {
        new_state,
        private: req.private,
        identity: None,
    }
}
