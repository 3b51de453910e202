//! Apply: mode, throughput and auto scaling in an order where they never
//! fight, then the check that the writes took.

use super::decide::{not_reached, policy_matches, table_change};
use super::read::read;
use super::revert::revert_dim;
use super::shared::{loc, scalable_key, table_key, DIMS};
use super::write::{deregister, put_policy, register, update_when_active};
use crate::error::ComponentError;
use crate::run::{Ctx, Part};
use crate::state::{Capture, TableObserved};
use scaling::model::names;
use scaling::{BillingMode, TableCapacity};

/// Converge table `i`; `previous` is the same table's block in the previous
/// profile (auto-scaling blocks it had and this one drops are reverted).
pub(crate) async fn apply(
    ctx: &Ctx<'_>,
    i: usize,
    desired: &TableCapacity,
    previous: Option<&TableCapacity>,
) -> Part<TableObserved> {
    let name = desired.table_name.as_str();
    let before = match read(ctx, name).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            return Part::failed(
                None,
                ComponentError::message(
                    loc(i),
                    "table not found",
                    format!(
                        "DynamoDB table {name:?} does not exist in {}",
                        ctx.aws.region()
                    ),
                ),
            )
        }
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(loc(i), "could not read the table", e),
            )
        }
    };
    ctx.capture_once(
        &table_key(name),
        Capture::Table {
            billing_mode: before
                .billing_mode
                .clone()
                .unwrap_or_else(|| "PROVISIONED".into()),
            read_capacity: before.read_capacity,
            write_capacity: before.write_capacity,
        },
    );
    for dim in DIMS {
        let o = dim.observed(&before);
        ctx.capture_once(
            &scalable_key(name, dim),
            Capture::ScalableTarget {
                registered: o.is_some(),
                min_capacity: o.map(|o| o.min_capacity),
                max_capacity: o.map(|o| o.max_capacity),
            },
        );
    }
    let mut part = Part::new(Some(before.clone()));
    let change = table_change(desired, &before);
    let to_on_demand = desired.billing_mode == Some(BillingMode::PayPerRequest);

    // Scaling blocks the previous profile had and this one dropped, and every
    // target when the table goes on-demand.
    for dim in DIMS {
        let dropped = previous
            .is_some_and(|p| p.table_name == desired.table_name && dim.of(p).is_some())
            && dim.of(desired).is_none();
        let now = dim.observed(&before);
        if to_on_demand && now.is_some() {
            if let Err(m) = deregister(ctx, name, dim).await {
                part.errors.push(ComponentError::message(
                    loc(i).then(dim.attr()),
                    "could not deregister auto scaling",
                    m,
                ));
            }
        } else if dropped {
            if let Err(e) = revert_dim(ctx, i, name, dim, now, false).await {
                part.errors.push(e);
            }
        }
    }

    if part.errors.is_empty() {
        if let Some(change) = &change {
            if let Err(e) = update_when_active(ctx, i, name, change).await {
                part.errors.push(e);
                return part;
            }
        }
    }

    // Auto scaling, on a provisioned table only.
    if part.errors.is_empty() && !to_on_demand {
        for dim in DIMS {
            let Some(want) = dim.of(desired) else {
                let dropped = previous
                    .is_some_and(|p| p.table_name == desired.table_name && dim.of(p).is_some());
                if dropped {
                    if let Err(e) = revert_dim(ctx, i, name, dim, None, true).await {
                        part.errors.push(e);
                    }
                }
                continue;
            };
            let now = dim.observed(&before);
            let min = want.min_capacity.unwrap_or(1);
            let Some(max) = want.max_capacity.or(now.map(|n| n.max_capacity)) else {
                part.errors.push(ComponentError::message(
                    loc(i).then(dim.attr()).then(names::SCALING_MAX_CAPACITY),
                    "max_capacity required",
                    "registering a scalable target needs a maximum capacity",
                ));
                continue;
            };
            let l = loc(i).then(dim.attr());
            if now.is_none_or(|n| n.min_capacity != min || n.max_capacity != max) {
                if let Err(m) = register(ctx, name, dim, min, max).await {
                    part.errors.push(ComponentError::message(
                        l,
                        "could not register the scalable target",
                        m,
                    ));
                    continue;
                }
            }
            if now.is_none_or(|n| !policy_matches(want, n)) {
                if let Err(m) = put_policy(ctx, name, dim, want).await {
                    part.errors.push(ComponentError::message(
                        l,
                        "could not put the scaling policy",
                        m,
                    ));
                }
            }
        }
    }

    match read(ctx, name).await {
        Ok(o) => {
            if let (true, Some(after)) = (part.errors.is_empty(), &o) {
                part.errors.extend(ComponentError::not_applied(
                    &loc(i),
                    "table",
                    name,
                    not_reached(desired, after),
                ));
            }
            part.observed = o;
        }
        Err(e) => part.errors.push(ComponentError::aws(
            loc(i),
            "could not read the table back",
            e,
        )),
    }
    part
}
