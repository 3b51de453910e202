//! CloudFront cache policy: created by the profile, updated in place with
//! the ETag as `If-Match`, deleted on destroy once no distribution uses it.
//!
//! Files: `model` (the policy as AWS will hold it, the request built from
//! it, the comparison after a write), `read`, `write` (create, with the intent
//! that lets a killed create be adopted, and update), `apply` and `delete`.

mod apply;
mod delete;
mod model;
mod read;
mod write;

pub(crate) use apply::apply;
pub(crate) use delete::delete;
pub use model::{
    config, expected, in_sync, in_use_error, key, not_reached, DEFAULT_DEFAULT_TTL, DEFAULT_MAX_TTL,
};
pub(crate) use read::refresh;
