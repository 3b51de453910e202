//! DynamoDB reads: each profile table's capacity mode and auto scaling bounds.

use std::collections::BTreeSet;

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use futures::stream::{self, StreamExt};
use scaling::{FactKey, ScalingBounds, TableFacts};

use super::misses::Misses;
use super::PARALLEL;
use crate::services;
use crate::{Aws, AwsError};

pub(super) async fn read_tables(aws: &Aws, tables: &BTreeSet<String>) -> (Vec<TableFacts>, Misses) {
    let read: Vec<(String, Result<Option<TableFacts>, AwsError>)> =
        stream::iter(tables.iter().cloned())
            .map(|name| async move { (name.clone(), read_table(aws, name).await) })
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
    let mut m = Misses::default();
    let mut out = Vec::new();
    for (name, r) in read {
        match r {
            Ok(t) => {
                m.ok();
                out.extend(t);
            }
            Err(e) => m.miss(
                FactKey::Table(&name),
                format!("The capacity mode and auto scaling of table {name}"),
                "the profile's own settings (the table's current mode is not known)",
                e,
            ),
        }
    }
    out.sort_by(|a, b| a.table_name.cmp(&b.table_name));
    m.unread.sort_by(|a, b| a.key.cmp(&b.key));
    (out, m)
}

/// One table, or `None` when it does not exist (yet).
async fn read_table(aws: &Aws, name: String) -> Result<Option<TableFacts>, AwsError> {
    let resource_id = format!("table/{name}");
    let (described, targets) = futures::join!(
        aws.dynamodb().describe_table().table_name(&name).send(),
        aws.autoscaling()
            .describe_scalable_targets()
            .service_namespace(ServiceNamespace::Dynamodb)
            .resource_ids(&resource_id)
            .send(),
    );
    let table = match described {
        Ok(out) => out,
        Err(e) => {
            let e = AwsError::from_sdk(services::DYNAMODB, "DescribeTable", e);
            if e.is(&["ResourceNotFoundException"]) {
                return Ok(None);
            }
            return Err(e);
        }
    };
    let targets = targets
        .map_err(|e| AwsError::from_sdk("applicationautoscaling", "DescribeScalableTargets", e))?;
    let Some(desc) = table.table() else {
        return Err(AwsError::new(
            services::DYNAMODB,
            "DescribeTable",
            format!("the answer for {name} has no Table"),
        ));
    };
    let billing_mode = Some(
        desc.billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map(|m| m.as_str().to_string())
            // Tables never switched report no summary: they are provisioned.
            .unwrap_or_else(|| "PROVISIONED".to_string()),
    );
    let throughput = desc.provisioned_throughput();
    let bounds = |dim: ScalableDimension| {
        targets
            .scalable_targets()
            .iter()
            .find(|t| t.resource_id() == resource_id && *t.scalable_dimension() == dim)
            .map(|t| ScalingBounds {
                min_capacity: i64::from(t.min_capacity()),
                max_capacity: i64::from(t.max_capacity()),
            })
    };
    Ok(Some(TableFacts {
        table_name: name.clone(),
        billing_mode,
        read_capacity: throughput.and_then(|t| t.read_capacity_units()),
        write_capacity: throughput.and_then(|t| t.write_capacity_units()),
        read_autoscaling: bounds(ScalableDimension::DynamoDbTableReadCapacityUnits),
        write_autoscaling: bounds(ScalableDimension::DynamoDbTableWriteCapacityUnits),
    }))
}
