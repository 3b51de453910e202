//! CI formats: JUnit XML, GitHub annotations, SARIF fingerprints and help
//! URIs, several reports in one run, plan-JSON addresses, `--list-rules`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::accept::over_budget;
use crate::util::{json, root, run_in, temp_with};

fn rule_count() -> usize {
    scaling::RULES.len() + scaling::acknowledge::ACK_RULES.len()
}

/// (suite attributes, [(case name, classname, failure type if failed, system-out)])
type Suite = (
    BTreeMap<String, String>,
    Vec<(String, String, Option<String>, Option<String>)>,
);

fn parse_junit(text: &str) -> (BTreeMap<String, String>, Vec<Suite>) {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not XML ({e}):\n{text}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let attrs = |n: roxmltree::Node| -> BTreeMap<String, String> {
        n.attributes()
            .map(|a| (a.name().to_string(), a.value().to_string()))
            .collect()
    };
    let mut suites = Vec::new();
    for s in root.children().filter(|n| n.is_element()) {
        assert_eq!(s.tag_name().name(), "testsuite");
        let mut cases = Vec::new();
        for c in s.children().filter(|n| n.is_element()) {
            assert_eq!(c.tag_name().name(), "testcase");
            let child = |tag: &str| c.children().find(|n| n.has_tag_name(tag));
            cases.push((
                c.attribute("name").unwrap_or_default().to_string(),
                c.attribute("classname").unwrap_or_default().to_string(),
                child("failure").map(|f| f.attribute("type").unwrap_or_default().to_string()),
                child("system-out")
                    .and_then(|n| n.text())
                    .map(str::to_string),
            ));
        }
        suites.push((attrs(s), cases));
    }
    (attrs(root), suites)
}

#[test]
fn junit_has_a_case_per_rule_and_resource_failing_at_fail_on() {
    let dir = temp_with(&[("main.tf", &over_budget("", "", 1000))]);
    let r = run_in(dir.path(), &[".", "--format", "junit"]);
    assert_eq!(r.code, 1);
    let (top, suites) = parse_junit(&r.stdout);
    assert_eq!(top["tests"], rule_count().to_string());
    assert_eq!(top["failures"], "1");
    assert_eq!(suites.len(), 1);
    let (attrs, cases) = &suites[0];
    assert_eq!(attrs["name"], "smuppy_scaling_profile.api");
    assert_eq!(attrs["failures"], "1");
    assert_eq!(cases.len(), rule_count());
    let failed: Vec<_> = cases.iter().filter(|c| c.2.is_some()).collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].0.starts_with("COST002 "), "{}", failed[0].0);
    assert_eq!(failed[0].1, "smuppy_scaling_profile.api");
    assert_eq!(failed[0].2.as_deref(), Some("error"));
    // Info findings are reported, not failed.
    let cap001 = cases.iter().find(|c| c.0.starts_with("CAP001 "));
    assert!(cap001
        .and_then(|c| c.3.as_deref())
        .is_some_and(|o| o.starts_with("info: ")));

    // Nothing fails with --fail-on never; a warning fails with --fail-on warning.
    let r = run_in(
        dir.path(),
        &[".", "--format", "junit", "--fail-on", "never"],
    );
    assert_eq!(
        (r.code, parse_junit(&r.stdout).0["failures"].as_str()),
        (0, "0")
    );
    let warn = temp_with(&[(
        "main.tf",
        &over_budget("# smuppy:ignore COST002 approved", "", 1000),
    )]);
    let r = run_in(
        warn.path(),
        &[".", "--format", "junit", "--fail-on", "warning"],
    );
    let (_, suites) = parse_junit(&r.stdout);
    let failed: Vec<_> = suites[0].1.iter().filter(|c| c.2.is_some()).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].2.as_deref(), Some("warning"));
}

#[test]
fn github_annotations_name_file_line_and_rule() {
    let text = over_budget("", "", 1000);
    let dir = temp_with(&[("main.tf", &text)]);
    let r = run_in(dir.path(), &[".", "--format", "github"]);
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    let (command, message) = lines[0]
        .strip_prefix("::")
        .and_then(|l| l.split_once("::"))
        .unwrap_or_else(|| panic!("not a workflow command: {}", lines[0]));
    let (level, props) = command.split_once(' ').unwrap_or((command, ""));
    assert_eq!(level, "error");
    let props: BTreeMap<&str, &str> = props.split(',').filter_map(|p| p.split_once('=')).collect();
    assert_eq!(props["file"], "main.tf");
    // The line of the budget (its `monthly_usd`, or the budget itself).
    let line: usize = props["line"].parse().unwrap_or(0);
    let at = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    assert!(
        at.contains("budget") || at.contains("monthly_usd"),
        "line {line}: {at}"
    );
    assert_eq!(props["title"], "COST002 Estimate above the budget");
    assert!(
        message.starts_with("smuppy_scaling_profile.api.budget"),
        "{message}"
    );
    assert!(!message.contains('\n'));

    // A baselined finding is a notice.
    let base = dir.path().join("base.json");
    let j = run_in(dir.path(), &[".", "--format", "json"]);
    std::fs::write(&base, j.stdout).unwrap_or_else(|e| panic!("{e}"));
    let r = run_in(
        dir.path(),
        &[".", "--format", "github", "--baseline", "base.json"],
    );
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.starts_with("::notice file=main.tf,"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.trim_end().ends_with("(in the baseline)"));
}

#[test]
fn several_reports_in_one_run() {
    let dir = temp_with(&[("main.tf", &over_budget("", "", 1000))]);
    let r = run_in(
        dir.path(),
        &[
            ".",
            "--output",
            "junit=out/report.xml",
            "--output",
            "sarif=report.sarif",
            "--output",
            "json=report.json",
            "--output",
            "github=annotations.txt",
        ],
    );
    // Text on stdout, the exit code of the run.
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("1 profile(s): 1 error(s)"),
        "{}",
        r.stdout
    );
    let read = |name: &str| {
        std::fs::read_to_string(dir.path().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    assert_eq!(parse_junit(&read("out/report.xml")).0["failures"], "1");
    let sarif = json(&read("report.sarif"));
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(json(&read("report.json"))["summary"]["errors"], 1);
    assert!(read("annotations.txt").starts_with("::error "));

    let r = run_in(dir.path(), &[".", "--output", "xml=a.xml"]);
    crate::util::assert_unusable(&r, &["--output \"xml=a.xml\"", "unknown format \"xml\""]);
    let r = run_in(dir.path(), &[".", "--output", "junit"]);
    crate::util::assert_unusable(&r, &["expected FORMAT=FILE"]);
}

fn sarif_results(dir: &std::path::Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec![".", "--format", "sarif"];
    all.extend_from_slice(args);
    let r = run_in(dir, &all);
    json(&r.stdout)["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn fingerprints(results: &[Value]) -> BTreeMap<String, String> {
    results
        .iter()
        .map(|r| {
            let fp = r["partialFingerprints"]["smuppyFinding/v1"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert_eq!(fp.len(), 16, "{r}");
            let loc = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap_or_default();
            (
                format!("{} {loc}", r["ruleId"].as_str().unwrap_or_default()),
                fp,
            )
        })
        .collect()
}

#[test]
fn sarif_fingerprints_are_stable_and_follow_the_finding_not_its_message() {
    let dir = temp_with(&[("main.tf", &over_budget("", "", 1000))]);
    let first = sarif_results(dir.path(), &[]);
    let again = sarif_results(dir.path(), &[]);
    assert_eq!(fingerprints(&first), fingerprints(&again));
    // Distinct findings, distinct fingerprints.
    let fps = fingerprints(&first);
    let unique: std::collections::BTreeSet<_> = fps.values().collect();
    assert_eq!(unique.len(), fps.len());

    // Other figures, another message and other lines: same fingerprints.
    let moved = format!("\n\n\n{}", over_budget("", "", 10_000));
    std::fs::write(dir.path().join("main.tf"), moved).unwrap_or_else(|e| panic!("{e}"));
    let changed = sarif_results(dir.path(), &[]);
    let msg = |rs: &[Value]| {
        rs.iter()
            .find(|r| r["ruleId"] == "COST002")
            .map(|r| r["message"]["text"].to_string())
    };
    assert_ne!(msg(&first), msg(&changed));
    assert_eq!(fingerprints(&first), fingerprints(&changed));

    // Another resource: the same rule's fingerprint changes.
    let renamed = over_budget("", "", 1000).replace("\"api\" {", "\"web\" {");
    std::fs::write(dir.path().join("main.tf"), renamed).unwrap_or_else(|e| panic!("{e}"));
    let other = sarif_results(dir.path(), &[]);
    let a = fingerprints(&first)[&cost_key(&first)].clone();
    let b = fingerprints(&other)[&cost_key(&other)].clone();
    assert_ne!(a, b);
}

fn cost_key(rs: &[Value]) -> String {
    fingerprints(rs)
        .into_keys()
        .find(|k| k.starts_with("COST002 "))
        .unwrap_or_default()
}

#[test]
fn sarif_rules_have_help_uris_into_the_rules_document() {
    let dir = temp_with(&[("main.tf", &over_budget("", "", 1000))]);
    let r = run_in(dir.path(), &[".", "--format", "sarif"]);
    let doc = json(&r.stdout);
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(rules.len(), rule_count());
    let text = std::fs::read_to_string(root().join("docs/rules.md")).unwrap_or_default();
    for rule in &rules {
        let id = rule["id"].as_str().unwrap_or_default();
        let uri = rule["helpUri"].as_str().unwrap_or_default();
        assert_eq!(uri, format!("docs/rules.md#{}", id.to_lowercase()));
        assert!(
            text.contains(&format!("\n### {id}\n")),
            "no anchor for {id}"
        );
    }
    // The config file can make them absolute.
    let cfg = "rules_doc_uri = \"https://docs.example.org/smuppy/rules\"\n";
    std::fs::write(dir.path().join(".smuppy-validate.hcl"), cfg).unwrap_or_else(|e| panic!("{e}"));
    let r = run_in(dir.path(), &[".", "--format", "sarif"]);
    let doc = json(&r.stdout);
    assert_eq!(
        doc["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"],
        "https://docs.example.org/smuppy/rules#acc001"
    );
}

#[test]
fn sarif_says_new_or_unchanged_against_a_baseline() {
    let dir = temp_with(&[("main.tf", &over_budget("", "", 1000))]);
    let j = run_in(dir.path(), &[".", "--format", "json"]);
    std::fs::write(dir.path().join("base.json"), j.stdout).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("main.tf"),
        over_budget("", "", 1000).replace("latency_ms      = 50", "latency_ms      = -5"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let results = sarif_results(dir.path(), &["--baseline", "base.json"]);
    let state = |id: &str| -> Vec<String> {
        results
            .iter()
            .filter(|r| r["ruleId"] == id)
            .map(|r| r["baselineState"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(state("COST002"), vec!["unchanged"]);
    assert_eq!(state("TRF003"), vec!["new"]);
    // Without a baseline there is no baselineState.
    assert!(sarif_results(dir.path(), &[])
        .iter()
        .all(|r| r.get("baselineState").is_none()));
}

#[test]
fn plan_findings_are_located_at_the_resource_address() {
    let dir = root().join("tests/validator/corpus/plan_json");
    let address = "module.api.smuppy_scaling_profile.this";
    let r = run_in(&dir, &["plan.json", "--format", "github"]);
    let commands: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert!(!commands.is_empty(), "{}", r.stdout);
    for c in &commands {
        assert!(!c.contains("file="), "{c}");
        let message = c.split("::").nth(2).unwrap_or_default();
        assert!(message.starts_with(address), "{c}");
    }
    let r = run_in(&dir, &["plan.json", "--format", "junit"]);
    let (_, suites) = parse_junit(&r.stdout);
    assert_eq!(suites[0].0["name"], address);
    assert!(suites[0].1.iter().all(|c| c.1 == address));
    let r = run_in(&dir, &["plan.json", "--format", "sarif"]);
    let res = &json(&r.stdout)["runs"][0]["results"][0];
    let logical = res["locations"][0]["logicalLocations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let resource = logical.iter().find(|l| l["kind"] == "resource");
    assert_eq!(
        resource.map(|l| l["fullyQualifiedName"].clone()),
        Some(Value::from(address))
    );
}

#[test]
fn list_rules_in_text_and_json() {
    let r = run_in(&root(), &["--list-rules"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), rule_count());
    for (line, rule) in lines
        .iter()
        .zip(scaling::RULES.iter().chain(scaling::acknowledge::ACK_RULES))
    {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols[0], rule.id);
        assert_eq!(cols[1], rule.severity.as_str());
        assert_eq!(cols[2..].join(" "), rule.title);
    }
    let r = run_in(&root(), &["--list-rules", "--format", "json"]);
    let doc = json(&r.stdout);
    let list = doc.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), rule_count());
    assert_eq!(list[0]["id"], "ACC001");
    assert_eq!(list[0]["severity"], "error");
    assert_eq!(list[0]["help_uri"], "docs/rules.md#acc001");
    // Without --list-rules a path is needed.
    let r = run_in(&root(), &[]);
    assert_eq!(r.code, 2);
}

#[test]
fn help_documents_the_exit_codes_and_the_ci_flags() {
    let r = run_in(&root(), &["--help"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "--fail-on <LEVEL>",
        "--baseline <FILE>",
        "--output <FORMAT=FILE>",
        "--config <FILE>",
        "--no-config",
        "--list-rules",
        "junit",
        "github",
        "Exit codes:",
        "0  no finding at or above --fail-on outside the baseline",
        "1  findings at or above --fail-on (default: error) not in the baseline",
        "2  unusable input or config",
        "# smuppy:ignore CAP004",
        ".smuppy-validate.hcl",
    ] {
        assert!(
            r.stdout.contains(needle),
            "--help lacks {needle:?}:\n{}",
            r.stdout
        );
    }
}

#[test]
fn finding_messages_name_parts_as_the_1_0_surface_writes_them() {
    // A message names what the user wrote (`quota_requests`, map entries by
    // their content), never a 0.x block index such as `quota_request[0]`.
    let r = run_in(&root(), &["--format", "json", "examples/runbook"]);
    let doc = json(&r.stdout);
    let mut messages = Vec::new();
    for p in doc["profiles"].as_array().expect("profiles") {
        for f in p["findings"].as_array().expect("findings") {
            messages.push(f["message"].as_str().unwrap_or_default().to_string());
        }
    }
    assert!(
        messages
            .iter()
            .any(|m| m.contains("apigateway/L-8A5B8E43 for 100,000, not applied yet")),
        "the runbook's pending stage-rate request is mentioned: {messages:#?}"
    );
    for m in &messages {
        for old in [
            "quota_request[",
            "lambda[",
            "dynamodb[",
            "api_gateway[",
            "cache_policy[",
        ] {
            assert!(!m.contains(old), "{m}");
        }
    }
}

#[test]
fn finding_locations_are_written_as_the_1_0_surface() {
    // `lambda_pools["api"].reserved_concurrency`, as the configuration and the
    // provider's diagnostics name it, for HCL and for plan JSON alike.
    let r = run_in(&root(), &["--format", "json", "examples/runbook"]);
    let doc = json(&r.stdout);
    let mut locations: BTreeMap<String, String> = BTreeMap::new();
    for f in doc["profiles"][0]["findings"].as_array().expect("findings") {
        let loc = f["location"].as_str().unwrap_or_default().to_string();
        assert!(
            !loc.contains('[') || loc.contains("[\""),
            "index form: {loc}"
        );
        locations.insert(f["rule_id"].as_str().unwrap_or_default().to_string(), loc);
    }
    assert_eq!(
        locations["LIM001"],
        "lambda_pools[\"api\"].reserved_concurrency"
    );
    assert_eq!(
        locations["LIM013"],
        "quota_requests[\"api_throttle\"].desired_value"
    );
    assert_eq!(locations["CAP004"], "api_gateway.rate_limit");
    let text = run_in(&root(), &["examples/runbook"]).stdout;
    assert!(
        text.contains("smuppy_scaling_profile.runbook: lambda_pools[\"api\"].reserved_concurrency  [examples/runbook/main.tf:45]"),
        "{text}"
    );

    let r = run_in(
        &root(),
        &[
            "--format",
            "json",
            "tests/validator/corpus/plan_json/plan.json",
        ],
    );
    let doc = json(&r.stdout);
    let locs: Vec<&str> = doc["profiles"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["location"].as_str())
        .collect();
    assert!(
        locs.iter().any(|l| l.starts_with("lambda_pools[\"api\"].")),
        "{locs:?}"
    );
}
