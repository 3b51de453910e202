//! Apply: create, adopt or update in place with the ETag, then the check
//! that the write took.

use super::model::{in_sync, loc, not_reached};
use super::read::read;
use super::write::{create, update};
use crate::error::ComponentError;
use crate::run::{Ctx, Part};
use crate::state::CachePolicyObserved;
use scaling::model::names;
use scaling::CachePolicy;

/// Create the policy, or bring the one with id `known_id` to `desired`.
pub(crate) async fn apply(
    ctx: &Ctx<'_>,
    desired: &CachePolicy,
    known_id: Option<&str>,
) -> Part<CachePolicyObserved> {
    let current = match known_id {
        Some(id) => match read(ctx, id).await {
            Ok(o) => o,
            Err(e) => {
                return Part::failed(
                    None,
                    ComponentError::aws(loc(), "could not read the cache policy", e),
                )
            }
        },
        None => None,
    };
    let Some(current) = current else {
        let created = match create(ctx, desired).await {
            Ok(o) => o,
            Err(e) => return Part::failed(None, e),
        };
        let mut part = Part::new(Some(created.clone()));
        read_back(ctx, desired, &created.id, &mut part).await;
        return part;
    };
    if in_sync(desired, &current) {
        return Part::new(Some(current));
    }
    let mut part = Part::new(Some(current.clone()));
    let mut etag = current.etag.clone().unwrap_or_default();
    for attempt in 0..2 {
        match update(ctx, &current.id, &etag, desired).await {
            Ok(()) => break,
            Err(e) if attempt == 0 && e.is(&["PreconditionFailed", "InvalidIfMatchVersion"]) => {
                // Someone changed it between our read and write: read the new ETag once.
                match read(ctx, &current.id).await {
                    Ok(Some(o)) => etag = o.etag.unwrap_or_default(),
                    _ => {
                        part.errors.push(ComponentError::aws(
                            loc(),
                            "could not update the cache policy",
                            e,
                        ));
                        break;
                    }
                }
            }
            Err(e) => {
                part.errors.push(ComponentError::aws(
                    loc(),
                    "could not update the cache policy",
                    e,
                ));
                break;
            }
        }
    }
    read_back(ctx, desired, &current.id, &mut part).await;
    part
}

/// The read that follows a write: what it shows goes to `part`, and a
/// setting it shows differing from `desired` (a write AWS acknowledged but
/// did not apply) is an error naming it, unless the write already failed.
pub(super) async fn read_back(
    ctx: &Ctx<'_>,
    desired: &CachePolicy,
    id: &str,
    part: &mut Part<CachePolicyObserved>,
) {
    match read(ctx, id).await {
        Ok(o) => {
            if part.errors.is_empty() {
                let left = match &o {
                    Some(after) => not_reached(desired, after),
                    None => vec![(
                        names::CACHE_POLICY_ID,
                        "no cache policy with this id".to_string(),
                    )],
                };
                part.errors.extend(ComponentError::not_applied(
                    &loc(),
                    "cache policy",
                    id,
                    left,
                ));
            }
            // A policy the read does not find keeps the id the write
            // reported, so state does not lose it.
            if o.is_some() {
                part.observed = o;
            }
        }
        Err(e) => part.errors.push(ComponentError::aws(
            loc(),
            "could not read the cache policy back",
            e,
        )),
    }
}
