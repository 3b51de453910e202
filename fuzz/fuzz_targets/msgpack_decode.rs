//! Terraform's msgpack DynamicValue decoder against fixed types (the
//! provider's resource and provider schemas, dynamic, nested collections).
//! Any input must give a value or a CodecError; a value must round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfplugin::value::msgpack;

fuzz_target!(|data: &[u8]| {
    let Some((ty, payload)) = smuppy_fuzz::pick_type(data) else {
        return;
    };
    if let Ok(v) = msgpack::decode(payload, &ty) {
        smuppy_fuzz::msgpack_round_trip(&v, &ty);
        // Conforming a decoded value to its own type must not fail.
        if let Err(e) = v.conform(&ty) {
            panic!("a decoded value does not conform to its type: {e}");
        }
    }
});
