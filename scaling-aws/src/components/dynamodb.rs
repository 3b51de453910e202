//! DynamoDB tables: billing mode, provisioned throughput and Application
//! Auto Scaling of read/write capacity, owned together so a switch of mode
//! and its scaling never fight.
//!
//! Switching to PAY_PER_REQUEST deregisters the table's scalable targets
//! first: through the API, AWS keeps auto-scaling settings across a switch
//! to on-demand and brings them back into force on the way back.

use crate::capture_key::CaptureKey;
use crate::error::{absent_if, AwsError, ComponentError};
use crate::run::{poll_until, Ctx, Part};
use crate::state::{AutoScalingObserved, Capture, TableObserved};
use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use aws_sdk_dynamodb::types::{
    BillingMode as AwsBillingMode, GlobalSecondaryIndexUpdate, ProvisionedThroughput, TableStatus,
    UpdateGlobalSecondaryIndexAction,
};
use scaling::{AutoScaling, BillingMode, Location, TableCapacity};

const DDB: &str = "dynamodb";
const AAS: &str = "application-autoscaling";

pub use crate::capture_key::Dim;

impl Dim {
    fn scalable(self) -> ScalableDimension {
        match self {
            Dim::Read => ScalableDimension::DynamoDbTableReadCapacityUnits,
            Dim::Write => ScalableDimension::DynamoDbTableWriteCapacityUnits,
        }
    }
    fn metric(self) -> MetricType {
        match self {
            Dim::Read => MetricType::DynamoDbReadCapacityUtilization,
            Dim::Write => MetricType::DynamoDbWriteCapacityUtilization,
        }
    }
    fn attr(self) -> &'static str {
        match self {
            Dim::Read => "read_autoscaling",
            Dim::Write => "write_autoscaling",
        }
    }
    fn of(self, t: &TableCapacity) -> Option<&AutoScaling> {
        match self {
            Dim::Read => t.read_autoscaling.as_ref(),
            Dim::Write => t.write_autoscaling.as_ref(),
        }
    }
    fn observed(self, t: &TableObserved) -> Option<&AutoScalingObserved> {
        match self {
            Dim::Read => t.read_autoscaling.as_ref(),
            Dim::Write => t.write_autoscaling.as_ref(),
        }
    }
}

const DIMS: [Dim; 2] = [Dim::Read, Dim::Write];

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
fn resource_id(table: &str) -> String {
    format!("table/{table}")
}

fn loc(i: usize) -> Location {
    Location::attr("dynamodb").index(i)
}

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

async fn read_scaling(
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

async fn wait_active(ctx: &Ctx<'_>, table: &str) -> Result<(), String> {
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

fn units(n: i64) -> Result<ProvisionedThroughput, AwsError> {
    ProvisionedThroughput::builder()
        .read_capacity_units(n)
        .write_capacity_units(n)
        .build()
        .map_err(|e| AwsError::new(DDB, "UpdateTable", e.to_string()))
}

async fn update_table(
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
                        Location::attr("dynamodb"),
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
                            Location::attr("dynamodb"),
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
                            ComponentError::aws(Location::attr("dynamodb"), "bad throughput", e)
                        })?;
                        let action = UpdateGlobalSecondaryIndexAction::builder()
                            .index_name(name)
                            .provisioned_throughput(tp)
                            .build()
                            .map_err(|e| {
                                ComponentError::message(
                                    Location::attr("dynamodb"),
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
                Location::attr("dynamodb"),
                "capacity-mode switch refused by AWS",
                format!("AWS limits capacity-mode switches: a table can switch to on-demand at most 4 times in a rolling 24 hours (older accounts: once per 24 h); try again later. {e}"),
            )
        } else {
            ComponentError::aws(Location::attr("dynamodb"), "could not update the table", e)
        }
    })
}

fn to_i32(v: i64, what: &str) -> Result<i32, String> {
    i32::try_from(v).map_err(|_| format!("{what} {v} is out of range"))
}

async fn register(ctx: &Ctx<'_>, table: &str, dim: Dim, min: i64, max: i64) -> Result<(), String> {
    ctx.wrote();
    ctx.aws
        .autoscaling()
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Dynamodb)
        .resource_id(resource_id(table))
        .scalable_dimension(dim.scalable())
        .min_capacity(to_i32(min, "min_capacity")?)
        .max_capacity(to_i32(max, "max_capacity")?)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| AwsError::from_sdk(AAS, "RegisterScalableTarget", e).to_string())
}

async fn put_policy(
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
        .scale_in_cooldown(to_i32(want.scale_in(), "scale_in_cooldown")?)
        .scale_out_cooldown(to_i32(want.scale_out(), "scale_out_cooldown")?)
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

async fn deregister(ctx: &Ctx<'_>, table: &str, dim: Dim) -> Result<(), String> {
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

async fn delete_policy(ctx: &Ctx<'_>, table: &str, dim: Dim) -> Result<(), String> {
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

/// Put one dimension's scalable target back as captured: deregister what
/// the profile registered, or restore the prior min/max and drop the
/// profile's policy.
async fn revert_dim(
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

pub(crate) async fn refresh(ctx: &Ctx<'_>, i: usize, t: &TableCapacity) -> Part<TableObserved> {
    match read(ctx, &t.table_name).await {
        Ok(o) => Part::new(o),
        Err(e) => Part::failed(
            None,
            ComponentError::aws(loc(i), "could not read the table", e),
        ),
    }
}

fn relocate(mut e: ComponentError, i: usize, attr: &str) -> ComponentError {
    e.location = loc(i).then(attr);
    e
}

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
            // AWS refuses UpdateTable while the table is UPDATING (ResourceInUseException):
            // an update started elsewhere is waited out first.
            if let Err(m) = wait_active(ctx, name).await {
                part.errors.push(ComponentError::message(
                    loc(i).then("billing_mode"),
                    "table still updating",
                    m,
                ));
                return part;
            }
            match update_table(ctx, name, change).await {
                Ok(()) => {
                    if let Err(m) = wait_active(ctx, name).await {
                        part.errors.push(ComponentError::message(
                            loc(i).then("billing_mode"),
                            "table update did not settle",
                            m,
                        ));
                    }
                }
                Err(e) => part.errors.push(relocate(e, i, "billing_mode")),
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
                    loc(i).then(dim.attr()).then("max_capacity"),
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

/// What the read after an apply still shows differing from `desired`, as
/// (attribute, what differs): empty when every write took effect.
pub fn not_reached(desired: &TableCapacity, after: &TableObserved) -> Vec<(&'static str, String)> {
    let mut left = Vec::new();
    if let Some(change) = table_change(desired, after) {
        left.push((
            "billing_mode",
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
            match update_table(ctx, table, &change).await {
                Ok(()) => {
                    if let Err(m) = wait_active(ctx, table).await {
                        part.errors.push(ComponentError::message(
                            loc(i).then("billing_mode"),
                            "table update did not settle",
                            m,
                        ));
                    }
                }
                Err(e) => part.errors.push(relocate(e, i, "billing_mode")),
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
    fn names() {
        assert_eq!(policy_name("feeds", Dim::Read), "smuppy-feeds-read");
        assert_eq!(scalable_key("feeds", Dim::Write), "scalable:feeds:write");
        assert_eq!(resource_id("feeds"), "table/feeds");
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
