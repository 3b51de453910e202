//! Unusable input: exit 2, one line on stderr, nothing on stdout, no panic.

use crate::util::{assert_unusable, root, run_in, run_with_env, temp_with};

#[test]
fn malformed_hcl() {
    let d = temp_with(&[(
        "main.tf",
        "resource \"smuppy_scaling_profile\" \"x\" {\n  name = \n}\n",
    )]);
    assert_unusable(&run_in(d.path(), &["."]), &["main.tf:"]);
    let r = run_in(d.path(), &["."]);
    assert!(r.stderr.contains("malformed HCL"), "{}", r.stderr);
}

#[test]
fn plan_without_smuppy_resources() {
    let d = temp_with(&[(
        "plan.json",
        r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{}}]}}}"#,
    )]);
    assert_unusable(
        &run_in(d.path(), &["plan.json"]),
        &["no smuppy_scaling_profile resources"],
    );
}

#[test]
fn json_that_is_not_a_plan() {
    let d = temp_with(&[("plan.json", r#"{"hello": "world"}"#)]);
    assert_unusable(&run_in(d.path(), &["plan.json"]), &["not a Terraform plan"]);
    let d = temp_with(&[("plan.json", "{ nope")]);
    assert_unusable(&run_in(d.path(), &["plan.json"]), &["not valid JSON"]);
}

#[test]
fn missing_variables() {
    let d = temp_with(&[(
        "main.tf",
        "variable \"timeout\" {\n  type = number\n}\n\nresource \"smuppy_scaling_profile\" \"x\" {\n  name = \"x\"\n  lambda_pools = {\n    f = {\n      function_name = \"f\"\n      timeout = var.timeout\n    }\n  }\n}\n",
    )]);
    assert_unusable(
        &run_in(d.path(), &["."]),
        &["no value for variable \"timeout\""],
    );
    // With a value it is usable.
    let r = run_in(d.path(), &[".", "-var", "timeout=10"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(d.path(), &[".", "--var", "timeout=10"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn undeclared_variable() {
    let d = temp_with(&[(
        "main.tf",
        "resource \"smuppy_scaling_profile\" \"x\" {\n  name = var.nope\n}\n",
    )]);
    assert_unusable(&run_in(d.path(), &["."]), &["nope"]);
}

#[test]
fn unreadable_file() {
    let d = temp_with(&[]);
    assert_unusable(
        &run_in(d.path(), &["does-not-exist"]),
        &["cannot read does-not-exist"],
    );
    assert_unusable(
        &run_in(&root(), &["examples/runbook", "--k6", "missing.json"]),
        &["cannot read missing.json"],
    );
}

#[test]
fn no_profiles_in_configuration() {
    let d = temp_with(&[(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n",
    )]);
    assert_unusable(
        &run_in(d.path(), &["."]),
        &["no smuppy_scaling_profile resource"],
    );
}

#[test]
fn unsupported_argument() {
    let d = temp_with(&[(
        "main.tf",
        "resource \"smuppy_scaling_profile\" \"x\" {\n  name = \"x\"\n  lambda_pools = {\n    f = {\n      function_name = \"f\"\n      memroy_size = 1\n    }\n  }\n}\n",
    )]);
    assert_unusable(&run_in(d.path(), &["."]), &["memroy_size"]);
}

#[test]
fn bad_price_file() {
    let d = temp_with(&[("prices.json", "[1, 2]")]);
    let prices = d.path().join("prices.json");
    let p = prices.to_string_lossy().to_string();
    assert_unusable(
        &run_in(&root(), &["examples/runbook", "--prices", &p]),
        &["price file"],
    );
}

/// Nothing answers on port 1 of the loopback: every service is unreachable.
const DEAD: &str = "http://127.0.0.1:1";

fn dead_endpoints() -> Vec<String> {
    scaling_aws::client::SERVICE_KEYS
        .iter()
        .map(|s| format!("{s}={DEAD}"))
        .collect()
}

fn live_args(endpoints: &[String]) -> Vec<&str> {
    let mut args = vec!["examples/runbook", "--live"];
    for e in endpoints {
        args.push("--endpoint");
        args.push(e);
    }
    args
}

/// No shared config, no instance metadata: only what the test sets.
const ISOLATED: [(&str, &str); 3] = [
    ("AWS_CONFIG_FILE", "/dev/null"),
    ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
];

#[test]
fn live_with_unreachable_aws() {
    let eps = dead_endpoints();
    let mut env = ISOLATED.to_vec();
    env.extend([
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "not-a-secret-for-tests"),
        ("AWS_REGION", "eu-west-3"),
    ]);
    let r = run_with_env(&root(), &live_args(&eps), &env);
    assert_unusable(&r, &["--live: reading the account in eu-west-3: "]);
    assert!(!r.stderr.contains("not-a-secret-for-tests"), "{}", r.stderr);
}

#[test]
fn live_without_credentials() {
    let eps = dead_endpoints();
    let mut args = live_args(&eps);
    args.extend(["--region", "us-east-1"]);
    let r = run_with_env(&root(), &args, &ISOLATED);
    assert_unusable(&r, &["--live: reading the account in us-east-1: "]);
    assert!(
        r.stderr.to_lowercase().contains("credentials"),
        "{}",
        r.stderr
    );
}

#[test]
fn live_without_region() {
    let eps = dead_endpoints();
    let mut env = ISOLATED.to_vec();
    env.extend([
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "not-a-secret-for-tests"),
    ]);
    let r = run_with_env(&root(), &live_args(&eps), &env);
    assert_unusable(&r, &["no AWS region: pass --region"]);
}

#[test]
fn live_flags_are_checked() {
    assert_unusable(
        &run_in(
            &root(),
            &["examples/runbook", "--endpoint", "lambda=http://x"],
        ),
        &["--endpoint only applies with --live"],
    );
    assert_unusable(
        &run_in(&root(), &["examples/runbook", "--region", "us-east-1"]),
        &["--region only applies with --live"],
    );
    assert_unusable(
        &run_in(
            &root(),
            &["examples/runbook", "--live", "--endpoint", "s3=http://x"],
        ),
        &["unknown service \"s3\""],
    );
    assert_unusable(
        &run_in(
            &root(),
            &["examples/runbook", "--live", "--endpoint", "lambda"],
        ),
        &["expected SERVICE=URL"],
    );
}

#[test]
fn price_override_changes_the_estimate() {
    let d = temp_with(&[(
        "prices.json",
        r#"{"regions":{"us-east-1":{"cloudwatch.dashboard":{"unit":"dashboard-month","unit_size":1,"tiers":[{"up_to":null,"usd":1000}],"source":"test","as_of":"2026-11-26"}}}}"#,
    )]);
    let p = d.path().join("prices.json").to_string_lossy().to_string();
    let r = run_in(&root(), &["examples/runbook", "--prices", &p]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("CloudWatch dashboard                  $1,000.00"),
        "{}",
        r.stdout
    );
}

#[test]
fn live_profile_names_the_region_and_credentials() {
    let d = temp_with(&[(
        "config",
        "[profile team]\nregion = eu-west-1\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = not-a-secret-for-tests\n",
    )]);
    let config = d.path().join("config").to_string_lossy().to_string();
    let eps = dead_endpoints();
    let mut args = live_args(&eps);
    args.extend(["--profile", "team"]);
    let env = [
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let r = run_with_env(&root(), &args, &env);
    // The profile's region is used and its keys are found: what fails is
    // the connection, not the credential chain.
    assert_unusable(&r, &["--live: reading the account in eu-west-1: "]);
    assert!(!r.stderr.contains("no credentials"), "{}", r.stderr);
    assert!(!r.stderr.contains("not-a-secret-for-tests"), "{}", r.stderr);
}

#[test]
fn arithmetic_the_hcl_evaluator_panics_on_is_an_input_error() {
    // Found by fuzzing: the HCL library panics on these; the CLI must not.
    let file = |expr: &str| {
        format!(
            "resource \"smuppy_scaling_profile\" \"x\" {{\n  name = \"a\"\n  traffic = {{\n    peak_rps = {expr}\n  }}\n}}\n"
        )
    };
    for (expr, why) in [("1/0", "division by zero"), ("1 % 0", "modulo by zero")] {
        let d = temp_with(&[("main.tf", &file(expr))]);
        assert_unusable(&run_in(d.path(), &["."]), &[why]);
    }
    // The smallest i64 modulo -1 is 0 (the library overflows on it).
    let d = temp_with(&[("main.tf", &file("(-9223372036854775807 - 1) % -1"))]);
    let r = run_in(d.path(), &["."]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
}

#[test]
fn ids_aws_cannot_take_are_refused_on_their_attribute() {
    // The same ids the provider refuses at validate time (scaling::ids): an
    // empty function name beside a valid one, a two-character table name.
    let d = temp_with(&[(
        "main.tf",
        r#"resource "smuppy_scaling_profile" "x" {
  name = "ids"
  lambda_pools = {
    a = {
      function_name = "fn-a"
    }
    b = {
      function_name = ""
    }
  }
}
"#,
    )]);
    assert_unusable(
        &run_in(d.path(), &["."]),
        &["smuppy_scaling_profile.x.lambda_pools[\"b\"].function_name: Invalid function_name"],
    );
    let d = temp_with(&[(
        "main.tf",
        r#"resource "smuppy_scaling_profile" "x" {
  name = "ids"
  dynamodb_tables = {
    t = {
      table_name = "ab"
    }
  }
}
"#,
    )]);
    assert_unusable(
        &run_in(d.path(), &["."]),
        &["dynamodb_tables[\"t\"].table_name"],
    );
}
