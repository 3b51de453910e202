//! DynamoDB tables: billing mode, provisioned throughput and Application
//! Auto Scaling of read/write capacity, owned together so a switch of mode
//! and its scaling never fight.
//!
//! Switching to PAY_PER_REQUEST deregisters the table's scalable targets
//! first: through the API, AWS keeps auto-scaling settings across a switch
//! to on-demand and brings them back into force on the way back.
//!
//! Files: `shared` (keys, names, dimensions), `decide` (the pure choice of
//! calls), `read`, `write` (each AWS write and the waits after it), `apply`
//! and `revert`.

mod apply;
mod decide;
mod read;
mod revert;
mod shared;
mod write;

pub(crate) use apply::apply;
pub use decide::{not_reached, policy_matches, provisioned_units, table_change, TableChange};
pub(crate) use read::refresh;
pub(crate) use revert::revert;
pub use shared::{policy_name, scalable_key, table_key, Dim};
