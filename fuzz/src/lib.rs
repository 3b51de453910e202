//! Shared pieces of the fuzz targets: the types values are decoded against,
//! and the round-trip properties the codecs must keep.

use std::collections::BTreeMap;

use tfplugin::value::{json, msgpack};
use tfplugin::{Type, Value};

/// The types the codec targets decode against; the first input byte picks one.
pub fn types() -> Vec<Type> {
    vec![
        terraform_provider_smuppy::schema::resource_schema()
            .block
            .implied_type(),
        terraform_provider_smuppy::schema::provider_schema()
            .block
            .implied_type(),
        Type::Dynamic,
        nested_type(),
        Type::list(Type::Number),
        Type::set(Type::String),
        Type::map(Type::Bool),
        Type::Tuple(vec![Type::String, Type::Number, Type::Dynamic]),
    ]
}

/// An object using every kind of type, with an optional attribute.
pub fn nested_type() -> Type {
    let inner = Type::object([
        ("n", Type::Number),
        ("s", Type::String),
        ("tags", Type::set(Type::String)),
    ]);
    let mut attributes = BTreeMap::new();
    attributes.insert("flag".to_string(), Type::Bool);
    attributes.insert("items".to_string(), Type::list(inner));
    attributes.insert("weights".to_string(), Type::map(Type::Number));
    attributes.insert("any".to_string(), Type::Dynamic);
    attributes.insert(
        "pair".to_string(),
        Type::Tuple(vec![Type::String, Type::list(Type::Bool)]),
    );
    Type::Object {
        attributes,
        optional: vec!["any".to_string()],
    }
}

/// Splits the input into (chosen type, payload).
pub fn pick_type(data: &[u8]) -> Option<(Type, &[u8])> {
    let (&first, rest) = data.split_first()?;
    let all = types();
    let ty = all[first as usize % all.len()].clone();
    Some((ty, rest))
}

/// A value decoded from msgpack must encode again, and decode to itself.
pub fn msgpack_round_trip(v: &Value, ty: &Type) {
    let bytes = match msgpack::encode(v, ty) {
        Ok(b) => b,
        Err(e) => panic!("a decoded value does not encode again: {e}\nvalue: {v:?}\ntype: {ty}"),
    };
    match msgpack::decode(&bytes, ty) {
        Ok(again) => assert_eq!(&again, v, "msgpack round trip changed the value"),
        Err(e) => panic!("re-encoded msgpack does not decode: {e}\nvalue: {v:?}"),
    }
}

/// A value decoded from JSON must encode again, and decode to itself.
pub fn json_round_trip(v: &Value, ty: &Type) {
    let bytes = match json::encode(v, ty) {
        Ok(b) => b,
        Err(e) => panic!("a decoded value does not encode again: {e}\nvalue: {v:?}\ntype: {ty}"),
    };
    match json::decode(&bytes, ty) {
        Ok(again) => assert_eq!(&again, v, "JSON round trip changed the value"),
        Err(e) => panic!(
            "re-encoded JSON does not decode: {e}\nvalue: {v:?}\njson: {}",
            String::from_utf8_lossy(&bytes)
        ),
    }
}

/// Replaces some leaves of `v` by unknown values, as Terraform sends them
/// at plan time when a configuration refers to something not yet known.
/// `seed` 0 leaves the value alone.
pub fn sprinkle_unknowns(v: &mut Value, seed: u8) {
    fn walk(v: &mut Value, seed: u32, counter: &mut u32) {
        match v {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                for item in items {
                    walk(item, seed, counter);
                }
            }
            Value::Map(m) | Value::Object(m) => {
                for item in m.values_mut() {
                    walk(item, seed, counter);
                }
            }
            _ => {
                *counter += 1;
                if (counter.wrapping_mul(31).wrapping_add(seed)) % 7 == 0 {
                    *v = Value::unknown();
                }
            }
        }
    }
    if seed != 0 {
        let mut counter = 0;
        walk(v, u32::from(seed), &mut counter);
    }
}

/// smuppy-validate driven through its library entry point on a file.
pub mod validator {
    use std::path::PathBuf;
    use std::sync::OnceLock;

    use clap::Parser;
    use smuppy_validate::Cli;

    fn scratch() -> &'static tempfile::TempDir {
        static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
        DIR.get_or_init(|| match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => panic!("no scratch directory for the fuzz input: {e}"),
        })
    }

    /// Writes `content` to `file_name` in a scratch directory and runs the
    /// validator on it; `ctrl` picks the output format. Errors are fine;
    /// a panic is a finding.
    pub fn run_on(content: &[u8], file_name: &str, ctrl: u8) {
        // The validator evaluates HCL itself and guards that evaluation: a
        // panic there would be an exit-2 error for a user, and is a finding
        // here (libFuzzer's hook aborts before the guard catches it).
        let path: PathBuf = scratch().path().join(file_name);
        if let Err(e) = std::fs::write(&path, content) {
            panic!("cannot write the fuzz input to {}: {e}", path.display());
        }
        let format = match ctrl % 5 {
            0 => "text",
            1 => "json",
            2 => "sarif",
            3 => "junit",
            _ => "github",
        };
        // Parsed like a command line, so options added later keep their defaults.
        let args = [
            std::ffi::OsString::from("smuppy-validate"),
            path.into_os_string(),
            "--format".into(),
            format.into(),
        ];
        let cli = match Cli::try_parse_from(args) {
            Ok(cli) => cli,
            Err(e) => panic!("the fuzz harness's own command line is refused: {e}"),
        };
        let mut out = Vec::new();
        match smuppy_validate::run(&cli, None, &mut out) {
            Ok(code) => assert!(code == 0 || code == 1, "unexpected exit code {code}"),
            Err(e) => {
                let line = e.one_line();
                assert!(!line.contains('\n'), "one_line() has a newline: {line:?}");
            }
        }
    }
}
