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

mod apply;
pub mod capture_key;
pub mod client;
pub mod components;
pub mod credentials;
mod destroy;
pub mod discovery;
pub mod error;
pub mod live;
pub mod run;
pub mod services;
pub mod state;

pub use apply::{apply_profile, claims, ApplyOutcome};

pub use capture_key::{CaptureKey, UnknownCaptureKey};
pub use client::{AccountCheckError, Aws, AwsSettings, ConnectError, RetryMode};
pub use components::dashboard::{dashboard_body, dashboard_body_with};
pub use credentials::AccountRefused;
pub use credentials::{AccountGuard, AssumeRole, Secret, WebIdentity, WebIdentityToken};
pub use destroy::{destroy_profile, destroy_profile_with, DestroyOutcome};
pub use error::{AwsError, Cause, ComponentError};
pub use run::{ApplyOptions, Cancel, CaptureHook};
pub use state::*;

use components::{accelerator, cache_policy, dashboard, dynamodb, lambda, quota, stage};
use futures::future::join_all;
use run::{Collect, Ctx, Part};
use scaling::Profile;

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
