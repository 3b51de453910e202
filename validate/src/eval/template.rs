//! Templates: `"a${x}b"`, heredocs, `%{if}` and `%{for}` directives and
//! `~` strip markers, with the same budget as every other expression.

use hcl::expr::TemplateExpr;
use hcl::template::{Directive, Element, Strip, Template};
use hcl::Value;

use super::{as_bool, err, kind, pairs, string_nodes, Evaluator, Failure, R, V};

impl Evaluator<'_, '_> {
    pub(super) fn template_expr(&mut self, t: &TemplateExpr) -> R<V> {
        let template = Template::from_expr(t).map_err(|e| Failure::Error(e.to_string()))?;
        // A template of one interpolation alone is that value, not a string.
        if let [Element::Interpolation(i)] = template.elements() {
            return self.expr(&i.expr);
        }
        let mut s = String::new();
        self.template(&mut s, &template, Strip::None, Strip::None)?;
        self.leaf(Value::String(s))
    }

    fn grow(&self, s: &mut String, add: &str) -> R<()> {
        self.env.budget.charge(string_nodes(add))?;
        s.push_str(add);
        self.check(string_nodes(s), 1)
    }

    fn template(&mut self, s: &mut String, t: &Template, before: Strip, after: Strip) -> R<()> {
        let elems = t.elements();
        for (i, e) in elems.iter().enumerate() {
            self.step()?;
            let prev = if i == 0 {
                before
            } else {
                strip_of(&elems[i - 1])
            };
            let next = if i + 1 == elems.len() {
                after
            } else {
                strip_of(&elems[i + 1])
            };
            match e {
                Element::Literal(lit) => self.grow(s, strip_literal(lit, prev, next))?,
                Element::Interpolation(interp) => {
                    let v = self.expr(&interp.expr)?;
                    let text = match v.v {
                        Value::String(x) => x,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => return err("a template cannot include null"),
                        other => {
                            return err(format!(
                                "a template cannot include {} (a string is required)",
                                kind(&other)
                            ))
                        }
                    };
                    self.grow(s, &text)?;
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        let c = self.expr(&d.cond_expr)?;
                        if as_bool(&c.v, "a template's if condition")? {
                            let end = if d.false_template.is_some() {
                                d.else_strip
                            } else {
                                d.endif_strip
                            };
                            self.template(s, &d.true_template, d.if_strip, end)?;
                        } else if let Some(f) = &d.false_template {
                            self.template(s, f, d.else_strip, d.endif_strip)?;
                        }
                    }
                    Directive::For(d) => {
                        let coll = self.expr(&d.collection_expr)?;
                        for (k, v) in pairs(coll.v, "a template's for directive")? {
                            self.step()?;
                            let mark = self.bound.len();
                            if let Some(kv) = &d.key_var {
                                self.bound.push((kv.as_str().to_string(), k));
                            }
                            self.bound.push((d.value_var.as_str().to_string(), v));
                            let r = self.template(s, &d.template, d.for_strip, d.endfor_strip);
                            self.bound.truncate(mark);
                            r?;
                        }
                    }
                },
            }
        }
        Ok(())
    }
}

fn strip_of(e: &Element) -> Strip {
    match e {
        Element::Literal(_) => Strip::None,
        Element::Interpolation(i) => i.strip,
        Element::Directive(d) => {
            let (start, end) = match d.as_ref() {
                Directive::If(d) => (d.if_strip, d.endif_strip),
                Directive::For(d) => (d.for_strip, d.endfor_strip),
            };
            Strip::from((start.strip_start(), end.strip_end()))
        }
    }
}

/// `~` strip markers: spaces up to and including one line break.
fn strip_literal(mut lit: &str, prev: Strip, next: Strip) -> &str {
    let space = |c: char| c.is_whitespace() && c != '\r' && c != '\n';
    if prev.strip_end() {
        lit = lit.trim_start_matches(space);
        lit = lit
            .strip_prefix("\r\n")
            .or_else(|| lit.strip_prefix('\n'))
            .unwrap_or(lit);
    }
    if next.strip_start() {
        lit = lit.trim_end_matches(space);
        lit = lit
            .strip_suffix("\r\n")
            .or_else(|| lit.strip_suffix('\n'))
            .unwrap_or(lit);
    }
    lit
}
