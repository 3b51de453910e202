//! The JSON form of types (schemas, dynamic values): parse, print, parse again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfplugin::value::json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(ty) = json::type_from_json(text) {
        let printed = json::type_to_json(&ty);
        match json::type_from_json(&printed) {
            Ok(again) => assert_eq!(again, ty, "type JSON round trip changed {printed}"),
            Err(e) => panic!("printed type JSON {printed} does not parse: {e}"),
        }
    }
});
