//! The keys of private-state captures: one per AWS thing whose prior
//! settings a profile captured. [`CaptureKey`] owns both directions, writing
//! ([`Display`](std::fmt::Display)) and reading ([`FromStr`]); the strings are
//! stored in Terraform's private state and in the provider's crash journal,
//! so their format never changes:
//!
//! | key | AWS thing |
//! |---|---|
//! | `stage:API/STAGE` | a stage's `*/*` throttle |
//! | `lambda:FUNCTION` | a function's own settings |
//! | `provisioned:FUNCTION:QUALIFIER` | a qualifier's alias target and provisioned concurrency |
//! | `table:TABLE` | a table's mode and throughput |
//! | `scalable:TABLE:read` / `scalable:TABLE:write` | a table dimension's scalable target |
//! | `dashboard:NAME` | a dashboard's body |
//! | `cachepolicy:ID` | a cache policy the profile created |
//! | `cachepolicy-pending:NAME` | a cache policy create in flight, by name |
//! | `accelerator:ARN` | an accelerator the profile created |
//!
//! A function may be named by its ARN (colons and all); a qualifier, a table
//! name and a REST API id never hold the separator that follows them, which
//! is what makes every key read back as written.

use std::fmt;
use std::str::FromStr;

/// Read or write capacity of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    Read,
    Write,
}

impl Dim {
    pub fn name(self) -> &'static str {
        match self {
            Dim::Read => "read",
            Dim::Write => "write",
        }
    }
}

/// The key of one capture in private state.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CaptureKey {
    Stage {
        rest_api_id: String,
        stage_name: String,
    },
    Lambda {
        function: String,
    },
    Provisioned {
        function: String,
        qualifier: String,
    },
    Table {
        table: String,
    },
    Scalable {
        table: String,
        dim: Dim,
    },
    Dashboard {
        name: String,
    },
    CachePolicy {
        id: String,
    },
    /// A create in flight, known by the name it was creating.
    CachePolicyPending {
        name: String,
    },
    Accelerator {
        arn: String,
    },
}

const STAGE: &str = "stage";
const LAMBDA: &str = "lambda";
const PROVISIONED: &str = "provisioned";
const TABLE: &str = "table";
const SCALABLE: &str = "scalable";
const DASHBOARD: &str = "dashboard";
const CACHE_POLICY: &str = "cachepolicy";
const CACHE_POLICY_PENDING: &str = "cachepolicy-pending";
const ACCELERATOR: &str = "accelerator";

impl fmt::Display for CaptureKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureKey::Stage {
                rest_api_id,
                stage_name,
            } => write!(f, "{STAGE}:{rest_api_id}/{stage_name}"),
            CaptureKey::Lambda { function } => write!(f, "{LAMBDA}:{function}"),
            CaptureKey::Provisioned {
                function,
                qualifier,
            } => write!(f, "{PROVISIONED}:{function}:{qualifier}"),
            CaptureKey::Table { table } => write!(f, "{TABLE}:{table}"),
            CaptureKey::Scalable { table, dim } => {
                write!(f, "{SCALABLE}:{table}:{}", dim.name())
            }
            CaptureKey::Dashboard { name } => write!(f, "{DASHBOARD}:{name}"),
            CaptureKey::CachePolicy { id } => write!(f, "{CACHE_POLICY}:{id}"),
            CaptureKey::CachePolicyPending { name } => write!(f, "{CACHE_POLICY_PENDING}:{name}"),
            CaptureKey::Accelerator { arn } => write!(f, "{ACCELERATOR}:{arn}"),
        }
    }
}

/// A capture key this provider does not know how to read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("private state holds a capture under {key:?}, which this provider cannot read: {why}")]
pub struct UnknownCaptureKey {
    pub key: String,
    pub why: &'static str,
}

impl FromStr for CaptureKey {
    type Err = UnknownCaptureKey;

    fn from_str(key: &str) -> Result<Self, Self::Err> {
        let fail = |why| UnknownCaptureKey {
            key: key.to_string(),
            why,
        };
        let (kind, rest) = key
            .split_once(':')
            .ok_or_else(|| fail("no kind before ':'"))?;
        let s = |v: &str| v.to_string();
        Ok(match kind {
            STAGE => {
                let (api, stage) = rest
                    .split_once('/')
                    .ok_or_else(|| fail("a stage key is stage:API/STAGE"))?;
                CaptureKey::Stage {
                    rest_api_id: s(api),
                    stage_name: s(stage),
                }
            }
            LAMBDA => CaptureKey::Lambda { function: s(rest) },
            PROVISIONED => {
                let (function, qualifier) = rest
                    .rsplit_once(':')
                    .ok_or_else(|| fail("a provisioned key is provisioned:FUNCTION:QUALIFIER"))?;
                CaptureKey::Provisioned {
                    function: s(function),
                    qualifier: s(qualifier),
                }
            }
            TABLE => CaptureKey::Table { table: s(rest) },
            SCALABLE => {
                let (table, dim) = rest
                    .rsplit_once(':')
                    .ok_or_else(|| fail("a scalable key is scalable:TABLE:read or :write"))?;
                let dim = [Dim::Read, Dim::Write]
                    .into_iter()
                    .find(|d| d.name() == dim)
                    .ok_or_else(|| fail("a scalable key ends in :read or :write"))?;
                CaptureKey::Scalable {
                    table: s(table),
                    dim,
                }
            }
            DASHBOARD => CaptureKey::Dashboard { name: s(rest) },
            CACHE_POLICY => CaptureKey::CachePolicy { id: s(rest) },
            CACHE_POLICY_PENDING => CaptureKey::CachePolicyPending { name: s(rest) },
            ACCELERATOR => CaptureKey::Accelerator { arn: s(rest) },
            _ => return Err(fail("unknown kind")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<(CaptureKey, &'static str)> {
        let s = |v: &str| v.to_string();
        vec![
            (
                CaptureKey::Stage {
                    rest_api_id: s("bmkd8zayee"),
                    stage_name: s("staging"),
                },
                "stage:bmkd8zayee/staging",
            ),
            (CaptureKey::Lambda { function: s("fn") }, "lambda:fn"),
            (
                CaptureKey::Lambda {
                    function: s("arn:aws:lambda:us-west-2:123456789012:function:f"),
                },
                "lambda:arn:aws:lambda:us-west-2:123456789012:function:f",
            ),
            (
                CaptureKey::Provisioned {
                    function: s("fn"),
                    qualifier: s("prod"),
                },
                "provisioned:fn:prod",
            ),
            (
                CaptureKey::Provisioned {
                    function: s("123456789012:function:f"),
                    qualifier: s("$LATEST"),
                },
                "provisioned:123456789012:function:f:$LATEST",
            ),
            (CaptureKey::Table { table: s("feeds") }, "table:feeds"),
            (
                CaptureKey::Scalable {
                    table: s("feeds.v2"),
                    dim: Dim::Read,
                },
                "scalable:feeds.v2:read",
            ),
            (
                CaptureKey::Scalable {
                    table: s("feeds"),
                    dim: Dim::Write,
                },
                "scalable:feeds:write",
            ),
            (CaptureKey::Dashboard { name: s("D-1") }, "dashboard:D-1"),
            (CaptureKey::CachePolicy { id: s("abc") }, "cachepolicy:abc"),
            (
                CaptureKey::CachePolicyPending {
                    name: s("smuppy api"),
                },
                "cachepolicy-pending:smuppy api",
            ),
            (
                CaptureKey::Accelerator {
                    arn: s("arn:aws:globalaccelerator::123456789012:accelerator/x"),
                },
                "accelerator:arn:aws:globalaccelerator::123456789012:accelerator/x",
            ),
        ]
    }

    #[test]
    fn every_kind_writes_the_stored_format_and_reads_back() {
        for (key, text) in all() {
            assert_eq!(key.to_string(), text);
            assert_eq!(text.parse::<CaptureKey>(), Ok(key), "{text}");
        }
    }

    #[test]
    fn an_unknown_or_malformed_key_is_an_error_naming_it() {
        for bad in [
            "",
            "lambda",
            "quota:lambda/L-1",
            "stage:no-slash",
            "provisioned:fn",
            "scalable:feeds",
            "scalable:feeds:both",
        ] {
            let e = bad.parse::<CaptureKey>().unwrap_err();
            assert_eq!(e.key, bad);
            assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
        }
    }
}
