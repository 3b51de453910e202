//! The account's limits as AWS reports them, each read on its own and each
//! failure kept beside it (the `smuppy_account_limits` data source shows
//! them; nothing falls back to a default here). The API Gateway throttle,
//! the Lambda settings and the Service Quotas values are the reads plan
//! time uses ([`super::read_account_capacity`]); DynamoDB's
//! `DescribeLimits` is read only here.

use scaling::limits::{QUOTA_APIGW_RATE, QUOTA_LAMBDA_CONCURRENCY};
use scaling::{AccountThrottle, FactKey, UnreadFact};

use super::misses::unread;
use super::quotas::applied_value;
use super::{account_settings, read_account_throttle};
use crate::services;
use crate::{Aws, AwsError};

/// What a failed read here assumes: nothing, the caller reports it.
const NOTHING: &str = "nothing";

/// `lambda:GetAccountSettings` AccountLimit.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaAccount {
    pub concurrent_executions: i64,
    pub unreserved_concurrent_executions: Option<i64>,
}

/// `dynamodb:DescribeLimits`, in capacity units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DynamoDbLimits {
    pub account_max_read: Option<i64>,
    pub account_max_write: Option<i64>,
    pub table_max_read: Option<i64>,
    pub table_max_write: Option<i64>,
}

/// One Service Quotas value: the applied value, else AWS's default
/// (`GetServiceQuota`, else `GetAWSDefaultServiceQuota`); `None` when the
/// quota is not known to Service Quotas.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaValue {
    pub service_code: &'static str,
    pub quota_code: &'static str,
    pub value: Result<Option<f64>, UnreadFact>,
}

/// Every read of [`read_account_limits`], failed ones as the fact missed.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountLimits {
    /// `apigateway:GetAccount` throttleSettings (`None`: the answer had
    /// none).
    pub api_gateway: Result<Option<AccountThrottle>, UnreadFact>,
    pub lambda: Result<LambdaAccount, UnreadFact>,
    pub dynamodb: Result<DynamoDbLimits, UnreadFact>,
    /// The API Gateway throttle rate and Lambda concurrency quotas.
    pub quotas: Vec<QuotaValue>,
}

/// The quotas read: the ones plan time reads too.
pub const ACCOUNT_QUOTAS: [(&str, &str); 2] = [
    ("apigateway", QUOTA_APIGW_RATE),
    (services::LAMBDA, QUOTA_LAMBDA_CONCURRENCY),
];

/// Reads the account's limits, the calls concurrently.
pub async fn read_account_limits(aws: &Aws) -> AccountLimits {
    let (throttle, settings, dynamodb, quotas) = futures::join!(
        read_account_throttle(aws),
        account_settings(aws),
        describe_limits(aws),
        futures::future::join_all(ACCOUNT_QUOTAS.iter().map(|(s, c)| applied_value(aws, s, c))),
    );
    let api_gateway = throttle.map_err(|e| {
        unread(
            FactKey::ApiGatewayAccount,
            "The API Gateway account throttle",
            NOTHING,
            &e,
        )
    });
    let lambda = settings
        .map(|(limit, unreserved)| LambdaAccount {
            concurrent_executions: limit,
            unreserved_concurrent_executions: unreserved,
        })
        .map_err(|e| {
            unread(
                FactKey::LambdaAccount,
                "Lambda account concurrency",
                NOTHING,
                &e,
            )
        });
    let dynamodb = dynamodb.map_err(|e| {
        unread(
            FactKey::DynamoDbLimits,
            "The DynamoDB account and table capacity quotas",
            NOTHING,
            &e,
        )
    });
    let quotas = ACCOUNT_QUOTAS
        .iter()
        .zip(quotas)
        .map(|((service, code), r)| QuotaValue {
            service_code: service,
            quota_code: code,
            value: r.map_err(|e| {
                unread(
                    FactKey::Quota(service, code),
                    format!("The applied value of quota {service}/{code}"),
                    NOTHING,
                    &e,
                )
            }),
        })
        .collect();
    AccountLimits {
        api_gateway,
        lambda,
        dynamodb,
        quotas,
    }
}

async fn describe_limits(aws: &Aws) -> Result<DynamoDbLimits, AwsError> {
    let out = aws
        .dynamodb()
        .describe_limits()
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(services::DYNAMODB, "DescribeLimits", e))?;
    Ok(DynamoDbLimits {
        account_max_read: out.account_max_read_capacity_units(),
        account_max_write: out.account_max_write_capacity_units(),
        table_max_read: out.table_max_read_capacity_units(),
        table_max_write: out.table_max_write_capacity_units(),
    })
}
