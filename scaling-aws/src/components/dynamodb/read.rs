//! Reading a table and its scalable targets and policies.

use super::shared::{loc, policy_name, resource_id, Dim, AAS, DDB};
use crate::error::{absent_if, AwsError, ComponentError};
use crate::run::{Ctx, Part};
use crate::state::{AutoScalingObserved, TableObserved};
use aws_sdk_applicationautoscaling::types::ServiceNamespace;
use scaling::TableCapacity;

pub(super) async fn read_scaling(
    ctx: &Ctx<'_>,
    table: &str,
    dim: Dim,
) -> Result<Option<AutoScalingObserved>, AwsError> {
    let aas = ctx.aws.autoscaling();
    let targets = aas
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_ids(resource_id(table))
        .scalable_dimension(dim.scalable())
        .send()
        .await
        .map_err(crate::error::sdk(AAS, "DescribeScalableTargets"))?;
    let Some(t) = targets.scalable_targets().iter().find(|t| {
        t.resource_id() == resource_id(table) && *t.scalable_dimension() == dim.scalable()
    }) else {
        return Ok(None);
    };
    let mut o = AutoScalingObserved {
        min_capacity: i64::from(t.min_capacity()),
        max_capacity: i64::from(t.max_capacity()),
        ..AutoScalingObserved::default()
    };
    let policies = aas
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_id(resource_id(table))
        .scalable_dimension(dim.scalable())
        .policy_names(policy_name(table, dim))
        .send()
        .await
        .map_err(crate::error::sdk(AAS, "DescribeScalingPolicies"))?;
    if let Some(p) = policies
        .scaling_policies()
        .iter()
        .find(|p| p.policy_name() == policy_name(table, dim))
    {
        o.policy_name = Some(p.policy_name().to_string());
        if let Some(c) = p.target_tracking_scaling_policy_configuration() {
            o.target_utilization = Some(c.target_value());
            o.scale_in_cooldown = c.scale_in_cooldown().map(i64::from);
            o.scale_out_cooldown = c.scale_out_cooldown().map(i64::from);
        }
    }
    Ok(Some(o))
}

/// DescribeTable plus its scalable targets. `Ok(None)` when the table is gone.
pub(crate) async fn read(ctx: &Ctx<'_>, table: &str) -> Result<Option<TableObserved>, AwsError> {
    let out = ctx
        .aws
        .dynamodb()
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(crate::error::sdk(DDB, "DescribeTable"));
    let Some(out) = absent_if(out, &["ResourceNotFoundException"])? else {
        return Ok(None);
    };
    let Some(t) = out.table() else {
        return Ok(None);
    };
    // BillingModeSummary only appears once a table has been switched; a
    // table without it was created PROVISIONED.
    let mode = t
        .billing_mode_summary()
        .and_then(|s| s.billing_mode())
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "PROVISIONED".to_string());
    let provisioned = mode == "PROVISIONED";
    let tp = t.provisioned_throughput();
    let mut o = TableObserved {
        table_name: table.to_string(),
        table_arn: t.table_arn().map(str::to_string),
        table_status: t.table_status().map(|s| s.as_str().to_string()),
        read_capacity: tp
            .and_then(|p| p.read_capacity_units())
            .filter(|_| provisioned),
        write_capacity: tp
            .and_then(|p| p.write_capacity_units())
            .filter(|_| provisioned),
        billing_mode: Some(mode),
        ..TableObserved::default()
    };
    (o.read_autoscaling, o.write_autoscaling) = futures::try_join!(
        read_scaling(ctx, table, Dim::Read),
        read_scaling(ctx, table, Dim::Write)
    )?;
    Ok(Some(o))
}

pub(crate) async fn refresh(ctx: &Ctx<'_>, i: usize, t: &TableCapacity) -> Part<TableObserved> {
    match read(ctx, &t.table_name).await {
        Ok(o) => Part::new(o),
        Err(e) => Part::failed(
            None,
            ComponentError::aws(loc(i), "could not read the table", e),
        ),
    }
}
