//! Registry-style documentation rendered from the schemas and the module
//! sources: `docs/index.md`, `docs/resources/scaling_profile.md`, one page
//! per function under `docs/functions/` (rendered by
//! [`crate::docs_functions`]) and the Inputs/Outputs tables of the
//! scaling-profile module's README.
//!
//! The rendering functions are pure (strings in, strings out). [`generate`]
//! reads the hand-written templates under `docs/templates/`, the examples they
//! embed and the module's `variables.tf`/`outputs.tf`, and returns every
//! generated file; [`stale`] compares them with what is on disk. The
//! `smuppy-docs` binary writes them (or, with `--check`, lists stale ones).
//!
//! Template placeholders (one per line or inline):
//! - `{{ description }}`: the schema block's description;
//! - `{{ schema }}`: the argument and attribute reference;
//! - `{{ tffile "PATH" }}`: the file at PATH (from the repository root) in a
//!   fenced `terraform` block;
//! - `{{ codefile "LANG" "PATH" }}`: the same with another fence language.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tfplugin::{Attribute, Block, NestedBlock, Nesting, Schema, Type};

use crate::schema::{provider_schema, resource_schema};

/// How to regenerate the docs; stale-docs messages print it.
pub const GENERATOR_COMMAND: &str = "cargo run -p terraform-provider-smuppy --bin smuppy-docs";

/// The module whose README tables are generated.
pub const MODULE_DIR: &str = "terraform/modules/scaling-profile";

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

/// Why the docs could not be generated or checked.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

fn invalid(path: &str, message: impl Into<String>) -> DocsError {
    DocsError::Invalid {
        path: path.to_string(),
        message: message.into(),
    }
}

/// One generated file, its path relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub content: String,
}

// ---------------------------------------------------------------------------
// Schema reference
// ---------------------------------------------------------------------------

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

fn anchor(kind: &str, path: &[&str]) -> String {
    format!("{kind}--{}", path.join("--"))
}

/// Collapses a (possibly multi-line) description onto one list item line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the parentheses after an attribute's name say: its type, then
/// whether it is sensitive or deprecated.
fn attribute_flags(a: &Attribute) -> String {
    let mut flags = type_label(&a.ty);
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
    let mut line = format!("- `{}` ({flags}) {}", a.name, one_line(&a.description));
    if let Type::Object { attributes, .. } = &a.ty {
        let mut p = path.to_vec();
        p.push(&a.name);
        let id = anchor("nestedatt", &p);
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

enum Pending {
    Block {
        id: String,
        title: String,
        path: Vec<String>,
        block: Block,
    },
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
    nested.push(Pending::Block {
        id,
        title: p.join("."),
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
/// nested block and object attribute (depth first, in declaration order).
pub fn schema_markdown(block: &Block) -> String {
    let mut out = String::from("## Schema\n");
    let mut nested = Vec::new();
    let titles = ["### Required", "### Optional", "### Read-Only"];
    for (title, items) in titles.iter().zip(groups(block, &[], &mut nested)) {
        if !items.is_empty() {
            let _ = write!(out, "\n{title}\n\n{}\n", items.join("\n"));
        }
    }
    // Depth first: a nested block's own nested sections follow it.
    nested.reverse();
    while let Some(p) = nested.pop() {
        match p {
            Pending::Block {
                id,
                title,
                path,
                block,
            } => {
                let _ = write!(
                    out,
                    "\n<a id=\"{id}\"></a>\n### Nested Schema for `{title}`\n"
                );
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

/// Every `attribute.field` of an object-typed attribute in `block` (recursively).
pub fn object_fields(block: &Block) -> Vec<String> {
    let mut out = Vec::new();
    for a in &block.attributes {
        if let Type::Object { attributes, .. } = &a.ty {
            out.extend(attributes.keys().map(|k| format!("{}.{k}", a.name)));
        }
    }
    for b in &block.blocks {
        out.extend(object_fields(&b.block));
    }
    out
}

// ---------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------

/// Renders a template. `read` returns a file's text by its path relative to
/// the repository root.
pub fn render_template(
    template_path: &str,
    template: &str,
    schema: &Schema,
    read: &dyn Fn(&str) -> Result<String, DocsError>,
) -> Result<String, DocsError> {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(invalid(template_path, "unclosed \"{{\""));
        };
        let directive = after[..end].trim();
        out.push_str(&expand(template_path, directive, schema, read)?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The quoted arguments of a directive: `codefile "shell" "a/b.sh"`.
fn quoted_args(template_path: &str, s: &str) -> Result<Vec<String>, DocsError> {
    let mut args = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let Some(body) = rest.strip_prefix('"') else {
            return Err(invalid(
                template_path,
                format!("expected a quoted argument in {s:?}"),
            ));
        };
        let Some(close) = body.find('"') else {
            return Err(invalid(template_path, format!("unclosed quote in {s:?}")));
        };
        args.push(body[..close].to_string());
        rest = body[close + 1..].trim_start();
    }
    Ok(args)
}

fn fenced(lang: &str, text: &str) -> String {
    format!("```{lang}\n{}\n```", text.trim_end())
}

fn expand(
    template_path: &str,
    directive: &str,
    schema: &Schema,
    read: &dyn Fn(&str) -> Result<String, DocsError>,
) -> Result<String, DocsError> {
    let (name, args) = directive
        .split_once(char::is_whitespace)
        .unwrap_or((directive, ""));
    match (name, quoted_args(template_path, args)?.as_slice()) {
        ("description", []) => Ok(schema.block.description.trim().to_string()),
        ("schema", []) => Ok(schema_markdown(&schema.block).trim_end().to_string()),
        ("tffile", [path]) => Ok(fenced("terraform", &read(path)?)),
        ("codefile", [lang, path]) => Ok(fenced(lang, &read(path)?)),
        _ => Err(invalid(
            template_path,
            format!("unknown placeholder {{{{ {directive} }}}}"),
        )),
    }
}

// ---------------------------------------------------------------------------
// Module README tables
// ---------------------------------------------------------------------------

/// One `variable` block of a module.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleVariable {
    pub name: String,
    pub type_text: String,
    pub default: Option<String>,
    pub description: String,
}

impl ModuleVariable {
    pub fn required(&self) -> bool {
        self.default.is_none()
    }
}

/// One `output` block of a module.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleOutput {
    pub name: String,
    pub description: String,
}

/// An HCL expression on one line, in Terraform's notation:
/// `list(object({ a = string, b = optional(number, 1) }))`.
pub fn expr_text(expr: &hcl::Expression) -> String {
    use hcl::Expression as E;
    match expr {
        E::Null => "null".into(),
        E::Bool(b) => b.to_string(),
        E::Number(n) => n.to_string(),
        E::String(s) => format!("{s:?}"),
        E::Variable(v) => v.to_string(),
        E::Array(items) => format!(
            "[{}]",
            items.iter().map(expr_text).collect::<Vec<_>>().join(", ")
        ),
        E::Object(obj) => {
            if obj.is_empty() {
                return "{}".into();
            }
            let fields: Vec<String> = obj
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        hcl::ObjectKey::Identifier(id) => id.to_string(),
                        hcl::ObjectKey::Expression(e) => expr_text(e),
                        other => one_line(&format!("{other:?}")),
                    };
                    format!("{key} = {}", expr_text(v))
                })
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        E::FuncCall(call) => format!(
            "{}({})",
            call.name,
            call.args
                .iter()
                .map(expr_text)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => match hcl::format::to_string(other) {
            Ok(s) => one_line(&s),
            Err(_) => one_line(&format!("{other:?}")),
        },
    }
}

fn string_attr(file: &str, block: &hcl::Block, key: &str) -> Result<Option<String>, DocsError> {
    match block.body().attributes().find(|a| a.key() == key) {
        None => Ok(None),
        Some(a) => match a.expr() {
            hcl::Expression::String(s) => Ok(Some(s.clone())),
            hcl::Expression::TemplateExpr(t) => Ok(Some(t.to_string())),
            _ => Err(invalid(
                file,
                format!(
                    "{} {:?}: {key} must be a string literal",
                    block.identifier(),
                    label(block)
                ),
            )),
        },
    }
}

fn label(block: &hcl::Block) -> String {
    block
        .labels()
        .first()
        .map(|l| l.as_str().to_string())
        .unwrap_or_default()
}

fn labelled<'a>(
    file: &str,
    body: &'a hcl::Body,
    kind: &str,
) -> Result<Vec<(String, &'a hcl::Block)>, DocsError> {
    let mut out = Vec::new();
    for b in body.blocks().filter(|b| b.identifier() == kind) {
        let name = label(b);
        if name.is_empty() {
            return Err(invalid(file, format!("a {kind} block has no name")));
        }
        out.push((name, b));
    }
    Ok(out)
}

fn parse_hcl(file: &str, src: &str) -> Result<hcl::Body, DocsError> {
    hcl::parse(src).map_err(|e| invalid(file, format!("not valid HCL: {e}")))
}

/// The `variable` blocks of a `variables.tf`, in declaration order.
pub fn parse_variables(file: &str, src: &str) -> Result<Vec<ModuleVariable>, DocsError> {
    let body = parse_hcl(file, src)?;
    labelled(file, &body, "variable")?
        .into_iter()
        .map(|(name, b)| {
            let attr = |k: &str| b.body().attributes().find(|a| a.key() == k);
            let description = string_attr(file, b, "description")?
                .ok_or_else(|| invalid(file, format!("variable {name:?} has no description")))?;
            Ok(ModuleVariable {
                type_text: attr("type")
                    .map(|a| expr_text(a.expr()))
                    .unwrap_or_else(|| "any".into()),
                default: attr("default").map(|a| expr_text(a.expr())),
                description,
                name,
            })
        })
        .collect()
}

/// The `output` blocks of an `outputs.tf`, in declaration order.
pub fn parse_outputs(file: &str, src: &str) -> Result<Vec<ModuleOutput>, DocsError> {
    let body = parse_hcl(file, src)?;
    labelled(file, &body, "output")?
        .into_iter()
        .map(|(name, b)| {
            let description = string_attr(file, b, "description")?
                .ok_or_else(|| invalid(file, format!("output {name:?} has no description")))?;
            Ok(ModuleOutput { name, description })
        })
        .collect()
}

/// Text for a markdown table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

fn code_cell(text: &str) -> String {
    format!("`{}`", cell(text))
}

/// The Inputs table: name, description, type, default, required.
pub fn inputs_table(vars: &[ModuleVariable]) -> String {
    let mut out = String::from(
        "| Name | Description | Type | Default | Required |\n|------|-------------|------|---------|:--------:|\n",
    );
    for v in vars {
        let _ = writeln!(
            out,
            "| <a name=\"input_{n}\"></a> [{n}](#input_{n}) | {} | {} | {} | {} |",
            cell(&v.description),
            code_cell(&v.type_text),
            v.default
                .as_deref()
                .map(code_cell)
                .unwrap_or_else(|| "n/a".into()),
            if v.required() { "yes" } else { "no" },
            n = v.name,
        );
    }
    out
}

/// The Outputs table: name, description.
pub fn outputs_table(outputs: &[ModuleOutput]) -> String {
    let mut out = String::from("| Name | Description |\n|------|-------------|\n");
    for o in outputs {
        let _ = writeln!(
            out,
            "| <a name=\"output_{n}\"></a> [{n}](#output_{n}) | {} |",
            cell(&o.description),
            n = o.name,
        );
    }
    out
}

/// The marker comments around a generated section of a hand-written file.
pub fn markers(section: &str) -> (String, String) {
    (
        format!("<!-- BEGIN GENERATED: {section} (smuppy-docs) -->"),
        format!("<!-- END GENERATED: {section} -->"),
    )
}

/// Replaces what lies between the markers of `section` with `content`.
pub fn replace_section(
    file: &str,
    doc: &str,
    section: &str,
    content: &str,
) -> Result<String, DocsError> {
    let (begin, end) = markers(section);
    let missing = |m: &str| invalid(file, format!("missing marker line {m}"));
    let b = doc.find(&begin).ok_or_else(|| missing(&begin))?;
    if doc[b + begin.len()..].contains(&begin) {
        return Err(invalid(file, format!("marker {begin} appears twice")));
    }
    let after_begin = b + begin.len();
    let e = doc[after_begin..]
        .find(&end)
        .map(|i| i + after_begin)
        .ok_or_else(|| missing(&end))?;
    Ok(format!(
        "{}\n{}\n{}",
        &doc[..after_begin],
        content.trim_end(),
        &doc[e..]
    ))
}

// ---------------------------------------------------------------------------
// The whole set
// ---------------------------------------------------------------------------

/// Templates and the files they generate (relative to the repository root).
pub const PAGES: &[(&str, &str, Page)] = &[
    (
        "docs/templates/index.md.tmpl",
        "docs/index.md",
        Page::Provider,
    ),
    (
        "docs/templates/resources/scaling_profile.md.tmpl",
        "docs/resources/scaling_profile.md",
        Page::Resource,
    ),
];

/// Which schema a page documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Provider,
    Resource,
}

fn read_under(root: &Path, rel: &str) -> Result<String, DocsError> {
    let path = root.join(rel);
    std::fs::read_to_string(&path).map_err(|source| DocsError::Read { path, source })
}

/// Renders every generated file from the sources under `root`.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, DocsError> {
    let read = |rel: &str| read_under(root, rel);
    let mut files = Vec::new();
    for (template, target, page) in PAGES {
        let schema = match page {
            Page::Provider => provider_schema(),
            Page::Resource => resource_schema(),
        };
        let text = read(template)?;
        files.push(GeneratedFile {
            path: PathBuf::from(target),
            content: render_template(template, &text, &schema, &read)?,
        });
    }

    files.extend(crate::docs_functions::pages(&read)?);

    let vars_path = format!("{MODULE_DIR}/variables.tf");
    let outs_path = format!("{MODULE_DIR}/outputs.tf");
    let readme_path = format!("{MODULE_DIR}/README.md");
    let vars = parse_variables(&vars_path, &read(&vars_path)?)?;
    let outs = parse_outputs(&outs_path, &read(&outs_path)?)?;
    let readme = read(&readme_path)?;
    let readme = replace_section(&readme_path, &readme, "inputs", &inputs_table(&vars))?;
    let readme = replace_section(&readme_path, &readme, "outputs", &outputs_table(&outs))?;
    files.push(GeneratedFile {
        path: PathBuf::from(readme_path),
        content: readme,
    });
    Ok(files)
}

/// The generated files whose content on disk differs (or which are missing).
pub fn stale(root: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(root.join(&f.path))
                .map(|on_disk| on_disk != f.content)
                .unwrap_or(true)
        })
        .map(|f| f.path.clone())
        .collect()
}

/// Writes the files that changed; returns their paths.
pub fn write(root: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, DocsError> {
    let changed = stale(root, files);
    for f in files.iter().filter(|f| changed.contains(&f.path)) {
        let path = root.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| DocsError::Write {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, &f.content).map_err(|source| DocsError::Write { path, source })?;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_files(p: &str) -> Result<String, DocsError> {
        Err(invalid(p, "no files in this test"))
    }

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
    fn templates_expand_placeholders_and_reject_unknown_ones() {
        let schema = Schema {
            version: 0,
            block: Block::new("The description.")
                .attr(Attribute::required("a", Type::Bool).describe("A flag.")),
        };
        let read = |p: &str| -> Result<String, DocsError> {
            if p == "ex/a.tf" {
                Ok("resource \"x\" \"y\" {}\n\n".into())
            } else {
                no_files(p)
            }
        };
        let out = render_template(
            "t",
            "# T\n{{ description }}\n{{schema}}\n{{ tffile \"ex/a.tf\" }}\n{{ codefile \"shell\" \"ex/a.tf\" }}\n",
            &schema,
            &read,
        )
        .expect("renders");
        assert!(out.starts_with("# T\nThe description.\n## Schema\n"));
        assert!(out.contains("- `a` (Boolean) A flag."));
        assert!(out.contains("```terraform\nresource \"x\" \"y\" {}\n```"));
        assert!(out.contains("```shell\nresource"));

        for bad in [
            "{{ bogus }}",
            "{{ tffile }}",
            "{{ tffile \"missing.tf\" }}",
            "{{ schema",
            "{{ tffile ex/a.tf }}",
        ] {
            assert!(render_template("t", bad, &schema, &read).is_err(), "{bad}");
        }
    }

    const VARS: &str = r#"
variable "name" {
  description = "The name | with a pipe."
  type        = string
}

variable "pools" {
  description = "Pools."
  type = list(object({
    function_name     = string
    publish_on_change = optional(bool, false)
  }))
  default = []
}

variable "api" {
  description = "API."
  type        = object({ id = string })
  default     = null
}
"#;

    #[test]
    fn variables_become_an_inputs_table() {
        let vars = parse_variables("variables.tf", VARS).expect("parses");
        assert_eq!(vars.len(), 3);
        assert_eq!(vars[0].name, "name");
        assert!(vars[0].required());
        assert_eq!(
            vars[1].type_text,
            "list(object({ function_name = string, publish_on_change = optional(bool, false) }))"
        );
        assert_eq!(vars[1].default.as_deref(), Some("[]"));
        assert_eq!(vars[2].default.as_deref(), Some("null"));
        assert!(!vars[2].required());
        let table = inputs_table(&vars);
        assert!(table.contains(
            "| <a name=\"input_name\"></a> [name](#input_name) | The name \\| with a pipe. | `string` | n/a | yes |"
        ));
        assert!(table.contains("| `[]` | no |"));
    }

    #[test]
    fn undocumented_or_broken_sources_are_errors() {
        assert!(parse_variables("v.tf", "variable \"x\" { type = string }").is_err());
        assert!(parse_variables("v.tf", "variable \"x\" {").is_err());
        assert!(parse_outputs("o.tf", "output \"x\" { value = 1 }").is_err());
        let outs = parse_outputs(
            "o.tf",
            "output \"x\" {\n description = \"The x.\"\n value = 1\n}\n",
        )
        .expect("parses");
        assert_eq!(
            outs,
            vec![ModuleOutput {
                name: "x".into(),
                description: "The x.".into()
            }]
        );
        assert!(outputs_table(&outs).contains("[x](#output_x) | The x. |"));
    }

    #[test]
    fn sections_are_replaced_between_markers_only() {
        let (b, e) = markers("inputs");
        let doc = format!("# M\nintro\n{b}\nold\n{e}\ntail\n");
        let out = replace_section("README.md", &doc, "inputs", "new table\n").expect("replaces");
        assert_eq!(out, format!("# M\nintro\n{b}\nnew table\n{e}\ntail\n"));
        // Idempotent.
        let again = replace_section("README.md", &out, "inputs", "new table\n").expect("again");
        assert_eq!(again, out);
        assert!(replace_section("README.md", "# M\n", "inputs", "x").is_err());
        assert!(replace_section("README.md", &format!("{b}\n"), "inputs", "x").is_err());
        assert!(replace_section("README.md", &format!("{b}\n{b}\n{e}\n"), "inputs", "x").is_err());
    }
}
