//! Account facts for the rules: what the account allows and what is already
//! taken, read once before the rules run (`smuppy-validate --live`).
//!
//! Nothing is written. Independent reads run concurrently; the per-function
//! reads are bounded (see [`MAX_FUNCTIONS`]).

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt};
use scaling::limits::{QUOTA_APIGW_RATE, QUOTA_LAMBDA_CONCURRENCY};
use scaling::{AccountThrottle, FactKey, LiveFacts, Profile, ReservedElsewhere};

use crate::{Aws, AwsError};

/// Functions listed at most. Above this the reserved concurrency of other
/// functions is taken as one figure from `GetAccountSettings` (limit minus
/// unreserved, minus what the profiles' own functions reserve) instead of a
/// `GetFunctionConcurrency` per function.
pub const MAX_FUNCTIONS: usize = 1_000;
/// Concurrent per-function and per-table reads.
const PARALLEL: usize = 8;

mod account;
mod misses;
mod quotas;
mod tables;

pub use account::{
    read_account_limits, AccountLimits, DynamoDbLimits, LambdaAccount, QuotaValue, ACCOUNT_QUOTAS,
};

use crate::services;
use misses::{published_concurrency, published_throttle, quota_miss, Misses};
use quotas::{applied_value, read_quotas};
use tables::read_tables;

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
        (
            services::LAMBDA.to_string(),
            QUOTA_LAMBDA_CONCURRENCY.to_string(),
        ),
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

    let (
        (lambda, m_lambda),
        (quota_facts, m_quotas),
        (throttle, m_throttle),
        (table_facts, m_tables),
    ) = futures::join!(
        read_lambda(aws, &managed),
        read_quotas(aws, &quotas),
        throttle_or_miss(aws),
        read_tables(aws, &tables),
    );
    let mut misses = Misses::default();
    for m in [m_lambda, m_quotas, m_throttle, m_tables] {
        misses.absorb(m);
    }
    let (applied_quotas, open_requests) = quota_facts;
    misses.finish(LiveFacts {
        applied_quotas,
        open_requests,
        account_throttle: throttle,
        account_concurrency: lambda.limit,
        unreserved_concurrency: lambda.unreserved,
        reserved_outside_profile: lambda.elsewhere,
        tables: table_facts,
        unread: Vec::new(),
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
    let core = ACCOUNT_QUOTAS;
    let (settings, (throttle, m_throttle), applied) = futures::join!(
        account_settings(aws),
        throttle_or_miss(aws),
        futures::future::join_all(core.iter().map(|(s, c)| applied_value(aws, s, c))),
    );
    let mut misses = Misses::default();
    misses.absorb(m_throttle);
    let account_concurrency = match settings {
        Ok((limit, _)) => {
            misses.ok();
            Some(limit)
        }
        Err(e) => {
            misses.miss(
                FactKey::LambdaAccount,
                "Lambda account concurrency",
                published_concurrency(),
                e,
            );
            None
        }
    };
    let mut applied_quotas = BTreeMap::new();
    for ((service, code), r) in core.iter().zip(applied) {
        match r {
            Ok(v) => {
                misses.ok();
                if let Some(v) = v {
                    applied_quotas.insert(scaling::Limits::quota_key(service, code), v);
                }
            }
            Err(e) => quota_miss(&mut misses, service, code, e),
        }
    }
    misses.finish(LiveFacts {
        applied_quotas,
        account_throttle: throttle,
        account_concurrency,
        ..LiveFacts::default()
    })
}

/// `GetAccountSettings`: the account's concurrent executions and unreserved
/// executions.
async fn account_settings(aws: &Aws) -> Result<(i64, Option<i64>), AwsError> {
    let settings = aws
        .lambda()
        .get_account_settings()
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(services::LAMBDA, "GetAccountSettings", e))?;
    let account = settings.account_limit().ok_or_else(|| {
        AwsError::new(
            services::LAMBDA,
            "GetAccountSettings",
            "the answer has no AccountLimit",
        )
    })?;
    Ok((
        i64::from(account.concurrent_executions()),
        account.unreserved_concurrent_executions().map(i64::from),
    ))
}

/// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` or `NAME` → `NAME`.
fn function_name_of(s: &str) -> &str {
    match s.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => s,
    }
}

struct LambdaFacts {
    limit: Option<i64>,
    unreserved: Option<i64>,
    elsewhere: Vec<ReservedElsewhere>,
}

const OTHERS_FACT: &str = "The reserved concurrency of functions outside the profiles";

async fn read_lambda(aws: &Aws, managed: &BTreeSet<String>) -> (LambdaFacts, Misses) {
    let mut m = Misses::default();
    let (settings, names) = futures::join!(account_settings(aws), list_function_names(aws));
    let (limit, unreserved) = match settings {
        Ok((limit, unreserved)) => {
            m.ok();
            (Some(limit), unreserved)
        }
        Err(e) => {
            m.miss(
                FactKey::LambdaAccount,
                "Lambda account concurrency",
                published_concurrency(),
                e,
            );
            (None, None)
        }
    };
    let names = match names {
        Ok(n) => {
            m.ok();
            n
        }
        Err(e) => {
            let assumed = if limit.is_some() {
                "one figure from GetAccountSettings: what the account reserves, minus the profiles' own functions"
            } else {
                "none (no other function is taken to reserve concurrency)"
            };
            m.miss(FactKey::LambdaOthers, OTHERS_FACT, assumed, e);
            None
        }
    };

    let elsewhere = match names {
        Some(names) => {
            let others: Vec<String> = names.into_iter().filter(|n| !managed.contains(n)).collect();
            let (found, failed) = reserved_of_each(aws, others).await;
            if let Some((count, e)) = failed {
                m.miss(
                    FactKey::LambdaOthers,
                    format!("{OTHERS_FACT} ({count} of them)"),
                    "none for those functions",
                    e,
                );
            }
            found
        }
        None => match limit {
            // Too many functions to ask one by one, or the listing failed:
            // what is reserved in the account, minus what the profiles' own
            // functions hold.
            Some(limit) => {
                let (own, failed) = reserved_of_each(aws, managed.iter().cloned().collect()).await;
                if let Some((count, e)) = failed {
                    m.miss(
                        FactKey::LambdaOthers,
                        format!("The reserved concurrency of {count} of the profiles' functions"),
                        "none held by those functions (so more is counted as reserved elsewhere)",
                        e,
                    );
                }
                let own: i64 = own.iter().map(|r| r.reserved_concurrency).sum();
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
            None => Vec::new(),
        },
    };
    (
        LambdaFacts {
            limit,
            unreserved,
            elsewhere,
        },
        m,
    )
}

/// The reserved concurrency of each function that has one, sorted by name;
/// and, when some reads failed, how many and the first error.
async fn reserved_of_each(
    aws: &Aws,
    names: Vec<String>,
) -> (Vec<ReservedElsewhere>, Option<(usize, AwsError)>) {
    let reads: Vec<Result<Option<ReservedElsewhere>, AwsError>> = stream::iter(names)
        .map(|name| reserved_of(aws, name))
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    let mut found = Vec::new();
    let mut failed: Option<(usize, AwsError)> = None;
    for r in reads {
        match r {
            Ok(Some(r)) => found.push(r),
            Ok(None) => {}
            Err(e) => match &mut failed {
                Some((n, _)) => *n += 1,
                None => failed = Some((1, e)),
            },
        }
    }
    found.sort_by(|a, b| a.function_name.cmp(&b.function_name));
    (found, failed)
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
            .map_err(|e| AwsError::from_sdk(services::LAMBDA, "ListFunctions", e))?;
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
            let e = AwsError::from_sdk(services::LAMBDA, "GetFunctionConcurrency", e);
            // Deleted between the listing and this read.
            if e.is(&["ResourceNotFoundException"]) {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
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

async fn throttle_or_miss(aws: &Aws) -> (Option<AccountThrottle>, Misses) {
    let mut m = Misses::default();
    let t = match read_account_throttle(aws).await {
        Ok(t) => {
            m.ok();
            t
        }
        Err(e) => {
            m.miss(
                FactKey::ApiGatewayAccount,
                "The API Gateway account throttle",
                published_throttle(),
                e,
            );
            None
        }
    };
    (t, m)
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
