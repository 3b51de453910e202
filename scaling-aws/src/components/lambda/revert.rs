//! Revert: the captured alias target, provisioned concurrency, reserved
//! concurrency, memory and timeout, put back.

use super::read::read;
use super::shared::{function_key, loc, qualifier_key, Target};
use super::write::{
    delete_provisioned, move_alias, put_provisioned, set_reserved, update_config, wait_ready,
};
use crate::error::ComponentError;
use crate::run::Ctx;
use crate::state::Capture;
use scaling::model::names;

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
    let l = loc(i).then(names::LAMBDA_PROVISIONED_CONCURRENCY);
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
                    loc(i).then(names::LAMBDA_QUALIFIER),
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
            loc(i).then(names::LAMBDA_RESERVED_CONCURRENCY),
            "could not restore reserved concurrency",
            e,
        ));
    }
    let m = memory_size.filter(|m| now.memory_size != Some(*m));
    let to = timeout.filter(|t| now.timeout != Some(*t));
    if m.is_some() || to.is_some() {
        if let Err(msg) = update_config(ctx, function, m, to).await {
            errors.push(ComponentError::message(
                loc(i).then(names::LAMBDA_MEMORY_SIZE),
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
