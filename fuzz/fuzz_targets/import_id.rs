//! The import ID parser (`terraform import` / `import {}` blocks): any string
//! gives an ImportId or an error message naming the expected format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use terraform_provider_smuppy::resource::{import, import_id};
use tfplugin::Diagnostics;

fuzz_target!(|data: &[u8]| {
    let Ok(id) = std::str::from_utf8(data) else {
        return;
    };
    match import_id::parse(id) {
        Ok(parsed) => assert!(
            !parsed.name.is_empty(),
            "an import ID parsed without a name"
        ),
        Err(message) => assert!(
            message.contains(import_id::FORMAT),
            "parse error does not show the format: {message}"
        ),
    }
    let mut diags = Diagnostics::new();
    let _ = import::import(id, &mut diags);
});
