//! Delete on destroy, refused while a distribution uses the policy.

use super::model::{in_use_error, key, loc, SERVICE};
use super::read::{read, users};
use crate::error::{AwsError, ComponentError};
use crate::run::{Ctx, Part};
use crate::state::CachePolicyObserved;

/// Delete the policy, unless a distribution still uses it.
pub(crate) async fn delete(ctx: &Ctx<'_>, id: &str) -> Part<CachePolicyObserved> {
    let in_use = |ids: &[String]| in_use_error(id, ids);
    match users(ctx, id).await {
        Ok(ids) if !ids.is_empty() => return Part::failed(None, in_use(&ids)),
        Ok(_) => {}
        Err(e) if e.is(&["NoSuchCachePolicy"]) => {
            ctx.release(&key(id));
            return Part::new(None);
        }
        // Some endpoints do not list by policy; the delete below still
        // refuses with CachePolicyInUse if the policy is attached.
        Err(e)
            if e.is(&[
                "NotImplemented",
                "InvalidAction",
                "UnknownOperationException",
            ]) => {}
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(
                    loc(),
                    "could not list the distributions using the cache policy",
                    e,
                ),
            )
        }
    }
    let current = match read(ctx, id).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            ctx.release(&key(id));
            return Part::new(None);
        }
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(loc(), "could not read the cache policy", e),
            )
        }
    };
    ctx.wrote();
    match ctx
        .aws
        .cloudfront()
        .delete_cache_policy()
        .id(id)
        .if_match(current.etag.clone().unwrap_or_default())
        .send()
        .await
    {
        Ok(_) => {
            ctx.release(&key(id));
            Part::new(None)
        }
        Err(e) => {
            let e = AwsError::from_sdk(SERVICE, "DeleteCachePolicy", e);
            if e.is(&["NoSuchCachePolicy"]) {
                ctx.release(&key(id));
                Part::new(None)
            } else if e.is(&["CachePolicyInUse"]) {
                // AWS's message does not name the distributions: list them
                // (a distribution may have taken the policy since the check).
                let error = match users(ctx, id).await {
                    Ok(ids) if !ids.is_empty() => in_use(&ids),
                    _ => ComponentError::aws(loc(), "cache policy still in use", e),
                };
                Part::failed(Some(current), error)
            } else {
                Part::failed(
                    Some(current),
                    ComponentError::aws(loc(), "could not delete the cache policy", e),
                )
            }
        }
    }
}
