//! Revert: the captured `*/*` entry put back, checked by reading back.

use super::calls::{read, update};
use super::model::{entry_already_gone, location, not_applied, revert_patches, StageId};
use crate::error::ComponentError;
use crate::run::{Ctx, Part};
use crate::state::{Capture, StageObserved};

/// Restore the captured `*/*` entry of stage `id`, check it by reading
/// back, and forget the capture. A stage that is gone has nothing to restore.
pub(crate) async fn revert(ctx: &Ctx<'_>, id: &StageId) -> Part<StageObserved> {
    let key = id.key();
    let Some(Capture::Stage {
        had_entry,
        rate_limit,
        burst_limit,
    }) = ctx.capture(&key)
    else {
        return Part::new(None);
    };
    let now = match read(ctx, id).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            ctx.release(&key);
            return Part::new(None);
        }
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(location(), "could not read the stage", e),
            )
        }
    };
    let ops = revert_patches(had_entry, rate_limit, burst_limit, &now);
    let mut part = Part::new(Some(now));
    if !ops.is_empty() {
        match update(ctx, id, &ops).await {
            Ok(()) => {}
            Err(e) if entry_already_gone(&e) => {}
            Err(e) => part.errors.push(ComponentError::aws(
                location(),
                "could not restore the stage throttle",
                e,
            )),
        }
        match read(ctx, id).await {
            Ok(Some(after)) => {
                let left = revert_patches(had_entry, rate_limit, burst_limit, &after);
                if part.errors.is_empty() && !left.is_empty() {
                    part.errors.push(ComponentError::message(
                        location(),
                        "the stage throttle was not restored",
                        not_applied(&left, &after),
                    ));
                }
                part.observed = Some(after);
            }
            Ok(None) => part.observed = None,
            Err(e) => part.errors.push(ComponentError::aws(
                location(),
                "could not read the stage back",
                e,
            )),
        }
    }
    if part.errors.is_empty() {
        ctx.release(&key);
    }
    part
}
