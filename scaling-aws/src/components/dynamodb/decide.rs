//! The pure decisions: which UpdateTable a table needs, whether a scaling
//! policy matches, and what a read-back still shows differing.

use super::shared::DIMS;
use crate::state::{AutoScalingObserved, TableObserved};
use scaling::model::names;
use scaling::{AutoScaling, BillingMode, TableCapacity};

/// The throughput to send when the table must be PROVISIONED: the profile's
/// units, else the auto-scaling minimum, else what the table has, else 1.
pub fn provisioned_units(
    explicit: Option<i64>,
    autoscaling: Option<&AutoScaling>,
    current: Option<i64>,
) -> i64 {
    explicit
        .or_else(|| autoscaling.and_then(|a| a.min_capacity))
        .or(current.filter(|c| *c > 0))
        .unwrap_or(1)
        .max(1)
}

/// The UpdateTable a table needs, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableChange {
    ToOnDemand,
    ToProvisioned { read: i64, write: i64 },
    Throughput { read: i64, write: i64 },
}

/// Decide the UpdateTable call (pure). Capacity of a dimension under auto
/// scaling is left to AAS once the table is PROVISIONED.
pub fn table_change(desired: &TableCapacity, observed: &TableObserved) -> Option<TableChange> {
    let current = observed
        .billing_mode
        .as_deref()
        .and_then(BillingMode::parse);
    let read = provisioned_units(
        desired.read_capacity,
        desired.read_autoscaling.as_ref(),
        observed.read_capacity,
    );
    let write = provisioned_units(
        desired.write_capacity,
        desired.write_autoscaling.as_ref(),
        observed.write_capacity,
    );
    match (desired.billing_mode, current) {
        (Some(BillingMode::PayPerRequest), Some(BillingMode::PayPerRequest)) => None,
        (Some(BillingMode::PayPerRequest), _) => Some(TableChange::ToOnDemand),
        (Some(BillingMode::Provisioned), Some(BillingMode::PayPerRequest)) => {
            Some(TableChange::ToProvisioned { read, write })
        }
        (_, Some(BillingMode::Provisioned)) | (Some(BillingMode::Provisioned), None) => {
            let r = desired
                .read_capacity
                .filter(|_| desired.read_autoscaling.is_none());
            let w = desired
                .write_capacity
                .filter(|_| desired.write_autoscaling.is_none());
            let r_diff = r.is_some_and(|r| observed.read_capacity != Some(r));
            let w_diff = w.is_some_and(|w| observed.write_capacity != Some(w));
            if r_diff || w_diff {
                Some(TableChange::Throughput {
                    read: r.or(observed.read_capacity).unwrap_or(1),
                    write: w.or(observed.write_capacity).unwrap_or(1),
                })
            } else {
                None
            }
        }
        (None, _) => None,
    }
}

/// Whether the scaling policy read back matches the profile's block.
pub fn policy_matches(want: &AutoScaling, got: &AutoScalingObserved) -> bool {
    // Left-out settings mean the documented defaults, which apply sends:
    // a policy with other cooldowns (changed outside, or written without
    // them) is drift to correct.
    let target = want.target();
    got.policy_name.is_some()
        && got
            .target_utilization
            .is_some_and(|t| (t - target).abs() < 1e-9)
        && got.scale_in_cooldown == Some(want.scale_in())
        && got.scale_out_cooldown == Some(want.scale_out())
}

/// What the read after an apply still shows differing from `desired`, as
/// (attribute, what differs): empty when every write took effect.
pub fn not_reached(desired: &TableCapacity, after: &TableObserved) -> Vec<(&'static str, String)> {
    let mut left = Vec::new();
    if let Some(change) = table_change(desired, after) {
        left.push((
            names::TABLE_BILLING_MODE,
            format!(
                "billing mode {} with read/write capacity {:?}/{:?} (still to do: {change:?})",
                after.billing_mode.as_deref().unwrap_or("unknown"),
                after.read_capacity,
                after.write_capacity
            ),
        ));
    }
    let on_demand = desired.billing_mode == Some(BillingMode::PayPerRequest);
    for dim in DIMS {
        let got = dim.observed(after);
        match (dim.of(desired), got) {
            (_, Some(_)) if on_demand => left.push((
                dim.attr(),
                "a scalable target still registered on an on-demand table".to_string(),
            )),
            (Some(want), Some(got)) => {
                let min = want.min_capacity.unwrap_or(1);
                let max = want.max_capacity.unwrap_or(got.max_capacity);
                if got.min_capacity != min || got.max_capacity != max {
                    left.push((
                        dim.attr(),
                        format!(
                            "scalable target min/max {}/{} (expected {min}/{max})",
                            got.min_capacity, got.max_capacity
                        ),
                    ));
                }
                if !policy_matches(want, got) {
                    left.push((
                        dim.attr(),
                        format!(
                            "scaling policy target {:?}, cooldowns in/out {:?}/{:?} (expected {}, {}/{})",
                            got.target_utilization,
                            got.scale_in_cooldown,
                            got.scale_out_cooldown,
                            want.target(),
                            want.scale_in(),
                            want.scale_out()
                        ),
                    ));
                }
            }
            (Some(_), None) if !on_demand => {
                left.push((dim.attr(), "no scalable target registered".to_string()))
            }
            _ => {}
        }
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(mode: Option<BillingMode>) -> TableCapacity {
        TableCapacity {
            table_name: "t".into(),
            billing_mode: mode,
            read_capacity: None,
            write_capacity: None,
            read_autoscaling: None,
            write_autoscaling: None,
        }
    }
    fn seen(mode: &str, r: Option<i64>, w: Option<i64>) -> TableObserved {
        TableObserved {
            table_name: "t".into(),
            billing_mode: Some(mode.into()),
            read_capacity: r,
            write_capacity: w,
            ..TableObserved::default()
        }
    }

    #[test]
    fn switching_modes() {
        assert_eq!(
            table_change(
                &table(Some(BillingMode::PayPerRequest)),
                &seen("PROVISIONED", Some(5), Some(5))
            ),
            Some(TableChange::ToOnDemand)
        );
        assert_eq!(
            table_change(
                &table(Some(BillingMode::PayPerRequest)),
                &seen("PAY_PER_REQUEST", None, None)
            ),
            None
        );
        // PROVISIONED needs both units: explicit, else autoscaling min, else 1.
        let mut t = table(Some(BillingMode::Provisioned));
        t.read_capacity = Some(10);
        t.write_autoscaling = Some(AutoScaling {
            min_capacity: Some(4),
            max_capacity: Some(40),
            target_utilization: Some(70.0),
            scale_in_cooldown: None,
            scale_out_cooldown: None,
        });
        assert_eq!(
            table_change(&t, &seen("PAY_PER_REQUEST", None, None)),
            Some(TableChange::ToProvisioned { read: 10, write: 4 })
        );
        assert_eq!(
            table_change(
                &table(Some(BillingMode::Provisioned)),
                &seen("PAY_PER_REQUEST", None, None)
            ),
            Some(TableChange::ToProvisioned { read: 1, write: 1 })
        );
    }

    #[test]
    fn throughput_changes_only_where_not_autoscaled() {
        let mut t = table(Some(BillingMode::Provisioned));
        t.read_capacity = Some(10);
        t.write_capacity = Some(5);
        assert_eq!(
            table_change(&t, &seen("PROVISIONED", Some(10), Some(5))),
            None
        );
        assert_eq!(
            table_change(&t, &seen("PROVISIONED", Some(7), Some(5))),
            Some(TableChange::Throughput { read: 10, write: 5 })
        );
        t.read_autoscaling = Some(AutoScaling {
            min_capacity: Some(5),
            max_capacity: Some(50),
            target_utilization: None,
            scale_in_cooldown: None,
            scale_out_cooldown: None,
        });
        assert_eq!(
            table_change(&t, &seen("PROVISIONED", Some(7), Some(5))),
            None
        );
    }

    #[test]
    fn not_reached_names_what_the_read_back_still_differs_on() {
        let mut t = table(Some(BillingMode::Provisioned));
        t.read_capacity = Some(10);
        t.write_capacity = Some(5);
        assert!(not_reached(&t, &seen("PROVISIONED", Some(10), Some(5))).is_empty());
        let left = not_reached(&t, &seen("PROVISIONED", Some(7), Some(5)));
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].0, "billing_mode");
        assert!(left[0].1.contains("Some(7)"), "{left:?}");
        t.read_autoscaling = Some(AutoScaling {
            min_capacity: Some(5),
            max_capacity: Some(50),
            target_utilization: None,
            scale_in_cooldown: None,
            scale_out_cooldown: None,
        });
        let left = not_reached(&t, &seen("PROVISIONED", Some(7), Some(5)));
        assert_eq!(
            left,
            vec![(
                "read_autoscaling",
                "no scalable target registered".to_string()
            )]
        );
        let mut after = seen("PROVISIONED", Some(7), Some(5));
        after.read_autoscaling = Some(AutoScalingObserved {
            min_capacity: 5,
            max_capacity: 50,
            policy_name: Some("smuppy-t-read".into()),
            target_utilization: Some(70.0),
            scale_in_cooldown: Some(0),
            scale_out_cooldown: Some(60),
        });
        let left = not_reached(&t, &after);
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(
            left[0].1.contains("cooldowns in/out Some(0)/Some(60)"),
            "{left:?}"
        );
    }

    #[test]
    fn a_policy_matches_only_with_every_setting_as_written() {
        let want = AutoScaling {
            min_capacity: Some(5),
            max_capacity: Some(50),
            target_utilization: Some(70.0),
            scale_in_cooldown: Some(60),
            scale_out_cooldown: None,
        };
        let got = AutoScalingObserved {
            min_capacity: 5,
            max_capacity: 50,
            policy_name: Some("p".into()),
            target_utilization: Some(70.0),
            scale_in_cooldown: Some(60),
            scale_out_cooldown: Some(AutoScaling::DEFAULT_COOLDOWN_SECONDS),
        };
        assert!(policy_matches(&want, &got));
        // A left-out cooldown means the documented default: a policy with
        // AWS's own 0 (written without it, or changed outside) is drift.
        let zero = AutoScalingObserved {
            scale_out_cooldown: Some(0),
            ..got.clone()
        };
        assert!(!policy_matches(&want, &zero));
        let unset = AutoScalingObserved {
            scale_out_cooldown: None,
            ..got.clone()
        };
        assert!(!policy_matches(&want, &unset));
        assert!(!policy_matches(
            &AutoScaling {
                target_utilization: Some(50.0),
                ..want
            },
            &got
        ));
    }
}
