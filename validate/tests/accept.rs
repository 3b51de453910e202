//! Accepting findings: inline `smuppy:ignore` comments, `--fail-on`,
//! `--baseline`, and the config file (`.smuppy-validate.hcl`).

use crate::util::{json, run_in, temp_with, Run};

/// A profile whose only error is COST002 (estimate above an enforced budget).
pub fn over_budget(comment_above: &str, comment_inside: &str, peak: u32) -> String {
    format!(
        "{comment_above}
resource \"smuppy_scaling_profile\" \"api\" {{
  name = \"api\"
  {comment_inside}
  traffic = {{
    peak_rps        = {peak}
    latency_ms      = 50
    cache_hit_ratio = 0.5
  }}
  api_gateway = {{
    rest_api_id = \"a1b2c3d4e5\"
    stage_name  = \"prod\"
  }}
  budget = {{
    monthly_usd = 1
    enforce     = true
  }}
}}
"
    )
}

/// The findings of one JSON run, flattened: (rule, severity, location, message, baseline).
pub fn findings(r: &Run) -> Vec<(String, String, String, String, bool)> {
    let doc = json(&r.stdout);
    let mut out = Vec::new();
    for p in doc["profiles"].as_array().cloned().unwrap_or_default() {
        for f in p["findings"].as_array().cloned().unwrap_or_default() {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            out.push((
                s("rule_id"),
                s("severity"),
                s("location"),
                s("message"),
                f["baseline"].as_bool().unwrap_or(false),
            ));
        }
    }
    out
}

fn of_rule(r: &Run, id: &str) -> Vec<(String, String, String, String, bool)> {
    findings(r).into_iter().filter(|f| f.0 == id).collect()
}

fn errors(r: &Run) -> Vec<String> {
    findings(r)
        .into_iter()
        .filter(|f| f.1 == "error")
        .map(|f| f.0)
        .collect()
}

#[test]
fn the_fixture_fails_on_its_budget_alone() {
    let dir = temp_with(&[("main.tf", &over_budget("", "", 1000))]);
    let r = run_in(dir.path(), &[".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(errors(&r), vec!["COST002"]);
}

#[test]
fn an_ignore_comment_with_a_reason_turns_the_error_into_a_warning() {
    for (above, inside) in [
        (
            "# smuppy:ignore COST002 finance approved the spend, ticket FIN-7",
            "",
        ),
        (
            "",
            "// smuppy:ignore COST002 finance approved the spend, ticket FIN-7",
        ),
    ] {
        let dir = temp_with(&[("main.tf", &over_budget(above, inside, 1000))]);
        let r = run_in(dir.path(), &[".", "--format", "json"]);
        assert_eq!(r.code, 0, "{above}{inside}: {}", r.stdout);
        let f = of_rule(&r, "COST002");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].1, "warning");
        assert!(
            f[0].3
                .ends_with("(acknowledged: finance approved the spend, ticket FIN-7)"),
            "{}",
            f[0].3
        );
        assert!(of_rule(&r, "ACK002").is_empty());
    }
}

#[test]
fn an_ignore_comment_without_a_reason_applies_but_is_a_warning() {
    let dir = temp_with(&[("main.tf", &over_budget("# smuppy:ignore COST002", "", 1000))]);
    let r = run_in(dir.path(), &[".", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(of_rule(&r, "COST002")[0].1, "warning");
    let ack = of_rule(&r, "ACK002");
    assert_eq!(ack.len(), 1, "{:?}", findings(&r));
    assert_eq!(ack[0].1, "warning");
    assert!(ack[0]
        .3
        .contains("COST002 is acknowledged without a reason"));
    // Strict: warnings fail.
    let r = run_in(
        dir.path(),
        &[".", "--format", "json", "--fail-on", "warning"],
    );
    assert_eq!(r.code, 1);
}

#[test]
fn an_ignore_comment_of_an_unknown_rule_is_an_error_and_hides_nothing() {
    let dir = temp_with(&[(
        "main.tf",
        &over_budget("# smuppy:ignore COST020 typo of COST002", "", 1000),
    )]);
    let r = run_in(dir.path(), &[".", "--format", "json"]);
    assert_eq!(r.code, 1);
    let mut e = errors(&r);
    e.sort();
    assert_eq!(e, vec!["ACK001", "COST002"]);
    assert!(of_rule(&r, "ACK001")[0]
        .3
        .contains("\"COST020\": no such rule"));
    // Located at the comment, on its line.
    let ack = json(&r.stdout)["profiles"][0]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .find(|f| f["rule_id"] == "ACK001")
        .unwrap_or_default();
    assert_eq!(ack["location"], "# smuppy:ignore COST020");
    assert_eq!(ack["line"], 1);
}

#[test]
fn a_comment_on_another_resource_does_not_apply() {
    let text = format!(
        "# smuppy:ignore COST002 only for the other one\nresource \"smuppy_scaling_profile\" \"other\" {{\n  name = \"other\"\n}}\n\n{}",
        over_budget("", "", 1000)
    );
    let dir = temp_with(&[("main.tf", &text)]);
    let r = run_in(dir.path(), &[".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(errors(&r), vec!["COST002"]);
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = temp_with(&[("main.tf", &over_budget("", "", 1000))]);
    let warn = temp_with(&[(
        "main.tf",
        &over_budget("", "", 1000).replace("enforce     = true", "enforce     = false"),
    )]);
    for (d, level, code) in [
        (dir.path(), "error", 1),
        (dir.path(), "warning", 1),
        (dir.path(), "never", 0),
        (warn.path(), "error", 0),
        (warn.path(), "warning", 1),
        (warn.path(), "never", 0),
    ] {
        let r = run_in(d, &[".", "--fail-on", level]);
        assert_eq!(r.code, code, "--fail-on {level}: {}", r.stderr);
    }
    let r = run_in(dir.path(), &[".", "--fail-on", "sometimes"]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_baseline_matches_by_rule_address_and_attribute_not_message() {
    let dir = temp_with(&[("main.tf", &over_budget("", "", 1000))]);
    let base = dir.path().join("base.json");
    let r = run_in(dir.path(), &[".", "--format", "json"]);
    assert_eq!(r.code, 1);
    std::fs::write(&base, &r.stdout).unwrap_or_else(|e| panic!("{e}"));
    let before = of_rule(&r, "COST002")[0].3.clone();

    // Ten times the traffic: the message's figures change, the finding does not.
    std::fs::write(dir.path().join("main.tf"), over_budget("", "", 10_000))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = run_in(
        dir.path(),
        &[".", "--format", "json", "--baseline", "base.json"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let f = of_rule(&r, "COST002");
    assert_ne!(f[0].3, before, "the fixture must change the message");
    assert_eq!((f[0].1.as_str(), f[0].4), ("error", true));
    // Without the baseline it fails.
    assert_eq!(run_in(dir.path(), &["."]).code, 1);

    // A new error is not in the baseline.
    std::fs::write(
        dir.path().join("main.tf"),
        over_budget("", "", 10_000).replace("latency_ms      = 50", "latency_ms      = -5"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = run_in(
        dir.path(),
        &[".", "--format", "json", "--baseline", "base.json"],
    );
    assert_eq!(r.code, 1);
    let new: Vec<_> = findings(&r)
        .into_iter()
        .filter(|f| f.1 == "error" && !f.4)
        .map(|f| f.0)
        .collect();
    assert_eq!(new, vec!["TRF003"]);
    let known = findings(&r).iter().filter(|f| f.4).count();
    assert!(known > 0);
    let text = run_in(dir.path(), &[".", "--baseline", "base.json"]);
    let want = format!("({known} already in the baseline)");
    assert!(text.stdout.contains(&want), "{want}: {}", text.stdout);
}

#[test]
fn a_baseline_that_is_not_a_report_is_refused() {
    let dir = temp_with(&[
        ("main.tf", &over_budget("", "", 1000)),
        ("base.json", "{\"results\": []}"),
    ]);
    let r = run_in(dir.path(), &[".", "--baseline", "base.json"]);
    crate::util::assert_unusable(
        &r,
        &["--baseline base.json", "not a smuppy-validate JSON report"],
    );
}

#[test]
fn the_config_file_in_the_directory_applies_and_flags_override_it() {
    let cfg = "fail_on = \"warning\"\nrule \"COST002\" {\n  severity = \"warning\"\n}\n";
    let dir = temp_with(&[
        ("main.tf", &over_budget("", "", 1000)),
        (".smuppy-validate.hcl", cfg),
    ]);
    let r = run_in(dir.path(), &[".", "--format", "json"]);
    assert_eq!(of_rule(&r, "COST002")[0].1, "warning");
    assert_eq!(r.code, 1, "fail_on = warning from the file");
    let r = run_in(dir.path(), &[".", "--fail-on", "error"]);
    assert_eq!(r.code, 0, "the flag wins over the file");
    let r = run_in(dir.path(), &[".", "--no-config"]);
    assert_eq!(r.code, 1, "without the file COST002 is an error");
}

#[test]
fn config_rules_off_ignores_and_traffic_defaults() {
    let cfg = r#"
rule "TRF001" {
  enabled = false
}
ignore "COST002" {
  reason   = "finance approved"
  resource = "smuppy_scaling_profile.api"
}
ignore "CAP004" {
  reason   = "not this resource"
  resource = "module.x.smuppy_scaling_profile.api"
}
traffic {
  response_bytes = 2048
}
"#;
    let dir = temp_with(&[
        ("main.tf", &over_budget("", "", 1000)),
        (".smuppy-validate.hcl", cfg),
    ]);
    let r = run_in(dir.path(), &[".", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(of_rule(&r, "TRF001").is_empty());
    let f = of_rule(&r, "COST002");
    assert_eq!(f[0].1, "warning");
    assert!(f[0].3.ends_with("(acknowledged: finance approved)"));
    let doc = json(&r.stdout);
    let traffic = &doc["profiles"][0]["traffic"];
    assert_eq!(traffic["response_bytes"].as_f64(), Some(2048.0));
    let assumed = traffic["assumptions"].to_string();
    assert!(!assumed.contains("response_bytes"), "{assumed}");
    // Without the file the default response size is assumed.
    let r = run_in(dir.path(), &[".", "--format", "json", "--no-config"]);
    assert!(of_rule(&r, "TRF001")
        .iter()
        .any(|f| f.2.ends_with("response_bytes")));
}

#[test]
fn the_config_file_is_found_up_to_the_repository_root_only() {
    let cfg = "rule \"COST002\" {\n  enabled = false\n}\n";
    // Inside a repository: the root's file applies to a subdirectory.
    let repo = temp_with(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        (".smuppy-validate.hcl", cfg),
        ("env/prod/main.tf", &over_budget("", "", 1000)),
    ]);
    let r = run_in(repo.path(), &["env/prod"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Outside a repository a parent's file is not read.
    let loose = temp_with(&[
        (".smuppy-validate.hcl", cfg),
        ("env/prod/main.tf", &over_budget("", "", 1000)),
    ]);
    assert_eq!(run_in(loose.path(), &["env/prod"]).code, 1);
    // --config names one.
    let r = run_in(
        loose.path(),
        &["env/prod", "--config", ".smuppy-validate.hcl"],
    );
    assert_eq!(r.code, 0);
}

#[test]
fn config_file_errors_name_the_file_line_and_key() {
    let cases = [
        (
            "fail_on = \"always\"\n",
            ":1: fail_on: \"always\": expected",
        ),
        ("\n\nverbose = true\n", ":3: verbose: unknown setting"),
        (
            "ignore \"CAP999\" {\n  reason = \"x\"\n}\n",
            ":1: ignore \"CAP999\": no such rule",
        ),
        (
            "rule \"CAP004\" {\n  severity = \"fatal\"\n}\n",
            ":2: rule \"CAP004\".severity: \"fatal\": expected",
        ),
        (
            "traffic {\n  peak_qps = 5\n}\n",
            ":2: traffic.peak_qps: not a traffic default",
        ),
        (
            "traffic {\n  latency_ms = \"fast\"\n}\n",
            ":2: traffic.latency_ms: must be a number",
        ),
        ("prices = var.x\n", ":1: prices: must be a literal value"),
        (
            "traffic {\n}\ntraffic {\n}\n",
            ":3: traffic: block given twice",
        ),
        ("rule \"CAP004\" {\n", "malformed HCL"),
    ];
    for (cfg, want) in cases {
        let dir = temp_with(&[
            ("main.tf", &over_budget("", "", 1000)),
            (".smuppy-validate.hcl", cfg),
        ]);
        let r = run_in(dir.path(), &["."]);
        crate::util::assert_unusable(&r, &[".smuppy-validate.hcl", want]);
    }
    let dir = temp_with(&[("main.tf", &over_budget("", "", 1000))]);
    let r = run_in(dir.path(), &[".", "--config", "missing.hcl"]);
    crate::util::assert_unusable(&r, &["missing.hcl"]);
}

#[test]
fn config_paths_are_relative_to_the_config_file() {
    let cfg = "prices = \"prices.json\"\n";
    let dir = temp_with(&[
        (".git/HEAD", "x"),
        (".smuppy-validate.hcl", cfg),
        ("prices.json", "not json"),
        ("env/main.tf", &over_budget("", "", 1000)),
    ]);
    let r = run_in(&dir.path().join("env"), &["."]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("prices.json"), "{}", r.stderr);
}
