//! Lambda pools: memory and timeout of `$LATEST`, publishing a version and
//! moving the alias, reserved concurrency, and provisioned concurrency on a
//! qualifier.
//!
//! Order on apply (each step only when something differs): memory/timeout
//! and wait for the update to settle; publish a version and move the alias
//! (`publish_on_change`); reserved concurrency; provisioned concurrency and
//! wait for READY. Revert runs the other way round.
//!
//! Files: `shared` (keys, locations, AWS error codes), `read`, `write`
//! (each AWS write and the waits that follow it), `apply` (what to change
//! and in which order) and `revert`.

mod apply;
mod read;
mod revert;
mod shared;
mod write;

pub(crate) use apply::apply;
pub use apply::not_reached;
pub(crate) use read::refresh;
pub(crate) use revert::{revert_function, revert_qualifier};
pub use shared::{failed_message, function_key, is_version, qualifier_key, target, Target};
