//! The guard around reading and evaluating a configuration: a panic there
//! (a bug, in the validator or a library it calls) becomes an input error,
//! printed as one line with exit code 2, never a crash.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// Set while guarded code runs, so the binary's panic hook stays quiet
    /// (the guard reports the panic itself).
    pub static EVALUATING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`; a panic in it is returned as its message.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let outer = EVALUATING.with(|e| e.replace(true));
    let out = catch_unwind(AssertUnwindSafe(f));
    EVALUATING.with(|e| e.set(outer));
    out.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string())
    })
}
