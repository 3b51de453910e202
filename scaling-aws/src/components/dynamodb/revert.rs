//! Revert: the captured mode, throughput and scalable targets put back.

use super::decide::table_change;
use super::read::read;
use super::shared::{loc, scalable_key, table_key, Dim, DIMS};
use super::write::{delete_policy, deregister, register, update_when_active};
use crate::error::ComponentError;
use crate::run::{Ctx, Part};
use crate::state::{AutoScalingObserved, Capture, TableObserved};
use scaling::{BillingMode, TableCapacity};

/// Put one dimension's scalable target back as captured: deregister what
/// the profile registered, or restore the prior min/max and drop the
/// profile's policy.
pub(super) async fn revert_dim(
    ctx: &Ctx<'_>,
    i: usize,
    table: &str,
    dim: Dim,
    now: Option<&AutoScalingObserved>,
    after_mode: bool,
) -> Result<(), ComponentError> {
    let key = scalable_key(table, dim);
    let Some(Capture::ScalableTarget {
        registered,
        min_capacity,
        max_capacity,
    }) = ctx.capture(&key)
    else {
        return Ok(());
    };
    let l = loc(i).then(dim.attr());
    let r = if !registered {
        if after_mode || now.is_none() {
            Ok(())
        } else {
            deregister(ctx, table, dim).await
        }
    } else if !after_mode {
        if now.is_some_and(|n| n.policy_name.is_some()) {
            delete_policy(ctx, table, dim).await
        } else {
            Ok(())
        }
    } else {
        match (min_capacity, max_capacity) {
            (Some(min), Some(max))
                if now.is_none_or(|n| n.min_capacity != min || n.max_capacity != max) =>
            {
                register(ctx, table, dim, min, max).await
            }
            _ => Ok(()),
        }
    };
    r.map_err(|m| ComponentError::message(l, "could not restore auto scaling", m))?;
    if after_mode || !registered {
        ctx.release(&key);
    }
    Ok(())
}

/// Restore the captured mode, throughput and scalable targets.
pub(crate) async fn revert(ctx: &Ctx<'_>, i: usize, table: &str) -> Part<TableObserved> {
    let mut part = Part::new(None);
    let now = match read(ctx, table).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            ctx.release(&table_key(table));
            for dim in DIMS {
                ctx.release(&scalable_key(table, dim));
            }
            return part;
        }
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(loc(i), "could not read the table", e),
            )
        }
    };
    for dim in DIMS {
        if let Err(e) = revert_dim(ctx, i, table, dim, dim.observed(&now), false).await {
            part.errors.push(e);
        }
    }
    if !part.errors.is_empty() {
        return part;
    }
    if let Some(Capture::Table {
        billing_mode,
        read_capacity,
        write_capacity,
    }) = ctx.capture(&table_key(table))
    {
        let prior = TableCapacity {
            table_name: table.to_string(),
            billing_mode: BillingMode::parse(&billing_mode),
            read_capacity,
            write_capacity,
            read_autoscaling: None,
            write_autoscaling: None,
        };
        // Capacity under a restored auto-scaling target is left to AAS.
        let prior_scaled = |d: Dim| {
            matches!(
                ctx.capture(&scalable_key(table, d)),
                Some(Capture::ScalableTarget {
                    registered: true,
                    ..
                })
            )
        };
        let mut prior = prior;
        if prior_scaled(Dim::Read)
            && prior.billing_mode == Some(BillingMode::Provisioned)
            && now.billing_mode.as_deref() == Some("PROVISIONED")
        {
            prior.read_capacity = None;
        }
        if prior_scaled(Dim::Write)
            && prior.billing_mode == Some(BillingMode::Provisioned)
            && now.billing_mode.as_deref() == Some("PROVISIONED")
        {
            prior.write_capacity = None;
        }
        if let Some(change) = table_change(&prior, &now) {
            if let Err(e) = update_when_active(ctx, i, table, &change).await {
                part.errors.push(e);
            }
        }
        if part.errors.is_empty() {
            ctx.release(&table_key(table));
        }
    }
    if part.errors.is_empty() {
        let after = read(ctx, table).await.ok().flatten();
        for dim in DIMS {
            let o = after.as_ref().and_then(|a| dim.observed(a));
            if let Err(e) = revert_dim(ctx, i, table, dim, o, true).await {
                part.errors.push(e);
            }
        }
    }
    part
}
