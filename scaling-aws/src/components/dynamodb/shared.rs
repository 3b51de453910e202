//! What the DynamoDB files share: capture keys, AWS names of a table's
//! scaling parts, the dimensions and where diagnostics point.

use crate::capture_key::CaptureKey;
use crate::error::ComponentError;
use crate::state::{AutoScalingObserved, TableObserved};
use aws_sdk_applicationautoscaling::types::{MetricType, ScalableDimension};
use scaling::model;
use scaling::{AutoScaling, Location, TableCapacity};

pub(super) const DDB: &str = crate::services::DYNAMODB;

pub(super) const AAS: &str = "application-autoscaling";

pub use crate::capture_key::Dim;

impl Dim {
    pub(super) fn scalable(self) -> ScalableDimension {
        match self {
            Dim::Read => ScalableDimension::DynamoDbTableReadCapacityUnits,
            Dim::Write => ScalableDimension::DynamoDbTableWriteCapacityUnits,
        }
    }
    pub(super) fn metric(self) -> MetricType {
        match self {
            Dim::Read => MetricType::DynamoDbReadCapacityUtilization,
            Dim::Write => MetricType::DynamoDbWriteCapacityUtilization,
        }
    }
    pub(super) fn attr(self) -> &'static str {
        match self {
            Dim::Read => "read_autoscaling",
            Dim::Write => "write_autoscaling",
        }
    }
    pub(super) fn of(self, t: &TableCapacity) -> Option<&AutoScaling> {
        match self {
            Dim::Read => t.read_autoscaling.as_ref(),
            Dim::Write => t.write_autoscaling.as_ref(),
        }
    }
    pub(super) fn observed(self, t: &TableObserved) -> Option<&AutoScalingObserved> {
        match self {
            Dim::Read => t.read_autoscaling.as_ref(),
            Dim::Write => t.write_autoscaling.as_ref(),
        }
    }
}

pub(super) const DIMS: [Dim; 2] = [Dim::Read, Dim::Write];

pub fn table_key(table: &str) -> String {
    CaptureKey::Table {
        table: table.to_string(),
    }
    .to_string()
}

pub fn scalable_key(table: &str, dim: Dim) -> String {
    CaptureKey::Scalable {
        table: table.to_string(),
        dim,
    }
    .to_string()
}

/// The target-tracking policy this profile owns on a table dimension.
pub fn policy_name(table: &str, dim: Dim) -> String {
    format!("smuppy-{table}-{}", dim.name())
}

pub(super) fn resource_id(table: &str) -> String {
    format!("table/{table}")
}

pub(super) fn loc(i: usize) -> Location {
    Location::attr(model::DYNAMODB.location).index(i)
}

/// `e`, pointed at attribute `attr` of table `i`.
pub(super) fn relocate(mut e: ComponentError, i: usize, attr: &str) -> ComponentError {
    e.location = loc(i).then(attr);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(policy_name("feeds", Dim::Read), "smuppy-feeds-read");
        assert_eq!(scalable_key("feeds", Dim::Write), "scalable:feeds:write");
        assert_eq!(resource_id("feeds"), "table/feeds");
    }
}
