//! Each write to a table or its auto scaling, and the wait for the table
//! to be ACTIVE again.

use super::decide::TableChange;
use super::shared::{policy_name, resource_id, Dim, AAS, DDB};
use crate::error::{absent_if, AwsError, ComponentError};
use crate::run::{poll_until, Ctx};
use aws_sdk_applicationautoscaling::types::{
    PolicyType, PredefinedMetricSpecification, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use aws_sdk_dynamodb::types::{
    BillingMode as AwsBillingMode, GlobalSecondaryIndexUpdate, ProvisionedThroughput, TableStatus,
    UpdateGlobalSecondaryIndexAction,
};
use scaling::model::{self, names};
use scaling::{AutoScaling, Location};

pub(super) async fn wait_active(ctx: &Ctx<'_>, table: &str) -> Result<(), String> {
    let client = ctx.aws.dynamodb();
    let r = poll_until(
        "table active",
        ctx.opts,
        ctx.opts.settle_timeout,
        || async {
            let out = client
                .describe_table()
                .table_name(table)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(DDB, "DescribeTable", e).to_string())?;
            let t = out.table();
            let table_active =
                matches!(t.and_then(|t| t.table_status()), Some(TableStatus::Active));
            let gsis_active = t
                .map(|t| {
                    t.global_secondary_indexes()
                        .iter()
                        .all(|g| g.index_status().is_none_or(|s| s.as_str() == "ACTIVE"))
                })
                .unwrap_or(true);
            Ok::<_, String>((table_active && gsis_active).then_some(()))
        },
    )
    .await?;
    r.ok_or_else(|| {
        format!(
            "table {table} not ACTIVE within {} s",
            ctx.opts.settle_timeout.as_secs()
        )
    })
}

/// UpdateTable on table `i`, once the table is ACTIVE (AWS refuses an
/// update while it is UPDATING: ResourceInUseException, so an update
/// started elsewhere is waited out first), then the wait until it has
/// settled. Apply and revert both go through it. Each wait is bounded by
/// the operation's timeout.
pub(super) async fn update_when_active(
    ctx: &Ctx<'_>,
    i: usize,
    table: &str,
    change: &TableChange,
) -> Result<(), ComponentError> {
    let at = || super::shared::loc(i).then(names::TABLE_BILLING_MODE);
    wait_active(ctx, table)
        .await
        .map_err(|m| ComponentError::message(at(), "table still updating", m))?;
    update_table(ctx, table, change)
        .await
        .map_err(|e| super::shared::relocate(e, i, names::TABLE_BILLING_MODE))?;
    wait_active(ctx, table)
        .await
        .map_err(|m| ComponentError::message(at(), "table update did not settle", m))
}

pub(super) fn units(n: i64) -> Result<ProvisionedThroughput, AwsError> {
    ProvisionedThroughput::builder()
        .read_capacity_units(n)
        .write_capacity_units(n)
        .build()
        .map_err(|e| AwsError::new(DDB, "UpdateTable", e.to_string()))
}

pub(super) async fn update_table(
    ctx: &Ctx<'_>,
    table: &str,
    change: &TableChange,
) -> Result<(), ComponentError> {
    let mut req = ctx.aws.dynamodb().update_table().table_name(table);
    match change {
        TableChange::ToOnDemand => req = req.billing_mode(AwsBillingMode::PayPerRequest),
        TableChange::ToProvisioned { read, write } | TableChange::Throughput { read, write } => {
            let tp = ProvisionedThroughput::builder()
                .read_capacity_units(*read)
                .write_capacity_units(*write)
                .build()
                .map_err(|e| {
                    ComponentError::message(
                        Location::attr(model::DYNAMODB.location),
                        "bad throughput",
                        e.to_string(),
                    )
                })?;
            req = req.provisioned_throughput(tp);
            if matches!(change, TableChange::ToProvisioned { .. }) {
                req = req.billing_mode(AwsBillingMode::Provisioned);
                // Every GSI needs its own throughput when the table leaves on-demand.
                let d = ctx
                    .aws
                    .dynamodb()
                    .describe_table()
                    .table_name(table)
                    .send()
                    .await
                    .map_err(|e| {
                        ComponentError::aws(
                            Location::attr(model::DYNAMODB.location),
                            "could not read the table",
                            AwsError::from_sdk(DDB, "DescribeTable", e),
                        )
                    })?;
                for g in d
                    .table()
                    .map(|t| t.global_secondary_indexes())
                    .unwrap_or_default()
                {
                    if let Some(name) = g.index_name() {
                        let tp = units((*read).min(*write)).map_err(|e| {
                            ComponentError::aws(
                                Location::attr(model::DYNAMODB.location),
                                "bad throughput",
                                e,
                            )
                        })?;
                        let action = UpdateGlobalSecondaryIndexAction::builder()
                            .index_name(name)
                            .provisioned_throughput(tp)
                            .build()
                            .map_err(|e| {
                                ComponentError::message(
                                    Location::attr(model::DYNAMODB.location),
                                    "bad index update",
                                    e.to_string(),
                                )
                            })?;
                        req = req.global_secondary_index_updates(
                            GlobalSecondaryIndexUpdate::builder().update(action).build(),
                        );
                    }
                }
            }
        }
    }
    ctx.wrote();
    req.send().await.map(|_| ()).map_err(|e| {
        let e = AwsError::from_sdk(DDB, "UpdateTable", e);
        if e.is(&["LimitExceededException"]) && matches!(change, TableChange::ToOnDemand | TableChange::ToProvisioned { .. }) {
            ComponentError::message(
                Location::attr(model::DYNAMODB.location),
                "capacity-mode switch refused by AWS",
                format!("AWS limits capacity-mode switches: a table can switch to on-demand at most 4 times in a rolling 24 hours (older accounts: once per 24 h); try again later. {e}"),
            )
        } else {
            ComponentError::aws(Location::attr(model::DYNAMODB.location), "could not update the table", e)
        }
    })
}

pub(super) fn to_i32(v: i64, what: &str) -> Result<i32, String> {
    i32::try_from(v).map_err(|_| format!("{what} {v} is out of range"))
}

pub(super) async fn register(
    ctx: &Ctx<'_>,
    table: &str,
    dim: Dim,
    min: i64,
    max: i64,
) -> Result<(), String> {
    ctx.wrote();
    ctx.aws
        .autoscaling()
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_id(resource_id(table))
        .scalable_dimension(dim.scalable())
        .min_capacity(to_i32(min, names::SCALING_MIN_CAPACITY)?)
        .max_capacity(to_i32(max, names::SCALING_MAX_CAPACITY)?)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| AwsError::from_sdk(AAS, "RegisterScalableTarget", e).to_string())
}

pub(super) async fn put_policy(
    ctx: &Ctx<'_>,
    table: &str,
    dim: Dim,
    want: &AutoScaling,
) -> Result<(), String> {
    let spec = PredefinedMetricSpecification::builder()
        .predefined_metric_type(dim.metric())
        .build()
        .map_err(|e| e.to_string())?;
    let conf = TargetTrackingScalingPolicyConfiguration::builder()
        .target_value(want.target())
        .predefined_metric_specification(spec)
        .scale_in_cooldown(to_i32(want.scale_in(), names::SCALING_SCALE_IN_COOLDOWN)?)
        .scale_out_cooldown(to_i32(want.scale_out(), names::SCALING_SCALE_OUT_COOLDOWN)?)
        .build()
        .map_err(|e| e.to_string())?;
    // A target just registered can briefly be invisible to PutScalingPolicy.
    for attempt in 0..3 {
        ctx.wrote();
        let r = ctx
            .aws
            .autoscaling()
            .put_scaling_policy()
            .policy_name(policy_name(table, dim))
            .service_namespace(ServiceNamespace::Dynamodb)
            .resource_id(resource_id(table))
            .scalable_dimension(dim.scalable())
            .policy_type(PolicyType::TargetTrackingScaling)
            .target_tracking_scaling_policy_configuration(conf.clone())
            .send()
            .await;
        match r {
            Ok(_) => return Ok(()),
            Err(e) => {
                let e = AwsError::from_sdk(AAS, "PutScalingPolicy", e);
                if attempt < 2 && e.is(&["ObjectNotFoundException", "ConcurrentUpdateException"]) {
                    ctx.opts.cancel.sleep(ctx.opts.poll_interval).await;
                    continue;
                }
                return Err(e.to_string());
            }
        }
    }
    Err("the scalable target stayed unavailable".to_string())
}

pub(super) async fn deregister(ctx: &Ctx<'_>, table: &str, dim: Dim) -> Result<(), String> {
    ctx.wrote();
    let r = ctx
        .aws
        .autoscaling()
        .deregister_scalable_target()
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_id(resource_id(table))
        .scalable_dimension(dim.scalable())
        .send()
        .await
        .map_err(crate::error::sdk(AAS, "DeregisterScalableTarget"));
    absent_if(r, &["ObjectNotFoundException"])
        .map(|_| ())
        .map_err(|e| e.to_string())
}

pub(super) async fn delete_policy(ctx: &Ctx<'_>, table: &str, dim: Dim) -> Result<(), String> {
    ctx.wrote();
    let r = ctx
        .aws
        .autoscaling()
        .delete_scaling_policy()
        .policy_name(policy_name(table, dim))
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_id(resource_id(table))
        .scalable_dimension(dim.scalable())
        .send()
        .await
        .map_err(crate::error::sdk(AAS, "DeleteScalingPolicy"));
    absent_if(r, &["ObjectNotFoundException"])
        .map(|_| ())
        .map_err(|e| e.to_string())
}
