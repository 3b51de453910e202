//! One test per rule on the scaling side: a coherent profile stays silent,
//! and each change makes exactly the expected rule speak, with its numbers.

use scaling::*;

fn coherent() -> Profile {
    let mut p = Profile {
        name: "coherent".into(),
        ..Profile::default()
    };
    p.traffic = Traffic {
        peak_rps: Some(14_000.0),
        latency_ms: Some(50.0),
        cache_hit_ratio: Some(0.5),
        reads_per_request: Some(1.0),
        writes_per_request: Some(0.0),
        average_to_peak_ratio: Some(0.3),
        monthly_requests: None,
        response_bytes: Some(1024.0),
        item_size_kb: Some(4.0),
        strongly_consistent_reads: Some(false),
        architecture: Some("arm64".into()),
    };
    p.api_gateway = Some(StageThrottle {
        rest_api_id: Some("a1b2c3d4e5".into()),
        stage_name: Some("prod".into()),
        rate_limit: Some(9_000.0),
        burst_limit: Some(5_000),
        integration_timeout_ms: None,
        methods: Vec::new(),
    });
    p.lambdas.push(LambdaPool {
        function_name: "api".into(),
        reserved_concurrency: Some(800),
        provisioned_concurrency: Some(400),
        qualifier: Some("live".into()),
        memory_size: Some(1024),
        timeout: Some(20),
        publish_on_change: true,
    });
    p.dynamodb.push(TableCapacity {
        table_name: "feeds".into(),
        billing_mode: Some(BillingMode::PayPerRequest),
        read_capacity: None,
        write_capacity: None,
        read_autoscaling: None,
        write_autoscaling: None,
    });
    p.cache_policy = Some(CachePolicy {
        name: "ApiCache".into(),
        comment: None,
        min_ttl: Some(0),
        default_ttl: Some(60),
        max_ttl: Some(300),
        enable_gzip: true,
        enable_brotli: true,
        header_behavior: "none".into(),
        headers: vec![],
        cookie_behavior: "none".into(),
        cookies: vec![],
        query_string_behavior: "whitelist".into(),
        query_strings: vec!["page".into()],
    });
    p.dashboard = Some(Dashboard { name: "d".into() });
    p.budget = Some(Budget {
        monthly_usd: 100_000.0,
        enforce: true,
    });
    p
}

fn loud(a: &Analysis) -> Vec<String> {
    a.findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| format!("{} {}", f.rule_id, f.message))
        .collect()
}

/// Runs the rules on `p` and returns the finding of `id`, checking that no
/// other error or warning speaks than those in `also`.
fn only(p: &Profile, l: &Limits, id: &str, also: &[&str]) -> Finding {
    let a = analyze(p, l, &PriceTable::default());
    let unexpected: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info && f.rule_id != id && !also.contains(&f.rule_id))
        .map(|f| format!("{} {}", f.rule_id, f.message))
        .collect();
    assert!(
        unexpected.is_empty(),
        "unexpected findings besides {id}: {unexpected:?}"
    );
    a.findings
        .iter()
        .find(|f| f.rule_id == id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} did not fire; got {:?}", loud(&a)))
}

fn stage(p: &mut Profile) -> &mut StageThrottle {
    p.api_gateway.get_or_insert(StageThrottle {
        rest_api_id: None,
        stage_name: None,
        rate_limit: None,
        burst_limit: None,
        integration_timeout_ms: None,
        methods: Vec::new(),
    })
}

/// A change to a function, for table-driven tests.
type Change = Box<dyn Fn(&mut LambdaPool)>;

fn d() -> Limits {
    Limits::default()
}

#[test]
fn the_coherent_profile_is_silent() {
    let a = analyze(&coherent(), &d(), &PriceTable::default());
    assert!(loud(&a).is_empty(), "{:?}", loud(&a));
    // 14,000 × 0.5 = 7,000 rps; × 0.05 s = 350 executions: 78% of the
    // stage's 9,000 rps, 44% of the 800 reserved, under the 80% at which
    // CAP013 warns.
    assert_eq!(a.capacity.required_concurrency, Some(350.0));
    // Lambda 800 ÷ 0.05 = 16,000; API Gateway 9,000; DynamoDB 40,000 ÷ 0.5 = 80,000.
    assert_eq!(a.capacity.max_origin_rps, Some(9_000.0));
    assert_eq!(a.capacity.max_sustainable_rps, Some(18_000.0));
    assert_eq!(a.capacity.headroom, Some(1.285714));
    assert_eq!(a.capacity.ramp_seconds, Some(0.0));
}

#[test]
fn cap002_reserved_below_required() {
    let mut p = coherent();
    p.lambdas[0].reserved_concurrency = Some(300);
    p.lambdas[0].provisioned_concurrency = Some(200);
    let f = only(&p, &d(), "CAP002", &["CAP007"]);
    assert!(
        f.message.contains("needs 350")
            && f.message
                .contains("reserved concurrency is 300: 6,000 rps at most"),
        "{}",
        f.message
    );
    assert_eq!(f.location.to_string(), "lambda[0].reserved_concurrency");
}

#[test]
fn cap003_counts_reserved_elsewhere() {
    let mut l = d();
    l.live.reserved_outside_profile.push(ReservedElsewhere {
        function_name: "batch".into(),
        reserved_concurrency: 700,
    });
    let mut p = coherent();
    p.lambdas[0].reserved_concurrency = None;
    p.lambdas[0].provisioned_concurrency = None;
    let f = only(&p, &l, "CAP003", &["LIM001"]);
    // 1,000 − 700 = 300 < 350; it needs 350 + 100 + 700 = 1,150.
    assert!(
        f.message.contains("minus 700 reserved by other functions")
            && f.message.contains("≥ 1,150"),
        "{}",
        f.message
    );
}

#[test]
fn cap004_and_cap005_and_lim013() {
    let mut p = coherent();
    p.traffic.peak_rps = Some(24_000.0);
    p.lambdas[0].reserved_concurrency = Some(850);
    let f = only(&p, &d(), "CAP004", &[]);
    assert!(
        f.message
            .contains("12,000 rps reach API Gateway but it lets through 9,000 rps"),
        "{}",
        f.message
    );

    let mut p = coherent();
    stage(&mut p).rate_limit = Some(13_000.0);
    let f = only(&p, &d(), "CAP005", &[]);
    assert!(
        f.message
            .contains("stage rate 13,000 rps exceeds the account throttle 10,000 rps"),
        "{}",
        f.message
    );

    p.quota_requests.push(QuotaRequest {
        service_code: "apigateway".into(),
        quota_code: "L-8A5B8E43".into(),
        desired_value: Some(13_000.0),
    });
    let f = only(&p, &d(), "LIM013", &[]);
    assert_eq!(f.location.to_string(), "quota_request[0].desired_value");

    // Once applied, nothing is left to say.
    let mut l = d();
    l.live
        .applied_quotas
        .insert("apigateway/L-8A5B8E43".into(), 13_000.0);
    let a = analyze(&p, &l, &PriceTable::default());
    assert!(loud(&a).is_empty(), "{:?}", loud(&a));
}

#[test]
fn cap006_burst() {
    let mut p = coherent();
    stage(&mut p).burst_limit = Some(8_000);
    let f = only(&p, &d(), "CAP006", &[]);
    assert!(
        f.message
            .contains("stage burst 8,000 exceeds the account burst 5,000"),
        "{}",
        f.message
    );
}

#[test]
fn cap007_ramp_from_provisioned() {
    let mut l = d();
    l.live.account_concurrency = Some(5_000);
    l.live.account_throttle = Some(AccountThrottle {
        rate_limit: 80_000.0,
        burst_limit: 10_000.0,
    });
    let mut p = coherent();
    p.traffic.peak_rps = Some(60_000.0);
    p.traffic.cache_hit_ratio = Some(0.0);
    // 60,000 rps against 80,000 and 3,000 executions against 4,000 reserved:
    // 75%, no early warning.
    stage(&mut p).rate_limit = Some(80_000.0);
    p.lambdas[0].reserved_concurrency = Some(4_000);
    p.lambdas[0].provisioned_concurrency = Some(100);
    p.budget = None;
    let f = only(&p, &l, "CAP007", &[]);
    assert_eq!(f.severity, Severity::Warning);
    // 60,000 × 0.05 = 3,000; 2,900 above PC at 1,000 per 10 s → 30 s.
    assert!(
        f.message.contains("the 2,900 above PC take 30 s"),
        "{}",
        f.message
    );
}

#[test]
fn cap007_without_a_function_is_said_on_the_traffic_not_on_a_missing_pool() {
    // A profile holding only a stage (the validator builds one per extra
    // aws_api_gateway_stage) still needs its functions to scale in; the
    // finding cannot sit on lambda_pools it does not have.
    let mut p = coherent();
    p.lambdas.clear();
    p.budget = None;
    let f = only(&p, &d(), "CAP007", &[]);
    assert_eq!(f.location.to_string(), "traffic[0].peak_rps");
}

#[test]
fn cap008_cap009_on_demand_ceilings() {
    let mut p = coherent();
    p.traffic.peak_rps = Some(100_000.0);
    p.traffic.cache_hit_ratio = Some(0.0);
    p.traffic.strongly_consistent_reads = Some(true);
    p.traffic.writes_per_request = Some(1.0);
    p.traffic.item_size_kb = Some(1.0);
    p.api_gateway = None;
    p.lambdas.clear();
    p.budget = None;
    let a = analyze(&p, &d(), &PriceTable::default());
    let ids: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.rule_id)
        .collect();
    assert_eq!(ids, vec!["CAP008", "CAP009"]);
    // 100,000 reads × ⌈1/4⌉ × 1 = 100,000 RRU/s against 40,000.
    assert!(
        a.findings[0]
            .message
            .contains("100,000 read units/s needed"),
        "{}",
        a.findings[0].message
    );
    assert_eq!(
        a.findings[0].location.to_string(),
        "dynamodb[0].billing_mode"
    );
}

#[test]
fn cap010_account_quota_over_tables() {
    let mut p = coherent();
    p.dynamodb.clear();
    for (name, max) in [("a", 40_000), ("b", 45_000)] {
        p.dynamodb.push(TableCapacity {
            table_name: name.into(),
            billing_mode: Some(BillingMode::Provisioned),
            read_capacity: None,
            write_capacity: Some(5),
            read_autoscaling: Some(AutoScaling {
                min_capacity: Some(100),
                max_capacity: Some(max),
                target_utilization: Some(70.0),
                scale_in_cooldown: None,
                scale_out_cooldown: None,
            }),
            write_autoscaling: None,
        });
    }
    let a = analyze(&p, &d(), &PriceTable::default());
    let cap010: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.rule_id == "CAP010")
        .map(|f| f.message.clone())
        .collect();
    assert!(
        cap010
            .iter()
            .any(|m| m.contains("45,000 is above the per-table quota of 40,000")),
        "{cap010:?}"
    );
    assert!(cap010.iter().any(|m| m.contains("over all tables is 85,000, above the per-account quota of 80,000")), "{cap010:?}");
}

#[test]
fn lambda_limits() {
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "LIM001",
            Box::new(|l| l.reserved_concurrency = Some(950)),
            "needs an account concurrency of ≥ 1,050",
        ),
        (
            "LIM002",
            Box::new(|l| l.provisioned_concurrency = Some(900)),
            "provisioned concurrency 900 exceeds reserved concurrency 800",
        ),
        (
            "LIM003",
            Box::new(|l| l.provisioned_concurrency = Some(800)),
            "equals reserved concurrency",
        ),
        (
            "LIM004",
            Box::new(|l| l.memory_size = Some(64)),
            "memory_size 64 MB is outside 128–10,240 MB",
        ),
        (
            "LIM005",
            Box::new(|l| l.timeout = Some(30)),
            "timeout 30 s exceeds the API Gateway integration timeout of 29 s",
        ),
        (
            "LIM010",
            Box::new(|l| l.qualifier = Some("$LATEST".into())),
            "cannot be set on $LATEST",
        ),
        (
            "LIM015",
            Box::new(|l| l.publish_on_change = false),
            "reach $LATEST only",
        ),
    ];
    for (id, change, text) in cases {
        let mut p = coherent();
        change(&mut p.lambdas[0]);
        let f = only(&p, &d(), id, &["CAP003", "CAP007"]);
        assert!(f.message.contains(text), "{id}: {}", f.message);
    }
    let mut p = coherent();
    p.api_gateway = None;
    p.lambdas[0].timeout = Some(901);
    let f = only(&p, &d(), "LIM006", &[]);
    assert!(f.message.contains("timeout 901 s is outside 1–900 s"));
    // A raised integration timeout moves the LIM005 line.
    let mut p = coherent();
    p.lambdas[0].timeout = Some(45);
    stage(&mut p).integration_timeout_ms = Some(60_000);
    let f = only(&p, &d(), "LIM019", &[]);
    assert!(f.message.contains("60,000 ms"));
}

#[test]
fn lim016_lambda_quota_request() {
    let mut p = coherent();
    p.lambdas[0].reserved_concurrency = Some(2_000);
    p.quota_requests.push(QuotaRequest {
        service_code: "lambda".into(),
        quota_code: "L-B99A9384".into(),
        desired_value: Some(3_000.0),
    });
    let f = only(&p, &d(), "LIM016", &[]);
    assert!(
        f.message.contains("≥ 2,100") && f.message.contains("L-B99A9384 = 3,000"),
        "{}",
        f.message
    );
}

#[test]
fn autoscaling_and_billing_mode() {
    let scaling = |min, max, target| AutoScaling {
        min_capacity: Some(min),
        max_capacity: Some(max),
        target_utilization: Some(target),
        scale_in_cooldown: None,
        scale_out_cooldown: None,
    };
    let mut p = coherent();
    p.dynamodb[0].billing_mode = Some(BillingMode::Provisioned);
    p.dynamodb[0].write_capacity = Some(5);
    p.dynamodb[0].read_autoscaling = Some(scaling(100, 20_000, 70.0));
    assert!(loud(&analyze(&p, &d(), &PriceTable::default())).is_empty());

    p.dynamodb[0].read_autoscaling = Some(scaling(30_000, 20_000, 70.0));
    assert_eq!(
        only(&p, &d(), "LIM007", &[]).location.to_string(),
        "dynamodb[0].autoscaling[0].read[0].min_capacity"
    );
    p.dynamodb[0].read_autoscaling = Some(scaling(100, 20_000, 95.0));
    assert!(only(&p, &d(), "LIM008", &[])
        .message
        .contains("95% is outside 20–90%"));
    p.dynamodb[0].read_autoscaling = Some(scaling(100, 20_000, 70.0));
    p.dynamodb[0].billing_mode = Some(BillingMode::PayPerRequest);
    only(&p, &d(), "LIM009", &[]);
    p.dynamodb[0].billing_mode = Some(BillingMode::Provisioned);
    p.dynamodb[0].read_autoscaling = None;
    assert!(only(&p, &d(), "LIM020", &[])
        .message
        .contains("missing: read"));
}

#[test]
fn quota_requests_against_live_facts() {
    let mut p = coherent();
    p.quota_requests.push(QuotaRequest {
        service_code: "apigateway".into(),
        quota_code: "L-8A5B8E43".into(),
        desired_value: Some(5_000.0),
    });
    let mut l = d();
    l.live
        .applied_quotas
        .insert("apigateway/L-8A5B8E43".into(), 10_000.0);
    assert!(only(&p, &l, "LIM011", &[])
        .message
        .contains("desired 5,000 is below the applied 10,000"));
    let mut l = d();
    l.live.open_requests.push(OpenQuotaRequest {
        service_code: "apigateway".into(),
        quota_code: "L-8A5B8E43".into(),
        desired_value: 12_000.0,
        status: "PENDING".into(),
        request_id: Some("abc".into()),
    });
    let f = only(&p, &l, "LIM012", &[]);
    assert!(
        f.message
            .contains("12,000 is already open (PENDING, id abc)")
            && f.message.contains("asks for 5,000"),
        "{}",
        f.message
    );
}

#[test]
fn accelerator_on_api_gateway() {
    for endpoint in [
        "a1b2c3d4e5",
        "https://xyz.execute-api.us-east-1.amazonaws.com",
        "arn:aws:apigateway:us-east-1::/restapis/x",
    ] {
        let mut p = coherent();
        p.global_accelerator = Some(Accelerator {
            name: "g".into(),
            enabled: true,
            ip_address_type: "IPV4".into(),
            ports: vec![443],
            protocol: "TCP".into(),
            endpoint_group_region: Some("us-east-1".into()),
            endpoint_id: Some(endpoint.into()),
        });
        only(&p, &d(), "LIM014", &[]);
    }
    let mut p = coherent();
    p.global_accelerator = Some(Accelerator {
        name: "g".into(),
        enabled: true,
        ip_address_type: "IPV4".into(),
        ports: vec![443],
        protocol: "TCP".into(),
        endpoint_group_region: Some("us-east-1".into()),
        endpoint_id: Some("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/api/50dc6c495c0c9188".into()),
    });
    assert!(loud(&analyze(&p, &d(), &PriceTable::default())).is_empty());
}

#[test]
fn cache_policy_rules() {
    let mut p = coherent();
    if let Some(c) = p.cache_policy.as_mut() {
        c.header_behavior = "whitelist".into();
        c.headers = vec!["authorization".into()];
    }
    let f = only(&p, &d(), "SEC001", &[]);
    // 0.5 assumed → 7,000 rps at the origin; at 0% hit 14,000 rps and 700 executions instead of 350.
    assert!(
        f.message
            .contains("14,000 rps, needing 700 concurrent executions instead of 350"),
        "{}",
        f.message
    );
    if let Some(c) = p.cache_policy.as_mut() {
        c.header_behavior = "none".into();
    }
    assert!(only(&p, &d(), "SEC003", &[])
        .message
        .contains("the origin never sees Authorization"));
    let mut p = coherent();
    if let Some(c) = p.cache_policy.as_mut() {
        c.min_ttl = Some(120);
    }
    let f = only(&p, &d(), "LIM017", &["SEC002"]);
    assert!(f.message.contains("min_ttl 120 > default_ttl 60"));
    let mut p = coherent();
    if let Some(c) = p.cache_policy.as_mut() {
        c.query_strings = (0..11).map(|i| format!("q{i}")).collect();
    }
    assert!(only(&p, &d(), "LIM018", &[])
        .message
        .contains("11 query_strings, at most 10"));
}

#[test]
fn traffic_out_of_range() {
    let mut p = coherent();
    p.traffic.cache_hit_ratio = Some(1.5);
    let f = only(&p, &d(), "TRF003", &[]);
    assert_eq!(f.location.to_string(), "traffic[0].cache_hit_ratio");
}

#[test]
fn arm_is_cheaper_than_x86() {
    let arm = analyze(&coherent(), &d(), &PriceTable::default())
        .cost
        .monthly_total_usd;
    let mut p = coherent();
    p.traffic.architecture = Some("x86_64".into());
    let x86 = analyze(&p, &d(), &PriceTable::default())
        .cost
        .monthly_total_usd;
    assert!(arm < x86, "arm {arm} x86 {x86}");
}

#[test]
fn cap013_early_warning_before_a_limit() {
    // 350 executions against 420 reserved: 83%, 70 left.
    let mut p = coherent();
    p.lambdas[0].reserved_concurrency = Some(420);
    let f = only(&p, &d(), "CAP013", &[]);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.location.to_string(), "lambda[0].reserved_concurrency");
    assert_eq!(
        f.message,
        "Lambda concurrency needed against reserved concurrency: 350 is 83% of 420 (early warning from 80%); 70 left before it throttles"
    );
    // A higher threshold, or 100 %, says nothing.
    let quiet = Options {
        early_warning: 0.9,
        ..Options::default()
    };
    assert!(loud(&analyze_with(&p, &d(), &PriceTable::default(), &quiet)).is_empty());
    let off = Options {
        early_warning: 1.0,
        ..Options::default()
    };
    assert!(loud(&analyze_with(&p, &d(), &PriceTable::default(), &off)).is_empty());
    // Under 80 %: silent. Past the limit: the limit's own error, no early warning.
    p.lambdas[0].reserved_concurrency = Some(440);
    assert!(loud(&analyze(&p, &d(), &PriceTable::default())).is_empty());
    p.lambdas[0].reserved_concurrency = Some(340);
    p.lambdas[0].provisioned_concurrency = Some(200);
    only(&p, &d(), "CAP002", &["CAP007"]);

    // 7,000 rps reach API Gateway, the stage lets 8,500 through: 82%.
    let mut p = coherent();
    stage(&mut p).rate_limit = Some(8_500.0);
    let f = only(&p, &d(), "CAP013", &[]);
    assert_eq!(f.location.to_string(), "api_gateway[0].rate_limit");
    assert!(f.message.contains("7,000 is 82% of 8,500"), "{}", f.message);

    // 3,500 read units a second against 4,000 provisioned: 87%.
    let mut p = coherent();
    p.dynamodb[0].billing_mode = Some(BillingMode::Provisioned);
    p.dynamodb[0].read_capacity = Some(4_000);
    p.dynamodb[0].write_capacity = Some(10);
    let f = only(&p, &d(), "CAP013", &[]);
    assert_eq!(f.location.to_string(), "dynamodb[0].read_capacity");
    assert!(
        f.message.starts_with("feeds: DynamoDB read units needed"),
        "{}",
        f.message
    );
    assert!(f.message.contains("3,500 is 87% of 4,000"), "{}", f.message);
}
