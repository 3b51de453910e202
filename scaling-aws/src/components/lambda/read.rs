//! Reading a function, its qualifier and its provisioned concurrency.

use super::shared::{aws_err, is_version, loc, NOT_FOUND, PC_NOT_FOUND};
use crate::error::{absent_if, AwsError, ComponentError};
use crate::run::{Ctx, Part};
use crate::state::{LambdaObserved, ProvisionedObserved};
use scaling::LambdaPool;

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

pub(super) async fn read_provisioned(
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
