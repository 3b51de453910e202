//! A whole profile: every component applied concurrently, a second apply
//! that writes nothing, and a destroy that puts everything back.

use crate::common::{profile, Sandbox};
use scaling::{BillingMode, Dashboard, QuotaRequest, StageThrottle, TableCapacity};
use scaling_aws::{
    apply_profile, destroy_profile, read_profile, ApplyOptions, Observed, PrivateState,
};
use std::time::Duration;

#[tokio::test]
async fn whole_profile_apply_is_idempotent_and_destroy_restores() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    let api = crate::stage::stage_fixture(&aws, "staging", true).await;
    let first_version = crate::lambda::function_fixture(&aws, "smuppy-api-handler").await;
    crate::dynamodb::table_fixture(&aws, "smuppy-feeds-staging").await;

    let mut p = profile("staging");
    p.api_gateway = Some(StageThrottle {
        rest_api_id: Some(api.clone()),
        stage_name: Some("staging".into()),
        rate_limit: Some(10000.0),
        burst_limit: Some(5000),
        integration_timeout_ms: None,
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

    let out = apply_profile(
        &aws,
        &p,
        None,
        &Observed::default(),
        PrivateState::default(),
        &opts,
    )
    .await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert!(out.writes >= 8, "writes {}", out.writes);
    let o = &out.observed;
    assert_eq!(
        o.api_gateway.as_ref().and_then(|s| s.rate_limit),
        Some(10000.0)
    );
    assert_eq!(
        o.lambdas[0].as_ref().and_then(|l| l.reserved_concurrency),
        Some(20)
    );
    assert_eq!(
        o.dynamodb[0]
            .as_ref()
            .and_then(|t| t.billing_mode.clone())
            .as_deref(),
        Some("PAY_PER_REQUEST")
    );
    assert!(o.cache_policy.is_some() && o.dashboard.as_ref().is_some_and(|d| d.matches_profile));
    assert!(o.quota_requests[0]
        .as_ref()
        .and_then(|q| q.request_id.clone())
        .is_some());

    // Private state survives a round trip through bytes, as the provider stores it.
    let private = PrivateState::from_bytes(&out.private.to_bytes()).unwrap();
    let (read, errs) = read_profile(&aws, &p, &out.observed).await;
    assert!(errs.is_empty(), "{errs:?}");
    let again = apply_profile(&aws, &p, Some(&p), &read, private, &opts).await;
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert_eq!(again.writes, 0, "second apply must not write");
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
    let stage = aws
        .apigateway()
        .get_stage()
        .rest_api_id(&api)
        .stage_name("staging")
        .send()
        .await
        .unwrap();
    let ms = stage.method_settings().and_then(|m| m.get("*/*")).unwrap();
    assert_eq!(
        (ms.throttling_rate_limit(), ms.throttling_burst_limit()),
        (10000.0, 5000)
    );
    assert!(ms.metrics_enabled());
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
