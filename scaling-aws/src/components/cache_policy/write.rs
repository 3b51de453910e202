//! The writes: a create, recorded first as an intent so that a create
//! killed in flight is adopted by the next apply instead of refused; the
//! adoption; and the in-place update with the ETag.

use super::model::{config, expected, in_sync, key, loc, observed_from, pending_key, SERVICE};
use super::read::{find_by_name, read};
use crate::error::{AwsError, ComponentError};
use crate::run::Ctx;
use crate::state::{CachePolicyObserved, Capture};
use scaling::model::names;
use scaling::CachePolicy;

pub(super) async fn create(
    ctx: &Ctx<'_>,
    desired: &CachePolicy,
) -> Result<CachePolicyObserved, ComponentError> {
    let conf =
        config(desired).map_err(|m| ComponentError::message(loc(), "invalid cache policy", m))?;
    // Recorded (and journaled) before the create: if the process dies while
    // the create is in flight, the next apply knows the policy of this name
    // is its own and adopts it instead of refusing the taken name.
    let intent = pending_key(&desired.name);
    // A name already taken before this create is someone else's policy,
    // unless an interrupted earlier apply of this profile made it.
    let taken_before = find_by_name(ctx, &desired.name)
        .await
        .map_err(|e| ComponentError::aws(loc(), "could not list cache policies", e))?;
    if let Some(id) = taken_before.as_deref() {
        if ctx.had_before_run(&intent) {
            if let Some(adopted) = adopt_own(ctx, desired, &intent).await? {
                return Ok(adopted);
            }
        }
        return Err(ComponentError::message(
            loc().then(names::NAME),
            "a cache policy with this name already exists",
            format!("CloudFront already has a cache policy named {:?} (id {id}); import it into this profile (terraform import, key cache_policy={id}) or choose another name.", desired.name),
        ));
    }
    ctx.capture_once(
        &intent,
        Capture::Created {
            id: desired.name.clone(),
        },
    );
    ctx.wrote();
    match ctx
        .aws
        .cloudfront()
        .create_cache_policy()
        .cache_policy_config(conf)
        .send()
        .await
    {
        Ok(out) => {
            let p = out.cache_policy().ok_or_else(|| {
                ComponentError::message(
                    loc(),
                    "no policy in the answer",
                    "CreateCachePolicy returned no CachePolicy",
                )
            })?;
            ctx.capture_once(
                &key(p.id()),
                Capture::Created {
                    id: p.id().to_string(),
                },
            );
            ctx.release(&intent);
            Ok(p.cache_policy_config()
                .map(|c| observed_from(p.id(), out.e_tag(), c))
                .unwrap_or_else(|| CachePolicyObserved {
                    id: p.id().to_string(),
                    etag: out.e_tag().map(str::to_string),
                    ..expected(desired)
                }))
        }
        Err(e) => {
            let e = AwsError::from_sdk(SERVICE, "CreateCachePolicy", e);
            if e.is(&["CachePolicyAlreadyExists"]) {
                // The name was free just before: the policy is this create's
                // own (a retry after a lost response) — adopt it.
                if let Some(adopted) = adopt(ctx, desired, &intent).await? {
                    return Ok(adopted);
                }
                Err(ComponentError::message(
                    loc().then(names::NAME),
                    "a cache policy with this name already exists",
                    format!("CloudFront already has a cache policy named {:?}; import it into this profile (terraform import) or choose another name. {e}", desired.name),
                ))
            } else {
                Err(ComponentError::aws(
                    loc(),
                    "could not create the cache policy",
                    e,
                ))
            }
        }
    }
}

/// After `CachePolicyAlreadyExists`: when an earlier apply of this profile
/// recorded that it was creating a policy of this name (and died before it
/// could record the id), the policy is ours: adopt it, bring it to
/// `desired`, and return it. Otherwise `None`: the name belongs to someone
/// else.
pub(super) async fn adopt_own(
    ctx: &Ctx<'_>,
    desired: &CachePolicy,
    intent: &str,
) -> Result<Option<CachePolicyObserved>, ComponentError> {
    // The intent recorded by this very call does not count: only one from
    // an earlier, interrupted apply (journaled) does.
    if !ctx.had_before_run(intent) {
        return Ok(None);
    }
    adopt(ctx, desired, intent).await
}

/// Takes the policy named `desired.name` as this profile's own and brings it
/// to `desired`.
pub(super) async fn adopt(
    ctx: &Ctx<'_>,
    desired: &CachePolicy,
    intent: &str,
) -> Result<Option<CachePolicyObserved>, ComponentError> {
    let found = find_by_name(ctx, &desired.name)
        .await
        .map_err(|e| ComponentError::aws(loc(), "could not list cache policies", e))?;
    let Some(id) = found else { return Ok(None) };
    ctx.capture_once(&key(&id), Capture::Created { id: id.clone() });
    ctx.release(intent);
    let current = read(ctx, &id)
        .await
        .map_err(|e| ComponentError::aws(loc(), "could not read the cache policy", e))?;
    let Some(current) = current else {
        return Ok(None);
    };
    if in_sync(desired, &current) {
        return Ok(Some(current));
    }
    update(
        ctx,
        &id,
        current.etag.as_deref().unwrap_or_default(),
        desired,
    )
    .await
    .map_err(|e| ComponentError::aws(loc(), "could not update the cache policy", e))?;
    read(ctx, &id)
        .await
        .map_err(|e| ComponentError::aws(loc(), "could not read the cache policy back", e))
}

/// UpdateCachePolicy with the ETag as `If-Match`.
pub(super) async fn update(
    ctx: &Ctx<'_>,
    id: &str,
    etag: &str,
    desired: &CachePolicy,
) -> Result<(), AwsError> {
    let conf = config(desired).map_err(|e| AwsError::new(SERVICE, "UpdateCachePolicy", e))?;
    ctx.wrote();
    ctx.aws
        .cloudfront()
        .update_cache_policy()
        .id(id)
        .if_match(etag)
        .cache_policy_config(conf)
        .send()
        .await
        .map(|_| ())
        .map_err(crate::error::sdk(SERVICE, "UpdateCachePolicy"))
}
