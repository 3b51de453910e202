use crate::common::{first_apply, reapply_writes_nothing, Sandbox};
use aws_sdk_apigateway::types::{Op, PatchOperation};
use scaling::{Profile, StageThrottle};
use scaling_aws::{apply_profile, destroy_profile, read_profile, ApplyOptions, Aws, Observed};

/// A REST API with one MOCK method, a deployment and a stage whose `*/*`
/// entry already has metrics and INFO logging turned on.
pub(crate) async fn stage_fixture(aws: &Aws, stage: &str, with_logging: bool) -> String {
    let gw = aws.apigateway();
    let api = gw
        .create_rest_api()
        .name("smuppy-test")
        .send()
        .await
        .unwrap();
    let id = api.id().unwrap().to_string();
    let resources = gw.get_resources().rest_api_id(&id).send().await.unwrap();
    let root = resources.items()[0].id().unwrap().to_string();
    gw.put_method()
        .rest_api_id(&id)
        .resource_id(&root)
        .http_method("GET")
        .authorization_type("NONE")
        .send()
        .await
        .unwrap();
    gw.put_integration()
        .rest_api_id(&id)
        .resource_id(&root)
        .http_method("GET")
        .r#type(aws_sdk_apigateway::types::IntegrationType::Mock)
        .send()
        .await
        .unwrap();
    let dep = gw
        .create_deployment()
        .rest_api_id(&id)
        .send()
        .await
        .unwrap();
    gw.create_stage()
        .rest_api_id(&id)
        .stage_name(stage)
        .deployment_id(dep.id().unwrap())
        .send()
        .await
        .unwrap();
    if with_logging {
        gw.update_stage()
            .rest_api_id(&id)
            .stage_name(stage)
            .patch_operations(
                PatchOperation::builder()
                    .op(Op::Replace)
                    .path("/*/*/metrics/enabled")
                    .value("true")
                    .build(),
            )
            .patch_operations(
                PatchOperation::builder()
                    .op(Op::Replace)
                    .path("/*/*/logging/loglevel")
                    .value("INFO")
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    id
}

fn profile(api: &str, stage: &str, rate: f64, burst: i64) -> Profile {
    Profile {
        name: "staging".into(),
        api_gateway: Some(StageThrottle {
            rest_api_id: Some(api.into()),
            stage_name: Some(stage.into()),
            rate_limit: Some(rate),
            burst_limit: Some(burst),
            integration_timeout_ms: None,
            methods: Vec::new(),
        }),
        ..Profile::default()
    }
}

/// (rate, burst, metrics, loglevel) of the stage-wide entry, via GetStage.
pub(crate) async fn stage_wide(
    aws: &Aws,
    api: &str,
    stage: &str,
) -> Option<(f64, i32, bool, Option<String>)> {
    let out = aws
        .apigateway()
        .get_stage()
        .rest_api_id(api)
        .stage_name(stage)
        .send()
        .await
        .unwrap();
    out.method_settings().and_then(|m| m.get("*/*")).map(|ms| {
        (
            ms.throttling_rate_limit(),
            ms.throttling_burst_limit(),
            ms.metrics_enabled(),
            ms.logging_level().map(str::to_string),
        )
    })
}

#[tokio::test]
async fn stage_throttle_basic_lifecycle_keeps_other_method_settings() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    let api = stage_fixture(&aws, "staging", true).await;
    let before = stage_wide(&aws, &api, "staging").await.unwrap();
    let p = profile(&api, "staging", 2500.0, 1200);

    let out = first_apply(&aws, &p, &ApplyOptions::default()).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert!(out.writes >= 1);
    let (rate, burst, metrics, level) = stage_wide(&aws, &api, "staging").await.unwrap();
    assert_eq!((rate, burst), (2500.0, 1200));
    assert!(metrics);
    assert_eq!(level.as_deref(), Some("INFO"));
    let obs = out.observed.api_gateway.clone().unwrap();
    assert_eq!(obs.rate_limit, Some(2500.0));
    assert_eq!(obs.burst_limit, Some(1200));

    // A second apply issues no writes.
    let again = reapply_writes_nothing(&sb, &aws, &p, &out, &ApplyOptions::default()).await;
    assert_eq!(again.private, out.private, "captures are never overwritten");

    // Refresh sees a change made outside.
    aws.apigateway()
        .update_stage()
        .rest_api_id(&api)
        .stage_name("staging")
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Replace)
                .path("/*/*/throttling/rateLimit")
                .value("77")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let (read, errs) = read_profile(&aws, &p, &again.observed).await;
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(read.api_gateway.unwrap().rate_limit, Some(77.0));

    // Destroy restores the values from before and keeps logging and metrics.
    let d = destroy_profile(
        &aws,
        &p,
        &read_profile(&aws, &p, &Observed::default()).await.0,
        again.private,
    )
    .await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert!(d.private.is_empty(), "{:?}", d.private);
    let (rate, burst, metrics, level) = stage_wide(&aws, &api, "staging").await.unwrap();
    assert_eq!((rate, burst), (before.0, before.1));
    assert!(metrics);
    assert_eq!(level.as_deref(), Some("INFO"));
}

#[tokio::test]
async fn destroy_removes_the_stage_wide_entry_the_stage_did_not_have() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    let api = stage_fixture(&aws, "prod", false).await;
    assert!(stage_wide(&aws, &api, "prod").await.is_none());
    let p = profile(&api, "prod", 500.0, 100);
    let out = first_apply(&aws, &p, &ApplyOptions::default()).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let applied = stage_wide(&aws, &api, "prod").await.unwrap();
    assert_eq!((applied.0, applied.1), (500.0, 100));
    let d = destroy_profile(&aws, &p, &out.observed, out.private).await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert!(d.private.is_empty(), "{:?}", d.private);
    // As before the profile: no */* entry at all, not one with -1 or
    // the emulator's filled-in values.
    let after = aws
        .apigateway()
        .get_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .send()
        .await
        .unwrap();
    assert!(
        after
            .method_settings()
            .is_none_or(|m| !m.contains_key("*/*")),
        "{:?}",
        after.method_settings()
    );
    // A second destroy finds nothing to do.
    let again = destroy_profile(&aws, &p, &Observed::default(), d.private).await;
    assert!(again.errors.is_empty() && again.writes == 0, "{again:?}");
}

#[tokio::test]
async fn destroy_keeps_settings_others_added_to_an_entry_it_created() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    let api = stage_fixture(&aws, "prod", false).await;
    let p = profile(&api, "prod", 500.0, 100);
    let out = first_apply(&aws, &p, &ApplyOptions::default()).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    // Logging turned on by someone else while the profile is in force.
    aws.apigateway()
        .update_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Replace)
                .path("/*/*/logging/loglevel")
                .value("ERROR")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let d = destroy_profile(&aws, &p, &out.observed, out.private).await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let (rate, burst, _, level) = stage_wide(&aws, &api, "prod").await.unwrap();
    assert_eq!(level.as_deref(), Some("ERROR"), "their logging stays");
    assert_eq!((rate, burst), (-1.0, -1), "no method-level throttle left");
}

#[tokio::test]
async fn stage_removed_from_profile_is_reverted_and_gone_stage_reads_none() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    let api = stage_fixture(&aws, "staging", true).await;
    let before = stage_wide(&aws, &api, "staging").await.unwrap();
    let p = profile(&api, "staging", 300.0, 30);
    let out = first_apply(&aws, &p, &ApplyOptions::default()).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let without = Profile {
        api_gateway: None,
        ..p.clone()
    };
    let out2 = apply_profile(
        &aws,
        &without,
        Some(&p),
        &out.observed,
        out.private,
        &ApplyOptions::default(),
    )
    .await;
    assert!(out2.errors.is_empty(), "{:?}", out2.errors);
    assert!(out2.private.is_empty());
    let now = stage_wide(&aws, &api, "staging").await.unwrap();
    assert_eq!((now.0, now.1), (before.0, before.1));

    aws.apigateway()
        .delete_stage()
        .rest_api_id(&api)
        .stage_name("staging")
        .send()
        .await
        .unwrap();
    let (read, errs) = read_profile(&aws, &p, &Observed::default()).await;
    assert!(errs.is_empty(), "{errs:?}");
    assert!(read.api_gateway.is_none());
    let failed = first_apply(&aws, &p, &ApplyOptions::default()).await;
    assert_eq!(failed.errors.len(), 1);
    assert!(failed.errors[0].summary.contains("stage not found"));
}
