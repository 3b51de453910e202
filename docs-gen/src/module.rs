//! The Inputs and Outputs tables of a module's README, from its
//! `variables.tf` and `outputs.tf`, between marker comments.

use std::fmt::Write as _;

use crate::{invalid, one_line, DocsError};

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

#[cfg(test)]
mod tests {
    use super::*;

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
