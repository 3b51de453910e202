//! Golden outputs of `smuppy-validate examples/runbook` in every format.
//! Re-bless with `SMUPPY_BLESS=1 cargo test -p smuppy-validate`.

use std::path::PathBuf;

use crate::util::{json, root, run_in};

fn golden(format: &str, ext: &str) {
    let r = run_in(&root(), &["examples/runbook", "--format", format]);
    assert_eq!(r.code, 1, "the runbook has errors; stderr: {}", r.stderr);
    assert!(r.stderr.is_empty(), "stderr: {}", r.stderr);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("runbook.{ext}"));
    if std::env::var_os("SMUPPY_BLESS").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, &r.stdout).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless with SMUPPY_BLESS=1)", path.display()));
    if want != r.stdout {
        let first = want
            .lines()
            .zip(r.stdout.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(r.stdout.lines().count()));
        panic!(
            "{} differs from the output at line {}:\nwant: {}\ngot:  {}\n(re-bless with SMUPPY_BLESS=1 if the change is intended)",
            path.display(),
            first + 1,
            want.lines().nth(first).unwrap_or("<end>"),
            r.stdout.lines().nth(first).unwrap_or("<end>")
        );
    }
}

#[test]
fn runbook_text() {
    golden("text", "txt");
}

#[test]
fn runbook_json() {
    golden("json", "json");
}

#[test]
fn runbook_sarif() {
    golden("sarif", "sarif");
}

#[test]
fn runbook_report_has_the_arithmetic() {
    let r = run_in(&root(), &["examples/runbook"]);
    for needle in [
        "timeout 30 s exceeds the API Gateway integration timeout of 29 s",
        "1,100 concurrent executions (5,500 without the cache)",
        "stage rate 100,000 rps exceeds the account throttle 10,000 rps",
        "reserved concurrency 10,000 needs an account concurrency of ≥ 10,100",
        "stage burst 50,000 exceeds the account burst 5,000",
        "Total                               $426,737.43",
        "is 208.16× the budget of $2,050.00",
    ] {
        assert!(
            r.stdout.contains(needle),
            "missing {needle:?} in:\n{}",
            r.stdout
        );
    }
}

#[test]
fn sarif_is_well_formed() {
    let r = run_in(&root(), &["examples/runbook", "--format", "sarif"]);
    let doc = json(&r.stdout);
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        rules.len(),
        scaling::RULES.len() + scaling::acknowledge::ACK_RULES.len()
    );
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert!(!results.is_empty());
    for res in &results {
        let id = res["ruleId"].as_str().unwrap_or_default();
        let idx = res["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(
            rules.get(idx).map(|r| r["id"].as_str().unwrap_or_default()),
            Some(id)
        );
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap_or_default()));
        assert!(!res["message"]["text"]
            .as_str()
            .unwrap_or_default()
            .is_empty());
        let loc = &res["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "examples/runbook/main.tf"
        );
        assert!(
            loc["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap_or(0)
                > 0
        );
        assert!(loc["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap_or_default()
            .starts_with("smuppy_scaling_profile.runbook"));
    }
    // The timeout finding points at the `timeout = 30` line.
    let timeout = results
        .iter()
        .find(|r| r["ruleId"] == "LIM005")
        .cloned()
        .unwrap_or_default();
    let line = timeout["locations"][0]["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .unwrap_or(0) as usize;
    let text = std::fs::read_to_string(root().join("examples/runbook/main.tf")).unwrap_or_default();
    assert_eq!(
        text.lines().nth(line - 1).map(str::trim),
        Some("timeout                 = 30")
    );
}

#[test]
fn plans_have_logical_locations_only() {
    let dir = root().join("tests/validator/corpus/plan_json");
    let r = run_in(&dir, &["plan.json", "--format", "sarif"]);
    let doc = json(&r.stdout);
    let res = &doc["runs"][0]["results"][0];
    assert!(res["locations"][0]["physicalLocation"].is_null());
    assert!(
        res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap_or_default()
            .starts_with("module.api.smuppy_scaling_profile.this")
    );
}
