//! hashicorp/aws stacks: a plan of a stack reports what its HCL reports,
//! and the runbook written with aws_* resources reports what
//! examples/runbook reports, each finding on the aws_* attribute that holds
//! the runbook's setting.

use std::collections::BTreeSet;

use crate::util::{json, root, run_in};

/// (rule, severity, profile address, location, message) of every finding.
fn findings(dir: &str, path: &str) -> BTreeSet<(String, String, String, String, String)> {
    let case = root().join(dir);
    let r = run_in(&case, &[path, "--format", "json"]);
    assert_ne!(r.code, 2, "{dir} {path}: {}", r.stderr);
    let doc = json(&r.stdout);
    let mut out = BTreeSet::new();
    for p in doc["profiles"].as_array().into_iter().flatten() {
        for f in p["findings"].as_array().into_iter().flatten() {
            let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
            out.insert((
                s(&f["rule_id"]),
                s(&f["severity"]),
                s(&p["address"]),
                s(&f["location"]),
                s(&f["message"]),
            ));
        }
    }
    out
}

#[test]
fn a_plan_of_an_aws_stack_reports_what_its_hcl_reports() {
    for case in [
        "aws_runbook",
        "aws_for_each_functions",
        "aws_proxy_integration_quota",
        "aws_cloudfront_api_behaviour",
        "aws_method_throttles",
        "aws_accelerator_on_api",
        "aws_regions",
    ] {
        let hcl = findings(&format!("tests/validator/corpus/{case}"), ".");
        let plan = findings(&format!("tests/validator/corpus/{case}_plan"), "plan.json");
        assert!(
            hcl.iter().any(|f| f.1 == "error" || f.1 == "warning"),
            "{case}: no error or warning found"
        );
        assert_eq!(hcl, plan, "{case}: HCL and plan JSON differ");
    }
}

#[test]
fn the_runbook_as_aws_resources_reports_what_the_runbook_reports() {
    // Where the runbook's profile holds each setting, and the aws_*
    // attribute that holds it in the aws_* stack.
    let moved = [
        (
            "lambda_pools[\"api\"].reserved_concurrency",
            "aws_lambda_function.api.reserved_concurrent_executions",
        ),
        (
            "lambda_pools[\"api\"].timeout",
            "aws_lambda_function.api.timeout",
        ),
        (
            "lambda_pools[\"api\"].publish_on_change",
            "aws_lambda_function.api.publish",
        ),
        (
            "lambda_pools[\"api\"].provisioned_concurrency",
            "aws_lambda_provisioned_concurrency_config.prod.provisioned_concurrent_executions",
        ),
        (
            "api_gateway.rate_limit",
            "aws_api_gateway_method_settings.all.settings.throttling_rate_limit",
        ),
        (
            "api_gateway.burst_limit",
            "aws_api_gateway_method_settings.all.settings.throttling_burst_limit",
        ),
        (
            "quota_requests[\"api_throttle\"].desired_value",
            "aws_servicequotas_service_quota.api_throttle.value",
        ),
        (
            "cache_policy.headers",
            "aws_cloudfront_cache_policy.api.parameters_in_cache_key_and_forwarded_to_origin.headers_config.headers.items",
        ),
        ("cache_policy.min_ttl", "aws_cloudfront_cache_policy.api.min_ttl"),
        (
            "budget.monthly_usd",
            "aws_budgets_budget.monthly.limit_amount",
        ),
    ];
    let runbook = findings("examples/runbook", ".");
    let aws = findings("tests/validator/corpus/aws_runbook", ".");
    let aws_at: BTreeSet<(String, String)> =
        aws.iter().map(|f| (f.0.clone(), f.3.clone())).collect();
    let mut compared = 0;
    for (rule, _, _, location, _) in &runbook {
        let Some((_, to)) = moved
            .iter()
            .find(|(from, _)| from == location)
            .or_else(|| location.starts_with("traffic.").then_some(&("", "")))
        else {
            continue;
        };
        let want = if to.is_empty() { location.as_str() } else { to };
        assert!(
            aws_at.contains(&(rule.clone(), want.to_string())),
            "the runbook reports {rule} at {location}; the aws_* stack does not report it at {want}: {aws_at:?}"
        );
        compared += 1;
    }
    assert!(compared >= 15, "only {compared} findings compared");
    let aws_rules: BTreeSet<&str> = aws.iter().map(|f| f.0.as_str()).collect();
    let missing: BTreeSet<&str> = runbook
        .iter()
        .map(|f| f.0.as_str())
        .filter(|r| !aws_rules.contains(r))
        .collect();
    assert_eq!(missing, BTreeSet::new(), "the aws_* stack misses findings");
    // The quota request is read from aws_servicequotas_service_quota, so the
    // stage rate above the default is asked for (LIM013, no CAP005): the
    // aws_* stack reports no rule the runbook does not.
    let runbook_rules: BTreeSet<&str> = runbook.iter().map(|f| f.0.as_str()).collect();
    let new: BTreeSet<&str> = aws
        .iter()
        .map(|f| f.0.as_str())
        .filter(|r| !runbook_rules.contains(r))
        .collect();
    assert_eq!(new, BTreeSet::new());
}

#[test]
fn bad_and_unknown_aws_values_are_said_on_their_aws_attribute() {
    let dir = crate::util::temp_with(&[(
        "main.tf",
        "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"api\"\n  memory_size   = \"lots\"\n}\n",
    )]);
    let r = run_in(dir.path(), &["."]);
    crate::util::assert_unusable(
        &r,
        &["main.tf:3: aws_lambda_function.api.memory_size: expected a number"],
    );

    // A value in a nested block: its line too.
    let dir = crate::util::temp_with(&[(
        "main.tf",
        "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"api\"\n}\nresource \"aws_cloudfront_cache_policy\" \"p\" {\n  name = \"p\"\n  parameters_in_cache_key_and_forwarded_to_origin {\n    headers_config {\n      header_behavior = [\"whitelist\"]\n    }\n  }\n}\n",
    )]);
    let r = run_in(dir.path(), &["."]);
    crate::util::assert_unusable(
        &r,
        &["main.tf:8: aws_cloudfront_cache_policy.p.parameters_in_cache_key_and_forwarded_to_origin.headers_config.header_behavior: expected a string"],
    );

    // A behaviour CloudFront does not know (CachePolicyHeaderBehavior is
    // none or whitelist; the cookie and query string ones add allExcept
    // and all): refused on its attribute, as on the profile's.
    for (config, behavior, bad) in [
        ("headers_config", "header_behavior", "sometimes"),
        ("headers_config", "header_behavior", "all"),
        ("cookies_config", "cookie_behavior", "some"),
    ] {
        let dir = crate::util::temp_with(&[(
            "main.tf",
            &format!("resource \"aws_lambda_function\" \"api\" {{\n  function_name = \"api\"\n}}\nresource \"aws_cloudfront_cache_policy\" \"p\" {{\n  name = \"p\"\n  parameters_in_cache_key_and_forwarded_to_origin {{\n    {config} {{\n      {behavior} = \"{bad}\"\n    }}\n  }}\n}}\n"),
        )]);
        let r = run_in(dir.path(), &["."]);
        crate::util::assert_unusable(
            &r,
            &[
                &format!("main.tf:8: aws_cloudfront_cache_policy.p.parameters_in_cache_key_and_forwarded_to_origin.{config}.{behavior}: must be one of"),
                &format!("got \"{bad}\""),
            ],
        );
    }

    let dir = crate::util::temp_with(&[(
        "main.tf",
        "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"api\"\n  memory_size   = -5\n  timeout       = data.aws_ssm_parameter.timeout.value\n  role          = aws_iam_role.api.arn\n}\n",
    )]);
    let r = run_in(dir.path(), &[".", "--format", "json"]);
    let doc = json(&r.stdout);
    let at: BTreeSet<String> = doc["profiles"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            format!(
                "{} {}",
                f["rule_id"].as_str().unwrap_or_default(),
                f["location"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        at.contains("LIM004 aws_lambda_function.api.memory_size"),
        "{at:?}"
    );
    assert!(
        at.contains("INP001 aws_lambda_function.api.timeout"),
        "{at:?}"
    );
    // The role matters to no rule: not reported.
    assert!(!at.iter().any(|a| a.contains(".role")), "{at:?}");
}

/// (rule, severity, location) of every finding of the run in `dir`.
fn found_in(dir: &std::path::Path) -> BTreeSet<(String, String, String)> {
    found_with(dir, &["."])
}

/// The same for a run with `args` (a path first), in JSON.
fn found_with(dir: &std::path::Path, args: &[&str]) -> BTreeSet<(String, String, String)> {
    let r = run_in(dir, &[args, &["--format", "json"]].concat());
    assert_ne!(r.code, 2, "{}", r.stderr);
    let doc = json(&r.stdout);
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    doc["profiles"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["findings"].as_array().into_iter().flatten())
        .map(|f| (s(&f["rule_id"]), s(&f["severity"]), s(&f["location"])))
        .collect()
}

const BUDGET_STACK: &str = "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"api\"\n  memory_size   = 1024\n}\n";
const BUDGET_TRAFFIC: &str = "traffic {\n  peak_rps   = 1000\n  latency_ms = 50\n}\n";

fn budget(name: &str, ty: &str, amount: &str, unit: &str, period: &str) -> String {
    format!(
        "resource \"aws_budgets_budget\" \"{name}\" {{\n  budget_type  = \"{ty}\"\n  limit_amount = \"{amount}\"\n  limit_unit   = \"{unit}\"\n  time_unit    = \"{period}\"\n}}\n"
    )
}

#[test]
fn only_monthly_usd_cost_budgets_are_held_against_the_estimate_the_lowest_first() {
    let main = [
        BUDGET_STACK.to_string(),
        budget("usage", "USAGE", "1", "GB", "MONTHLY"),
        budget("quarter", "COST", "1", "USD", "QUARTERLY"),
        budget("pounds", "COST", "1", "GBP", "MONTHLY"),
        budget("roomy", "COST", "100000000", "USD", "MONTHLY"),
        budget("tight", "COST", "10.50", "USD", "MONTHLY"),
    ]
    .concat();
    let dir =
        crate::util::temp_with(&[("main.tf", &main), (".smuppy-validate.hcl", BUDGET_TRAFFIC)]);
    let found = found_in(dir.path());
    let cost: BTreeSet<_> = found.iter().filter(|f| f.0 == "COST002").collect();
    // An AWS budget notifies, it does not stop an apply: a warning.
    assert_eq!(
        cost,
        BTreeSet::from([&(
            "COST002".to_string(),
            "warning".to_string(),
            "aws_budgets_budget.tight.limit_amount".to_string()
        )]),
        "{found:?}"
    );
    for at in [
        "aws_budgets_budget.quarter.time_unit",
        "aws_budgets_budget.pounds.limit_unit",
    ] {
        assert!(
            found.contains(&("INP001".into(), "warning".into(), at.into())),
            "no INP001 at {at}: {found:?}"
        );
    }
    assert!(
        !found
            .iter()
            .any(|f| f.2.contains("aws_budgets_budget.usage")),
        "{found:?}"
    );

    // Within the lowest budget: nothing to report.
    let main = [
        BUDGET_STACK.to_string(),
        budget("roomy", "COST", "100000000", "USD", "MONTHLY"),
    ]
    .concat();
    let dir =
        crate::util::temp_with(&[("main.tf", &main), (".smuppy-validate.hcl", BUDGET_TRAFFIC)]);
    assert!(!found_in(dir.path()).iter().any(|f| f.0 == "COST002"));
}

#[test]
fn bad_budget_and_method_throttle_values_are_said_on_their_aws_attribute() {
    let main = [
        BUDGET_STACK.to_string(),
        budget("b", "COST", "lots", "USD", "MONTHLY"),
    ]
    .concat();
    let dir = crate::util::temp_with(&[("main.tf", &main)]);
    let r = run_in(dir.path(), &["."]);
    crate::util::assert_unusable(&r, &["main.tf:7: aws_budgets_budget.b.limit_amount: "]);

    let stage = "resource \"aws_api_gateway_stage\" \"s\" {\n  rest_api_id = \"a\"\n  stage_name  = \"prod\"\n}\n";
    for (value, says) in [
        ("\"fast\"", "expected a number"),
        (
            "-5",
            "-5 is neither -1 (no throttle of the method's own) nor 0 or more",
        ),
    ] {
        let main = format!(
            "{stage}resource \"aws_api_gateway_method_settings\" \"m\" {{\n  rest_api_id = \"a\"\n  stage_name  = aws_api_gateway_stage.s.stage_name\n  method_path = \"items/GET\"\n  settings {{\n    throttling_rate_limit = {value}\n  }}\n}}\n"
        );
        let dir = crate::util::temp_with(&[("main.tf", &main)]);
        let r = run_in(dir.path(), &["."]);
        crate::util::assert_unusable(
            &r,
            &[&format!(
                "main.tf:10: aws_api_gateway_method_settings.m.settings.throttling_rate_limit: {says}"
            )],
        );
    }
}

#[test]
fn a_method_path_not_known_is_said_not_skipped() {
    let main = "resource \"aws_api_gateway_stage\" \"s\" {\n  rest_api_id = \"a\"\n  stage_name  = \"prod\"\n}\nresource \"aws_api_gateway_method_settings\" \"m\" {\n  rest_api_id = \"a\"\n  stage_name  = aws_api_gateway_stage.s.stage_name\n  method_path = \"${trimprefix(aws_api_gateway_resource.items.path, \"/\")}/GET\"\n  settings {\n    throttling_rate_limit = 50000\n  }\n}\n";
    let dir = crate::util::temp_with(&[("main.tf", main)]);
    let found = found_in(dir.path());
    assert!(
        found.contains(&(
            "INP001".into(),
            "warning".into(),
            "aws_api_gateway_method_settings.m.method_path".into()
        )),
        "{found:?}"
    );
}

/// -1 is what the AWS provider plans for a throttling limit left unset (a
/// `*/*` setting for logging only): no throttle, not a value out of range.
#[test]
fn a_stage_wide_throttle_of_minus_one_is_no_throttle() {
    let main = "resource \"aws_api_gateway_stage\" \"s\" {\n  rest_api_id = \"a\"\n  stage_name  = \"prod\"\n}\nresource \"aws_api_gateway_method_settings\" \"all\" {\n  rest_api_id = \"a\"\n  stage_name  = aws_api_gateway_stage.s.stage_name\n  method_path = \"*/*\"\n  settings {\n    metrics_enabled        = true\n    throttling_rate_limit  = -1\n    throttling_burst_limit = -1\n  }\n}\n";
    let dir =
        crate::util::temp_with(&[("main.tf", main), (".smuppy-validate.hcl", BUDGET_TRAFFIC)]);
    let found = found_in(dir.path());
    assert!(
        !found.iter().any(|f| f.1 == "error"),
        "errors on an unset throttle: {found:?}"
    );
    // Without a stage rate, the account throttle is API Gateway's limit.
    let r = run_in(dir.path(), &[".", "--format", "json"]);
    assert!(
        r.stdout
            .contains("bottleneck: API Gateway: account throttle"),
        "{}",
        r.stdout
    );
}

/// (address, cost region, rule ids) of each profile.
fn regions(dir: &std::path::Path, path: &str) -> BTreeSet<(String, String, String)> {
    let r = run_in(dir, &[path, "--format", "json"]);
    assert_ne!(r.code, 2, "{path}: {}", r.stderr);
    let doc = json(&r.stdout);
    let mut out = BTreeSet::new();
    for p in doc["profiles"].as_array().into_iter().flatten() {
        let mut rules: Vec<&str> = p["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["severity"] != "info")
            .filter_map(|f| f["rule_id"].as_str())
            .collect();
        rules.sort();
        out.insert((
            p["address"].as_str().unwrap_or_default().to_string(),
            p["cost"]["region"].as_str().unwrap_or_default().to_string(),
            rules.join(","),
        ));
    }
    out
}

/// A profile under an aliased smuppy provider is in that configuration's
/// Region, in HCL and in plan JSON (`provider_config_key`), not in the last
/// provider block's nor in the default's; profiles of two Regions share no
/// account quota (600 + 600 reserved is no ACC001).
#[test]
fn a_profile_is_in_the_region_of_its_provider_configuration() {
    let profile = |name: &str, provider: &str| {
        format!(
            "resource \"smuppy_scaling_profile\" \"{name}\" {{\n{provider}  name = \"{name}\"\n  lambda_pools = {{\n    api = {{\n      function_name        = \"api-{name}\"\n      reserved_concurrency = 600\n    }}\n  }}\n}}\n"
        )
    };
    let hcl = format!(
        "provider \"smuppy\" {{\n  region = \"us-east-1\"\n}}\nprovider \"smuppy\" {{\n  alias  = \"eu\"\n  region = \"eu-west-1\"\n}}\n{}{}",
        profile("east", ""),
        profile("west", "  provider = smuppy.eu\n")
    );
    let values = |name: &str| {
        serde_json::json!({
            "address": format!("smuppy_scaling_profile.{name}"),
            "mode": "managed",
            "type": "smuppy_scaling_profile",
            "name": name,
            "values": {
                "name": name,
                "lambda_pools": {"api": {"function_name": format!("api-{name}"), "reserved_concurrency": 600}}
            }
        })
    };
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [values("east"), values("west")]}},
        "configuration": {
            "provider_config": {
                "smuppy": {"name": "smuppy", "expressions": {"region": {"constant_value": "us-east-1"}}},
                "smuppy.eu": {"name": "smuppy", "alias": "eu", "expressions": {"region": {"constant_value": "eu-west-1"}}}
            },
            "root_module": {"resources": [
                {"address": "smuppy_scaling_profile.east", "mode": "managed", "type": "smuppy_scaling_profile", "name": "east", "provider_config_key": "smuppy"},
                {"address": "smuppy_scaling_profile.west", "mode": "managed", "type": "smuppy_scaling_profile", "name": "west", "provider_config_key": "smuppy.eu"}
            ]}
        }
    });
    let dir = crate::util::temp_with(&[("main.tf", &hcl), ("plan/plan.json", &plan.to_string())]);
    let want: BTreeSet<(String, String, String)> = [
        ("smuppy_scaling_profile.east", "us-east-1"),
        ("smuppy_scaling_profile.west", "eu-west-1"),
    ]
    .iter()
    .map(|(a, r)| (a.to_string(), r.to_string(), String::new()))
    .collect();
    assert_eq!(regions(dir.path(), "main.tf"), want, "HCL");
    assert_eq!(regions(dir.path(), "plan/plan.json"), want, "plan JSON");
}

/// `terraform show -json` does not carry `lifecycle { ignore_changes }`, so
/// from a plan a table's capacity beside auto scaling may be only where it
/// starts (the usual pattern) or a second owner: it is taken as the start
/// and said (INP001 on the attribute), not reported as LIM021.
#[test]
fn a_plan_cannot_tell_ignore_changes_so_capacity_beside_auto_scaling_is_said_not_an_error() {
    let res = |ty: &str, name: &str, values: serde_json::Value| {
        serde_json::json!({
            "address": format!("{ty}.{name}"), "mode": "managed", "type": ty,
            "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": values
        })
    };
    let table = res(
        "aws_dynamodb_table",
        "t",
        serde_json::json!({"name": "t", "billing_mode": "PROVISIONED",
            "read_capacity": 100, "write_capacity": 20}),
    );
    let target = res(
        "aws_appautoscaling_target",
        "read",
        serde_json::json!({"service_namespace": "dynamodb", "resource_id": "table/t",
            "scalable_dimension": "dynamodb:table:ReadCapacityUnits",
            "min_capacity": 100, "max_capacity": 4000}),
    );
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [table, target]}},
        "configuration": {"root_module": {"resources": []}}
    });
    let dir = crate::util::temp_with(&[("plan.json", &plan.to_string())]);
    let found: Vec<(String, String)> = found_with(dir.path(), &["plan.json"])
        .into_iter()
        .map(|(rule, _, at)| (rule, at))
        .collect();
    assert!(!found.iter().any(|f| f.0 == "LIM021"), "{found:?}");
    assert!(
        found.contains(&("INP001".into(), "aws_dynamodb_table.t.read_capacity".into())),
        "{found:?}"
    );
    // The write side has no auto scaling: its capacity is the table's own.
    assert!(
        !found
            .iter()
            .any(|f| f.1 == "aws_dynamodb_table.t.write_capacity" && f.0 == "INP001"),
        "{found:?}"
    );
}

/// The traffic of an aws_* stack from the command line: `--traffic
/// NAME=VALUE` gives what the config file's `traffic` block gives, overrides
/// it, and refuses an unknown name or a value of the wrong kind.
#[test]
fn traffic_from_the_command_line_is_the_config_files_traffic_block() {
    let stack = "resource \"aws_lambda_function\" \"api\" {\n  function_name                  = \"api\"\n  memory_size                    = 1024\n  reserved_concurrent_executions = 10\n}\n";
    let from_file = crate::util::temp_with(&[
        ("main.tf", stack),
        (
            ".smuppy-validate.hcl",
            "traffic {\n  peak_rps   = 1000\n  latency_ms = 50\n}\n",
        ),
    ]);
    let bare = crate::util::temp_with(&[("main.tf", stack)]);
    let want = found_in(from_file.path());
    // 1,000 rps × 50 ms needs 50 executions, above the 10 reserved.
    assert!(want.iter().any(|f| f.0 == "CAP002"), "{want:?}");
    let flags = [
        ".",
        "--traffic",
        "peak_rps=1000",
        "--traffic",
        "latency_ms=50",
    ];
    let got = found_with(bare.path(), &flags);
    assert_eq!(got, want);
    // The flag overrides the file: 100 rps × 50 ms fits in 10.
    let r = run_in(
        from_file.path(),
        &[".", "--format", "json", "--traffic", "peak_rps=100"],
    );
    assert!(!r.stdout.contains("\"CAP002\""), "{}", r.stdout);
    for (bad, says) in [
        ("peak=1", "not a traffic default; expected"),
        ("peak_rps=fast", "a number"),
        ("peak_rps", "NAME=VALUE"),
        ("strongly_consistent_reads=yes", "true or false"),
    ] {
        let r = run_in(bare.path(), &[".", "--traffic", bad]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stdout);
        assert!(
            r.stderr.contains("--traffic") && r.stderr.contains(says),
            "{bad}: {}",
            r.stderr
        );
    }
}
