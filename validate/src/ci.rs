//! Formats for CI systems: JUnit XML and GitHub Actions workflow commands.

use std::fmt::Write as _;

use scaling::{Finding, Severity};

use crate::printer::{all_rules, file_line, Checked, Report};

/// JUnit XML: a test suite per resource, a test case per rule; a case fails
/// when a finding of its rule is at or above `--fail-on` and not in the
/// baseline. The other findings of the rule are in its `system-out`.
pub fn junit(r: &Report) -> String {
    let rules: Vec<_> = all_rules().collect();
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for c in r.checked {
        let address = &c.loaded.address;
        let mut cases = String::new();
        let mut suite_failures = 0;
        for rule in &rules {
            let of_rule: Vec<(&Finding, bool)> = c
                .findings(r.fail_on)
                .filter(|(f, _)| f.rule_id == rule.id)
                .collect();
            let failing: Vec<&Finding> = of_rule
                .iter()
                .filter(|(_, fails)| *fails)
                .map(|(f, _)| *f)
                .collect();
            let name = format!("{} {}", rule.id, rule.title);
            let mut attrs = format!("name=\"{}\" classname=\"{}\"", xml(&name), xml(address));
            let first = failing.first().or(of_rule.first().map(|(f, _)| f));
            if let Some((file, line)) = first.and_then(|f| file_line(c, f)) {
                let _ = write!(attrs, " file=\"{}\" line=\"{line}\"", xml(&file));
            }
            let _ = write!(cases, "    <testcase {attrs}");
            if of_rule.is_empty() {
                cases.push_str("/>\n");
                continue;
            }
            cases.push_str(">\n");
            if let Some(f) = failing.first() {
                suite_failures += 1;
                let body: Vec<String> = failing.iter().map(|f| describe(c, f)).collect();
                let _ = writeln!(
                    cases,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    f.severity.as_str(),
                    xml(&f.message),
                    xml(&body.join("\n"))
                );
            }
            let rest: Vec<String> = of_rule
                .iter()
                .filter(|(_, fails)| !*fails)
                .map(|(f, _)| {
                    let i = c.analysis.findings.iter().position(|x| std::ptr::eq(x, *f));
                    let known = i.and_then(|i| c.baselined.get(i)).copied() == Some(true);
                    format!(
                        "{}: {}{}",
                        f.severity.as_str(),
                        describe(c, f),
                        if known { " (in the baseline)" } else { "" }
                    )
                })
                .collect();
            if !rest.is_empty() {
                let _ = writeln!(
                    cases,
                    "      <system-out>{}</system-out>",
                    xml(&rest.join("\n"))
                );
            }
            cases.push_str("    </testcase>\n");
        }
        tests += rules.len();
        failures += suite_failures;
        let file = c
            .loaded
            .file
            .as_ref()
            .map(|f| format!(" file=\"{}\"", xml(f)))
            .unwrap_or_default();
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"0\"{file}>\n{cases}  </testsuite>\n",
            xml(address),
            rules.len()
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"smuppy-validate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}

/// `address.location: message`.
fn describe(c: &Checked, f: &Finding) -> String {
    let loc = f.location.to_string();
    if loc.is_empty() {
        format!("{}: {}", c.loaded.address, f.message)
    } else if loc.starts_with('#') {
        // An inline acknowledgement: `address # smuppy:ignore ID`.
        format!("{} {loc}: {}", c.loaded.address, f.message)
    } else {
        format!("{}.{loc}: {}", c.loaded.address, f.message)
    }
}

/// Text for XML attributes and content; characters XML 1.0 cannot hold
/// become spaces.
fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\n' => o.push_str("&#10;"),
            '\t' => o.push('\t'),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// GitHub Actions workflow commands, one per error or warning:
/// `::error file=F,line=N,title=ID title::address.location: message`.
/// Findings of the baseline are notices; info findings are left out.
pub fn github(r: &Report) -> String {
    let mut o = String::new();
    for c in r.checked {
        for (i, f) in c.analysis.findings.iter().enumerate() {
            let known = c.baselined.get(i).copied().unwrap_or(false);
            let command = match (known, f.severity) {
                (_, Severity::Info) => continue,
                (true, _) => "notice",
                (false, Severity::Error) => "error",
                (false, Severity::Warning) => "warning",
            };
            let title = match all_rules().find(|x| x.id == f.rule_id) {
                Some(rule) => format!("{} {}", f.rule_id, rule.title),
                None => f.rule_id.to_string(),
            };
            let mut props = Vec::new();
            if let Some((file, line)) = file_line(c, f) {
                props.push(format!("file={}", property(&file)));
                props.push(format!("line={line}"));
            }
            props.push(format!("title={}", property(&title)));
            let suffix = if known { " (in the baseline)" } else { "" };
            let _ = writeln!(
                o,
                "::{command} {}::{}",
                props.join(","),
                data(&format!("{}{suffix}", describe(c, f)))
            );
        }
    }
    o
}

fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_text_is_escaped() {
        assert_eq!(data("50% of a\r\nline"), "50%25 of a%0D%0Aline");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn xml_text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            xml("<a href=\"x\">&'\u{1}\n"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos; &#10;"
        );
    }
}
