//! Account facts for the rules: what the account allows and what is already
//! taken, read once before the rules run (`smuppy-validate --live`).
//!
//! Nothing is written. Independent reads run concurrently; the per-function
//! reads are bounded (see [`MAX_FUNCTIONS`]).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_sdk_servicequotas::types::RequestStatus;
use futures::stream::{self, StreamExt, TryStreamExt};
use scaling::limits::{QUOTA_APIGW_RATE, QUOTA_LAMBDA_CONCURRENCY};
use scaling::{
    AccountThrottle, LiveFacts, OpenQuotaRequest, Profile, ReservedElsewhere, ScalingBounds,
    TableFacts,
};

use crate::{Aws, AwsError};

/// Functions listed at most. Above this the reserved concurrency of other
/// functions is taken as one figure from `GetAccountSettings` (limit minus
/// unreserved, minus what the profiles' own functions reserve) instead of a
/// `GetFunctionConcurrency` per function.
pub const MAX_FUNCTIONS: usize = 1_000;
/// Pages of quota request history read per quota and status.
const MAX_REQUEST_PAGES: usize = 10;
/// Concurrent per-function and per-table reads.
const PARALLEL: usize = 8;

/// The name under which an aggregate of other functions' reservations is reported.
pub const OTHER_FUNCTIONS: &str = "other functions (from GetAccountSettings)";

/// Reads the account facts the rules use, for `profiles` (all in the region
/// of `aws`): Lambda account settings and the reserved concurrency of every
/// function the profiles do not manage; applied values and open increase
/// requests of the quotas the profiles ask for plus the API Gateway throttle
/// rate and Lambda concurrency quotas; the API Gateway account throttle; and
/// each profile table's capacity mode and auto scaling bounds.
pub async fn read_live_facts(aws: &Aws, profiles: &[Profile]) -> Result<LiveFacts, AwsError> {
    let managed: BTreeSet<String> = profiles
        .iter()
        .flat_map(|p| p.lambdas.iter())
        .map(|l| function_name_of(&l.function_name).to_string())
        .collect();
    let mut quotas: BTreeSet<(String, String)> = BTreeSet::from([
        ("apigateway".to_string(), QUOTA_APIGW_RATE.to_string()),
        ("lambda".to_string(), QUOTA_LAMBDA_CONCURRENCY.to_string()),
    ]);
    for q in profiles.iter().flat_map(|p| p.quota_requests.iter()) {
        if !q.service_code.is_empty() && !q.quota_code.is_empty() {
            quotas.insert((q.service_code.clone(), q.quota_code.clone()));
        }
    }
    let tables: BTreeSet<String> = profiles
        .iter()
        .flat_map(|p| p.dynamodb.iter())
        .map(|t| t.table_name.clone())
        .filter(|t| !t.is_empty())
        .collect();

    let (lambda, quota_facts, throttle, table_facts) = futures::try_join!(
        read_lambda(aws, &managed),
        read_quotas(aws, &quotas),
        read_account_throttle(aws),
        read_tables(aws, &tables),
    )?;
    let (applied_quotas, open_requests) = quota_facts;
    Ok(LiveFacts {
        applied_quotas,
        open_requests,
        account_throttle: throttle,
        account_concurrency: Some(lambda.limit),
        unreserved_concurrency: lambda.unreserved,
        reserved_outside_profile: lambda.elsewhere,
        tables: table_facts,
    })
}

/// The account's capacity only, for plan time: the Lambda concurrency
/// limit, the API Gateway account throttle, and the applied values of the
/// API Gateway throttle and Lambda concurrency quotas. Four or five calls,
/// independent of the number of functions.
///
/// None of these change because of an apply (quota approvals are AWS's
/// doing), so a plan and Terraform's final plan at apply time see the same
/// figures. What other functions reserve and which quota requests are open
/// does change with applies; `smuppy-validate --live` reads those.
pub async fn read_account_capacity(aws: &Aws) -> Result<LiveFacts, AwsError> {
    let settings = async {
        aws.lambda()
            .get_account_settings()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("lambda", "GetAccountSettings", e))
    };
    let (settings, throttle, apigw, lambda) = futures::try_join!(
        settings,
        read_account_throttle(aws),
        applied_value(aws, "apigateway", QUOTA_APIGW_RATE),
        applied_value(aws, "lambda", QUOTA_LAMBDA_CONCURRENCY),
    )?;
    let mut applied_quotas = BTreeMap::new();
    if let Some(v) = apigw {
        applied_quotas.insert(
            scaling::Limits::quota_key("apigateway", QUOTA_APIGW_RATE),
            v,
        );
    }
    if let Some(v) = lambda {
        applied_quotas.insert(
            scaling::Limits::quota_key("lambda", QUOTA_LAMBDA_CONCURRENCY),
            v,
        );
    }
    Ok(LiveFacts {
        applied_quotas,
        account_throttle: throttle,
        account_concurrency: settings
            .account_limit()
            .map(|a| i64::from(a.concurrent_executions())),
        ..LiveFacts::default()
    })
}

/// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` or `NAME` → `NAME`.
fn function_name_of(s: &str) -> &str {
    match s.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => s,
    }
}

struct LambdaFacts {
    limit: i64,
    unreserved: Option<i64>,
    elsewhere: Vec<ReservedElsewhere>,
}

async fn read_lambda(aws: &Aws, managed: &BTreeSet<String>) -> Result<LambdaFacts, AwsError> {
    let (settings, names) = futures::try_join!(
        async {
            aws.lambda()
                .get_account_settings()
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("lambda", "GetAccountSettings", e))
        },
        list_function_names(aws),
    )?;
    let account = settings.account_limit().ok_or_else(|| {
        AwsError::new(
            "lambda",
            "GetAccountSettings",
            "the answer has no AccountLimit",
        )
    })?;
    let limit = i64::from(account.concurrent_executions());
    let unreserved = account.unreserved_concurrent_executions().map(i64::from);

    let elsewhere = match names {
        Some(names) => {
            let others: Vec<String> = names.into_iter().filter(|n| !managed.contains(n)).collect();
            let mut found: Vec<ReservedElsewhere> = stream::iter(others)
                .map(|name| reserved_of(aws, name))
                .buffer_unordered(PARALLEL)
                .try_filter_map(|r| async move { Ok(r) })
                .try_collect()
                .await?;
            found.sort_by(|a, b| a.function_name.cmp(&b.function_name));
            found
        }
        None => {
            // Too many functions to ask one by one: what is reserved in the
            // account, minus what the profiles' own functions hold.
            let mut own = 0i64;
            let reads: Vec<Option<ReservedElsewhere>> = stream::iter(managed.iter().cloned())
                .map(|name| reserved_of(aws, name))
                .buffer_unordered(PARALLEL)
                .try_collect()
                .await?;
            for r in reads.into_iter().flatten() {
                own += r.reserved_concurrency;
            }
            let reserved_total = unreserved.map(|u| (limit - u).max(0)).unwrap_or(0);
            let rest = (reserved_total - own).max(0);
            if rest > 0 {
                vec![ReservedElsewhere {
                    function_name: OTHER_FUNCTIONS.to_string(),
                    reserved_concurrency: rest,
                }]
            } else {
                Vec::new()
            }
        }
    };
    Ok(LambdaFacts {
        limit,
        unreserved,
        elsewhere,
    })
}

/// Every function name in the region, or `None` when there are more than
/// [`MAX_FUNCTIONS`].
async fn list_function_names(aws: &Aws) -> Result<Option<Vec<String>>, AwsError> {
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = aws
            .lambda()
            .list_functions()
            .set_marker(marker.take())
            .max_items(50)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("lambda", "ListFunctions", e))?;
        names.extend(
            page.functions()
                .iter()
                .filter_map(|f| f.function_name().map(str::to_string)),
        );
        if names.len() > MAX_FUNCTIONS {
            return Ok(None);
        }
        match page.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    names.sort();
    names.dedup();
    Ok(Some(names))
}

/// A function's reserved concurrency, if it has one (and still exists).
async fn reserved_of(aws: &Aws, name: String) -> Result<Option<ReservedElsewhere>, AwsError> {
    match aws
        .lambda()
        .get_function_concurrency()
        .function_name(&name)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .reserved_concurrent_executions()
            .map(|r| ReservedElsewhere {
                function_name: name,
                reserved_concurrency: i64::from(r),
            })),
        Err(e) => {
            let e = AwsError::from_sdk("lambda", "GetFunctionConcurrency", e);
            // Deleted between the listing and this read.
            if e.is(&["ResourceNotFoundException"]) {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

type QuotaFacts = (BTreeMap<String, f64>, Vec<OpenQuotaRequest>);
/// One quota: its `service/code` key and applied value (if known), and its open requests.
type OneQuota = (Option<(String, f64)>, Vec<OpenQuotaRequest>);

async fn read_quotas(
    aws: &Aws,
    quotas: &BTreeSet<(String, String)>,
) -> Result<QuotaFacts, AwsError> {
    let per_quota: Vec<OneQuota> = stream::iter(quotas.iter().cloned())
        .map(|(service, code)| async move {
            let (applied, open) = futures::try_join!(
                applied_value(aws, &service, &code),
                open_requests(aws, &service, &code),
            )?;
            Ok::<_, AwsError>((
                applied.map(|v| (scaling::Limits::quota_key(&service, &code), v)),
                open,
            ))
        })
        .buffer_unordered(PARALLEL)
        .try_collect()
        .await?;
    let mut applied = BTreeMap::new();
    let mut open = Vec::new();
    for (a, o) in per_quota {
        if let Some((k, v)) = a {
            applied.insert(k, v);
        }
        open.extend(o);
    }
    open.sort_by(|a, b| {
        (&a.service_code, &a.quota_code, &a.request_id).cmp(&(
            &b.service_code,
            &b.quota_code,
            &b.request_id,
        ))
    });
    Ok((applied, open))
}

/// The applied value, else the AWS default; `None` when the quota is unknown.
async fn applied_value(aws: &Aws, service: &str, code: &str) -> Result<Option<f64>, AwsError> {
    let sq = aws.servicequotas();
    match sq
        .get_service_quota()
        .service_code(service)
        .quota_code(code)
        .send()
        .await
    {
        Ok(out) => {
            if let Some(v) = out.quota().and_then(|q| q.value()) {
                return Ok(Some(v));
            }
        }
        Err(e) => {
            let e = AwsError::from_sdk("servicequotas", "GetServiceQuota", e);
            if !e.is(&["NoSuchResourceException"]) {
                return Err(e);
            }
        }
    }
    match sq
        .get_aws_default_service_quota()
        .service_code(service)
        .quota_code(code)
        .send()
        .await
    {
        Ok(out) => Ok(out.quota().and_then(|q| q.value())),
        Err(e) => {
            let e = AwsError::from_sdk("servicequotas", "GetAWSDefaultServiceQuota", e);
            if e.is(&["NoSuchResourceException"]) {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

/// Increase requests for one quota that are still open.
async fn open_requests(
    aws: &Aws,
    service: &str,
    code: &str,
) -> Result<Vec<OpenQuotaRequest>, AwsError> {
    let mut out = Vec::new();
    for status in [RequestStatus::Pending, RequestStatus::CaseOpened] {
        let mut token: Option<String> = None;
        for _ in 0..MAX_REQUEST_PAGES {
            let page = aws
                .servicequotas()
                .list_requested_service_quota_change_history_by_quota()
                .service_code(service)
                .quota_code(code)
                .status(status.clone())
                .set_next_token(token.take())
                .send()
                .await;
            let page = match page {
                Ok(p) => p,
                Err(e) => {
                    let e = AwsError::from_sdk(
                        "servicequotas",
                        "ListRequestedServiceQuotaChangeHistoryByQuota",
                        e,
                    );
                    if e.is(&["NoSuchResourceException"]) {
                        break;
                    }
                    return Err(e);
                }
            };
            for r in page.requested_quotas() {
                let Some(desired) = r.desired_value() else {
                    continue;
                };
                out.push(OpenQuotaRequest {
                    service_code: r.service_code().unwrap_or(service).to_string(),
                    quota_code: r.quota_code().unwrap_or(code).to_string(),
                    desired_value: desired,
                    status: r
                        .status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| status.as_str().to_string()),
                    request_id: r.id().map(str::to_string),
                });
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
    }
    Ok(out)
}

async fn read_account_throttle(aws: &Aws) -> Result<Option<AccountThrottle>, AwsError> {
    let out = aws
        .apigateway()
        .get_account()
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("apigateway", "GetAccount", e))?;
    Ok(out.throttle_settings().map(|t| AccountThrottle {
        rate_limit: t.rate_limit(),
        burst_limit: f64::from(t.burst_limit()),
    }))
}

async fn read_tables(aws: &Aws, tables: &BTreeSet<String>) -> Result<Vec<TableFacts>, AwsError> {
    let read: Vec<Option<TableFacts>> = stream::iter(tables.iter().cloned())
        .map(|name| read_table(aws, name))
        .buffer_unordered(PARALLEL)
        .try_collect()
        .await?;
    let mut out: Vec<TableFacts> = read.into_iter().flatten().collect();
    out.sort_by(|a, b| a.table_name.cmp(&b.table_name));
    Ok(out)
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
            let e = AwsError::from_sdk("dynamodb", "DescribeTable", e);
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
            "dynamodb",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_from_arns_and_names() {
        assert_eq!(function_name_of("api"), "api");
        assert_eq!(
            function_name_of("arn:aws:lambda:us-east-1:123456789012:function:api"),
            "api"
        );
        assert_eq!(
            function_name_of("arn:aws:lambda:us-east-1:123456789012:function:api:prod"),
            "api"
        );
    }
}
