//! Apply: read, capture the prior throttle once, patch what differs, read
//! back.

use super::calls::{read, update};
use super::model::{apply_patches, location, missing, not_applied, StageId, RATE_PATH};
use crate::error::ComponentError;
use crate::run::{Ctx, Part};
use crate::state::{Capture, StageObserved};
use scaling::model::names;
use scaling::StageThrottle;

/// Read for refresh. `None` when the stage is gone.
pub(crate) async fn refresh(ctx: &Ctx<'_>, desired: &StageThrottle) -> Part<StageObserved> {
    let Some(id) = StageId::of(desired) else {
        return Part::new(None);
    };
    match read(ctx, &id).await {
        Ok(o) => Part::new(o),
        Err(e) => Part::failed(
            None,
            ComponentError::aws(location(), "could not read the stage", e),
        ),
    }
}

/// Read, capture the prior throttle once, patch what differs, read back.
pub(crate) async fn apply(ctx: &Ctx<'_>, desired: &StageThrottle) -> Part<StageObserved> {
    let Some(id) = StageId::of(desired) else {
        return Part::failed(
            None,
            ComponentError::message(
                location(),
                "stage not known",
                "rest_api_id and stage_name must be known to apply the stage throttle",
            ),
        );
    };
    let before = match read(ctx, &id).await {
        Ok(Some(o)) => o,
        Ok(None) => return Part::failed(None, missing(desired)),
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(location(), "could not read the stage", e),
            )
        }
    };
    ctx.capture_once(
        &id.key(),
        Capture::Stage {
            had_entry: before.has_stage_wide_settings,
            rate_limit: before.rate_limit,
            burst_limit: before.burst_limit,
        },
    );
    let ops = apply_patches(desired, &before);
    if ops.is_empty() {
        return Part::new(Some(before));
    }
    let mut part = Part::new(Some(before));
    if let Err(e) = update(ctx, &id, &ops).await {
        part.errors.push(ComponentError::aws(
            location(),
            "could not set the stage throttle",
            e,
        ));
    }
    let wrote = part.errors.is_empty();
    match read(ctx, &id).await {
        Ok(Some(after)) => {
            let left = apply_patches(desired, &after);
            if wrote && !left.is_empty() {
                part.errors.push(ComponentError::message(
                    location().then(if left[0].path == RATE_PATH {
                        names::STAGE_RATE_LIMIT
                    } else {
                        names::STAGE_BURST_LIMIT
                    }),
                    "the stage throttle was not applied",
                    not_applied(&left, &after),
                ));
            }
            part.observed = Some(after);
        }
        Ok(None) => part.errors.push(missing(desired)),
        Err(e) => part.errors.push(ComponentError::aws(
            location(),
            "could not read the stage back",
            e,
        )),
    }
    part
}
