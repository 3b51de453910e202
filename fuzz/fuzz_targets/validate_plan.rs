//! smuppy-validate on a `terraform show -json` plan file: load, rules and
//! printer through the library's public entry point. Input: byte 0 picks
//! the output format; the rest is the file's content.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&ctrl, payload)) = data.split_first() else {
        return;
    };
    smuppy_fuzz::validator::run_on(payload, "plan.json", ctrl);
});
