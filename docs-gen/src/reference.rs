//! A schema's argument and attribute reference, as the registry shows it:
//! Required / Optional / Read-Only groups, then one "Nested Schema"
//! section per nested block, nested attribute and object-typed attribute,
//! depth first, each with an anchor the item links to.
//!
//! Nested attributes read "(Attributes)" for a single object and
//! "(Attributes List|Set|Map)" for collections; the section of a map says
//! that its objects are keyed by a name the user chooses.

use std::fmt::Write as _;

use tfplugin::{Attribute, Block, NestedBlock, Nesting, ObjectNesting, Type};

use crate::one_line;

/// Descriptions of the fields of object-typed attributes, keyed
/// `attribute.field`. The schema describes the attribute as a whole; the
/// reference lists each field. A test checks that every field has one.
pub const OBJECT_FIELD_DOCS: &[(&str, &str)] = &[
    (
        "capacity.origin_rps",
        "Requests per second that get past the CloudFront cache and reach API Gateway: `peak_rps × (1 − cache_hit_ratio)`.",
    ),
    (
        "capacity.required_concurrency",
        "Lambda concurrent executions needed at that rate: `origin_rps × latency` (Little's law).",
    ),
    (
        "capacity.max_sustainable_rps",
        "Highest edge rate the whole chain carries (stage and account throttle, Lambda concurrency, table capacity). Null when nothing bounds it.",
    ),
    (
        "capacity.bottleneck",
        "The link that sets `max_sustainable_rps`.",
    ),
    (
        "capacity.headroom",
        "`max_sustainable_rps ÷ peak_rps`: below 1 the target cannot be carried.",
    ),
];

/// The type of an attribute as the registry docs write it.
pub fn type_label(ty: &Type) -> String {
    match ty {
        Type::Bool => "Boolean".into(),
        Type::Number => "Number".into(),
        Type::String => "String".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(t) => format!("List of {}", type_label(t)),
        Type::Set(t) => format!("Set of {}", type_label(t)),
        Type::Map(t) => format!("Map of {}", type_label(t)),
        Type::Object { .. } => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

fn nesting_label(b: &NestedBlock) -> String {
    let kind = match b.nesting {
        Nesting::Single => "Block",
        Nesting::Group => "Block Group",
        Nesting::List => "Block List",
        Nesting::Set => "Block Set",
        Nesting::Map => "Block Map",
    };
    let mut bounds = Vec::new();
    if b.min_items > 0 {
        bounds.push(format!("Min: {}", b.min_items));
    }
    if b.max_items > 0 {
        bounds.push(format!("Max: {}", b.max_items));
    }
    if bounds.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}, {}", bounds.join(", "))
    }
}

/// The kind label of a nested attribute.
fn object_nesting_label(n: ObjectNesting) -> &'static str {
    match n {
        ObjectNesting::Single => "Attributes",
        ObjectNesting::List => "Attributes List",
        ObjectNesting::Set => "Attributes Set",
        ObjectNesting::Map => "Attributes Map",
    }
}

/// What the section of a nested attribute says before its attributes.
fn object_nesting_intro(n: ObjectNesting) -> Option<&'static str> {
    match n {
        ObjectNesting::Single => None,
        ObjectNesting::List => Some("A list of objects, each with these attributes."),
        ObjectNesting::Set => Some("A set of objects, each with these attributes."),
        ObjectNesting::Map => Some(
            "Map of objects keyed by a name you choose, each with these attributes. \
             Adding, removing or reordering one entry changes only that entry.",
        ),
    }
}

fn anchor(kind: &str, path: &[&str]) -> String {
    format!("{kind}--{}", path.join("--"))
}

/// What the parentheses after an attribute's name say: its type (or
/// nesting), then whether it is sensitive or deprecated.
fn attribute_flags(a: &Attribute) -> String {
    let mut flags = match &a.nested {
        Some(n) => object_nesting_label(n.nesting).to_string(),
        None => type_label(&a.ty),
    };
    if a.sensitive {
        flags.push_str(", Sensitive");
    }
    if a.deprecated {
        flags.push_str(", Deprecated");
    }
    flags
}

fn attribute_item(a: &Attribute, path: &[&str], nested: &mut Vec<Pending>) -> String {
    let flags = attribute_flags(a);
    let mut line = format!("- `{}` ({flags}) {}", a.name, one_line(&a.description))
        .trim_end()
        .to_string();
    let mut p: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    p.push(a.name.clone());
    let refs: Vec<&str> = p.iter().map(String::as_str).collect();
    if let Some(n) = &a.nested {
        let id = anchor("nestedatt", &refs);
        let _ = write!(line, " (see [below for nested schema](#{id}))");
        nested.push(Pending::Section {
            id,
            title: p.join("."),
            intro: object_nesting_intro(n.nesting),
            block: Block {
                attributes: n.attributes.clone(),
                ..Block::default()
            },
            path: p,
        });
    } else if let Type::Object { attributes, .. } = &a.ty {
        let id = anchor("nestedatt", &refs);
        let _ = write!(line, " (see [below for nested schema](#{id}))");
        nested.push(Pending::Object {
            id,
            title: p.join("."),
            key: a.name.clone(),
            fields: attributes
                .iter()
                .map(|(k, t)| (k.clone(), t.clone()))
                .collect(),
        });
    }
    line.trim_end().to_string()
}

/// A "Nested Schema" section still to be written.
enum Pending {
    /// A nested block or nested attribute: its own groups of items.
    Section {
        id: String,
        title: String,
        intro: Option<&'static str>,
        path: Vec<String>,
        block: Block,
    },
    /// An object-typed attribute: its fields, read-only.
    Object {
        id: String,
        title: String,
        key: String,
        fields: Vec<(String, Type)>,
    },
}

fn block_item(b: &NestedBlock, path: &[&str], nested: &mut Vec<Pending>) -> String {
    let mut p: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    p.push(b.type_name.clone());
    let refs: Vec<&str> = p.iter().map(String::as_str).collect();
    let id = anchor("nestedblock", &refs);
    let line = format!(
        "- `{}` ({}) {} (see [below for nested schema](#{id}))",
        b.type_name,
        nesting_label(b),
        one_line(&b.block.description)
    );
    nested.push(Pending::Section {
        id,
        title: p.join("."),
        intro: None,
        path: p,
        block: b.block.clone(),
    });
    line
}

/// The groups of a block: required, optional and read-only items.
fn groups(block: &Block, path: &[&str], nested: &mut Vec<Pending>) -> [Vec<String>; 3] {
    let mut required = Vec::new();
    let mut optional = Vec::new();
    let mut read_only = Vec::new();
    for a in &block.attributes {
        let item = attribute_item(a, path, nested);
        if a.required {
            required.push(item);
        } else if a.optional {
            optional.push(item);
        } else {
            read_only.push(item);
        }
    }
    for b in &block.blocks {
        let item = block_item(b, path, nested);
        if b.min_items > 0 {
            required.push(item);
        } else {
            optional.push(item);
        }
    }
    [required, optional, read_only]
}

fn object_field_doc(key: &str) -> Option<&'static str> {
    OBJECT_FIELD_DOCS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, d)| *d)
}

/// The "Schema" section of a block, with one "Nested Schema" section per
/// nested block, nested attribute and object attribute (depth first, in
/// declaration order).
pub fn schema_markdown(block: &Block) -> String {
    let mut out = String::from("## Schema\n");
    let mut nested = Vec::new();
    let titles = ["### Required", "### Optional", "### Read-Only"];
    for (title, items) in titles.iter().zip(groups(block, &[], &mut nested)) {
        if !items.is_empty() {
            let _ = write!(out, "\n{title}\n\n{}\n", items.join("\n"));
        }
    }
    // Depth first: a section's own nested sections follow it.
    nested.reverse();
    while let Some(p) = nested.pop() {
        match p {
            Pending::Section {
                id,
                title,
                intro,
                path,
                block,
            } => {
                let _ = write!(
                    out,
                    "\n<a id=\"{id}\"></a>\n### Nested Schema for `{title}`\n"
                );
                if let Some(intro) = intro {
                    let _ = write!(out, "\n{intro}\n");
                }
                let refs: Vec<&str> = path.iter().map(String::as_str).collect();
                let mut inner = Vec::new();
                let labels = ["Required:", "Optional:", "Read-Only:"];
                for (label, items) in labels.iter().zip(groups(&block, &refs, &mut inner)) {
                    if !items.is_empty() {
                        let _ = write!(out, "\n{label}\n\n{}\n", items.join("\n"));
                    }
                }
                inner.reverse();
                nested.extend(inner);
            }
            Pending::Object {
                id,
                title,
                key,
                fields,
            } => {
                let _ = write!(
                    out,
                    "\n<a id=\"{id}\"></a>\n### Nested Schema for `{title}`\n\nRead-Only:\n\n"
                );
                for (name, ty) in fields {
                    let doc = object_field_doc(&format!("{key}.{name}")).unwrap_or("");
                    let line = format!("- `{name}` ({}) {doc}", type_label(&ty));
                    let _ = writeln!(out, "{}", line.trim_end());
                }
            }
        }
    }
    out
}

/// Every `attribute.field` of an object-typed (not nested) attribute in
/// `block`, in nested blocks and nested attributes too.
pub fn object_fields(block: &Block) -> Vec<String> {
    let mut out = Vec::new();
    for a in &block.attributes {
        match (&a.nested, &a.ty) {
            (Some(n), _) => out.extend(object_fields(&Block {
                attributes: n.attributes.clone(),
                ..Block::default()
            })),
            (None, Type::Object { attributes, .. }) => {
                out.extend(attributes.keys().map(|k| format!("{}.{k}", a.name)));
            }
            _ => {}
        }
    }
    for b in &block.blocks {
        out.extend(object_fields(&b.block));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use terraform_provider_smuppy::schema::{provider_schema, resource_schema};

    #[test]
    fn groups_attributes_by_mode_and_links_nested_blocks() {
        let inner = Block::new("Inner block.")
            .attr(Attribute::required("x", Type::Number).describe("The x."));
        let block = Block::new("Top.")
            .attr(Attribute::required("name", Type::String).describe("The name."))
            .attr(Attribute::optional_computed("rate", Type::Number).describe("The rate."))
            .attr(Attribute::computed("id", Type::String).describe("The id."))
            .attr(
                Attribute::optional("tags", Type::list(Type::String))
                    .describe("Tags.\nOn two lines."),
            )
            .block(NestedBlock::new("inner", Nesting::List, inner).max_items(1));
        let md = schema_markdown(&block);
        let req = md.find("### Required").expect("required section");
        let opt = md.find("### Optional").expect("optional section");
        let ro = md.find("### Read-Only").expect("read-only section");
        assert!(req < opt && opt < ro, "{md}");
        assert!(md[req..opt].contains("- `name` (String) The name."));
        assert!(md[opt..ro].contains("- `rate` (Number) The rate."));
        assert!(md[opt..ro].contains("- `tags` (List of String) Tags. On two lines."));
        assert!(md[opt..ro].contains(
            "- `inner` (Block List, Max: 1) Inner block. (see [below for nested schema](#nestedblock--inner))"
        ));
        assert!(md[ro..].contains("- `id` (String) The id."));
        let nested = md
            .find("<a id=\"nestedblock--inner\"></a>\n### Nested Schema for `inner`")
            .expect("nested section");
        assert!(md[nested..].contains("Required:\n\n- `x` (Number) The x."));
    }

    #[test]
    fn deeper_blocks_get_path_anchors_after_their_parent() {
        let resource = resource_schema();
        let md = schema_markdown(&resource.block);
        let dynamodb = md
            .find("### Nested Schema for `dynamodb`")
            .expect("dynamodb");
        let autoscaling = md
            .find("<a id=\"nestedblock--dynamodb--autoscaling\"></a>")
            .expect("autoscaling");
        let read = md
            .find("<a id=\"nestedblock--dynamodb--autoscaling--read\"></a>")
            .expect("read");
        assert!(dynamodb < autoscaling && autoscaling < read);
        assert!(md.contains("### Nested Schema for `dynamodb.autoscaling.read`"));
        // Every link has its anchor.
        for part in md.split("(#").skip(1) {
            let id = &part[..part.find(')').expect("closing parenthesis")];
            assert!(
                md.contains(&format!("<a id=\"{id}\"></a>")),
                "no anchor {id}"
            );
        }
    }

    #[test]
    fn every_attribute_and_block_of_the_resource_is_documented() {
        fn walk(block: &Block, md: &str) {
            for a in &block.attributes {
                let needle = format!(
                    "- `{}` ({}) {}",
                    a.name,
                    attribute_flags(a),
                    one_line(&a.description)
                );
                assert!(md.contains(&needle), "missing {needle}");
            }
            for a in &block.attributes {
                if let Some(n) = &a.nested {
                    let inner = Block {
                        attributes: n.attributes.clone(),
                        ..Block::default()
                    };
                    walk(&inner, md);
                }
            }
            for b in &block.blocks {
                assert!(md.contains(&format!("- `{}` (", b.type_name)));
                walk(&b.block, md);
            }
        }
        let r = resource_schema();
        walk(&r.block, &schema_markdown(&r.block));
        let p = provider_schema();
        walk(&p.block, &schema_markdown(&p.block));
    }

    #[test]
    fn every_object_field_has_a_description() {
        for key in object_fields(&resource_schema().block) {
            assert!(
                object_field_doc(&key).is_some(),
                "{key} has no entry in OBJECT_FIELD_DOCS"
            );
        }
        let md = schema_markdown(&resource_schema().block);
        assert!(md.contains("<a id=\"nestedatt--capacity\"></a>"));
        assert!(md.contains("- `bottleneck` (String) The link that sets"));
    }

    #[test]
    fn nested_attributes_get_sections_and_say_how_they_repeat() {
        let inner = || {
            vec![
                Attribute::required("function_name", Type::String).describe("The function."),
                Attribute::computed("status", Type::String).describe("Its status."),
            ]
        };
        let block = Block::new("Top.")
            .attr(Attribute::nested_single("cache_policy", inner()).describe("One policy."))
            .attr(
                Attribute::nested_map(
                    "lambda_pools",
                    vec![
                        Attribute::required("memory_size", Type::Number).describe("MB."),
                        Attribute::nested_single("autoscaling", inner()).describe("Auto scaling."),
                    ],
                )
                .describe("Pools."),
            )
            .attr(Attribute::computed_nested(
                "history",
                ObjectNesting::List,
                inner(),
            ))
            .attr(Attribute::nested_set("tags", inner()).sensitive());
        let md = schema_markdown(&block);
        assert!(
            md.contains(
                "- `cache_policy` (Attributes) One policy. \
                 (see [below for nested schema](#nestedatt--cache_policy))"
            ),
            "{md}"
        );
        assert!(md.contains("- `lambda_pools` (Attributes Map) Pools. (see"));
        assert!(md.contains("- `history` (Attributes List) (see"));
        assert!(md.contains("- `tags` (Attributes Set, Sensitive) (see"));
        // The single object: a section like a block's, grouped by mode.
        let single = md
            .find("<a id=\"nestedatt--cache_policy\"></a>\n### Nested Schema for `cache_policy`\n\nRequired:")
            .expect("single section");
        assert!(md[single..].contains("Read-Only:\n\n- `status` (String) Its status."));
        // The map says it is keyed by a name the user chooses, and its
        // nested attribute gets a section below it, with a path anchor.
        let map = md
            .find(
                "### Nested Schema for `lambda_pools`\n\nMap of objects keyed by a name you choose",
            )
            .expect("map section");
        let deep = md
            .find("<a id=\"nestedatt--lambda_pools--autoscaling\"></a>\n### Nested Schema for `lambda_pools.autoscaling`")
            .expect("nested in nested");
        assert!(single < map && map < deep, "{md}");
        assert!(md.contains("### Nested Schema for `history`\n\nA list of objects"));
        assert!(md.contains("### Nested Schema for `tags`\n\nA set of objects"));
        for part in md.split("(#").skip(1) {
            let id = &part[..part.find(')').expect("closing parenthesis")];
            assert!(
                md.contains(&format!("<a id=\"{id}\"></a>")),
                "no anchor {id}"
            );
        }
    }
}
