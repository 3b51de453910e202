//! Every profile under tests/validator/corpus/ with its expect.json: the
//! rules it must trigger (and must not), the exit code, and for coherent
//! profiles the absence of any error or warning. Across the corpus every
//! rule fires at least once.

use std::collections::{BTreeMap, BTreeSet};

use crate::util::{json, root, run_in};

#[derive(serde::Deserialize)]
struct Expect {
    description: String,
    coherent: bool,
    exit: i32,
    must: Vec<String>,
    #[serde(default)]
    must_not: Vec<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    /// Findings that must be reported exactly there: "RULE ADDRESS LOCATION".
    #[serde(default)]
    at: Vec<String>,
    /// Text some finding's message must contain.
    #[serde(default)]
    says: Vec<String>,
    /// Text some line of a cost estimate's assumptions must contain.
    #[serde(default)]
    assumes: Vec<String>,
}

#[test]
fn corpus() {
    let dir = root().join("tests/validator/corpus");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expect.json").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 30,
        "the corpus has {} profiles, want at least 30",
        cases.len()
    );

    let mut fired_anywhere: BTreeSet<String> = BTreeSet::new();
    let mut noisy_on_coherent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let text = std::fs::read_to_string(case.join("expect.json")).unwrap_or_default();
        let expect: Expect =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}/expect.json: {e}"));
        let path = expect.path.clone().unwrap_or_else(|| ".".into());
        let mut args: Vec<&str> = vec![path.as_str(), "--format", "json"];
        args.extend(expect.args.iter().map(String::as_str));
        let r = run_in(case, &args);
        if r.code == 2 {
            failures.push(format!("{name}: unusable input: {}", r.stderr.trim()));
            continue;
        }
        let doc = json(&r.stdout);
        let mut fired = BTreeSet::new();
        let mut loud = Vec::new();
        let mut places = BTreeSet::new();
        let mut messages = Vec::new();
        let mut assumed = Vec::new();
        for p in doc["profiles"].as_array().into_iter().flatten() {
            for a in p["cost"]["assumptions"].as_array().into_iter().flatten() {
                assumed.push(a.as_str().unwrap_or_default().to_string());
            }
            for f in p["findings"].as_array().into_iter().flatten() {
                let id = f["rule_id"].as_str().unwrap_or_default().to_string();
                places.insert(format!(
                    "{id} {} {}",
                    p["address"].as_str().unwrap_or_default(),
                    f["location"].as_str().unwrap_or_default()
                ));
                messages.push(f["message"].as_str().unwrap_or_default().to_string());
                if f["severity"] != "info" {
                    loud.push(format!("{id} {}: {}", f["severity"], f["message"]));
                }
                fired.insert(id);
            }
        }
        if r.code != expect.exit {
            failures.push(format!(
                "{name} ({}): exit {} instead of {}",
                expect.description, r.code, expect.exit
            ));
        }
        for m in &expect.must {
            if !fired.contains(m) {
                failures.push(format!("{name}: {m} did not fire; fired {fired:?}"));
            }
        }
        for a in &expect.at {
            if !places.contains(a) {
                failures.push(format!("{name}: no finding {a}; found {places:?}"));
            }
        }
        for t in &expect.says {
            if !messages.iter().any(|m| m.contains(t.as_str())) {
                failures.push(format!("{name}: no finding says {t:?}"));
            }
        }
        for t in &expect.assumes {
            if !assumed.iter().any(|a| a.contains(t.as_str())) {
                failures.push(format!(
                    "{name}: no cost assumption says {t:?}; {assumed:?}"
                ));
            }
        }
        for m in &expect.must_not {
            if fired.contains(m) {
                failures.push(format!("{name}: {m} fired but must not"));
            }
        }
        if expect.coherent {
            if !loud.is_empty() {
                noisy_on_coherent.insert(name.clone(), loud);
            }
        } else if expect.must.is_empty() {
            failures.push(format!(
                "{name}: an incoherent profile must list the rules it triggers"
            ));
        }
        fired_anywhere.extend(fired);
    }
    for (name, loud) in &noisy_on_coherent {
        failures.push(format!("{name} is coherent but reported: {loud:?}"));
    }
    for rule in scaling::RULES {
        if !fired_anywhere.contains(rule.id) {
            failures.push(format!(
                "rule {} ({}) fires nowhere in the corpus",
                rule.id, rule.title
            ));
        }
    }
    let coherent = cases
        .iter()
        .filter(|c| {
            std::fs::read_to_string(c.join("expect.json"))
                .unwrap_or_default()
                .contains("\"coherent\": true")
        })
        .count();
    assert!(
        coherent >= 5,
        "want at least 5 coherent profiles, have {coherent}"
    );
    assert!(
        failures.is_empty(),
        "{} corpus failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
