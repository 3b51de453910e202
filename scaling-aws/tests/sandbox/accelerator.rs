use crate::common::{first_apply, profile, reapply_writes_nothing, Sandbox};
use scaling::Accelerator;
use scaling_aws::{destroy_profile, ApplyOptions};
use std::time::Duration;

#[tokio::test]
async fn accelerator_created_once_and_deleted() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    let mut p = profile("staging");
    p.global_accelerator = Some(Accelerator {
        name: "smuppy".into(),
        enabled: true,
        ip_address_type: "IPV4".into(),
        ports: vec![443],
        protocol: "TCP".into(),
        endpoint_group_region: Some("us-east-1".into()),
        endpoint_id: Some("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/smuppy/0123456789abcdef".into()),
    });
    let opts = ApplyOptions {
        poll_interval: Duration::from_millis(100),
        ..ApplyOptions::default()
    };
    let out = first_apply(&aws, &p, &opts).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let o = out.observed.global_accelerator.clone().unwrap();
    let ga = aws.globalaccelerator();
    let listeners = ga
        .list_listeners()
        .accelerator_arn(&o.arn)
        .send()
        .await
        .unwrap();
    assert_eq!(listeners.listeners().len(), 1);
    assert_eq!(
        listeners.listeners()[0].port_ranges()[0].from_port(),
        Some(443)
    );
    let groups = ga
        .list_endpoint_groups()
        .listener_arn(listeners.listeners()[0].listener_arn().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        groups.endpoint_groups()[0].endpoint_group_region(),
        Some("us-east-1")
    );

    let again = reapply_writes_nothing(&sb, &aws, &p, &out, &opts).await;

    // Lost state after a crash: the idempotency token finds the same accelerator.
    let lost = first_apply(&aws, &p, &opts).await;
    assert!(lost.errors.is_empty(), "{:?}", lost.errors);
    assert_eq!(
        lost.observed
            .global_accelerator
            .as_ref()
            .map(|a| a.arn.clone()),
        Some(o.arn.clone())
    );
    assert_eq!(
        ga.list_accelerators()
            .send()
            .await
            .unwrap()
            .accelerators()
            .len(),
        1
    );

    let d = destroy_profile(&aws, &p, &again.observed, again.private).await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert!(d.private.is_empty());
    assert!(ga
        .list_accelerators()
        .send()
        .await
        .unwrap()
        .accelerators()
        .is_empty());
}
