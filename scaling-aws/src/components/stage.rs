//! API Gateway REST stage throttle: the stage-wide (`*/*`) method setting.
//!
//! A REST stage has no top-level throttle; the stage-wide throttle is the
//! `*/*` method setting, patched at `/*/*/throttling/rateLimit` and
//! `/*/*/throttling/burstLimit` (values sent as strings).
//!
//! Reverting follows what the API reference documents for method settings:
//! the fields of an entry are set with `replace`, and an entry is deleted
//! whole with `remove` of its key path (`/*/*`); a field-level `remove` is
//! not among the documented operations. So a stage that had no `*/*` entry
//! gets the entry removed (AWS's "no method setting" answer means it is
//! already gone), unless someone else has since turned on logging, metrics,
//! data trace or caching in it: then its throttle is set to -1 (no
//! method-level throttle, what AWS reports for an entry never throttled) and
//! their settings stay. A stage that had an entry gets its prior values
//! back, -1 where it had none. Every write is checked by the read that
//! follows it: a write AWS acknowledged but did not apply is an error naming
//! the setting.
//!
//! Files: `model` (the stage's identity, the patches and how AWS's answers
//! read), `calls` (GetStage with its raw body, UpdateStage), `apply` and
//! `revert`.

mod apply;
mod calls;
mod model;
mod revert;

pub(crate) use apply::{apply, refresh};
pub use model::{
    apply_patches, format_rate, not_applied, revert_patches, throttle_from_body, Patch, StageId,
    StageWide, BURST_PATH, ENTRY_PATH, RATE_PATH, STAGE_WIDE, UNTHROTTLED,
};
pub(crate) use revert::revert;
