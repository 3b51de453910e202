//! Destroy: restore what the profile changed from the captures in private
//! state. Its revert orchestration also serves apply, for the components a
//! profile no longer has.

use crate::capture_key::{CaptureKey, UnknownCaptureKey};
use crate::client::Aws;
use crate::components::{accelerator, cache_policy, dashboard, dynamodb, lambda, quota, stage};
use crate::error::ComponentError;
use crate::run::{ctx_into, ApplyOptions, Collect, Ctx, Part};
use crate::state::{Observed, PrivateState};
use futures::future::join_all;
use scaling::{Location, Profile};
use stage::StageId;
use std::collections::{BTreeMap, BTreeSet};

/// What [`destroy_profile`] reached.
#[derive(Debug, Clone)]
pub struct DestroyOutcome {
    /// What is left to revert (empty when everything was restored).
    pub private: PrivateState,
    pub errors: Vec<ComponentError>,
    pub warnings: Vec<ComponentError>,
    pub writes: u32,
}

/// What to revert, grouped by AWS thing, from capture keys.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Reverts {
    pub(crate) stages: Vec<StageId>,
    /// function → qualifiers with captures; `true` when the function's own
    /// settings were captured.
    pub(crate) functions: BTreeMap<String, (Vec<String>, bool)>,
    pub(crate) tables: BTreeSet<String>,
    pub(crate) dashboards: Vec<String>,
    pub(crate) cache_policies: Vec<String>,
    pub(crate) accelerators: Vec<String>,
    /// Keys this provider cannot read: reported, their captures kept.
    pub(crate) unknown: Vec<UnknownCaptureKey>,
}

impl Reverts {
    /// Adds the cache policy and the accelerator state `known` names (the
    /// ones the profile created), each when asked, unless a capture already
    /// named it.
    pub(crate) fn created_in(&mut self, known: &Observed, cache_policy: bool, accelerator: bool) {
        if let Some(id) = known.cache_policy.as_ref().map(|c| &c.id) {
            if cache_policy && !self.cache_policies.contains(id) {
                self.cache_policies.push(id.clone());
            }
        }
        if let Some(arn) = known.global_accelerator.as_ref().map(|a| &a.arn) {
            if accelerator && !self.accelerators.contains(arn) {
                self.accelerators.push(arn.clone());
            }
        }
    }
}

pub(crate) fn reverts_for(keys: impl IntoIterator<Item = String>) -> Reverts {
    let mut r = Reverts::default();
    for k in keys {
        match k.parse::<CaptureKey>() {
            Ok(CaptureKey::Stage {
                rest_api_id,
                stage_name,
            }) => r.stages.push(StageId {
                rest_api_id,
                stage_name,
            }),
            Ok(CaptureKey::Lambda { function }) => {
                r.functions.entry(function).or_default().1 = true;
            }
            Ok(CaptureKey::Provisioned {
                function,
                qualifier,
            }) => r.functions.entry(function).or_default().0.push(qualifier),
            Ok(CaptureKey::Table { table } | CaptureKey::Scalable { table, .. }) => {
                r.tables.insert(table);
            }
            Ok(CaptureKey::Dashboard { name }) => r.dashboards.push(name),
            Ok(CaptureKey::CachePolicy { id }) => r.cache_policies.push(id),
            // An intent only: the apply that recorded it resolves it, by
            // name, into a `cachepolicy:ID` capture or releases it.
            Ok(CaptureKey::CachePolicyPending { .. }) => {}
            Ok(CaptureKey::Accelerator { arn }) => r.accelerators.push(arn),
            Err(e) => r.unknown.push(e),
        }
    }
    r
}

fn index_of<T>(items: &[T], pred: impl Fn(&T) -> bool) -> usize {
    items.iter().position(pred).unwrap_or(0)
}

/// Revert everything in `r`, concurrently per AWS thing; Lambda qualifiers
/// before the function's own settings.
pub(crate) async fn run_reverts(
    ctx: &Ctx<'_>,
    r: &Reverts,
    profile: Option<&Profile>,
    c: &mut Collect,
) {
    for e in &r.unknown {
        let captured = ctx
            .capture(&e.key)
            .and_then(|v| serde_json::to_string(&v).ok())
            .unwrap_or_default();
        c.warnings.push(ComponentError::message(
            Location::root(),
            "unreadable capture in private state",
            format!("{e}. Nothing was restored for it; what it captured: {captured}"),
        ));
    }
    let lambdas = profile.map(|p| p.lambdas.as_slice()).unwrap_or_default();
    let tables = profile.map(|p| p.dynamodb.as_slice()).unwrap_or_default();
    let stages = join_all(r.stages.iter().map(|id| stage::revert(ctx, id)));
    let functions = join_all(r.functions.iter().map(|(f, (qs, own))| async move {
        let i = index_of(lambdas, |l| &l.function_name == f);
        let mut errors = Vec::new();
        for q in qs {
            errors.extend(lambda::revert_qualifier(ctx, i, f, q).await);
        }
        if errors.is_empty() && *own {
            errors.extend(lambda::revert_function(ctx, i, f).await);
        }
        Part::<()> {
            observed: None,
            errors,
            warnings: Vec::new(),
        }
    }));
    let tabs = join_all(
        r.tables
            .iter()
            .map(|t| dynamodb::revert(ctx, index_of(tables, |x| &x.table_name == t), t)),
    );
    let dashes = join_all(r.dashboards.iter().map(|d| dashboard::revert(ctx, d)));
    let policies = join_all(
        r.cache_policies
            .iter()
            .map(|id| cache_policy::delete(ctx, id)),
    );
    let accels = join_all(
        r.accelerators
            .iter()
            .map(|arn| accelerator::delete(ctx, arn)),
    );
    let (s, f, t, d, p, a) = futures::join!(stages, functions, tabs, dashes, policies, accels);
    c.take_all(a);
    c.take_all(s);
    c.take_all(f);
    c.take_all(t);
    c.take_all(d);
    c.take_all(p);
}
/// Restore what the profile changed: every capture in `private` is
/// reverted (stage throttle, Lambda settings, table mode and scaling,
/// dashboard body), the cache policy the profile owns is deleted (refused
/// with a clear error while a distribution uses it), and each quota request
/// gets a warning, since AWS cannot withdraw one. Returns the captures that
/// could not be reverted yet; an empty `private` means done.
pub async fn destroy_profile(
    aws: &Aws,
    current: &Profile,
    known: &Observed,
    private: PrivateState,
) -> DestroyOutcome {
    destroy_profile_with(aws, current, known, private, &ApplyOptions::default()).await
}

/// [`destroy_profile`] with explicit wait timeouts, poll interval and
/// cancellation (restoring provisioned concurrency or a table's mode waits).
pub async fn destroy_profile_with(
    aws: &Aws,
    current: &Profile,
    known: &Observed,
    private: PrivateState,
    opts: &ApplyOptions,
) -> DestroyOutcome {
    let ctx = Ctx::new(aws, opts, private);
    let ctx = &ctx;
    let mut c = Collect::default();
    let mut reverts = reverts_for(ctx.capture_keys());
    reverts.created_in(known, true, true);
    run_reverts(ctx, &reverts, Some(current), &mut c).await;
    for (i, q) in current.quota_requests.iter().enumerate() {
        c.warnings.push(quota::destroy_warning(
            i,
            q,
            known.quota(&q.service_code, &q.quota_code),
        ));
    }
    let (private, writes) = ctx_into(ctx);
    DestroyOutcome {
        private,
        errors: c.errors,
        warnings: c.warnings,
        writes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{AcceleratorObserved, CachePolicyObserved};

    #[test]
    fn capture_keys_group_into_reverts() {
        let r = reverts_for(
            [
                "stage:bmkd8zayee/staging",
                "lambda:fn",
                "provisioned:fn:prod",
                "table:feeds",
                "scalable:feeds:read",
                "scalable:other:write",
                "dashboard:D",
                "cachepolicy:abc",
                "accelerator:arn:aws:globalaccelerator::123456789012:accelerator/x",
            ]
            .map(String::from),
        );
        assert_eq!(
            r.stages,
            vec![StageId {
                rest_api_id: "bmkd8zayee".into(),
                stage_name: "staging".into()
            }]
        );
        assert_eq!(
            r.functions.get("fn"),
            Some(&(vec!["prod".to_string()], true))
        );
        assert_eq!(
            r.tables.iter().cloned().collect::<Vec<_>>(),
            vec!["feeds".to_string(), "other".to_string()]
        );
        assert_eq!(r.dashboards, vec!["D".to_string()]);
        assert_eq!(r.cache_policies, vec!["abc".to_string()]);
        assert_eq!(
            r.accelerators,
            vec!["arn:aws:globalaccelerator::123456789012:accelerator/x".to_string()]
        );
    }

    #[test]
    fn a_provisioned_capture_of_a_function_named_by_arn_reverts_that_function() {
        // A function may be named by its ARN (colons and all); its qualifier
        // (AWS pattern `[a-zA-Z0-9$_-]+`) never has a colon.
        let f = "arn:aws:lambda:us-west-2:123456789012:function:f";
        let r = reverts_for([format!("provisioned:{f}:prod")]);
        assert_eq!(
            r.functions.into_iter().collect::<Vec<_>>(),
            vec![(f.to_string(), (vec!["prod".to_string()], false))]
        );
    }

    #[test]
    fn an_unreadable_key_is_reported_not_dropped_and_an_intent_is_not_reverted() {
        let r = reverts_for(
            [
                "quota:lambda/L-B99A9384",
                "cachepolicy-pending:smuppy-api",
                "table:feeds",
            ]
            .map(String::from),
        );
        assert_eq!(r.unknown.len(), 1);
        assert_eq!(r.unknown[0].key, "quota:lambda/L-B99A9384");
        assert!(r.cache_policies.is_empty());
        assert_eq!(r.tables.len(), 1);
    }

    #[test]
    fn created_things_from_state_are_added_once_and_only_when_asked() {
        let known = Observed {
            cache_policy: Some(CachePolicyObserved {
                id: "abc".into(),
                ..CachePolicyObserved::default()
            }),
            global_accelerator: Some(AcceleratorObserved {
                arn: "arn:x".into(),
                ..AcceleratorObserved::default()
            }),
            ..Observed::default()
        };
        let mut r = reverts_for(["cachepolicy:abc".to_string()]);
        r.created_in(&known, true, false);
        assert_eq!(r.cache_policies, vec!["abc".to_string()]);
        assert!(r.accelerators.is_empty());
        r.created_in(&known, false, true);
        assert_eq!(r.accelerators, vec!["arn:x".to_string()]);
    }
}
