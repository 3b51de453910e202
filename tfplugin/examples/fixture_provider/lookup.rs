//! `fixture_lookup`, a data source: `name` (required) → `greeting` and
//! `length` (computed). An empty name is a validation error on `name`;
//! reading the name `missing` is an error on `name`; `boom` panics.

use tfplugin::{Attribute, AttributePath, Block, DataSource, Diagnostics, Schema, Type, Value};

pub struct Lookup;

#[async_trait::async_trait]
impl DataSource for Lookup {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::new("Looks a name up.")
                .attr(Attribute::required("name", Type::String).describe("The name."))
                .attr(Attribute::computed("greeting", Type::String))
                .attr(Attribute::computed("length", Type::Number)),
        }
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if config.get("name").and_then(Value::as_str) == Some("") {
            diags.attribute_error(AttributePath::attr("name"), "Empty name", "Give a name.");
        }
    }

    async fn read(&self, config: Value, diags: &mut Diagnostics) -> Value {
        let name = config
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match name.as_str() {
            "missing" => {
                diags.attribute_error(
                    AttributePath::attr("name"),
                    "Not found",
                    "There is nothing called missing.",
                );
                return Value::Null;
            }
            "boom" => panic!("lookup of boom"),
            _ => {}
        }
        let mut out = config;
        if let Value::Object(m) = &mut out {
            m.insert("greeting".into(), Value::string(format!("hello {name}")));
            // `length` left out: the server fills it in as null.
            if name.len() > 1 {
                m.insert("length".into(), Value::int(name.len() as i64));
            }
        }
        out
    }
}
