//! Apply: converge AWS to a profile, after reverting what the profile no
//! longer claims.

use crate::capture_key::CaptureKey;
use crate::client::Aws;
use crate::components::{accelerator, cache_policy, dashboard, dynamodb, lambda, quota, stage};
use crate::destroy::{reverts_for, run_reverts};
use crate::error::ComponentError;
use crate::run::{ctx_into, ApplyOptions, Collect, Ctx, Part};
use crate::state::{Observed, PrivateState};
use futures::future::join_all;
use scaling::Profile;
use stage::StageId;
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
    // The cache policy and accelerator of a profile that dropped their blocks.
    reverts.created_in(
        known,
        desired.cache_policy.is_none(),
        desired.global_accelerator.is_none(),
    );
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
