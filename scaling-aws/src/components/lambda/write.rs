//! Each write to a function, and the wait for AWS to settle after it.

use super::read::read_provisioned;
use super::shared::{aws_err, failed_message, Target, PC_NOT_FOUND, SERVICE};
use crate::error::{absent_if, AwsError};
use crate::run::{poll_until, Ctx};
use crate::state::ProvisionedObserved;
use aws_sdk_lambda::types::{LastUpdateStatus, State};
use scaling::model::names;

/// Wait until the function's last configuration update has settled
/// (AWS: `LastUpdateStatus` InProgress → Successful/Failed; some emulators
/// report `State: Pending` meanwhile).
pub(super) async fn wait_updated(ctx: &Ctx<'_>, function: &str) -> Result<(), String> {
    let client = ctx.aws.lambda();
    let result = poll_until(
        "function configuration update",
        ctx.opts,
        ctx.opts.settle_timeout,
        || async {
            let c = client
                .get_function_configuration()
                .function_name(function)
                .send()
                .await
                .map_err(|e| {
                    AwsError::from_sdk(SERVICE, "GetFunctionConfiguration", e).to_string()
                })?;
            let pending = matches!(c.state(), Some(State::Pending));
            match c.last_update_status() {
                Some(LastUpdateStatus::Failed) => Err(format!(
                    "the configuration update failed: {}",
                    c.last_update_status_reason()
                        .unwrap_or("AWS gave no reason")
                )),
                Some(LastUpdateStatus::InProgress) => Ok(None),
                _ if pending => Ok(None),
                _ => Ok(Some(())),
            }
        },
    )
    .await?;
    result.ok_or_else(|| {
        if ctx.opts.cancel.is_cancelled() {
            "cancelled while waiting for the configuration update to finish".to_string()
        } else {
            format!(
                "the configuration update did not finish within {} s",
                ctx.opts.settle_timeout.as_secs()
            )
        }
    })
}

/// Wait until the qualifier's provisioned concurrency is READY.
pub(super) async fn wait_ready(
    ctx: &Ctx<'_>,
    function: &str,
    qualifier: &str,
) -> Result<ProvisionedObserved, String> {
    let last: std::sync::Mutex<Option<ProvisionedObserved>> = std::sync::Mutex::new(None);
    let got = poll_until(
        "provisioned concurrency READY",
        ctx.opts,
        ctx.opts.provisioned_concurrency_timeout,
        || {
            let last = &last;
            async move {
                let p = read_provisioned(ctx, function, qualifier)
                    .await
                    .map_err(|e| e.to_string())?;
                let Some(p) = p else {
                    return Err(
                        "the provisioned concurrency config disappeared while waiting".to_string(),
                    );
                };
                if let Ok(mut slot) = last.lock() {
                    *slot = Some(p.clone());
                }
                match p.status.as_str() {
                    "READY" => Ok(Some(p)),
                    "FAILED" => Err(failed_message(&p)),
                    _ => Ok(None),
                }
            }
        },
    )
    .await?;
    got.ok_or_else(|| {
        let progress = last
            .into_inner()
            .ok()
            .flatten()
            .map(|p| format!("{} (allocated {} of {} requested)", p.status, p.allocated, p.requested))
            .unwrap_or_else(|| "unknown".to_string());
        if ctx.opts.cancel.is_cancelled() {
            format!("cancelled while waiting for provisioned concurrency on {qualifier}; last status {progress}")
        } else {
            format!(
                "provisioned concurrency on {qualifier} not READY within {} s; last status {progress}; AWS keeps allocating, the next apply or refresh picks it up",
                ctx.opts.provisioned_concurrency_timeout.as_secs()
            )
        }
    })
}

/// Update `$LATEST` memory/timeout, retrying once when AWS says an update is
/// still running.
pub(super) async fn update_config(
    ctx: &Ctx<'_>,
    function: &str,
    memory: Option<i64>,
    timeout: Option<i64>,
) -> Result<(), String> {
    let to_i32 =
        |v: i64, what: &str| i32::try_from(v).map_err(|_| format!("{what} {v} is out of range"));
    let memory = memory
        .map(|m| to_i32(m, names::LAMBDA_MEMORY_SIZE))
        .transpose()?;
    let timeout = timeout
        .map(|t| to_i32(t, names::LAMBDA_TIMEOUT))
        .transpose()?;
    for attempt in 0..2 {
        ctx.wrote();
        let r = ctx
            .aws
            .lambda()
            .update_function_configuration()
            .function_name(function)
            .set_memory_size(memory)
            .set_timeout(timeout)
            .send()
            .await;
        match r {
            Ok(_) => return wait_updated(ctx, function).await,
            Err(e) => {
                let e = AwsError::from_sdk(SERVICE, "UpdateFunctionConfiguration", e);
                if attempt == 0 && e.is(&["ResourceConflictException"]) {
                    wait_updated(ctx, function).await?;
                    continue;
                }
                return Err(e.to_string());
            }
        }
    }
    Err("the function stayed busy with another update".to_string())
}

pub(super) async fn publish_and_move(
    ctx: &Ctx<'_>,
    function: &str,
    alias: &str,
) -> Result<String, AwsError> {
    ctx.wrote();
    let v = ctx
        .aws
        .lambda()
        .publish_version()
        .function_name(function)
        .description("published by smuppy_scaling_profile")
        .send()
        .await
        .map_err(aws_err("PublishVersion"))?;
    let version = v.version().map(str::to_string).ok_or_else(|| {
        AwsError::new(SERVICE, "PublishVersion", "AWS returned no version number")
    })?;
    move_alias(ctx, function, alias, &version).await?;
    Ok(version)
}

pub(super) async fn move_alias(
    ctx: &Ctx<'_>,
    function: &str,
    alias: &str,
    version: &str,
) -> Result<(), AwsError> {
    ctx.wrote();
    ctx.aws
        .lambda()
        .update_alias()
        .function_name(function)
        .name(alias)
        .function_version(version)
        .send()
        .await
        .map(|_| ())
        .map_err(aws_err("UpdateAlias"))
}

pub(super) async fn set_reserved(
    ctx: &Ctx<'_>,
    function: &str,
    target: Target<i64>,
) -> Result<(), AwsError> {
    match target {
        Target::Keep => Ok(()),
        Target::Set(n) => {
            let n = i32::try_from(n).map_err(|_| {
                AwsError::new(
                    SERVICE,
                    "PutFunctionConcurrency",
                    format!("{n} is out of range"),
                )
            })?;
            once_settled(ctx, function, "PutFunctionConcurrency", || async {
                ctx.wrote();
                ctx.aws
                    .lambda()
                    .put_function_concurrency()
                    .function_name(function)
                    .reserved_concurrent_executions(n)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err("PutFunctionConcurrency"))
            })
            .await
        }
        Target::Unset => {
            once_settled(ctx, function, "DeleteFunctionConcurrency", || async {
                ctx.wrote();
                ctx.aws
                    .lambda()
                    .delete_function_concurrency()
                    .function_name(function)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err("DeleteFunctionConcurrency"))
            })
            .await
        }
    }
}

pub(super) async fn put_provisioned(
    ctx: &Ctx<'_>,
    function: &str,
    qualifier: &str,
    n: i64,
) -> Result<(), AwsError> {
    let n = i32::try_from(n).map_err(|_| {
        AwsError::new(
            SERVICE,
            "PutProvisionedConcurrencyConfig",
            format!("{n} is out of range"),
        )
    })?;
    once_settled(ctx, function, "PutProvisionedConcurrencyConfig", || async {
        ctx.wrote();
        ctx.aws
            .lambda()
            .put_provisioned_concurrency_config()
            .function_name(function)
            .qualifier(qualifier)
            .provisioned_concurrent_executions(n)
            .send()
            .await
            .map(|_| ())
            .map_err(aws_err("PutProvisionedConcurrencyConfig"))
    })
    .await
}

/// Run a write; when AWS answers that the function is being updated
/// (`ResourceConflictException`), wait for that update to settle and run it
/// once more.
pub(super) async fn once_settled<F, Fut>(
    ctx: &Ctx<'_>,
    function: &str,
    operation: &'static str,
    write: F,
) -> Result<(), AwsError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), AwsError>>,
{
    match write().await {
        Err(e) if e.is(&["ResourceConflictException"]) => {
            wait_updated(ctx, function)
                .await
                .map_err(|m| AwsError::new(SERVICE, operation, m))?;
            write().await
        }
        r => r,
    }
}

pub(super) async fn delete_provisioned(
    ctx: &Ctx<'_>,
    function: &str,
    qualifier: &str,
) -> Result<(), AwsError> {
    ctx.wrote();
    let r = ctx
        .aws
        .lambda()
        .delete_provisioned_concurrency_config()
        .function_name(function)
        .qualifier(qualifier)
        .send()
        .await
        .map_err(aws_err("DeleteProvisionedConcurrencyConfig"));
    absent_if(r, PC_NOT_FOUND).map(|_| ())
}
