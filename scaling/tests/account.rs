//! The account rules (ACC): several profiles of one run sharing an account.

use scaling::limits::QUOTA_LAMBDA_CONCURRENCY;
use scaling::{
    check_account, AutoScaling, BillingMode, Finding, LambdaPool, Limits, Location, Member,
    Profile, QuotaRequest, ReservedElsewhere, Severity, StageThrottle, TableCapacity, TrafficModel,
};

fn pool(name: &str, reserved: Option<i64>) -> LambdaPool {
    LambdaPool {
        function_name: name.into(),
        reserved_concurrency: reserved,
        provisioned_concurrency: None,
        qualifier: None,
        memory_size: None,
        timeout: None,
        publish_on_change: false,
    }
}

fn with_pools(pools: Vec<LambdaPool>) -> Profile {
    Profile {
        name: "p".into(),
        lambdas: pools,
        ..Profile::default()
    }
}

fn shown(l: &Location) -> String {
    l.to_string()
}

/// Runs the account rules over profiles named p0, p1, …
fn run(profiles: &[Profile], limits: &Limits) -> Vec<Vec<Finding>> {
    let addresses: Vec<String> = (0..profiles.len())
        .map(|i| format!("smuppy_scaling_profile.p{i}"))
        .collect();
    let traffic: Vec<TrafficModel> = profiles
        .iter()
        .map(|p| TrafficModel::from_profile(p, None))
        .collect();
    let members: Vec<Member> = profiles
        .iter()
        .enumerate()
        .map(|(i, p)| Member {
            address: &addresses[i],
            profile: p,
            traffic: &traffic[i],
            shown: &shown,
            unknown: &[],
        })
        .collect();
    check_account(&members, limits)
}

fn ids(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.rule_id).collect()
}

#[test]
fn three_profiles_reserving_400_each_overrun_a_1000_account() {
    let ps: Vec<Profile> = (0..3)
        .map(|i| with_pools(vec![pool(&format!("fn{i}"), Some(400))]))
        .collect();
    let out = run(&ps, &Limits::default());
    for (i, f) in out.iter().enumerate() {
        assert_eq!(ids(f), ["ACC001"], "profile {i}: {f:?}");
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(f[0].location.to_string(), "lambda[0].reserved_concurrency");
        for j in 0..3 {
            assert!(
                f[0].message.contains(&format!(
                    "smuppy_scaling_profile.p{j}.lambda[0].reserved_concurrency 400"
                )),
                "{}",
                f[0].message
            );
        }
        assert!(f[0].message.contains("1,200"), "{}", f[0].message);
        assert!(f[0].message.contains("≥ 1,300"), "{}", f[0].message);
    }
}

#[test]
fn what_fits_together_is_quiet_and_one_profile_is_left_to_lim001() {
    let ps: Vec<Profile> = (0..3)
        .map(|i| with_pools(vec![pool(&format!("fn{i}"), Some(300))]))
        .collect();
    assert!(run(&ps, &Limits::default()).iter().all(Vec::is_empty));
    let one = vec![with_pools(vec![pool("a", Some(950))])];
    assert!(run(&one, &Limits::default())[0].is_empty());
}

#[test]
fn functions_outside_the_run_count_and_a_quota_request_softens() {
    let ps: Vec<Profile> = (0..2)
        .map(|i| with_pools(vec![pool(&format!("fn{i}"), Some(400))]))
        .collect();
    let mut l = Limits::default();
    assert!(run(&ps, &l).iter().all(Vec::is_empty), "800 ≤ 900");
    l.live.reserved_outside_profile.push(ReservedElsewhere {
        function_name: "other".into(),
        reserved_concurrency: 200,
    });
    let out = run(&ps, &l);
    assert_eq!(ids(&out[1]), ["ACC001"]);
    assert!(out[1].message_contains("200 reserved by functions outside this run"));
    let mut asked = ps.clone();
    asked[0].quota_requests.push(QuotaRequest {
        service_code: "lambda".into(),
        quota_code: QUOTA_LAMBDA_CONCURRENCY.into(),
        desired_value: Some(2_000.0),
    });
    let out = run(&asked, &l);
    assert_eq!(out[1][0].severity, Severity::Warning);
}

trait Has {
    fn message_contains(&self, s: &str) -> bool;
}
impl Has for Vec<Finding> {
    fn message_contains(&self, s: &str) -> bool {
        self.iter().any(|f| f.message.contains(s))
    }
}

fn stage(api: &str, rate: f64) -> StageThrottle {
    StageThrottle {
        rest_api_id: Some(api.into()),
        stage_name: Some("prod".into()),
        rate_limit: Some(rate),
        burst_limit: None,
        integration_timeout_ms: None,
        methods: Vec::new(),
    }
}

#[test]
fn stage_rates_and_traffic_share_the_account_throttle() {
    let mut a = with_pools(vec![]);
    a.api_gateway = Some(stage("aaaaaaaaaa", 6_000.0));
    let mut b = a.clone();
    b.api_gateway = Some(stage("bbbbbbbbbb", 6_000.0));
    let out = run(&[a.clone(), b.clone()], &Limits::default());
    assert_eq!(ids(&out[0]), ["ACC002"]);
    assert_eq!(out[0][0].severity, Severity::Warning);
    assert!(out[0].message_contains("12,000"));
    // Traffic past the cache that the account cannot carry: an error.
    a.traffic.peak_rps = Some(6_000.0);
    b.traffic.peak_rps = Some(5_000.0);
    let out = run(&[a, b], &Limits::default());
    assert_eq!(out[1][0].severity, Severity::Error);
    assert_eq!(out[1][0].location.to_string(), "traffic[0].peak_rps");
    assert!(out[1].message_contains("11,000 rps"));
}

fn table(name: &str, max_read: i64) -> TableCapacity {
    TableCapacity {
        table_name: name.into(),
        billing_mode: Some(BillingMode::Provisioned),
        read_capacity: None,
        write_capacity: Some(5),
        read_autoscaling: Some(AutoScaling {
            min_capacity: Some(1),
            max_capacity: Some(max_read),
            target_utilization: None,
            scale_in_cooldown: None,
            scale_out_cooldown: None,
        }),
        write_autoscaling: None,
    }
}

#[test]
fn table_capacity_sums_against_the_account_quota() {
    let mut a = with_pools(vec![]);
    a.dynamodb.push(table("t1", 40_000));
    let mut b = with_pools(vec![]);
    b.dynamodb.push(table("t2", 40_000));
    assert!(run(&[a.clone(), b.clone()], &Limits::default())
        .iter()
        .all(Vec::is_empty));
    b.dynamodb.push(table("t3", 1));
    let out = run(&[a, b], &Limits::default());
    assert_eq!(ids(&out[0]), ["ACC003"]);
    assert_eq!(
        out[0][0].location.to_string(),
        "dynamodb[0].autoscaling[0].read[0].max_capacity"
    );
    assert!(out[0].message_contains("80,001"));
}

#[test]
fn one_setting_in_two_profiles_is_a_conflict_naming_both() {
    let mut a = with_pools(vec![pool("api", Some(100))]);
    let mut b = with_pools(vec![pool("other", None), pool("api", Some(50))]);
    let out = run(&[a.clone(), b.clone()], &Limits::default());
    assert_eq!(ids(&out[0]), ["ACC004"]);
    assert_eq!(ids(&out[1]), ["ACC004"]);
    assert_eq!(
        out[1][0].location.to_string(),
        "lambda[1].reserved_concurrency"
    );
    let m = &out[0][0].message;
    assert!(
        m.contains("smuppy_scaling_profile.p0.lambda[0].reserved_concurrency")
            && m.contains("smuppy_scaling_profile.p1.lambda[1].reserved_concurrency"),
        "{m}"
    );
    // Different settings of one function: no conflict.
    b.lambdas[1].reserved_concurrency = None;
    b.lambdas[1].memory_size = Some(512);
    assert!(run(&[a.clone(), b.clone()], &Limits::default())
        .iter()
        .all(Vec::is_empty));
    // The same stage or table: a conflict.
    a.api_gateway = Some(stage("aaaaaaaaaa", 100.0));
    b.api_gateway = Some(stage("aaaaaaaaaa", 200.0));
    a.dynamodb.push(table("t", 10));
    b.dynamodb.push(table("t", 10));
    let out = run(&[a, b], &Limits::default());
    assert_eq!(ids(&out[0]), ["ACC004", "ACC004"]);
    assert!(out[0].message_contains("throttle of stage aaaaaaaaaa/prod"));
    assert!(out[0].message_contains("table t"));
}

#[test]
fn names_not_known_yet_conflict_with_nothing() {
    let a = with_pools(vec![pool("(known after apply)", Some(10))]);
    let out = run(&[a.clone(), a], &Limits::default());
    assert!(out.iter().all(Vec::is_empty), "{out:?}");
}

#[test]
fn a_message_names_at_most_ten_parts_and_counts_the_rest() {
    let ps: Vec<Profile> = (0..25)
        .map(|i| with_pools(vec![pool(&format!("fn{i}"), Some(40))]))
        .collect();
    let out = run(&ps, &Limits::default());
    assert!(
        out.iter().all(|f| ids(f) == ["ACC001"]),
        "every profile gets its finding"
    );
    let m = &out[0][0].message;
    assert!(m.contains("smuppy_scaling_profile.p9."), "{m}");
    assert!(!m.contains("smuppy_scaling_profile.p10."), "{m}");
    assert!(
        m.contains("and 15 more, each reported on its own attribute"),
        "{m}"
    );
    assert!(m.contains("is 1,000"), "{m}");
}

/// Runs the account rules with, per profile, the locations not evaluated.
fn run_with_unknown(profiles: &[Profile], unknown: &[Vec<Location>]) -> Vec<Vec<Finding>> {
    let addresses: Vec<String> = (0..profiles.len())
        .map(|i| format!("smuppy_scaling_profile.p{i}"))
        .collect();
    let traffic: Vec<TrafficModel> = profiles
        .iter()
        .map(|p| TrafficModel::from_profile(p, None))
        .collect();
    let members: Vec<Member> = profiles
        .iter()
        .enumerate()
        .map(|(i, p)| Member {
            address: &addresses[i],
            profile: p,
            traffic: &traffic[i],
            shown: &shown,
            unknown: &unknown[i],
        })
        .collect();
    check_account(&members, &Limits::default())
}

#[test]
fn a_reservation_not_known_is_said_to_be_left_out_of_the_sum() {
    let rc = Location::attr("lambda")
        .index(0)
        .then("reserved_concurrency");
    let ps = vec![
        with_pools(vec![pool("a", Some(400))]),
        with_pools(vec![pool("b", None)]),
    ];
    let unknown = vec![vec![], vec![rc.clone()]];
    let out = run_with_unknown(&ps, &unknown);
    assert!(out[0].is_empty(), "{:?}", out[0]);
    assert_eq!(ids(&out[1]), ["ACC001"]);
    assert_eq!(out[1][0].severity, Severity::Info);
    assert_eq!(out[1][0].location, rc);
    let m = &out[1][0].message;
    assert!(m.contains("is 400 of the 900 the account can give"), "{m}");
    assert!(m.contains("the sum was not checked in full"), "{m}");
    assert!(
        m.contains("left out, not known: smuppy_scaling_profile.p1.lambda[0].reserved_concurrency (INP001)"),
        "{m}"
    );
    // Unset on purpose (not in the unknown list): nothing to say.
    assert!(run_with_unknown(&ps, &[vec![], vec![]])
        .iter()
        .all(Vec::is_empty));
    // Over the account even without it: the error says what it left out.
    let ps = vec![
        with_pools(vec![pool("a", Some(500))]),
        with_pools(vec![pool("c", Some(500))]),
        with_pools(vec![pool("b", None)]),
    ];
    let out = run_with_unknown(&ps, &[vec![], vec![], vec![rc]]);
    assert_eq!(out[0][0].severity, Severity::Error);
    assert!(out[0][0].message.contains(
        "left out, not known: smuppy_scaling_profile.p2.lambda[0].reserved_concurrency (INP001)"
    ), "{}", out[0][0].message);
}
