//! ApplyResourceChange.
//!
//! Contract: on success every value known in the plan comes back unchanged
//! and no unknown is left. On a partial failure the state returned is what
//! AWS reports after the attempt, beside the error, so what succeeded is
//! never lost and the next apply converges. A destroy restores every part
//! it can; when some fail, the state keeps only their blocks, with the
//! private captures still to revert.

use std::time::Duration;

use scaling_aws::{ApplyOptions, PrivateState};
use tfplugin::{ApplyRequest, ApplyResponse, Diagnostics, Value};

use crate::diagnostics::push_component;
use crate::provider::Configured;
use crate::{journal, mapping, state};

fn private_state(bytes: &[u8], diags: &mut Diagnostics) -> Option<PrivateState> {
    match PrivateState::from_bytes(bytes) {
        Ok(p) => Some(p),
        Err(e) => {
            diags.error(
                "Unreadable private state",
                format!("The values this profile must restore on destroy could not be read: {e}. Nothing was changed."),
            );
            None
        }
    }
}

/// How an operation waits: its `timeouts` value for every asynchronous wait
/// (provisioned concurrency, function and table updates), and Terraform's
/// StopProvider through the shared cancel flag. The same for create,
/// update and delete.
fn wait_options(configured: &Configured, wait: Option<Duration>) -> ApplyOptions {
    let mut opts = ApplyOptions {
        cancel: configured.cancel.clone(),
        ..ApplyOptions::default()
    };
    if let Some(w) = wait {
        opts.provisioned_concurrency_timeout = w;
        opts.settle_timeout = w;
    }
    opts
}

/// Applies `req` (in the verbs' shape, see [`crate::shape`]); `wait` is how
/// long asynchronous AWS work may take (the `timeouts` of the operation).
pub async fn apply(
    configured: &Configured,
    req: ApplyRequest,
    wait: Option<Duration>,
    diags: &mut Diagnostics,
) -> ApplyResponse {
    let keep = |req: &ApplyRequest| ApplyResponse {
        new_state: req.prior_state.clone(),
        private: req.planned_private.clone(),
        identity: None,
    };
    let Some(aws) = configured.aws(diags) else {
        return keep(&req);
    };
    let Some(mut private) = private_state(&req.planned_private, diags) else {
        return keep(&req);
    };
    let name = req
        .planned_state
        .get(scaling::model::names::NAME)
        .or_else(|| req.prior_state.get(scaling::model::names::NAME))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let schema = crate::schema::internal_schema().block;
    let region = aws.region().to_string();
    // Captures a killed earlier apply of this instance persisted but never
    // handed to Terraform; only what this profile (now or in prior state)
    // claims is taken from an entry Terraform has no id for.
    let claimants: Vec<_> = [&req.planned_state, &req.prior_state]
        .into_iter()
        .filter(|v| !v.is_null())
        .map(|v| mapping::profile_from_value(v, Some(&region)))
        .collect();
    let journal = std::sync::Arc::new(journal::Journal::begin(
        journal::Slot::current(&name, &region),
        &mut private,
        &|k: &str| claimants.iter().any(|p| scaling_aws::claims(p, k)),
    ));
    let journal_warnings = |diags: &mut Diagnostics| {
        for w in journal.take_warnings() {
            diags.warning(w.summary, w.detail);
        }
    };

    let opts = wait_options(configured, wait);
    if req.planned_state.is_null() {
        let current = mapping::profile_from_value(&req.prior_state, Some(&region));
        let known = state::known_from_state(&req.prior_state);
        let outcome =
            scaling_aws::destroy_profile_with(&aws, &current, &known, private, &opts).await;
        for w in &outcome.warnings {
            push_component(w, &schema, false, diags);
        }
        for e in &outcome.errors {
            push_component(e, &schema, true, diags);
        }
        if outcome.errors.is_empty() {
            journal.finish();
        } else {
            journal.record(&outcome.private);
        }
        journal_warnings(diags);
        if outcome.errors.is_empty() {
            return ApplyResponse {
                new_state: Value::Null,
                private: Vec::new(),
                identity: None,
            };
        }
        // Keep in state only the blocks still to be restored, with their
        // captures: the next destroy retries just those.
        return ApplyResponse {
            new_state: super::parts::only_unrestored(&req.prior_state, &outcome.errors),
            private: outcome.private.to_bytes(),
            identity: None,
        };
    }

    let mut desired = mapping::profile_from_value(&req.config, Some(&region));
    // The cache policy and the accelerator are owned whole: settings the
    // configuration leaves out keep the value the plan shows (what AWS has),
    // not AWS's creation defaults.
    let planned = mapping::profile_from_value(&req.planned_state, Some(&region));
    desired.cache_policy = planned.cache_policy;
    desired.global_accelerator = planned.global_accelerator;
    let previous = (!req.prior_state.is_null())
        .then(|| mapping::profile_from_value(&req.prior_state, Some(&region)));
    let known = state::known_from_state(&req.prior_state);
    let mut opts = opts;
    let hook_journal = journal.clone();
    opts.on_capture = Some(scaling_aws::CaptureHook(std::sync::Arc::new(move |p| {
        hook_journal.record(p)
    })));
    let outcome =
        scaling_aws::apply_profile(&aws, &desired, previous.as_ref(), &known, private, &opts).await;
    // The entry holds exactly what Terraform is handed, success or not, until
    // a refresh shows Terraform stored it: the answer may never arrive.
    journal.hand_over(&outcome.private);
    journal_warnings(diags);
    for w in &outcome.warnings {
        push_component(w, &schema, false, diags);
    }
    for e in &outcome.errors {
        push_component(e, &schema, true, diags);
    }
    let reached = state::apply_observed(&req.planned_state, &outcome.observed);
    let new_state = if outcome.errors.is_empty() {
        state::fill_unknowns(&req.planned_state, &reached)
    } else {
        // What AWS has now, so the next plan shows what is left to do.
        reached
    };
    ApplyResponse {
        new_state: state::unknowns_to_null(new_state),
        private: outcome.private.to_bytes(),
        identity: None,
    }
}
