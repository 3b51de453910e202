//! Page templates: `{{ description }}`, `{{ schema }}`, `{{ tffile "PATH" }}`
//! and `{{ codefile "LANG" "PATH" }}` placeholders (see the crate docs).

use tfplugin::Schema;

use crate::reference::schema_markdown;
use crate::{invalid, DocsError};

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

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{Attribute, Block, Type};

    fn no_files(p: &str) -> Result<String, DocsError> {
        Err(invalid(p, "no files in this test"))
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
}
