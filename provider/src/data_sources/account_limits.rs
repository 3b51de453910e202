//! `smuppy_account_limits`: the account's limits in the provider's region,
//! read live each plan: the API Gateway account throttle (`GetAccount`),
//! Lambda's concurrent executions (`GetAccountSettings`), DynamoDB's
//! account and per-table capacity quotas (`DescribeLimits`), and the
//! Service Quotas values of the API Gateway throttle and Lambda
//! concurrency quotas. The reads are `scaling_aws::live`'s.

use std::collections::BTreeMap;
use std::sync::Arc;

use scaling::UnreadFact;
use scaling_aws::live::{self, ACCOUNT_QUOTAS};
use tfplugin::{Attribute, AttributePath, Block, DataSource, Diagnostics, Schema, Type, Value};

use super::{float, int, with};
use crate::provider::Configured;

pub const TYPE_NAME: &str = "smuppy_account_limits";

const APIGW_RATE: &str = "api_gateway_throttle_rate_limit";
const APIGW_BURST: &str = "api_gateway_throttle_burst_limit";
const LAMBDA_LIMIT: &str = "lambda_concurrent_executions";
const LAMBDA_UNRESERVED: &str = "lambda_unreserved_concurrent_executions";
const DDB_ACCOUNT_READ: &str = "dynamodb_account_max_read_capacity_units";
const DDB_ACCOUNT_WRITE: &str = "dynamodb_account_max_write_capacity_units";
const DDB_TABLE_READ: &str = "dynamodb_table_max_read_capacity_units";
const DDB_TABLE_WRITE: &str = "dynamodb_table_max_write_capacity_units";
const QUOTAS: &str = "service_quotas";
const SOURCES: &str = "sources";

const GET_ACCOUNT: &str = "apigateway GetAccount";
const GET_ACCOUNT_SETTINGS: &str = "lambda GetAccountSettings";
const DESCRIBE_LIMITS: &str = "dynamodb DescribeLimits";
const GET_SERVICE_QUOTA: &str = "servicequotas GetServiceQuota, else GetAWSDefaultServiceQuota";

/// Each number attribute: name, the call it comes from, and its doc.
const NUMBERS: [(&str, &str, &str); 8] = [
    (APIGW_RATE, GET_ACCOUNT, "The API Gateway account throttle in the region, requests per second (`throttleSettings.rateLimit`): the ceiling every REST stage shares."),
    (APIGW_BURST, GET_ACCOUNT, "The API Gateway account burst (`throttleSettings.burstLimit`)."),
    (LAMBDA_LIMIT, GET_ACCOUNT_SETTINGS, "Lambda's concurrent executions for the account in the region (`AccountLimit.ConcurrentExecutions`)."),
    (LAMBDA_UNRESERVED, GET_ACCOUNT_SETTINGS, "The part of it no function reserves (`AccountLimit.UnreservedConcurrentExecutions`)."),
    (DDB_ACCOUNT_READ, DESCRIBE_LIMITS, "DynamoDB's read capacity units the account may provision across its tables (`AccountMaxReadCapacityUnits`)."),
    (DDB_ACCOUNT_WRITE, DESCRIBE_LIMITS, "DynamoDB's write capacity units the account may provision across its tables (`AccountMaxWriteCapacityUnits`)."),
    (DDB_TABLE_READ, DESCRIBE_LIMITS, "DynamoDB's read capacity units one table (or global secondary index) may have (`TableMaxReadCapacityUnits`)."),
    (DDB_TABLE_WRITE, DESCRIBE_LIMITS, "DynamoDB's write capacity units one table (or global secondary index) may have (`TableMaxWriteCapacityUnits`)."),
];

pub fn schema() -> Schema {
    let quota_keys = ACCOUNT_QUOTAS
        .iter()
        .map(|(s, c)| format!("`{s}/{c}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    let mut block = Block::new(
        "The AWS account's limits in the provider's region, as AWS reports them at each plan: the API Gateway account throttle, Lambda's concurrent executions, DynamoDB's capacity quotas and the Service Quotas values the capacity rules use. Needs no `smuppy_scaling_profile`; use it in `check {}` blocks, preconditions and outputs. A read that fails (e.g. access denied) fails the data source with the call, AWS's error code and the IAM action it needs.",
    )
    .attr(Attribute::computed("region", Type::String).describe("The region the limits were read in (the provider's)."));
    for (name, call, doc) in NUMBERS {
        block = block.attr(
            Attribute::computed(name, Type::Number).describe(&format!("{doc} From `{call}`.")),
        );
    }
    block = block
        .attr(Attribute::computed(QUOTAS, Type::map(Type::Number)).describe(&format!(
            "Service Quotas values by `SERVICE/QUOTA_CODE`: {quota_keys} (the API Gateway throttle rate and Lambda concurrency quotas), the applied value, else AWS's default. A quota Service Quotas does not know is left out. From `{GET_SERVICE_QUOTA}`."
        )))
        .attr(Attribute::computed(SOURCES, Type::map(Type::String)).describe(
            "The AWS call each attribute above was read from, by attribute name (e.g. `api_gateway_throttle_rate_limit = \"apigateway GetAccount\"`).",
        ));
    Schema { version: 0, block }
}

pub struct AccountLimits {
    configured: Arc<Configured>,
}

impl AccountLimits {
    pub fn new(configured: Arc<Configured>) -> Self {
        AccountLimits { configured }
    }
}

/// A failed read as an error on the attribute it would have filled.
fn failed(diags: &mut Diagnostics, attribute: &str, u: &UnreadFact) {
    diags.attribute_error(
        AttributePath::attr(attribute),
        "Cannot read the account's limits",
        u.error_text(),
    );
}

#[async_trait::async_trait]
impl DataSource for AccountLimits {
    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, config: Value, diags: &mut Diagnostics) -> Value {
        let Some(aws) = self.configured.aws(diags) else {
            return Value::Null;
        };
        let read = live::read_account_limits(&aws).await;
        let mut values = vec![("region", Value::string(aws.region()))];
        match &read.api_gateway {
            Ok(t) => {
                values.push((APIGW_RATE, float(t.as_ref().map(|t| t.rate_limit))));
                values.push((APIGW_BURST, float(t.as_ref().map(|t| t.burst_limit))));
            }
            Err(u) => failed(diags, APIGW_RATE, u),
        }
        match &read.lambda {
            Ok(l) => {
                values.push((LAMBDA_LIMIT, int(Some(l.concurrent_executions))));
                values.push((LAMBDA_UNRESERVED, int(l.unreserved_concurrent_executions)));
            }
            Err(u) => failed(diags, LAMBDA_LIMIT, u),
        }
        match &read.dynamodb {
            Ok(d) => {
                values.push((DDB_ACCOUNT_READ, int(d.account_max_read)));
                values.push((DDB_ACCOUNT_WRITE, int(d.account_max_write)));
                values.push((DDB_TABLE_READ, int(d.table_max_read)));
                values.push((DDB_TABLE_WRITE, int(d.table_max_write)));
            }
            Err(u) => failed(diags, DDB_ACCOUNT_READ, u),
        }
        let mut quotas = BTreeMap::new();
        for q in &read.quotas {
            match &q.value {
                Ok(Some(v)) => {
                    let key = scaling::Limits::quota_key(q.service_code, q.quota_code);
                    quotas.insert(key, float(Some(*v)));
                }
                Ok(None) => {}
                Err(u) => failed(diags, QUOTAS, u),
            }
        }
        if diags.has_errors() {
            return Value::Null;
        }
        values.push((QUOTAS, Value::Map(quotas)));
        let sources = NUMBERS
            .iter()
            .map(|(name, call, _)| (*name, *call))
            .chain([(QUOTAS, GET_SERVICE_QUOTA)])
            .map(|(name, call)| (name.to_string(), Value::string(call)))
            .collect();
        values.push((SOURCES, Value::Map(sources)));
        with(config, values)
    }
}
