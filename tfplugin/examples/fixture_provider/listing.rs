//! `fixture_nested` as a list resource: config `prefix` (required) and
//! `count` (optional, 2 when not given) → the things `PREFIX-1` …
//! `PREFIX-COUNT`, each with the identity and the object an import of it
//! yields. An empty prefix is a validation error on `prefix`; listing the
//! prefix `partial` finds one thing, then fails; `boom` panics.

use tfplugin::{
    Attribute, AttributePath, Block, Diagnostics, ListResource, Listed, Schema, Type, Value,
};

use crate::nested::{imported, REGION};

pub struct Listing;

#[async_trait::async_trait]
impl ListResource for Listing {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::new("Finds things by name prefix.")
                .attr(Attribute::required("prefix", Type::String).describe("Their prefix."))
                .attr(Attribute::optional("count", Type::Number).describe("How many.")),
        }
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if config.get("prefix").and_then(Value::as_str) == Some("") {
            diags.attribute_error(AttributePath::attr("prefix"), "Empty prefix", "Give one.");
        }
    }

    async fn list(
        &self,
        config: Value,
        include_object: bool,
        _limit: i64,
        diags: &mut Diagnostics,
    ) -> Vec<Listed> {
        let prefix = config
            .get("prefix")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let count = config
            .get("count")
            .and_then(Value::as_number)
            .map_or(2, |n| n.as_f64() as usize);
        if prefix == "boom" {
            panic!("listing of boom");
        }
        let (count, fail) = if prefix == "partial" {
            (1, true)
        } else {
            (count, false)
        };
        let mut out = Vec::new();
        for i in 1..=count {
            let name = format!("{prefix}-{i}");
            let found = imported(&name, REGION, None).remove(0);
            out.push(Listed {
                identity: found.identity.expect("an identity"),
                display_name: format!("thing {name}"),
                object: include_object.then_some(found.state),
            });
        }
        if fail {
            diags.attribute_error(
                AttributePath::attr("prefix"),
                "Listing failed",
                "The listing stopped after the first thing.",
            );
        }
        out
    }
}
