use crate::common::{fast_polls, first_apply, profile, reapply_writes_nothing, Sandbox};
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode as AwsMode, KeySchemaElement, KeyType, ProvisionedThroughput,
    ScalarAttributeType,
};
use scaling::{AutoScaling, BillingMode, TableCapacity};
use scaling_aws::{apply_profile, destroy_profile, Aws};

pub(crate) async fn table_fixture(aws: &Aws, name: &str) {
    aws.dynamodb()
        .create_table()
        .table_name(name)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(AwsMode::Provisioned)
        .provisioned_throughput(
            ProvisionedThroughput::builder()
                .read_capacity_units(5)
                .write_capacity_units(5)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

/// (billing mode, rcu, wcu) via DescribeTable.
pub(crate) async fn table_mode(aws: &Aws, name: &str) -> (String, i64, i64) {
    let t = aws
        .dynamodb()
        .describe_table()
        .table_name(name)
        .send()
        .await
        .unwrap();
    let t = t.table().unwrap();
    let mode = t
        .billing_mode_summary()
        .and_then(|s| s.billing_mode())
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "PROVISIONED".into());
    let tp = t.provisioned_throughput().unwrap();
    (
        mode,
        tp.read_capacity_units().unwrap_or(0),
        tp.write_capacity_units().unwrap_or(0),
    )
}

/// (min, max) of the read target via DescribeScalableTargets.
async fn read_target(aws: &Aws, name: &str) -> Option<(i32, i32)> {
    let out = aws
        .autoscaling()
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_ids(format!("table/{name}"))
        .scalable_dimension(ScalableDimension::DynamoDbTableReadCapacityUnits)
        .send()
        .await
        .unwrap();
    out.scalable_targets()
        .first()
        .map(|t| (t.min_capacity(), t.max_capacity()))
}

fn table(name: &str, mode: BillingMode) -> TableCapacity {
    TableCapacity {
        table_name: name.into(),
        billing_mode: Some(mode),
        read_capacity: None,
        write_capacity: None,
        read_autoscaling: None,
        write_autoscaling: None,
    }
}

#[tokio::test]
async fn table_switches_to_on_demand_and_back_on_destroy() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    table_fixture(&aws, "smuppy-feeds-staging").await;
    let mut p = profile("staging");
    p.dynamodb
        .push(table("smuppy-feeds-staging", BillingMode::PayPerRequest));
    let out = first_apply(&aws, &p, &fast_polls()).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(
        table_mode(&aws, "smuppy-feeds-staging").await.0,
        "PAY_PER_REQUEST"
    );
    assert_eq!(
        out.observed.dynamodb[0]
            .as_ref()
            .and_then(|t| t.billing_mode.clone())
            .as_deref(),
        Some("PAY_PER_REQUEST")
    );
    let again = reapply_writes_nothing(&sb, &aws, &p, &out, &fast_polls()).await;
    let d = destroy_profile(&aws, &p, &again.observed, again.private).await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert!(d.private.is_empty(), "{:?}", d.private);
    assert_eq!(
        table_mode(&aws, "smuppy-feeds-staging").await,
        ("PROVISIONED".to_string(), 5, 5)
    );
}

#[tokio::test]
async fn table_autoscaling_register_update_remove_and_destroy() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    table_fixture(&aws, "feeds").await;
    let mut p = profile("staging");
    let mut t = table("feeds", BillingMode::Provisioned);
    t.write_capacity = Some(10);
    t.read_autoscaling = Some(AutoScaling {
        min_capacity: Some(5),
        max_capacity: Some(50),
        target_utilization: Some(70.0),
        scale_in_cooldown: Some(60),
        scale_out_cooldown: Some(60),
    });
    p.dynamodb.push(t);
    let out = first_apply(&aws, &p, &fast_polls()).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(read_target(&aws, "feeds").await, Some((5, 50)));
    let policies = aws
        .autoscaling()
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_id("table/feeds")
        .send()
        .await
        .unwrap();
    let pol = policies
        .scaling_policies()
        .iter()
        .find(|p| p.policy_name() == "smuppy-feeds-read")
        .expect("policy");
    assert_eq!(
        pol.target_tracking_scaling_policy_configuration()
            .map(|c| c.target_value()),
        Some(70.0)
    );
    assert_eq!(table_mode(&aws, "feeds").await.2, 10);
    let again = reapply_writes_nothing(&sb, &aws, &p, &out, &fast_polls()).await;

    // The read_autoscaling block removed: the target the profile registered goes.
    let mut q = p.clone();
    q.dynamodb[0].read_autoscaling = None;
    let out3 = apply_profile(
        &aws,
        &q,
        Some(&p),
        &again.observed,
        again.private,
        &fast_polls(),
    )
    .await;
    assert!(out3.errors.is_empty(), "{:?}", out3.errors);
    assert_eq!(read_target(&aws, "feeds").await, None);

    let d = destroy_profile(&aws, &q, &out3.observed, out3.private).await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert!(d.private.is_empty(), "{:?}", d.private);
    assert_eq!(
        table_mode(&aws, "feeds").await,
        ("PROVISIONED".to_string(), 5, 5)
    );
}

/// (scale-in, scale-out) cooldowns of the profile's read policy, via
/// DescribeScalingPolicies.
async fn read_cooldowns(aws: &Aws, table: &str) -> (Option<i32>, Option<i32>) {
    let out = aws
        .autoscaling()
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_id(format!("table/{table}"))
        .send()
        .await
        .unwrap();
    let pol = out
        .scaling_policies()
        .iter()
        .find(|p| p.policy_name() == format!("smuppy-{table}-read"))
        .expect("policy");
    let c = pol
        .target_tracking_scaling_policy_configuration()
        .expect("target tracking");
    (c.scale_in_cooldown(), c.scale_out_cooldown())
}

#[tokio::test]
async fn left_out_cooldowns_are_sent_as_documented_and_outside_changes_are_drift() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    table_fixture(&aws, "orders").await;
    let mut p = profile("staging");
    let mut t = table("orders", BillingMode::Provisioned);
    t.write_capacity = Some(10);
    t.read_autoscaling = Some(AutoScaling {
        min_capacity: Some(5),
        max_capacity: Some(50),
        target_utilization: None,
        scale_in_cooldown: None,
        scale_out_cooldown: None,
    });
    p.dynamodb.push(t);
    let out = first_apply(&aws, &p, &fast_polls()).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let default = AutoScaling::DEFAULT_COOLDOWN_SECONDS as i32;
    assert_eq!(
        read_cooldowns(&aws, "orders").await,
        (Some(default), Some(default))
    );

    // Someone sets the scale-in cooldown to 0 outside the profile.
    aws.autoscaling()
        .put_scaling_policy()
        .policy_name("smuppy-orders-read")
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_id("table/orders")
        .scalable_dimension(ScalableDimension::DynamoDbTableReadCapacityUnits)
        .policy_type(aws_sdk_applicationautoscaling::types::PolicyType::TargetTrackingScaling)
        .target_tracking_scaling_policy_configuration(
            aws_sdk_applicationautoscaling::types::TargetTrackingScalingPolicyConfiguration::builder()
                .target_value(70.0)
                .predefined_metric_specification(
                    aws_sdk_applicationautoscaling::types::PredefinedMetricSpecification::builder()
                        .predefined_metric_type(
                            aws_sdk_applicationautoscaling::types::MetricType::DynamoDbReadCapacityUtilization,
                        )
                        .build()
                        .unwrap(),
                )
                .scale_in_cooldown(0)
                .scale_out_cooldown(default)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let (read, errs) = scaling_aws::read_profile(&aws, &p, &out.observed).await;
    assert!(errs.is_empty(), "{errs:?}");
    let seen = read.dynamodb[0]
        .as_ref()
        .and_then(|t| t.read_autoscaling.clone())
        .unwrap();
    assert_eq!(seen.scale_in_cooldown, Some(0), "refresh reports the drift");
    // The next apply puts the documented default back.
    let again = apply_profile(&aws, &p, Some(&p), &read, out.private, &fast_polls()).await;
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert!(again.writes >= 1);
    assert_eq!(
        read_cooldowns(&aws, "orders").await,
        (Some(default), Some(default))
    );
}
