//! The JSON value decoder (raw state, DynamicValue.json) against fixed types.
//! Any input must give a value or a CodecError; a value must round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfplugin::value::json;

fuzz_target!(|data: &[u8]| {
    let Some((ty, payload)) = smuppy_fuzz::pick_type(data) else {
        return;
    };
    if let Ok(v) = json::decode(payload, &ty) {
        smuppy_fuzz::json_round_trip(&v, &ty);
    }
});
