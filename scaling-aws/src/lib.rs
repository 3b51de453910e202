//! The AWS side of scaling profiles.
//!
//! Each part of a [`Profile`] is a component that reads what AWS has,
//! computes the minimal changes, applies them, reads back, and on destroy
//! restores what was there before the profile took over (kept in
//! [`PrivateState`]). Every verb is idempotent: a second apply of the same
//! profile issues no writes.
//!
//! Entry points: [`Aws::connect`], then [`read_profile`], [`apply_profile`]
//! and [`destroy_profile`]. Independent components run concurrently; each
//! returns what it reached even when another fails.
//!
//! Components and the attribute paths their diagnostics carry
//! ([`ComponentError::location`]):
//!
//! | block | AWS calls | revert |
//! |---|---|---|
//! | `api_gateway` | GetStage, GetRestApi, UpdateStage `/*/*/throttling/{rateLimit,burstLimit}` | prior values (-1 where the entry had none), or remove the `*/*` entry the stage did not have; checked by reading back |
//! | `lambda[i]` | GetFunctionConfiguration, GetFunctionConcurrency, GetAlias, Get/Put/DeleteProvisionedConcurrencyConfig, UpdateFunctionConfiguration, PublishVersion, UpdateAlias, Put/DeleteFunctionConcurrency | PC, alias target, reserved, memory/timeout |
//! | `dynamodb[i]` | DescribeTable, UpdateTable, Describe/Register/DeregisterScalableTarget, Describe/Put/DeleteScalingPolicy | scaling targets, mode and throughput |
//! | `quota_request[i]` | GetServiceQuota, GetAWSDefaultServiceQuota, ListRequestedServiceQuotaChangeHistoryByQuota, RequestServiceQuotaIncrease | none possible: a warning |
//! | `cache_policy` | Get/Create/Update/DeleteCachePolicy, ListDistributionsByCachePolicyId | delete |
//! | `dashboard` | Get/PutDashboard, DeleteDashboards | delete, or the prior body |
//! | `global_accelerator` | Describe/Create/UpdateAccelerator, listener and endpoint group calls | disable, wait, delete |

pub mod capture_key;
pub mod client;
pub mod components;
pub mod credentials;
pub mod error;
pub mod live;
pub mod run;
pub mod state;

pub use capture_key::{CaptureKey, UnknownCaptureKey};
pub use client::{AccountCheckError, Aws, AwsSettings, ConnectError, RetryMode};
pub use components::dashboard::{dashboard_body, dashboard_body_with};
pub use credentials::AccountRefused;
pub use credentials::{AccountGuard, AssumeRole, Secret, WebIdentity, WebIdentityToken};
pub use error::{AwsError, Cause, ComponentError};
pub use run::{ApplyOptions, Cancel, CaptureHook};
pub use state::*;

use components::{accelerator, cache_policy, dashboard, dynamodb, lambda, quota, stage};
use futures::future::join_all;
use run::{Ctx, Part};
use scaling::{Location, Profile};
use stage::StageId;
use std::collections::{BTreeMap, BTreeSet};
use tracing::Instrument;

/// What [`apply_profile`] reached.
#[derive(Debug, Clone)]
pub struct ApplyOutcome {
    /// What AWS reports after the apply, for every component of `desired`
    /// (also when some failed).
    pub observed: Observed,
    /// Captures of prior values, for destroy.
    pub private: PrivateState,
    pub errors: Vec<ComponentError>,
    pub warnings: Vec<ComponentError>,
    /// Mutating AWS calls issued (0 when everything was already in place).
    pub writes: u32,
}

/// What [`destroy_profile`] reached.
#[derive(Debug, Clone)]
pub struct DestroyOutcome {
    /// What is left to revert (empty when everything was restored).
    pub private: PrivateState,
    pub errors: Vec<ComponentError>,
    pub warnings: Vec<ComponentError>,
    pub writes: u32,
}

#[derive(Default)]
struct Collect {
    errors: Vec<ComponentError>,
    warnings: Vec<ComponentError>,
}

impl Collect {
    fn take<T>(&mut self, part: Part<T>) -> Option<T> {
        self.errors.extend(part.errors);
        self.warnings.extend(part.warnings);
        part.observed
    }
    fn take_all<T>(&mut self, parts: Vec<Part<T>>) -> Vec<Option<T>> {
        parts.into_iter().map(|p| self.take(p)).collect()
    }
    /// What every component reported, in the order refresh and apply join them.
    fn observed(&mut self, (s, l, t, q, cp, d, ga): Parts) -> Observed {
        Observed {
            api_gateway: self.take(s),
            lambdas: self.take_all(l),
            dynamodb: self.take_all(t),
            quota_requests: self.take_all(q),
            cache_policy: self.take(cp),
            dashboard: self.take(d),
            global_accelerator: self.take(ga),
        }
    }
}

/// One part per component: stage, Lambda pools, tables, quota requests,
/// cache policy, dashboard, accelerator.
type Parts = (
    Part<StageObserved>,
    Vec<Part<LambdaObserved>>,
    Vec<Part<TableObserved>>,
    Vec<Part<QuotaObserved>>,
    Part<CachePolicyObserved>,
    Part<DashboardObserved>,
    Part<AcceleratorObserved>,
);

/// The cache policy id: from `known`, else from a capture of one the
/// profile created (a crash between create and saving state).
fn cache_policy_id(ctx: &Ctx<'_>, known: &Observed) -> Option<String> {
    let id = known.cache_policy.as_ref().map(|c| c.id.clone());
    id.or_else(|| {
        captured_id(ctx, |k| match k {
            CaptureKey::CachePolicy { id } => Some(id),
            _ => None,
        })
    })
}

/// The accelerator ARN: from `known`, else from a capture.
fn accelerator_arn(ctx: &Ctx<'_>, known: &Observed) -> Option<String> {
    let arn = known.global_accelerator.as_ref().map(|a| a.arn.clone());
    arn.or_else(|| {
        captured_id(ctx, |k| match k {
            CaptureKey::Accelerator { arn } => Some(arn),
            _ => None,
        })
    })
}

/// The identity of the first capture of the kind `id_of` picks.
fn captured_id(ctx: &Ctx<'_>, id_of: impl Fn(CaptureKey) -> Option<String>) -> Option<String> {
    ctx.capture_keys()
        .into_iter()
        .find_map(|k| k.parse().ok().and_then(&id_of))
}

/// Whether `key` (a private-state capture key) names an AWS thing profile
/// `p` manages: what a crash journal may hand back to it, and what apply
/// keeps rather than reverts. A key this provider cannot read names nothing.
pub fn claims(p: &Profile, key: &str) -> bool {
    key.parse().is_ok_and(|k| claims_key(p, &k))
}

fn claims_key(p: &Profile, key: &CaptureKey) -> bool {
    match key {
        CaptureKey::Stage {
            rest_api_id,
            stage_name,
        } => p
            .api_gateway
            .as_ref()
            .and_then(StageId::of)
            .is_some_and(|id| &id.rest_api_id == rest_api_id && &id.stage_name == stage_name),
        CaptureKey::Lambda { function } => p.lambdas.iter().any(|l| &l.function_name == function),
        CaptureKey::Provisioned {
            function,
            qualifier,
        } => p
            .lambdas
            .iter()
            .any(|l| &l.function_name == function && l.qualifier.as_ref() == Some(qualifier)),
        CaptureKey::Table { table } | CaptureKey::Scalable { table, .. } => {
            p.dynamodb.iter().any(|t| &t.table_name == table)
        }
        CaptureKey::Dashboard { name } => p.dashboard.as_ref().is_some_and(|d| &d.name == name),
        // The profile owns the one policy (and accelerator) it created,
        // whatever its id.
        CaptureKey::CachePolicy { .. } => p.cache_policy.is_some(),
        // A create in flight is known by the name it was creating.
        CaptureKey::CachePolicyPending { name } => {
            p.cache_policy.as_ref().is_some_and(|c| &c.name == name)
        }
        CaptureKey::Accelerator { .. } => p.global_accelerator.is_some(),
    }
}

/// What to revert, grouped by AWS thing, from capture keys.
#[derive(Debug, Default, PartialEq)]
struct Reverts {
    stages: Vec<StageId>,
    /// function → qualifiers with captures; `true` when the function's own
    /// settings were captured.
    functions: BTreeMap<String, (Vec<String>, bool)>,
    tables: BTreeSet<String>,
    dashboards: Vec<String>,
    cache_policies: Vec<String>,
    accelerators: Vec<String>,
    /// Keys this provider cannot read: reported, their captures kept.
    unknown: Vec<UnknownCaptureKey>,
}

fn reverts_for(keys: impl IntoIterator<Item = String>) -> Reverts {
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
async fn run_reverts(ctx: &Ctx<'_>, r: &Reverts, profile: Option<&Profile>, c: &mut Collect) {
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

/// Read every component of `desired` from AWS (refresh / import). `known`
/// carries ids from state (cache policy id, quota request ids). Nothing is
/// written. Components whose target is gone come back as `None`; errors are
/// per component and the rest is still read.
pub async fn read_profile(
    aws: &Aws,
    desired: &Profile,
    known: &Observed,
) -> (Observed, Vec<ComponentError>) {
    let opts = ApplyOptions::default();
    let ctx = Ctx::new(aws, &opts, PrivateState::default());
    let ctx = &ctx;
    let mut c = Collect::default();
    let stage_f = async {
        match &desired.api_gateway {
            Some(s) => stage::refresh(ctx, s).await,
            None => Part::new(None),
        }
    };
    let lambdas_f = join_all(
        desired
            .lambdas
            .iter()
            .enumerate()
            .map(|(i, l)| lambda::refresh(ctx, i, l)),
    );
    let tables_f = join_all(
        desired
            .dynamodb
            .iter()
            .enumerate()
            .map(|(i, t)| dynamodb::refresh(ctx, i, t)),
    );
    let quotas_f = join_all(desired.quota_requests.iter().enumerate().map(|(i, q)| {
        let known_id = known
            .quota(&q.service_code, &q.quota_code)
            .and_then(|o| o.request_id.clone());
        async move { quota::refresh(ctx, i, q, known_id.as_deref()).await }
    }));
    let cp_id = known.cache_policy.as_ref().map(|c| c.id.clone());
    let cp_f = async {
        match &desired.cache_policy {
            Some(_) => cache_policy::refresh(ctx, cp_id.as_deref()).await,
            None => Part::new(None),
        }
    };
    let dash_f = dashboard::refresh(ctx, desired);
    let ga_arn = known.global_accelerator.as_ref().map(|a| a.arn.clone());
    let ga_f = async {
        match &desired.global_accelerator {
            Some(_) => accelerator::refresh(ctx, ga_arn.as_deref()).await,
            None => Part::new(None),
        }
    };
    let observed = c.observed(futures::join!(
        stage_f, lambdas_f, tables_f, quotas_f, cp_f, dash_f, ga_f
    ));
    let mut errors = c.errors;
    errors.extend(c.warnings);
    (observed, errors)
}

/// Converge AWS to `desired`.
///
/// First, components the profile no longer has (a capture in `private`
/// whose AWS identity `desired` does not name: a removed `lambda` block, a
/// renamed dashboard, a stage moved to another API) are reverted to their
/// captured prior values. Then every component of `desired` is applied
/// concurrently: read, capture the prior values once, issue only the calls
/// that differ, read back. `previous` (the profile in prior state) tells
/// which fields the profile used to manage, so a field removed from a block
/// is restored too. The outcome carries what every component reached, also
/// when others failed.
pub async fn apply_profile(
    aws: &Aws,
    desired: &Profile,
    previous: Option<&Profile>,
    known: &Observed,
    private: PrivateState,
    opts: &ApplyOptions,
) -> ApplyOutcome {
    let ctx = Ctx::new(aws, opts, private);
    let ctx = &ctx;
    let mut c = Collect::default();

    let dropped = ctx
        .capture_keys()
        .into_iter()
        .filter(|k| !claims(desired, k));
    let mut reverts = reverts_for(dropped);
    // The cache policy of a profile that dropped its cache_policy block.
    if desired.cache_policy.is_none() {
        if let Some(id) = known.cache_policy.as_ref().map(|c| c.id.clone()) {
            if !reverts.cache_policies.contains(&id) {
                reverts.cache_policies.push(id);
            }
        }
    }
    if desired.global_accelerator.is_none() {
        if let Some(arn) = known.global_accelerator.as_ref().map(|a| a.arn.clone()) {
            if !reverts.accelerators.contains(&arn) {
                reverts.accelerators.push(arn);
            }
        }
    }
    run_reverts(ctx, &reverts, previous, &mut c).await;
    if let Some(prev) = previous {
        for (i, q) in prev.quota_requests.iter().enumerate() {
            let kept = desired
                .quota_requests
                .iter()
                .any(|d| d.service_code == q.service_code && d.quota_code == q.quota_code);
            if !kept {
                c.warnings.push(quota::destroy_warning(
                    i,
                    q,
                    known.quota(&q.service_code, &q.quota_code),
                ));
            }
        }
    }

    let stage_f = async {
        match &desired.api_gateway {
            Some(s) => stage::apply(ctx, s).await,
            None => Part::new(None),
        }
    };
    let lambdas_f = join_all(desired.lambdas.iter().enumerate().map(|(i, l)| {
        let prev = previous.and_then(|p| {
            p.lambdas
                .iter()
                .find(|x| x.function_name == l.function_name)
        });
        // The span names the component in the debug log of its waits (bench/README.md).
        lambda::apply(ctx, i, l, prev).instrument(tracing::debug_span!(
            "component",
            component = %format!("lambda:{}", l.function_name)
        ))
    }));
    let tables_f = join_all(desired.dynamodb.iter().enumerate().map(|(i, t)| {
        let prev = previous.and_then(|p| p.dynamodb.iter().find(|x| x.table_name == t.table_name));
        dynamodb::apply(ctx, i, t, prev).instrument(tracing::debug_span!(
            "component",
            component = %format!("dynamodb:{}", t.table_name)
        ))
    }));
    let quotas_f = join_all(desired.quota_requests.iter().enumerate().map(|(i, q)| {
        let known_id = known
            .quota(&q.service_code, &q.quota_code)
            .and_then(|o| o.request_id.clone());
        async move { quota::apply(ctx, i, q, known_id.as_deref()).await }
    }));
    let cp_id = cache_policy_id(ctx, known);
    let cp_f = async {
        match &desired.cache_policy {
            Some(p) => cache_policy::apply(ctx, p, cp_id.as_deref()).await,
            None => Part::new(None),
        }
    };
    let dash_f = dashboard::apply(ctx, desired);
    let ga_arn = accelerator_arn(ctx, known);
    let ga_f = async {
        match &desired.global_accelerator {
            Some(a) => accelerator::apply(ctx, &desired.name, a, ga_arn.as_deref()).await,
            None => Part::new(None),
        }
    };
    let (s, mut l, t, quotas, cp, d, ga) =
        futures::join!(stage_f, lambdas_f, tables_f, quotas_f, cp_f, dash_f, ga_f);
    // A concurrency write AWS refused because the account limit is still too
    // low is reported against the open increase request that will lift it.
    // Filing that request first would not help: AWS decides it later.
    let open_concurrency = quota::open_lambda_concurrency(
        &quotas
            .iter()
            .map(|p| p.observed.clone())
            .collect::<Vec<_>>(),
    )
    .cloned();
    if let Some(open) = &open_concurrency {
        for part in &mut l {
            quota::explain_waiting_for_increase(&mut part.errors, open);
        }
    }
    let observed = c.observed((s, l, t, quotas, cp, d, ga));
    let (private, writes) = ctx_into(ctx);
    ApplyOutcome {
        observed,
        private,
        errors: c.errors,
        warnings: c.warnings,
        writes,
    }
}

fn ctx_into(ctx: &Ctx<'_>) -> (PrivateState, u32) {
    (ctx.private_snapshot(), ctx.writes())
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
    if let Some(id) = known.cache_policy.as_ref().map(|c| c.id.clone()) {
        if !reverts.cache_policies.contains(&id) {
            reverts.cache_policies.push(id);
        }
    }
    if let Some(arn) = known.global_accelerator.as_ref().map(|a| a.arn.clone()) {
        if !reverts.accelerators.contains(&arn) {
            reverts.accelerators.push(arn);
        }
    }
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
    fn claimed_keys_match_component_keys() {
        let p = Profile {
            lambdas: vec![scaling::LambdaPool {
                function_name: "fn".into(),
                reserved_concurrency: None,
                provisioned_concurrency: Some(1),
                qualifier: Some("prod".into()),
                memory_size: None,
                timeout: None,
                publish_on_change: false,
            }],
            ..Profile::default()
        };
        assert!(claims(&p, &lambda::function_key("fn")));
        assert!(claims(&p, &lambda::qualifier_key("fn", "prod")));
        assert!(!claims(&p, &lambda::qualifier_key("fn", "dev")));
        assert!(!claims(&p, "lambda:other") && !claims(&p, "cachepolicy:abc"));
        assert!(!claims(&p, "no-such-kind:fn"));
    }

    #[test]
    fn a_cache_policy_create_in_flight_is_claimed_by_its_name() {
        // A create killed before its answer leaves only the intent (by name)
        // in the journal; the recovering apply must take it back, or the
        // policy AWS created is refused as someone else's.
        let p = Profile {
            cache_policy: Some(scaling::CachePolicy {
                name: "smuppy-api".into(),
                comment: None,
                min_ttl: None,
                default_ttl: None,
                max_ttl: None,
                enable_gzip: true,
                enable_brotli: true,
                header_behavior: "none".into(),
                headers: Vec::new(),
                cookie_behavior: "none".into(),
                cookies: Vec::new(),
                query_string_behavior: "none".into(),
                query_strings: Vec::new(),
            }),
            ..Profile::default()
        };
        assert!(claims(&p, "cachepolicy-pending:smuppy-api"));
        assert!(!claims(&p, "cachepolicy-pending:someone-else"));
        assert!(!claims(
            &Profile::default(),
            "cachepolicy-pending:smuppy-api"
        ));
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
}
