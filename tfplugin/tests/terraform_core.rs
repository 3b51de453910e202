//! The fixture provider under the real Terraform core (the `terraform`
//! that `scripts/setup.sh` installs into `.venv/bin`, or
//! `$SMUPPY_TERRAFORM`): configurations Terraform itself decodes against
//! the schema the server reports, then plans and applies.
//!
//! Terraform finds the fixture through `dev_overrides` in a CLI config
//! written to a temp dir; no registry, no network.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::fixture_binary;

fn terraform() -> PathBuf {
    if let Some(p) = std::env::var_os("SMUPPY_TERRAFORM") {
        return PathBuf::from(p);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    let bin = workspace.join(".venv").join("bin").join("terraform");
    assert!(
        bin.is_file(),
        "{} is missing: run `bash scripts/setup.sh` (or set SMUPPY_TERRAFORM)",
        bin.display()
    );
    bin
}

/// A Terraform working directory wired to the fixture provider.
struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).expect("bin dir");
        std::fs::copy(fixture_binary(), bin.join("terraform-provider-fixture"))
            .expect("copy the fixture provider");
        std::fs::create_dir(dir.path().join("cfg")).expect("config dir");
        let cli = format!(
            "provider_installation {{\n  dev_overrides {{\n    \
             \"registry.terraform.io/example/fixture\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            bin.display()
        );
        std::fs::write(dir.path().join("cli.tfrc"), cli).expect("CLI config");
        Workdir { dir }
    }

    fn write(&self, resources: &str) {
        let text = format!(
            "terraform {{\n  required_providers {{\n    fixture = {{ source = \"example/fixture\" }}\n  }}\n}}\n{resources}"
        );
        std::fs::write(self.dir.path().join("cfg").join("main.tf"), text).expect("main.tf");
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(terraform())
            .args(args)
            .arg("-no-color")
            .current_dir(self.dir.path().join("cfg"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .expect("run terraform");
        out
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const NESTED_CONFIG: &str = r#"
resource "fixture_nested" "n" {
  name = "n"
  x    = { a = 1 }
  m    = { k = { a = 1 }, "other key" = {} }
  l    = [{ a = 3 }]
  s    = [{ a = 4 }]
}
output "xb" { value = fixture_nested.n.x.b }
output "mb" { value = fixture_nested.n.m["k"].b }
output "other" { value = fixture_nested.n.m["other key"] }
"#;

#[test]
fn terraform_plans_and_applies_nested_attributes() {
    let w = Workdir::new();
    w.write(NESTED_CONFIG);
    let apply = w.run(&["apply", "-auto-approve", "-input=false"]);
    assert!(apply.status.success(), "apply failed:\n{}", text(&apply));

    // What Terraform stored, as it reports it.
    let out = w.run(&["output", "-json"]);
    assert!(out.status.success(), "{}", text(&out));
    let outputs: serde_json::Value = serde_json::from_slice(&out.stdout).expect("output JSON");
    assert_eq!(outputs["xb"]["value"], "x-b");
    assert_eq!(outputs["mb"]["value"], "b-k");
    assert_eq!(
        outputs["other"]["value"],
        serde_json::json!({"a": null, "b": "b-other key"})
    );

    // Nothing left to do: the state matches the configuration.
    let plan = w.run(&["plan", "-detailed-exitcode", "-input=false"]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));

    // Removing one map entry plans a change of that entry only.
    w.write(&NESTED_CONFIG.replace(", \"other key\" = {}", "").replace(
        "output \"other\" { value = fixture_nested.n.m[\"other key\"] }",
        "",
    ));
    let plan = w.run(&["plan", "-detailed-exitcode", "-input=false"]);
    let shown = text(&plan);
    assert_eq!(plan.status.code(), Some(2), "{shown}");
    assert!(shown.contains("- \"other key\" = {"), "{shown}");
    assert!(!shown.contains("~ \"k\""), "{shown}");
}

#[test]
fn terraform_checks_inner_attribute_types() {
    let w = Workdir::new();
    // An inner attribute of the wrong type is refused by Terraform from
    // the schema, before the provider sees the configuration.
    w.write(
        r#"
resource "fixture_nested" "bad" {
  name = "bad"
  x    = { a = "not a number" }
}
"#,
    );
    let plan = w.run(&["plan", "-input=false"]);
    let shown = text(&plan);
    assert!(!plan.status.success(), "{shown}");
    assert!(shown.contains("Incorrect attribute value type"), "{shown}");
    assert!(
        shown.contains(r#"attribute "x": a number is required"#),
        "{shown}"
    );

    w.write(
        r#"
resource "fixture_nested" "bad" {
  name = "bad"
  m    = { k = { a = 1, c = 2 } }
}
"#,
    );
    // Terraform 1.15 fact worth knowing: an inner key the schema does not
    // have, inside a map entry, is dropped by Terraform's type conversion
    // without a diagnostic; the provider never sees it.
    let plan = w.run(&["plan", "-input=false"]);
    let shown = text(&plan);
    assert!(plan.status.success(), "{shown}");
    assert!(
        shown.contains("+ a = 1") && !shown.contains("c ="),
        "{shown}"
    );
}

#[test]
fn terraform_imports_by_identity_and_stores_identities() {
    let w = Workdir::new();
    w.write(
        r#"
import {
  to       = fixture_nested.i
  identity = { name = "imp", parts = ["a", "b"] }
}
resource "fixture_nested" "i" {
  name = "imp"
}
resource "fixture_nested" "c" {
  name = "created"
}
"#,
    );
    let apply = w.run(&["apply", "-auto-approve", "-input=false"]);
    let shown = text(&apply);
    assert!(apply.status.success(), "apply failed:\n{shown}");
    assert!(shown.contains("1 imported, 1 added"), "{shown}");

    // The imported object plans no change, and both identities are stored
    // with the identity schema's version.
    let plan = w.run(&["plan", "-detailed-exitcode", "-input=false"]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    let show = w.run(&["show", "-json"]);
    assert!(show.status.success(), "{}", text(&show));
    let state: serde_json::Value = serde_json::from_slice(&show.stdout).expect("show JSON");
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let identities: Vec<(String, serde_json::Value, serde_json::Value)> = resources
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap_or_default().to_string(),
                r["identity"].clone(),
                r["identity_schema_version"].clone(),
            )
        })
        .collect();
    assert_eq!(
        identities,
        vec![
            (
                "fixture_nested.c".to_string(),
                serde_json::json!({"name": "created", "region": "r1", "parts": ["created"]}),
                serde_json::json!(1)
            ),
            (
                "fixture_nested.i".to_string(),
                serde_json::json!({"name": "imp", "region": "r1", "parts": ["a", "b"]}),
                serde_json::json!(1)
            ),
        ]
    );
    let imported = resources
        .iter()
        .find(|r| r["address"] == "fixture_nested.i")
        .expect("imported resource");
    assert_eq!(imported["values"]["id"], "id-imp");
}

/// A state written with schema version 0 (list blocks) is upgraded by the
/// provider when Terraform first reads it, and matches a configuration in
/// the version-1 shape without changes.
#[test]
fn terraform_upgrades_a_version_0_state_and_plans_no_change() {
    let w = Workdir::new();
    w.write(
        r#"
resource "fixture_nested" "u" {
  name = "u"
  x    = { a = 1 }
  m    = { "k one" = { a = 2 } }
}
"#,
    );
    let state = serde_json::json!({
        "version": 4,
        "terraform_version": "1.15.5",
        "serial": 1,
        "lineage": "00000000-0000-0000-0000-000000000001",
        "outputs": {},
        "resources": [{
            "mode": "managed",
            "type": "fixture_nested",
            "name": "u",
            "provider": "provider[\"registry.terraform.io/example/fixture\"]",
            "instances": [{
                "schema_version": 0,
                "attributes": {
                    "name": "u",
                    "id": "id-u",
                    "x": [{"a": 1, "b": "x-b"}],
                    "m": [{"key": "k one", "a": 2, "b": "b-k one"}]
                },
                "sensitive_attributes": []
            }]
        }],
        "check_results": null
    });
    std::fs::write(
        w.dir.path().join("cfg").join("terraform.tfstate"),
        serde_json::to_vec_pretty(&state).expect("state JSON"),
    )
    .expect("write state");

    let plan = w.run(&["plan", "-detailed-exitcode", "-input=false"]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    let apply = w.run(&["apply", "-refresh-only", "-auto-approve", "-input=false"]);
    assert!(apply.status.success(), "{}", text(&apply));
    let show = w.run(&["show", "-json"]);
    let shown: serde_json::Value = serde_json::from_slice(&show.stdout).expect("show JSON");
    let r = &shown["values"]["root_module"]["resources"][0];
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["values"]["x"], serde_json::json!({"a": 1, "b": "x-b"}));
    assert_eq!(
        r["values"]["m"],
        serde_json::json!({"k one": {"a": 2, "b": "b-k one"}})
    );
    // The read after the upgrade gave the old state its first identity.
    assert_eq!(
        r["identity"],
        serde_json::json!({"name": "u", "region": "r1", "parts": ["u"]})
    );
}

#[test]
fn terraform_calls_provider_functions_and_points_at_the_bad_argument() {
    let w = Workdir::new();
    w.write("output \"q\" { value = provider::fixture::divide(16000, 40) }\n");
    let apply = w.run(&["apply", "-auto-approve", "-input=false"]);
    assert!(apply.status.success(), "apply failed:\n{}", text(&apply));
    let out = w.run(&["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_slice(&out.stdout).expect("output JSON");
    assert_eq!(outputs["q"]["value"], 400);

    w.write("output \"bad\" { value = provider::fixture::divide(1, 0) }\n");
    let plan = w.run(&["plan", "-input=false"]);
    assert_eq!(plan.status.code(), Some(1), "{}", text(&plan));
    let t = text(&plan);
    assert!(t.contains("Invalid function argument"), "{t}");
    assert!(
        t.contains("Invalid value for \"divisor\" parameter: divisor must not be zero."),
        "{t}"
    );
}

#[test]
fn terraform_reads_a_data_source_and_shows_its_errors() {
    let w = Workdir::new();
    w.write(
        r#"
variable "name" {
  type    = string
  default = "abc"
}
data "fixture_lookup" "x" {
  name = var.name
}
output "greeting" { value = data.fixture_lookup.x.greeting }
output "length" { value = data.fixture_lookup.x.length }
"#,
    );
    let apply = w.run(&["apply", "-auto-approve", "-input=false"]);
    assert!(apply.status.success(), "apply failed:\n{}", text(&apply));
    let out = w.run(&["output", "-json"]);
    let outputs: serde_json::Value = serde_json::from_slice(&out.stdout).expect("output JSON");
    assert_eq!(outputs["greeting"]["value"], "hello abc");
    assert_eq!(outputs["length"]["value"], 3);

    // An error from validate and one from read, each on the attribute.
    for (name, summary) in [("", "Empty name"), ("missing", "Not found")] {
        let plan = w.run(&["plan", "-input=false", "-var", &format!("name={name}")]);
        assert_eq!(plan.status.code(), Some(1), "{}", text(&plan));
        let t = text(&plan);
        assert!(t.contains(&format!("Error: {summary}")), "{t}");
        assert!(t.contains("name = var.name"), "{t}");
    }
}
