//! A whole profile: every component applied concurrently, a second apply
//! that writes nothing, and a destroy that puts everything back.
//!
//! Every check reads AWS (the emulators' APIs through the SDK), never the code's
//! own observations, and the stage's values are ones ministack never fills in by
//! itself (it answers 10,000/5,000 for any `*/*` entry without a throttle).

use crate::common::{first_apply, profile, Sandbox};
use aws_sdk_apigateway::types::{Op, PatchOperation};
use scaling::{BillingMode, Dashboard, QuotaRequest, StageThrottle, TableCapacity};
use scaling_aws::{apply_profile, destroy_profile, read_profile, ApplyOptions, PrivateState};
use std::time::Duration;

#[tokio::test]
async fn whole_profile_apply_is_idempotent_and_destroy_restores() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    let api = crate::stage::stage_fixture(&aws, "staging", true).await;
    let first_version = crate::lambda::function_fixture(&aws, "smuppy-api-handler").await;
    crate::dynamodb::table_fixture(&aws, "smuppy-feeds-staging").await;
    // A throttle of the stage's own before the profile: destroy must put it back.
    aws.apigateway()
        .update_stage()
        .rest_api_id(&api)
        .stage_name("staging")
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Replace)
                .path("/*/*/throttling/rateLimit")
                .value("777")
                .build(),
        )
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Replace)
                .path("/*/*/throttling/burstLimit")
                .value("333")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let stage_before = crate::stage::stage_wide(&aws, &api, "staging").await;
    assert_eq!(
        stage_before,
        Some((777.0, 333, true, Some("INFO".to_string()))),
        "the fixture's stage"
    );

    let mut p = profile("staging");
    p.api_gateway = Some(StageThrottle {
        rest_api_id: Some(api.clone()),
        stage_name: Some("staging".into()),
        rate_limit: Some(4321.0),
        burst_limit: Some(1234),
        integration_timeout_ms: None,
        methods: Vec::new(),
    });
    p.lambdas.push(crate::lambda::pool("smuppy-api-handler"));
    p.dynamodb.push(TableCapacity {
        table_name: "smuppy-feeds-staging".into(),
        billing_mode: Some(BillingMode::PayPerRequest),
        read_capacity: None,
        write_capacity: None,
        read_autoscaling: None,
        write_autoscaling: None,
    });
    p.cache_policy = Some(crate::cloudfront_cloudwatch::policy("SmuppyAPICache"));
    p.dashboard = Some(Dashboard {
        name: "SmuppyScaling".into(),
    });
    p.quota_requests.push(QuotaRequest {
        service_code: "apigateway".into(),
        quota_code: "L-8A5B8E43".into(),
        desired_value: Some(20000.0),
    });
    let opts = ApplyOptions {
        poll_interval: Duration::from_millis(200),
        ..ApplyOptions::default()
    };

    let out = first_apply(&aws, &p, &opts).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    // What AWS reports after the apply.
    assert_eq!(
        crate::stage::stage_wide(&aws, &api, "staging").await,
        Some((4321.0, 1234, true, Some("INFO".to_string()))),
        "the stage's */* entry after apply"
    );
    let concurrency = aws
        .lambda()
        .get_function_concurrency()
        .function_name("smuppy-api-handler")
        .send()
        .await
        .unwrap();
    assert_eq!(concurrency.reserved_concurrent_executions(), Some(20));
    assert_eq!(
        crate::dynamodb::table_mode(&aws, "smuppy-feeds-staging")
            .await
            .0,
        "PAY_PER_REQUEST"
    );
    let policies = aws
        .cloudfront()
        .list_cache_policies()
        .r#type(aws_sdk_cloudfront::types::CachePolicyType::Custom)
        .send()
        .await
        .unwrap();
    let named: Vec<_> = policies
        .cache_policy_list()
        .map(|l| l.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.cache_policy())
        .filter(|c| c.cache_policy_config().map(|c| c.name()) == Some("SmuppyAPICache"))
        .collect();
    assert_eq!(named.len(), 1, "one cache policy named SmuppyAPICache");
    let body = aws
        .cloudwatch()
        .get_dashboard()
        .dashboard_name("SmuppyScaling")
        .send()
        .await
        .unwrap();
    assert!(
        body.dashboard_body()
            .is_some_and(|b| b.contains("smuppy-api-handler")),
        "{body:?}"
    );
    let history = aws
        .servicequotas()
        .list_requested_service_quota_change_history_by_quota()
        .service_code("apigateway")
        .quota_code("L-8A5B8E43")
        .send()
        .await
        .unwrap();
    let desired: Vec<_> = history
        .requested_quotas()
        .iter()
        .map(|r| r.desired_value())
        .collect();
    assert_eq!(desired, vec![Some(20000.0)], "one quota request filed");

    // Private state survives a round trip through bytes, as the provider stores it.
    let private = PrivateState::from_bytes(&out.private.to_bytes()).unwrap();
    let (read, errs) = read_profile(&aws, &p, &out.observed).await;
    assert!(errs.is_empty(), "{errs:?}");
    let mark = sb.requests().len();
    let again = apply_profile(&aws, &p, Some(&p), &read, private, &opts).await;
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    let received = sb.requests().since(mark);
    assert!(!received.is_empty(), "the second apply read nothing");
    let writes: Vec<_> = received.iter().filter(|r| r.write).collect();
    assert!(
        writes.is_empty(),
        "the second apply wrote to AWS: {writes:?}"
    );
    assert_eq!(
        again.observed, read,
        "refresh and a no-op apply report the same"
    );

    let d = destroy_profile(&aws, &p, &again.observed, again.private).await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert!(d.private.is_empty(), "{:?}", d.private);
    assert_eq!(
        d.warnings.len(),
        1,
        "the quota request cannot be withdrawn: {:?}",
        d.warnings
    );
    assert_eq!(
        crate::stage::stage_wide(&aws, &api, "staging").await,
        stage_before,
        "destroy puts the stage's own throttle back"
    );
    let alias = aws
        .lambda()
        .get_alias()
        .function_name("smuppy-api-handler")
        .name("prod")
        .send()
        .await
        .unwrap();
    assert_eq!(alias.function_version(), Some(first_version.as_str()));
    assert_eq!(
        crate::dynamodb::table_mode(&aws, "smuppy-feeds-staging").await,
        ("PROVISIONED".to_string(), 5, 5)
    );
    assert!(aws
        .cloudwatch()
        .get_dashboard()
        .dashboard_name("SmuppyScaling")
        .send()
        .await
        .is_err());
}
