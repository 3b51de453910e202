//! The runbook's own figures as test vectors: 27,535 req/s at 55 ms, a
//! 100k req/s target, 10,000 reserved, 1,000 provisioned, and its ~$2,050
//! cost table, which the model shows cannot hold.

use scaling::*;

fn runbook() -> Profile {
    let mut p = Profile {
        name: "staging".into(),
        ..Profile::default()
    };
    p.traffic.peak_rps = Some(100_000.0);
    p.traffic.latency_ms = Some(55.0);
    p.traffic.cache_hit_ratio = Some(0.8);
    p.quota_requests.push(QuotaRequest {
        service_code: "apigateway".into(),
        quota_code: "L-8A5B8E43".into(),
        desired_value: Some(100_000.0),
    });
    p.api_gateway = Some(StageThrottle {
        rest_api_id: Some("bmkd8zayee".into()),
        stage_name: Some("staging".into()),
        rate_limit: Some(100_000.0),
        burst_limit: Some(50_000),
        integration_timeout_ms: None,
        methods: Vec::new(),
    });
    p.lambdas.push(LambdaPool {
        function_name: "smuppy-api-handler".into(),
        reserved_concurrency: Some(10_000),
        provisioned_concurrency: Some(1_000),
        qualifier: Some("prod".into()),
        memory_size: Some(1024),
        timeout: Some(30),
        publish_on_change: false,
    });
    p.dynamodb.push(TableCapacity {
        table_name: "smuppy-feeds-staging".into(),
        billing_mode: Some(BillingMode::PayPerRequest),
        read_capacity: None,
        write_capacity: None,
        read_autoscaling: None,
        write_autoscaling: None,
    });
    p.cache_policy = Some(CachePolicy {
        name: "SmuppyAPICache".into(),
        comment: None,
        min_ttl: Some(1),
        default_ttl: Some(60),
        max_ttl: Some(300),
        enable_gzip: true,
        enable_brotli: true,
        header_behavior: "whitelist".into(),
        headers: vec!["Authorization".into()],
        cookie_behavior: "none".into(),
        cookies: vec![],
        query_string_behavior: "all".into(),
        query_strings: vec![],
    });
    p.dashboard = Some(Dashboard {
        name: "SmuppyScaling".into(),
    });
    p
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

fn ids(a: &Analysis) -> Vec<(&'static str, Severity)> {
    a.findings.iter().map(|f| (f.rule_id, f.severity)).collect()
}

fn find<'a>(a: &'a Analysis, id: &str) -> &'a Finding {
    a.findings
        .iter()
        .find(|f| f.rule_id == id)
        .unwrap_or_else(|| panic!("{id} not reported; got {:?}", ids(a)))
}

fn cost_of(a: &Analysis, service: &str) -> f64 {
    a.cost
        .per_service
        .iter()
        .find(|s| s.service == service)
        .map(|s| s.usd)
        .unwrap_or_else(|| panic!("no cost line {service}"))
}

#[test]
fn concurrency_by_littles_law() {
    let a = analyze(&runbook(), &Limits::default(), &PriceTable::default());
    // 100,000 × (1 − 0.8) = 20,000 rps at the origin; × 0.055 s = 1,100.
    assert!(close(a.capacity.origin_rps.unwrap_or(0.0), 20_000.0, 1e-6));
    assert!(close(
        a.capacity.required_concurrency.unwrap_or(0.0),
        1_100.0,
        1e-6
    ));
    // Without the cache: 100,000 × 0.055 = 5,500.
    assert!(close(
        a.capacity.required_concurrency_no_cache.unwrap_or(0.0),
        5_500.0,
        1e-6
    ));
    let m = &find(&a, "CAP001").message;
    assert!(m.contains("1,100") && m.contains("5,500"), "{m}");
}

#[test]
fn the_measured_run_needs_1515_executions() {
    // 27,535 req/s at 55 ms: 27,535 × 0.055 = 1,514.4 concurrent executions.
    let mut p = runbook();
    p.traffic.peak_rps = Some(27_535.0);
    p.traffic.cache_hit_ratio = Some(0.0);
    let a = analyze(&p, &Limits::default(), &PriceTable::default());
    assert!(close(
        a.capacity.required_concurrency.unwrap_or(0.0),
        1_514.425,
        1e-6
    ));
    assert!(find(&a, "CAP001").message.contains("1,515"));
    // Above the default 1,000 account concurrency.
    assert!(find(&a, "CAP003").message.contains("1,515"));
}

#[test]
fn runbook_mistakes_are_reported() {
    let a = analyze(&runbook(), &Limits::default(), &PriceTable::default());
    let got = ids(&a);
    for (id, sev) in [
        ("LIM005", Severity::Error), // timeout 30 s vs 29 s
        ("LIM001", Severity::Error), // 10,000 reserved vs 1,000 − 100
        ("CAP003", Severity::Error), // 1,100 needed vs 1,000 account
        // 20,000 rps vs 10,000 throttle: a warning, since the runbook's own
        // quota request asks for 100,000 (the apply filing it must run).
        ("CAP004", Severity::Warning),
        ("LIM013", Severity::Warning), // stage 100k relies on the quota request
        ("CAP006", Severity::Warning), // burst 50,000 vs 5,000
        ("CAP012", Severity::Warning), // 100k stage for 20k origin
        ("LIM015", Severity::Warning), // memory on $LATEST while PC serves prod
        ("SEC001", Severity::Warning), // Authorization keyed
        ("SEC002", Severity::Warning), // MinTTL 1
        ("COST001", Severity::Info),
    ] {
        assert!(got.contains(&(id, sev)), "{id} {sev} missing from {got:?}");
    }
    assert!(
        !got.iter().any(|(id, _)| *id == "CAP002"),
        "1,100 fits in 10,000 reserved"
    );
    assert!(find(&a, "LIM005")
        .message
        .contains("30 s exceeds the API Gateway integration timeout of 29 s"));
    let lim001 = &find(&a, "LIM001").message;
    assert!(
        lim001.contains("10,100") && lim001.contains("1,000"),
        "{lim001}"
    );
    let cap004 = &find(&a, "CAP004").message;
    assert!(
        cap004.contains("20,000 rps") && cap004.contains("10,000"),
        "{cap004}"
    );
    let sec = &find(&a, "SEC001").message;
    assert!(
        sec.contains("0.8") && sec.contains("100,000 rps") && sec.contains("5,500"),
        "{sec}"
    );
    // Sorted: errors, then warnings, then info.
    let sevs: Vec<_> = a.findings.iter().map(|f| f.severity).collect();
    let mut sorted = sevs.clone();
    sorted.sort();
    assert_eq!(sevs, sorted);
}

#[test]
fn bottleneck_is_the_account_throttle() {
    let a = analyze(&runbook(), &Limits::default(), &PriceTable::default());
    // API Gateway: 10,000 origin rps; Lambda: 1,000 ÷ 0.055 = 18,181.8; DynamoDB: 40,000.
    assert!(close(
        a.capacity.max_origin_rps.unwrap_or(0.0),
        10_000.0,
        1e-6
    ));
    // 10,000 ÷ (1 − 0.8) = 50,000 at the edge: half the target.
    assert!(close(
        a.capacity.max_sustainable_rps.unwrap_or(0.0),
        50_000.0,
        1e-6
    ));
    assert!(close(a.capacity.headroom.unwrap_or(0.0), 0.5, 1e-9));
    assert!(
        a.capacity.bottleneck.starts_with("API Gateway"),
        "{}",
        a.capacity.bottleneck
    );
    let lambda = a
        .capacity
        .links
        .iter()
        .find(|l| l.link == "Lambda")
        .map(|l| l.max_origin_rps);
    assert!(close(lambda.unwrap_or(0.0), 1_000.0 / 0.055, 1e-6));
    // Ramp: 1,100 − 1,000 PC = 100 above PC: one 10 s step.
    assert_eq!(a.capacity.ramp_seconds, Some(10.0));
}

#[test]
fn a_granted_account_moves_the_bottleneck() {
    let mut l = Limits::default();
    l.live.account_throttle = Some(AccountThrottle {
        rate_limit: 100_000.0,
        burst_limit: 50_000.0,
    });
    l.live.account_concurrency = Some(20_000);
    let a = analyze(&runbook(), &l, &PriceTable::default());
    // Lambda: 10,000 reserved ÷ 0.055 = 181,818 rps; DynamoDB on demand: 40,000 units.
    assert!(
        a.capacity.bottleneck.starts_with("DynamoDB"),
        "{}",
        a.capacity.bottleneck
    );
    assert!(close(
        a.capacity.max_sustainable_rps.unwrap_or(0.0),
        200_000.0,
        1e-6
    ));
    let got = ids(&a);
    assert!(
        !got.iter()
            .any(|(id, _)| ["CAP004", "LIM013", "CAP006", "LIM001", "CAP003"].contains(id)),
        "{got:?}"
    );
}

#[test]
fn runbook_cost_at_100k_sustained() {
    let a = analyze(&runbook(), &Limits::default(), &PriceTable::default());
    let c = &a.cost;
    // 100,000 × 86,400 × 30 = 259.2 B viewer requests; 51.84 B reach the origin.
    assert_eq!(c.monthly_requests, 259_200_000_000.0);
    assert!(close(c.origin_requests, 51_840_000_000.0, 1.0));
    // CloudFront: 259.2 B ÷ 10,000 × $0.01.
    assert!(close(cost_of(&a, "CloudFront requests"), 259_200.0, 0.01));
    // 259.2 B × 1,024 B ÷ 2^30 = 247,192.38 GB: 10,240×0.085 + 40,960×0.08 + 102,400×0.06 + 93,592.38×0.04
    assert!(close(cost_of(&a, "CloudFront data out"), 14_034.90, 0.01));
    // API Gateway: 333M×3.50 + 667M×2.80 + 19B×2.38 + 31.84B×1.51 per M.
    assert!(close(cost_of(&a, "API Gateway"), 96_331.5, 0.01));
    // Lambda requests: 51.84 B × $0.20/M.
    assert!(close(cost_of(&a, "Lambda requests"), 10_368.0, 0.01));
    // PC: 1,000 × 1 GB × 2,592,000 s × $0.0000041667 = $10,800.09.
    assert!(close(
        cost_of(&a, "Lambda provisioned concurrency"),
        10_800.09,
        0.01
    ));
    // Duration: 2.8512 B GB-s; PC serves 1,000 of the 1,100 average executions:
    // 2.592 B × $0.0000097222 + 0.2592 B × $0.0000166667.
    let dur = 2.592e9 * 0.0000097222 + 0.2592e9 * 0.0000166667;
    assert!(close(cost_of(&a, "Lambda duration"), dur, 0.01));
    // DynamoDB: 51.84 B strongly consistent 4 KB reads × $0.125/M.
    assert!(close(
        cost_of(&a, "DynamoDB smuppy-feeds-staging"),
        6_480.0,
        0.01
    ));
    assert!(close(cost_of(&a, "CloudWatch dashboard"), 3.0, 1e-9));
    let total = 259_200.0 + 14_034.90 + 96_331.5 + 10_368.0 + 10_800.09 + dur + 6_480.0 + 3.0;
    assert!(
        close(c.monthly_total_usd, total, 0.05),
        "{}",
        c.monthly_total_usd
    );
    // ≈ $426.7k: some 208× the runbook's $2,050.
    assert!(c.monthly_total_usd > 380_000.0 && c.monthly_total_usd < 700_000.0);
    assert!(c.monthly_total_usd / 2_050.0 > 200.0);
}

#[test]
fn without_the_cdn_the_month_is_about_715k() {
    let mut p = runbook();
    p.cache_policy = None;
    p.traffic.cache_hit_ratio = Some(0.0);
    let a = analyze(&p, &Limits::default(), &PriceTable::default());
    // API Gateway: 1,165.5 + 1,867.6 + 45,220 + 239,200 × 1.51 = 409,445.1
    assert!(close(cost_of(&a, "API Gateway"), 409_445.1, 0.01));
    assert!(close(cost_of(&a, "Lambda requests"), 51_840.0, 0.01));
    // 14.256 B GB-s: PC serves 2.592 B; 11.664 B on demand: 6 B × 0.0000166667 + 5.664 B × 0.000015.
    let dur = 2.592e9 * 0.0000097222 + 6e9 * 0.0000166667 + 5.664e9 * 0.000015;
    assert!(close(cost_of(&a, "Lambda duration"), dur, 0.01));
    assert!(close(
        cost_of(&a, "DynamoDB smuppy-feeds-staging"),
        32_400.0,
        0.01
    ));
    let total = 409_445.1 + 51_840.0 + dur + 10_800.09 + 32_400.0 + 3.0;
    assert!(close(a.cost.monthly_total_usd, total, 0.05));
    assert!(a.cost.monthly_total_usd > 700_000.0 && a.cost.monthly_total_usd < 720_000.0);
}

#[test]
fn the_runbooks_100m_month_is_38_6_rps() {
    let mut p = runbook();
    p.traffic.monthly_requests = Some(100e6);
    p.traffic.cache_hit_ratio = Some(0.0);
    p.cache_policy = None;
    let a = analyze(&p, &Limits::default(), &PriceTable::default());
    // The $350 line: 100M requests at $3.50/M.
    assert!(close(cost_of(&a, "API Gateway"), 350.0, 1e-6));
    assert!(find(&a, "COST001").message.contains("38.58 rps on average"));
}

#[test]
fn budget_warns_or_fails() {
    let mut p = runbook();
    p.budget = Some(Budget {
        monthly_usd: 2_050.0,
        enforce: false,
    });
    let a = analyze(&p, &Limits::default(), &PriceTable::default());
    assert_eq!(find(&a, "COST002").severity, Severity::Warning);
    p.budget = Some(Budget {
        monthly_usd: 2_050.0,
        enforce: true,
    });
    let a = analyze(&p, &Limits::default(), &PriceTable::default());
    assert_eq!(find(&a, "COST002").severity, Severity::Error);
    p.budget = Some(Budget {
        monthly_usd: 1_000_000.0,
        enforce: true,
    });
    let a = analyze(&p, &Limits::default(), &PriceTable::default());
    assert!(!a.findings.iter().any(|f| f.rule_id == "COST002"));
}

#[test]
fn option_b_autoscaling_max_is_too_low_and_above_quota() {
    // Provisioned with auto scaling min 1,000, max 100,000, 70%: 100k strongly
    // consistent 4 KB reads need 100,000 ÷ 0.7 = 142,858 RCU.
    let mut p = runbook();
    p.cache_policy = None;
    p.traffic.cache_hit_ratio = Some(0.0);
    p.dynamodb[0].billing_mode = Some(BillingMode::Provisioned);
    p.dynamodb[0].write_capacity = Some(5);
    p.dynamodb[0].read_autoscaling = Some(AutoScaling {
        min_capacity: Some(1_000),
        max_capacity: Some(100_000),
        target_utilization: Some(70.0),
        scale_in_cooldown: Some(60),
        scale_out_cooldown: Some(60),
    });
    let a = analyze(&p, &Limits::default(), &PriceTable::default());
    let cap008 = &find(&a, "CAP008").message;
    assert!(cap008.contains("142,858"), "{cap008}");
    assert!(find(&a, "CAP010").message.contains("40,000"));
}

#[test]
fn extrapolation_from_the_measured_run() {
    let opts = Options {
        measured: Some(Measured {
            rps: 27_535.0,
            latency_avg_ms: 55.0,
            latency_p95_ms: None,
            vus_max: Some(2000.0),
        }),
        extrapolation_factor: 3.0,
        ..Options::default()
    };
    let a = analyze_with(
        &runbook(),
        &Limits::default(),
        &PriceTable::default(),
        &opts,
    );
    // 100,000 ÷ 27,535 = 3.63× > 3×.
    assert!(find(&a, "TRF002").message.contains("3.63×"));
    let opts_p95 = Options {
        measured: opts.measured.map(|m| Measured {
            latency_p95_ms: Some(120.0),
            ..m
        }),
        ..opts.clone()
    };
    let a = analyze_with(
        &runbook(),
        &Limits::default(),
        &PriceTable::default(),
        &opts_p95,
    );
    // 20,000 rps at the origin × 0.120 s = 2,400 executions at the p95.
    let m = &find(&a, "CAP001").message;
    assert!(
        m.contains("measured at 27,535 rps; at the p95 of 120 ms: 2,400"),
        "{m}"
    );
    let opts = Options {
        extrapolation_factor: 4.0,
        ..opts
    };
    let a = analyze_with(
        &runbook(),
        &Limits::default(),
        &PriceTable::default(),
        &opts,
    );
    assert!(!a.findings.iter().any(|f| f.rule_id == "TRF002"));
}

#[test]
fn output_is_deterministic() {
    // Two outputs produced independently: one from the profile as built, one
    // from a copy read back from JSON (as the CLI and the provider build it
    // from text), each analysed with its own limits and price table. What is
    // compared is the whole analysis serialised as the CLI prints it, byte for
    // byte: PartialEq would not see a difference in order or number
    // formatting that a user reading the output would.
    let p = runbook();
    let text = serde_json::to_string(&p).expect("profile as JSON");
    let copy: Profile = serde_json::from_str(&text).expect("profile from JSON");
    let a = analyze(&p, &Limits::default(), &PriceTable::default());
    let b = analyze(&copy, &Limits::default(), &PriceTable::default());
    let json = |a: &Analysis| serde_json::to_string_pretty(a).expect("analysis as JSON");
    let (x, y) = (json(&a), json(&b));
    // Not comparing nothing: the output has findings, capacity and cost lines.
    assert!(
        a.findings.len() >= 10 && a.cost.per_service.len() >= 3,
        "{x}"
    );
    assert!(
        x == y,
        "two analyses of the same profile differ:\n{x}\n---\n{y}"
    );
}

#[test]
fn every_rule_is_catalogued_once() {
    let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    assert!(scaling::rules::rule("LIM005").is_some());
}
