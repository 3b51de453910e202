//! Runs the real `smuppy-validate` binary: the profile corpus, golden
//! outputs of the runbook, and unusable inputs.

mod accept;
mod aws;
mod bounds;
mod corpus;
mod errors;
mod formats;
mod golden;
mod util;
