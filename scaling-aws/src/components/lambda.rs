//! Lambda pools: memory and timeout of `$LATEST`, publishing a version and
//! moving the alias, reserved concurrency, and provisioned concurrency on a
//! qualifier.
//!
//! Order on apply (each step only when something differs): memory/timeout
//! and wait for the update to settle; publish a version and move the alias
//! (`publish_on_change`); reserved concurrency; provisioned concurrency and
//! wait for READY. Revert runs the other way round.

use crate::capture_key::CaptureKey;
use crate::error::{absent_if, AwsError, ComponentError};
use crate::run::{poll_until, Ctx, Part};
use crate::state::{Capture, LambdaObserved, ProvisionedObserved};
use aws_sdk_lambda::types::{LastUpdateStatus, State};
use scaling::{LambdaPool, Location};

const SERVICE: &str = "lambda";

/// Private-state key of a function's own settings.
pub fn function_key(function: &str) -> String {
    CaptureKey::Lambda {
        function: function.to_string(),
    }
    .to_string()
}

/// Private-state key of a qualifier's alias target and provisioned concurrency.
pub fn qualifier_key(function: &str, qualifier: &str) -> String {
    CaptureKey::Provisioned {
        function: function.to_string(),
        qualifier: qualifier.to_string(),
    }
    .to_string()
}

/// A qualifier made only of digits is a published version, anything else
/// (but `$LATEST`) an alias.
pub fn is_version(qualifier: &str) -> bool {
    !qualifier.is_empty() && qualifier.bytes().all(|b| b.is_ascii_digit())
}

fn loc(i: usize) -> Location {
    Location::attr("lambda").index(i)
}

/// What Lambda answers for a function, alias or version that does not exist.
const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];
/// What it answers for a qualifier without provisioned concurrency.
const PC_NOT_FOUND: &[&str] = &[
    "ProvisionedConcurrencyConfigNotFoundException",
    "ResourceNotFoundException",
];

fn aws_err<E>(
    op: &'static str,
) -> impl FnOnce(aws_sdk_lambda::error::SdkError<E, aws_smithy_runtime_api::http::Response>) -> AwsError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
{
    crate::error::sdk(SERVICE, op)
}

/// What one step must do with a setting: leave it, set it, or remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<T> {
    Keep,
    Set(T),
    Unset,
}

/// The value a field should reach: the profile's value; or, when the
/// previous profile managed the field and this one no longer does, the
/// captured prior value (`None` prior → unset); otherwise leave it alone.
pub fn target<T: Copy>(
    desired: Option<T>,
    previous: Option<T>,
    prior: Option<Option<T>>,
) -> Target<T> {
    match (desired, previous, prior) {
        (Some(v), _, _) => Target::Set(v),
        (None, Some(_), Some(Some(p))) => Target::Set(p),
        (None, Some(_), Some(None)) => Target::Unset,
        _ => Target::Keep,
    }
}

/// Read the function, its reserved concurrency and, with a qualifier, the
/// version it resolves to and that qualifier's provisioned concurrency.
/// `Ok(None)` when the function is gone. Two rounds of concurrent calls:
/// function, reserved concurrency and alias; then the version's settings
/// and its provisioned concurrency.
pub(crate) async fn read(
    ctx: &Ctx<'_>,
    function: &str,
    qualifier: Option<&str>,
) -> Result<Option<LambdaObserved>, AwsError> {
    let client = ctx.aws.lambda();
    let q = qualifier.filter(|q| *q != "$LATEST");
    let conf_f = async {
        let r = client
            .get_function_configuration()
            .function_name(function)
            .send()
            .await
            .map_err(aws_err("GetFunctionConfiguration"));
        absent_if(r, NOT_FOUND)
    };
    // The function itself answers for a missing function.
    let reserved_f =
        async {
            let r = client
                .get_function_concurrency()
                .function_name(function)
                .send()
                .await
                .map_err(aws_err("GetFunctionConcurrency"));
            Ok(absent_if(r, NOT_FOUND)?
                .and_then(|r| r.reserved_concurrent_executions().map(i64::from)))
        };
    let version_f = async {
        let Some(q) = q else {
            return Ok(None);
        };
        if is_version(q) {
            return Ok(Some(q.to_string()));
        }
        let r = client
            .get_alias()
            .function_name(function)
            .name(q)
            .send()
            .await
            .map_err(aws_err("GetAlias"));
        Ok(absent_if(r, NOT_FOUND)?.and_then(|a| a.function_version().map(str::to_string)))
    };
    let (conf, reserved, version) = futures::try_join!(conf_f, reserved_f, version_f)?;
    let Some(conf) = conf else {
        return Ok(None);
    };
    let mut o = LambdaObserved {
        function_name: function.to_string(),
        function_arn: conf.function_arn().map(str::to_string),
        memory_size: conf.memory_size().map(i64::from),
        timeout: conf.timeout().map(i64::from),
        last_update_status: conf.last_update_status().map(|s| s.as_str().to_string()),
        reserved_concurrency: reserved,
        qualifier: qualifier.map(str::to_string),
        ..LambdaObserved::default()
    };
    let (Some(q), Some(v)) = (q, version.as_deref()) else {
        return Ok(Some(o));
    };
    let version_conf_f = async {
        let r = client
            .get_function_configuration()
            .function_name(function)
            .qualifier(v)
            .send()
            .await
            .map_err(aws_err("GetFunctionConfiguration"));
        Ok(absent_if(r, NOT_FOUND)?
            .map(|vc| (vc.memory_size().map(i64::from), vc.timeout().map(i64::from))))
    };
    let (version_conf, provisioned) =
        futures::try_join!(version_conf_f, read_provisioned(ctx, function, q))?;
    if let Some((memory, timeout)) = version_conf {
        o.qualifier_memory_size = memory;
        o.qualifier_timeout = timeout;
    }
    o.provisioned = provisioned;
    o.qualifier_version = version;
    Ok(Some(o))
}

async fn read_provisioned(
    ctx: &Ctx<'_>,
    function: &str,
    qualifier: &str,
) -> Result<Option<ProvisionedObserved>, AwsError> {
    let r = ctx
        .aws
        .lambda()
        .get_provisioned_concurrency_config()
        .function_name(function)
        .qualifier(qualifier)
        .send()
        .await
        .map_err(aws_err("GetProvisionedConcurrencyConfig"));
    Ok(absent_if(r, PC_NOT_FOUND)?.map(|p| ProvisionedObserved {
        requested: p
            .requested_provisioned_concurrent_executions()
            .map(i64::from)
            .unwrap_or_default(),
        allocated: p
            .allocated_provisioned_concurrent_executions()
            .map(i64::from)
            .unwrap_or_default(),
        available: p
            .available_provisioned_concurrent_executions()
            .map(i64::from)
            .unwrap_or_default(),
        status: p
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        status_reason: p.status_reason().map(str::to_string),
    }))
}

/// Wait until the function's last configuration update has settled
/// (AWS: `LastUpdateStatus` InProgress → Successful/Failed; some emulators
/// report `State: Pending` meanwhile).
async fn wait_updated(ctx: &Ctx<'_>, function: &str) -> Result<(), String> {
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
async fn wait_ready(
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
async fn update_config(
    ctx: &Ctx<'_>,
    function: &str,
    memory: Option<i64>,
    timeout: Option<i64>,
) -> Result<(), String> {
    let to_i32 =
        |v: i64, what: &str| i32::try_from(v).map_err(|_| format!("{what} {v} is out of range"));
    let memory = memory.map(|m| to_i32(m, "memory_size")).transpose()?;
    let timeout = timeout.map(|t| to_i32(t, "timeout")).transpose()?;
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

async fn publish_and_move(ctx: &Ctx<'_>, function: &str, alias: &str) -> Result<String, AwsError> {
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

async fn move_alias(
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

async fn set_reserved(ctx: &Ctx<'_>, function: &str, target: Target<i64>) -> Result<(), AwsError> {
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

async fn put_provisioned(
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
async fn once_settled<F, Fut>(
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

async fn delete_provisioned(
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

/// Refresh one pool.
pub(crate) async fn refresh(ctx: &Ctx<'_>, i: usize, pool: &LambdaPool) -> Part<LambdaObserved> {
    match read(ctx, &pool.function_name, pool.qualifier.as_deref()).await {
        Ok(o) => Part::new(o),
        Err(e) => Part::failed(
            None,
            ComponentError::aws(loc(i), "could not read the function", e),
        ),
    }
}

/// Converge pool `i`. `previous` is the same function's block in the
/// previous profile, if any (fields it set and this one unsets are restored).
pub(crate) async fn apply(
    ctx: &Ctx<'_>,
    i: usize,
    desired: &LambdaPool,
    previous: Option<&LambdaPool>,
) -> Part<LambdaObserved> {
    let f = desired.function_name.as_str();
    let q = desired.qualifier.as_deref();
    if desired.provisioned_concurrency.is_some() {
        match q {
            None => {
                return Part::failed(None, ComponentError::message(loc(i).then("qualifier"), "qualifier required", "provisioned concurrency needs a qualifier: an alias or a published version"));
            }
            Some("$LATEST") => {
                return Part::failed(None, ComponentError::message(loc(i).then("qualifier"), "$LATEST cannot carry provisioned concurrency", "AWS allocates provisioned concurrency only on a published version or an alias that points to one; publish a version and use an alias such as \"prod\""));
            }
            _ => {}
        }
    }
    let before = match read(ctx, f, q).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            return Part::failed(
                None,
                ComponentError::message(
                    loc(i),
                    "function not found",
                    format!(
                        "Lambda function {f:?} does not exist in {}",
                        ctx.aws.region()
                    ),
                ),
            )
        }
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(loc(i), "could not read the function", e),
            )
        }
    };
    ctx.capture_once(
        &function_key(f),
        Capture::Lambda {
            memory_size: before.memory_size,
            timeout: before.timeout,
            reserved_concurrency: before.reserved_concurrency,
        },
    );
    if let Some(q) = q {
        if q != "$LATEST" {
            ctx.capture_once(
                &qualifier_key(f, q),
                Capture::Qualifier {
                    alias_version: if is_version(q) {
                        None
                    } else {
                        before.qualifier_version.clone()
                    },
                    provisioned: before.provisioned.as_ref().map(|p| p.requested),
                },
            );
        }
    }
    let prior_fn = match ctx.capture(&function_key(f)) {
        Some(Capture::Lambda {
            memory_size,
            timeout,
            reserved_concurrency,
        }) => Some((memory_size, timeout, reserved_concurrency)),
        _ => None,
    };
    let prior_pc = match q.and_then(|q| ctx.capture(&qualifier_key(f, q))) {
        Some(Capture::Qualifier { provisioned, .. }) => Some(provisioned),
        _ => None,
    };
    let prev = previous.filter(|p| p.function_name == desired.function_name);
    let memory = target(
        desired.memory_size,
        prev.and_then(|p| p.memory_size),
        prior_fn.map(|p| p.0),
    );
    let timeout = target(
        desired.timeout,
        prev.and_then(|p| p.timeout),
        prior_fn.map(|p| p.1),
    );
    let reserved = target(
        desired.reserved_concurrency,
        prev.and_then(|p| p.reserved_concurrency),
        prior_fn.map(|p| p.2),
    );
    let same_q = prev.is_some_and(|p| p.qualifier.as_deref() == q);
    let pc = target(
        desired.provisioned_concurrency,
        if same_q {
            prev.and_then(|p| p.provisioned_concurrency)
        } else {
            None
        },
        prior_pc,
    );

    let mut part = Part::new(Some(before.clone()));

    // What changes. Memory and timeout go to $LATEST; a version is published
    // and the alias moved only when asked, and only after that update settled.
    let want_mem = match memory {
        Target::Set(m) if before.memory_size != Some(m) => Some(m),
        _ => None,
    };
    let want_to = match timeout {
        Target::Set(t) if before.timeout != Some(t) => Some(t),
        _ => None,
    };
    let alias = q.filter(|q| *q != "$LATEST" && !is_version(q));
    let alias_stale = before.qualifier_version.is_some()
        && (matches!(memory, Target::Set(m) if before.qualifier_memory_size != Some(m))
            || matches!(timeout, Target::Set(t) if before.qualifier_timeout != Some(t)));
    let config_change = want_mem.is_some() || want_to.is_some();
    let publishes = desired.publish_on_change && alias.is_some() && (config_change || alias_stale);
    let reserved = match reserved {
        Target::Set(n) if before.reserved_concurrency == Some(n) => Target::Keep,
        Target::Unset if before.reserved_concurrency.is_none() => Target::Keep,
        t => t,
    };

    // 1-2. memory and timeout, then (publish_on_change) a version and the alias.
    let config_f = async {
        let mut notes = Part::<()>::new(None);
        let mut config_changed = false;
        if config_change {
            let at = if want_mem.is_some() {
                "memory_size"
            } else {
                "timeout"
            };
            match update_config(ctx, f, want_mem, want_to).await {
                Ok(()) => config_changed = true,
                Err(m) => {
                    notes.errors.push(ComponentError::message(
                        loc(i).then(at),
                        "could not update the function configuration",
                        m,
                    ));
                    return (notes, false);
                }
            }
        }
        let mut published = false;
        if publishes {
            if let Some(alias) = alias {
                if before.qualifier_version.is_none() {
                    notes.errors.push(ComponentError::message(loc(i).then("qualifier"), "alias not found", format!("function {f:?} has no alias {alias:?}; create it so a published version can be attached")));
                } else if let Err(e) = publish_and_move(ctx, f, alias).await {
                    notes.errors.push(ComponentError::aws(
                        loc(i).then("publish_on_change"),
                        "could not publish a version and move the alias",
                        e,
                    ));
                } else {
                    published = true;
                }
            }
        } else if desired.publish_on_change {
            if config_changed && q.is_some_and(is_version) {
                notes.warnings.push(ComponentError::message(
                    loc(i).then("qualifier"),
                    "a published version cannot change",
                    "the qualifier is a version number; publish_on_change needs an alias to move",
                ));
            }
        } else if config_changed || alias_stale {
            if let Some(alias) = alias {
                notes.warnings.push(ComponentError::message(
                    loc(i).then("publish_on_change"),
                    "the alias keeps the old settings",
                    format!("memory and timeout changed on $LATEST only; alias {alias:?} still serves version {} with its old settings until a version is published and the alias moved (set publish_on_change = true)", before.qualifier_version.as_deref().unwrap_or("?")),
                ));
            }
        }
        (notes, published)
    };

    // 3. reserved concurrency: the function's, independent of its configuration.
    let reserved_f = async {
        let mut notes = Part::<()>::new(None);
        if let Err(e) = set_reserved(ctx, f, reserved).await {
            notes.errors.push(ComponentError::aws(
                loc(i).then("reserved_concurrency"),
                "could not set reserved concurrency",
                e,
            ));
        }
        notes
    };

    // 4. provisioned concurrency on the qualifier; `true` when READY must be
    // awaited.
    let provisioned_put = |published: bool| async move {
        let mut notes = Part::<()>::new(None);
        let Some(q) = q.filter(|q| *q != "$LATEST") else {
            return (notes, false);
        };
        let current = before.provisioned.as_ref();
        match pc {
            Target::Set(n) if current.map(|p| p.requested) != Some(n) => {
                match put_provisioned(ctx, f, q, n).await {
                    Ok(()) => (notes, true),
                    Err(e) => {
                        notes.errors.push(ComponentError::aws(
                            loc(i).then("provisioned_concurrency"),
                            "could not set provisioned concurrency",
                            e,
                        ));
                        (notes, false)
                    }
                }
            }
            Target::Set(_) => {
                let settling = current.is_some_and(|p| p.status != "READY") || published;
                (notes, settling)
            }
            Target::Unset if current.is_some() => {
                if let Err(e) = delete_provisioned(ctx, f, q).await {
                    notes.errors.push(ComponentError::aws(
                        loc(i).then("provisioned_concurrency"),
                        "could not remove provisioned concurrency",
                        e,
                    ));
                }
                (notes, false)
            }
            _ => (notes, false),
        }
    };
    let provisioned_wait = |wait: bool| async move {
        let mut notes = Part::<()>::new(None);
        let Some(q) = q.filter(|q| wait && *q != "$LATEST") else {
            return notes;
        };
        if let Err(m) = wait_ready(ctx, f, q).await {
            notes.errors.push(ComponentError::message(
                loc(i).then("provisioned_concurrency"),
                "provisioned concurrency is not READY",
                m,
            ));
        }
        notes
    };

    // The concurrency settings go first: they take effect at once, and AWS
    // refuses them while a configuration update is in progress. Then the
    // configuration update, whose settling overlaps the wait for provisioned
    // concurrency. A published version changes what the alias serves, so
    // with publish_on_change the provisioned concurrency follows the alias.
    let notes = if publishes {
        let (reserved, (config, published)) = {
            let reserved = reserved_f.await;
            (reserved, config_f.await)
        };
        let mut notes = vec![reserved];
        let failed = !config.errors.is_empty();
        notes.push(config);
        if !failed {
            let (put, wait) = provisioned_put(published).await;
            notes.push(put);
            notes.push(provisioned_wait(wait).await);
        }
        notes
    } else {
        let (reserved, (put, wait)) = futures::join!(reserved_f, provisioned_put(false));
        let ((config, _), waited) = futures::join!(config_f, provisioned_wait(wait));
        vec![reserved, put, config, waited]
    };
    for n in notes {
        part.errors.extend(n.errors);
        part.warnings.extend(n.warnings);
    }

    match read(ctx, f, q).await {
        Ok(o) => {
            if let (true, Some(after)) = (part.errors.is_empty(), &o) {
                part.errors.extend(ComponentError::not_applied(
                    &loc(i),
                    "function",
                    f,
                    not_reached(desired, after),
                ));
            }
            part.observed = o;
        }
        Err(e) => part.errors.push(ComponentError::aws(
            loc(i),
            "could not read the function back",
            e,
        )),
    }
    part
}

/// The settings the read after an apply still shows differing from
/// `desired`, as (attribute, what it reads): empty when every write took.
pub fn not_reached(desired: &LambdaPool, after: &LambdaObserved) -> Vec<(&'static str, String)> {
    let mut left = Vec::new();
    for (attr, want, got) in [
        (
            "reserved_concurrency",
            desired.reserved_concurrency,
            after.reserved_concurrency,
        ),
        ("memory_size", desired.memory_size, after.memory_size),
        ("timeout", desired.timeout, after.timeout),
    ] {
        if let Some(w) = want {
            if got != Some(w) {
                left.push((attr, format!("{attr} {got:?} (expected {w})")));
            }
        }
    }
    left
}

/// Restore a qualifier's captured alias target and provisioned concurrency.
pub(crate) async fn revert_qualifier(
    ctx: &Ctx<'_>,
    i: usize,
    function: &str,
    qualifier: &str,
) -> Vec<ComponentError> {
    let key = qualifier_key(function, qualifier);
    let Some(Capture::Qualifier {
        alias_version,
        provisioned,
    }) = ctx.capture(&key)
    else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    let now = match read(ctx, function, Some(qualifier)).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            ctx.release(&key);
            return errors;
        }
        Err(e) => {
            return vec![ComponentError::aws(
                loc(i),
                "could not read the function",
                e,
            )]
        }
    };
    let l = loc(i).then("provisioned_concurrency");
    if provisioned.is_none() && now.provisioned.is_some() {
        if let Err(e) = delete_provisioned(ctx, function, qualifier).await {
            errors.push(ComponentError::aws(
                l.clone(),
                "could not remove provisioned concurrency",
                e,
            ));
        }
    }
    if let Some(v) = &alias_version {
        if errors.is_empty() && now.qualifier_version.as_deref() != Some(v.as_str()) {
            if let Err(e) = move_alias(ctx, function, qualifier, v).await {
                errors.push(ComponentError::aws(
                    loc(i).then("qualifier"),
                    "could not move the alias back",
                    e,
                ));
            }
        }
    }
    if let Some(n) = provisioned {
        if errors.is_empty() && now.provisioned.as_ref().map(|p| p.requested) != Some(n) {
            match put_provisioned(ctx, function, qualifier, n).await {
                Ok(()) => {
                    if let Err(m) = wait_ready(ctx, function, qualifier).await {
                        errors.push(ComponentError::message(
                            l,
                            "restored provisioned concurrency is not READY",
                            m,
                        ));
                    }
                }
                Err(e) => errors.push(ComponentError::aws(
                    l,
                    "could not restore provisioned concurrency",
                    e,
                )),
            }
        }
    }
    if errors.is_empty() {
        ctx.release(&key);
    }
    errors
}

/// Restore a function's captured reserved concurrency, memory and timeout.
pub(crate) async fn revert_function(
    ctx: &Ctx<'_>,
    i: usize,
    function: &str,
) -> Vec<ComponentError> {
    let key = function_key(function);
    let Some(Capture::Lambda {
        memory_size,
        timeout,
        reserved_concurrency,
    }) = ctx.capture(&key)
    else {
        return Vec::new();
    };
    let now = match read(ctx, function, None).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            ctx.release(&key);
            return Vec::new();
        }
        Err(e) => {
            return vec![ComponentError::aws(
                loc(i),
                "could not read the function",
                e,
            )]
        }
    };
    let mut errors = Vec::new();
    let t = match reserved_concurrency {
        Some(n) if now.reserved_concurrency != Some(n) => Target::Set(n),
        None if now.reserved_concurrency.is_some() => Target::Unset,
        _ => Target::Keep,
    };
    if let Err(e) = set_reserved(ctx, function, t).await {
        errors.push(ComponentError::aws(
            loc(i).then("reserved_concurrency"),
            "could not restore reserved concurrency",
            e,
        ));
    }
    let m = memory_size.filter(|m| now.memory_size != Some(*m));
    let to = timeout.filter(|t| now.timeout != Some(*t));
    if m.is_some() || to.is_some() {
        if let Err(msg) = update_config(ctx, function, m, to).await {
            errors.push(ComponentError::message(
                loc(i).then("memory_size"),
                "could not restore memory and timeout",
                msg,
            ));
        }
    }
    if errors.is_empty() {
        ctx.release(&key);
    }
    errors
}

/// The error of a provisioned concurrency config AWS reports FAILED, with
/// AWS's own reason.
pub fn failed_message(p: &ProvisionedObserved) -> String {
    format!(
        "provisioned concurrency FAILED: {} (allocated {} of {})",
        p.status_reason.as_deref().unwrap_or("AWS gave no reason"),
        p.allocated,
        p.requested
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_reached_names_each_setting_the_read_back_differs_on() {
        let want = LambdaPool {
            function_name: "f".into(),
            reserved_concurrency: Some(200),
            provisioned_concurrency: None,
            qualifier: None,
            memory_size: Some(1024),
            timeout: None,
            publish_on_change: false,
        };
        let mut after = LambdaObserved {
            function_name: "f".into(),
            reserved_concurrency: Some(200),
            memory_size: Some(1024),
            timeout: Some(3),
            ..LambdaObserved::default()
        };
        assert!(not_reached(&want, &after).is_empty());
        after.reserved_concurrency = None;
        after.memory_size = Some(128);
        let left = not_reached(&want, &after);
        assert_eq!(
            left,
            vec![
                (
                    "reserved_concurrency",
                    "reserved_concurrency None (expected 200)".to_string()
                ),
                (
                    "memory_size",
                    "memory_size Some(128) (expected 1024)".to_string()
                ),
            ]
        );
    }

    #[test]
    fn failed_provisioned_concurrency_carries_aws_reason() {
        let p = ProvisionedObserved {
            status: "FAILED".into(),
            status_reason: Some(
                "FUNCTION_ERROR_INIT_FAILURE: Function failed to initialize".into(),
            ),
            allocated: 0,
            requested: 50,
            ..ProvisionedObserved::default()
        };
        let m = failed_message(&p);
        assert!(
            m.contains("FUNCTION_ERROR_INIT_FAILURE: Function failed to initialize"),
            "{m}"
        );
        assert!(m.contains("allocated 0 of 50"), "{m}");
        let none = failed_message(&ProvisionedObserved {
            status_reason: None,
            ..p
        });
        assert!(none.contains("AWS gave no reason"), "{none}");
    }

    #[test]
    fn targets_restore_only_what_the_previous_profile_managed() {
        assert_eq!(target(Some(5), None, None), Target::Set(5));
        assert_eq!(target(Some(5), Some(3), Some(Some(1))), Target::Set(5));
        assert_eq!(target::<i64>(None, None, Some(Some(1))), Target::Keep);
        assert_eq!(target::<i64>(None, Some(3), Some(Some(1))), Target::Set(1));
        assert_eq!(target::<i64>(None, Some(3), Some(None)), Target::Unset);
        assert_eq!(target::<i64>(None, Some(3), None), Target::Keep);
    }

    #[test]
    fn qualifiers() {
        assert!(is_version("12"));
        assert!(!is_version("prod"));
        assert!(!is_version("$LATEST"));
        assert!(!is_version(""));
        assert_eq!(qualifier_key("fn", "prod"), "provisioned:fn:prod");
        assert_eq!(function_key("fn"), "lambda:fn");
    }
}
