//! The map key the provider gives a Lambda pool, a DynamoDB table or a quota
//! request when it has to invent one: a string import ID without `@KEY`, and
//! the upgrade of a 0.x state, whose parts were positional blocks.
//!
//! - a Lambda pool: its function name; when two pools of the same list share
//!   a function name, `FUNCTION:QUALIFIER` for those with a qualifier;
//! - a table: its name;
//! - a quota request: `SERVICE_CODE/QUOTA_CODE`.
//!
//! Keys are unique within one list: should two parts still land on one key
//! (two pools of one function without a qualifier, which validation refuses
//! anyway), the later ones get `#2`, `#3`… so that no part is ever dropped.

use std::collections::BTreeSet;

/// One repeatable part, named by the AWS object it manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    Lambda {
        function_name: &'a str,
        qualifier: Option<&'a str>,
    },
    Dynamodb {
        table_name: &'a str,
    },
    Quota {
        service_code: &'a str,
        quota_code: &'a str,
    },
}

/// The default keys of `parts` (the parts of one map), in their order.
pub fn default_keys(parts: &[Part<'_>]) -> Vec<String> {
    let shares_function = |name: &str| {
        parts
            .iter()
            .filter(|p| matches!(p, Part::Lambda { function_name, .. } if *function_name == name))
            .count()
            > 1
    };
    let mut taken = BTreeSet::new();
    parts
        .iter()
        .map(|part| {
            let base = match *part {
                Part::Lambda {
                    function_name,
                    qualifier: Some(q),
                } if shares_function(function_name) => format!("{function_name}:{q}"),
                Part::Lambda { function_name, .. } => function_name.to_string(),
                Part::Dynamodb { table_name } => table_name.to_string(),
                Part::Quota {
                    service_code,
                    quota_code,
                } => format!("{service_code}/{quota_code}"),
            };
            let mut key = base.clone();
            let mut n = 1;
            while !taken.insert(key.clone()) {
                n += 1;
                key = format!("{base}#{n}");
            }
            key
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lambda<'a>(f: &'a str, q: Option<&'a str>) -> Part<'a> {
        Part::Lambda {
            function_name: f,
            qualifier: q,
        }
    }

    #[test]
    fn keys_name_the_aws_object() {
        let parts = [
            lambda("api", Some("prod")),
            lambda("worker", None),
            Part::Dynamodb {
                table_name: "feeds",
            },
            Part::Quota {
                service_code: "lambda",
                quota_code: "L-B99A9384",
            },
        ];
        assert_eq!(
            default_keys(&parts),
            ["api", "worker", "feeds", "lambda/L-B99A9384"]
        );
    }

    #[test]
    fn pools_sharing_a_function_are_told_apart_by_qualifier() {
        let parts = [
            lambda("api", Some("prod")),
            lambda("api", Some("canary")),
            lambda("api", None),
            lambda("worker", Some("prod")),
        ];
        assert_eq!(
            default_keys(&parts),
            ["api:prod", "api:canary", "api", "worker"]
        );
    }

    #[test]
    fn colliding_parts_are_all_kept() {
        let parts = [
            lambda("api", None),
            lambda("api", None),
            lambda("api", None),
        ];
        assert_eq!(default_keys(&parts), ["api", "api#2", "api#3"]);
        let tables = [
            Part::Dynamodb { table_name: "t" },
            Part::Dynamodb { table_name: "t#2" },
            Part::Dynamodb { table_name: "t" },
        ];
        assert_eq!(default_keys(&tables), ["t", "t#2", "t#3"]);
    }
}
