use crate::common::{first_apply, profile, Sandbox};
use scaling::QuotaRequest;
use scaling_aws::{destroy_profile, read_profile, ApplyOptions};

#[tokio::test]
async fn quota_request_filed_once_adopted_and_never_withdrawn() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    let mut p = profile("staging");
    p.quota_requests.push(QuotaRequest {
        service_code: "apigateway".into(),
        quota_code: "L-8A5B8E43".into(),
        desired_value: Some(20000.0),
    });
    let out = first_apply(&aws, &p, &ApplyOptions::default()).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.writes, 1);
    let q = out.observed.quota_requests[0].clone().unwrap();
    let id = q.request_id.clone().expect("request id");
    assert!(
        matches!(q.request_status.as_deref(), Some("PENDING" | "CASE_OPENED")),
        "{q:?}"
    );

    let hist = aws
        .servicequotas()
        .list_requested_service_quota_change_history_by_quota()
        .service_code("apigateway")
        .quota_code("L-8A5B8E43")
        .send()
        .await
        .unwrap();
    assert_eq!(hist.requested_quotas().len(), 1);
    assert_eq!(hist.requested_quotas()[0].desired_value(), Some(20000.0));

    // Re-apply with no state (as after a crash right after filing): adopts.
    let again = first_apply(&aws, &p, &ApplyOptions::default()).await;
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert_eq!(again.writes, 0);
    assert_eq!(
        again.observed.quota_requests[0]
            .as_ref()
            .and_then(|q| q.request_id.clone()),
        Some(id.clone())
    );
    let (read, errs) = read_profile(&aws, &p, &again.observed).await;
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        read.quota_requests[0]
            .as_ref()
            .and_then(|q| q.request_id.clone()),
        Some(id)
    );
    let hist = aws
        .servicequotas()
        .list_requested_service_quota_change_history_by_quota()
        .service_code("apigateway")
        .quota_code("L-8A5B8E43")
        .send()
        .await
        .unwrap();
    assert_eq!(hist.requested_quotas().len(), 1, "never filed twice");

    let d = destroy_profile(&aws, &p, &read, again.private).await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.warnings.len(), 1);
    assert!(d.warnings[0].summary.contains("cannot be withdrawn"));
}
