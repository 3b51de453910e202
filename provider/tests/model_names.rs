//! Issue 13's rule, checked: no attribute or block name of the model
//! (`scaling::model`) is written as a string literal in the non-test source
//! of the provider, the validator or the AWS layer. They name attributes
//! through the model's tables (fields, blocks, `model::names`) instead, so a
//! renamed or removed attribute cannot leave a stale copy behind.
//!
//! The rule holds for every file but those in [`OTHER_SCHEMA`] (names of
//! another schema that happen to be equal) and [`NOT_YET`] (files still to
//! convert, with the count of literals they have: the count may only go
//! down, and must be lowered here when it does).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use scaling::model::all_blocks;

/// Files whose literals name another schema's attributes, with the reason.
const OTHER_SCHEMA: &[(&str, &str)] = &[
    (
        "provider/src/schema_v0.rs",
        "the frozen 0.x schema state upgrades read: its names must not follow the model",
    ),
    (
        "provider/src/resource/upgrade.rs",
        "maps 0.x state (schema_v0.rs names) to the current schema",
    ),
    (
        "validate/src/awsres/aws_attrs.rs",
        "names of hashicorp/aws's aws_* attributes the validator reads (the AWS provider's contract: they must not follow the model)",
    ),
];

/// Literals equal to a model name that mean something else, by file and
/// literal, with the reason.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "provider/src/schema.rs",
        "lambda",
        "an AWS service's endpoint key (ENDPOINT_SERVICES)",
    ),
    (
        "provider/src/schema.rs",
        "dynamodb",
        "an AWS service's endpoint key (ENDPOINT_SERVICES)",
    ),
    (
        "provider/src/provider_config.rs",
        "arn",
        "the first part of an ARN",
    ),
    (
        "validate/src/config_file.rs",
        "enabled",
        "a rule block's setting in the validator's config file",
    ),
    (
        "provider/src/resource/claims.rs",
        "dashboard",
        "the word a clash message calls the thing by",
    ),
    (
        "validate/src/printer.rs",
        "id",
        "a key of the validator's JSON and SARIF reports (a rule's id)",
    ),
    (
        "validate/src/printer.rs",
        "name",
        "a key of the validator's JSON and SARIF reports",
    ),
    (
        "validate/src/printer.rs",
        "traffic",
        "a key of the validator's JSON report (the analysed traffic)",
    ),
    (
        "provider/src/list/mod.rs",
        "rest_api_id",
        "the list resource's own configuration attribute",
    ),
    (
        "provider/src/functions/rates.rs",
        "peak_rps",
        "a provider function's parameter",
    ),
    (
        "provider/src/functions/rates.rs",
        "cache_hit_ratio",
        "a provider function's parameter",
    ),
    (
        "provider/src/functions/rates.rs",
        "latency_ms",
        "a provider function's parameter",
    ),
    (
        "provider/src/data_sources/capacity_schema.rs",
        "traffic",
        "smuppy_capacity's own attribute, named as the resource's by design (its tests compare the two schemas)",
    ),
    (
        "provider/src/data_sources/capacity_schema.rs",
        "api_gateway",
        "smuppy_capacity's own attribute, named as the resource's by design (its tests compare the two schemas)",
    ),
    (
        "provider/src/data_sources/capacity_schema.rs",
        "dynamodb_tables",
        "smuppy_capacity's own attribute, named as the resource's by design (its tests compare the two schemas)",
    ),
    (
        "scaling-aws/src/components/dashboard.rs",
        "dashboard",
        "the word a message calls the thing by",
    ),
    (
        "scaling-aws/src/services.rs",
        "lambda",
        "the AWS service's own name (an endpoint key, an error's service, a Service Quotas service code)",
    ),
    (
        "scaling-aws/src/services.rs",
        "dynamodb",
        "the AWS service's own name (an endpoint key, an error's service)",
    ),
    (
        "scaling-aws/src/capture_key.rs",
        "lambda",
        "a private-state capture key's kind, persisted: it must not follow the model",
    ),
    (
        "scaling-aws/src/capture_key.rs",
        "dashboard",
        "a private-state capture key's kind, persisted: it must not follow the model",
    ),
    (
        "scaling-aws/src/capture_key.rs",
        "read",
        "a private-state capture key's table dimension, persisted: it must not follow the model",
    ),
    (
        "scaling-aws/src/capture_key.rs",
        "write",
        "a private-state capture key's table dimension, persisted: it must not follow the model",
    ),
];

/// Files not converted yet, with how many model names they still write as
/// literals. Every file is converted: none is left, and a new file writing
/// a model name fails the test. The list stays for a conversion done in
/// steps (a file listed with its count, lowered with each step).
const NOT_YET: &[(&str, usize)] = &[];

/// Every name the model gives an attribute or a block.
fn model_names() -> BTreeSet<&'static str> {
    let mut names = BTreeSet::new();
    for (_, b) in all_blocks() {
        if !b.name().is_empty() {
            names.insert(b.name());
            names.insert(b.location());
        }
        for f in b.fields() {
            names.insert(f.name);
        }
    }
    names
}

/// The Rust files under `dir`, test files left out.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if p.is_dir() {
            if name != "tests" {
                sources(&p, out);
            }
        } else if name.ends_with(".rs") && !name.ends_with("tests.rs") && name != "tests.rs" {
            out.push(p);
        }
    }
}

/// The string literals of a Rust source, with their line numbers, up to its
/// first `#[cfg(test)]` module (test modules come last in this workspace).
fn literals(src: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let (mut i, mut line) = (0, 1);
    while i < b.len() {
        match b[i] {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'#' if src[i..].starts_with("#[cfg(test)]") => {
                // A test module inline (`mod tests {`) ends the scan; a
                // file module (`mod tests;`) is left out by its file name.
                let rest = src[i..].lines().nth(1).unwrap_or_default().trim();
                if rest.starts_with("mod ") && rest.ends_with('{') {
                    break;
                }
                i += 1;
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') || b.get(i + 1) == Some(&b'\\') => {
                // A char literal such as '"' or '\"'.
                let end = src[i + 1..].find('\'').map_or(b.len(), |e| i + 2 + e);
                i = if b.get(i + 1) == Some(&b'\\') {
                    src[i + 3..].find('\'').map_or(b.len(), |e| i + 4 + e)
                } else {
                    end
                };
            }
            b'r' if src[i..].starts_with("r#\"") || src[i..].starts_with("r\"") => {
                let hashes = src[i + 1..].bytes().take_while(|c| *c == b'#').count();
                let start = i + 2 + hashes;
                let close = format!("\"{}", "#".repeat(hashes));
                let end = src[start..].find(&close).map_or(b.len(), |e| start + e);
                out.push((line, src[start..end].to_string()));
                line += src[start..end].matches('\n').count();
                i = end + close.len();
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                let end = j.min(b.len());
                out.push((line, src[start..end].to_string()));
                line += src[start..end].matches('\n').count();
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    out
}

#[test]
fn no_model_name_is_written_outside_the_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let names = model_names();
    let mut files = Vec::new();
    for dir in ["provider/src", "validate/src", "scaling-aws/src"] {
        sources(&root.join(dir), &mut files);
    }
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap().to_string_lossy().to_string();
        seen.insert(rel.clone());
        if OTHER_SCHEMA.iter().any(|(o, _)| *o == rel) {
            continue;
        }
        let src = std::fs::read_to_string(f).unwrap();
        let allowed_here = |lit: &str| ALLOWED.iter().any(|(f, l, _)| *f == rel && *l == lit);
        let found: Vec<String> = literals(&src)
            .into_iter()
            .filter(|(_, lit)| names.contains(lit.as_str()) && !allowed_here(lit))
            .map(|(line, lit)| format!("{rel}:{line}: \"{lit}\""))
            .collect();
        let allowed = NOT_YET
            .iter()
            .find(|(n, _)| *n == rel)
            .map_or(0, |(_, c)| *c);
        if found.len() > allowed {
            problems.push(format!(
                "{rel}: {} model names as literals (allowed {allowed}):\n  {}",
                found.len(),
                found.join("\n  ")
            ));
        } else if found.len() < allowed {
            problems.push(format!(
                "{rel}: {} model names as literals, fewer than NOT_YET's {allowed}: lower it",
                found.len()
            ));
        }
    }
    for (f, _) in NOT_YET {
        if !seen.contains(*f) {
            problems.push(format!("NOT_YET names {f}, which is gone"));
        }
    }
    for (f, lit, _) in ALLOWED {
        let src = std::fs::read_to_string(root.join(f)).unwrap_or_default();
        if !literals(&src).iter().any(|(_, l)| l == lit) {
            problems.push(format!("ALLOWED names \"{lit}\" in {f}, which has none"));
        }
    }
    for (f, _) in OTHER_SCHEMA {
        if !seen.contains(*f) {
            problems.push(format!("OTHER_SCHEMA names {f}, which is gone"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scanner_finds_literals() {
    let src = "let a = \"x\"; // \"no\"\nlet c = '\"'; let r = r#\"y\"#;\n#[cfg(test)]\nmod tests {\n \"z\"\n}\n";
    assert_eq!(
        literals(src),
        vec![(1, "x".to_string()), (2, "y".to_string())]
    );
}
