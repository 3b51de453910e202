//! Attribute tree → `Profile`. The tree is what both inputs produce: HCL
//! blocks and `terraform show -json` values, with nested blocks as lists of
//! objects and `null` for unset or unknown values. Names are the provider's
//! schema names.

use serde_json::{Map, Value};

use scaling::{
    Accelerator, AutoScaling, BillingMode, Budget, CachePolicy, Dashboard, LambdaPool, Profile,
    QuotaRequest, StageThrottle, TableCapacity, Traffic,
};

use crate::error::InputError;

/// Placeholder for a required name that is not known yet.
pub const UNKNOWN: &str = "(known after apply)";

/// Attributes the provider computes; present in plans, never set by users.
const COMPUTED_OK: &[&str] = &[
    "id",
    "capacity",
    "estimated_monthly_cost_usd",
    "findings",
    "timeouts",
];

/// Whole numbers are read exactly up to 2^53 - 1 (what a float holds);
/// every limit the rules check is far below.
const MAX_WHOLE: f64 = 9_007_199_254_740_991.0;

/// A whole number, or what is wrong with it.
fn whole(v: f64) -> Result<i64, String> {
    if !v.is_finite() {
        return Err("the number is too large (the largest number is about 1.8e308)".into());
    }
    if v.fract() != 0.0 {
        return Err(format!("expected a whole number, got {v}"));
    }
    if v.abs() > MAX_WHOLE {
        let side = if v > 0.0 { "large" } else { "small" };
        return Err(format!(
            "the number {v} is too {side}: out of range (whole numbers from -{MAX_WHOLE} to {MAX_WHOLE})"
        ));
    }
    Ok(v as i64)
}

/// A nested block: its path (`lambda[0]`) and its attributes.
type Nested<'a> = (String, &'a Map<String, Value>);

struct Obj<'a> {
    map: &'a Map<String, Value>,
    at: String,
    strict: bool,
}

impl<'a> Obj<'a> {
    fn new(
        map: &'a Map<String, Value>,
        at: String,
        strict: bool,
        allowed: &[&str],
    ) -> Result<Self, InputError> {
        for k in map.keys() {
            let known = allowed.contains(&k.as_str()) || COMPUTED_OK.contains(&k.as_str());
            if strict && !known {
                return Err(InputError::schema(
                    &at,
                    format!(
                        "unsupported argument or block \"{k}\" (expected one of: {})",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(Obj { map, at, strict })
    }

    fn here(&self, key: &str) -> String {
        format!("{}.{key}", self.at)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn num(&self, key: &str) -> Result<Option<f64>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .map(Some)
                .ok_or_else(|| InputError::schema(self.here(key), "number out of range")),
            Some(Value::String(s)) => match s.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Some(v)),
                Ok(_) => Err(InputError::schema(
                    self.here(key),
                    format!("the number {s} is too large (the largest number is about 1.8e308)"),
                )),
                Err(_) => Err(InputError::schema(
                    self.here(key),
                    format!("expected a number, got \"{s}\""),
                )),
            },
            Some(other) => Err(InputError::schema(
                self.here(key),
                format!("expected a number, got {}", kind(other)),
            )),
        }
    }

    fn int(&self, key: &str) -> Result<Option<i64>, InputError> {
        match self.num(key)? {
            None => Ok(None),
            Some(v) => whole(v)
                .map(Some)
                .map_err(|m| InputError::schema(self.here(key), m)),
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
            Some(other) => Err(InputError::schema(
                self.here(key),
                format!("expected a bool, got {}", kind(other)),
            )),
        }
    }

    fn str(&self, key: &str) -> Result<Option<String>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err(InputError::schema(
                self.here(key),
                format!("expected a string, got {}", kind(other)),
            )),
        }
    }

    /// A required name: missing is an error in configuration; null means unknown.
    fn name(&self, key: &str) -> Result<String, InputError> {
        match self.map.get(key) {
            None if self.strict => Err(InputError::schema(
                &self.at,
                format!("missing required argument \"{key}\""),
            )),
            None | Some(Value::Null) => Ok(UNKNOWN.to_string()),
            Some(_) => Ok(self.str(key)?.unwrap_or_default()),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, InputError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_null())
                .map(|(i, v)| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(InputError::schema(
                        format!("{}[{i}]", self.here(key)),
                        format!("expected a string, got {}", kind(other)),
                    )),
                })
                .collect(),
            Some(other) => Err(InputError::schema(
                self.here(key),
                format!("expected a list of strings, got {}", kind(other)),
            )),
        }
    }

    fn ints(&self, key: &str) -> Result<Vec<i64>, InputError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let at = || format!("{}[{i}]", self.here(key));
                    v.as_f64()
                        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                        .ok_or_else(|| InputError::schema(at(), "expected a whole number"))
                        .and_then(|f| whole(f).map_err(|m| InputError::schema(at(), m)))
                })
                .collect(),
            Some(other) => Err(InputError::schema(
                self.here(key),
                format!("expected a list of numbers, got {}", kind(other)),
            )),
        }
    }

    /// A nested block: a list of objects (or a single object).
    fn blocks(&self, key: &str) -> Result<Vec<Nested<'a>>, InputError> {
        let items: Vec<&Value> = match self.get(key) {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(v @ Value::Object(_)) => vec![v],
            Some(other) => {
                return Err(InputError::schema(
                    self.here(key),
                    format!("expected a block, got {}", kind(other)),
                ))
            }
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(m) => Ok((format!("{}[{i}]", self.here(key)), m)),
                other => Err(InputError::schema(
                    format!("{}[{i}]", self.here(key)),
                    format!("expected a block, got {}", kind(other)),
                )),
            })
            .collect()
    }

    fn single(&self, key: &str) -> Result<Option<Nested<'a>>, InputError> {
        let mut b = self.blocks(key)?;
        if b.len() > 1 {
            return Err(InputError::schema(
                self.here(key),
                format!("at most one \"{key}\" block is allowed, found {}", b.len()),
            ));
        }
        Ok(b.pop())
    }
}

/// Ids, names and codes AWS cannot take (an empty function name, a table
/// name of two characters), refused on their attribute as the provider
/// refuses them at validate time: one table, [`scaling::ids::ATTRIBUTES`].
fn check_ids(address: &str, tree: &Map<String, Value>) -> Result<(), InputError> {
    for (block, attr, rule, summary) in scaling::ids::ATTRIBUTES {
        let items: Vec<&Value> = match tree.get(*block) {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(v @ Value::Object(_)) => vec![v],
            _ => continue,
        };
        for (i, item) in items.into_iter().enumerate() {
            if let Some(Value::String(s)) = item.get(*attr) {
                if let Err(detail) = rule(s) {
                    return Err(InputError::schema(
                        format!("{address}.{block}[{i}].{attr}"),
                        format!("{summary}: {detail}"),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Maps one resource's attribute tree. `address` names it in errors;
/// `strict` (configuration) rejects unknown arguments and missing required ones.
pub fn profile_from_tree(
    address: &str,
    tree: &Map<String, Value>,
    strict: bool,
) -> Result<Profile, InputError> {
    let root = Obj::new(
        tree,
        address.to_string(),
        strict,
        &[
            "name",
            "wait_timeout_seconds",
            "traffic",
            "quota_request",
            "api_gateway",
            "lambda",
            "dynamodb",
            "cache_policy",
            "dashboard",
            "global_accelerator",
            "budget",
        ],
    )?;
    if strict {
        check_ids(address, tree)?;
    }
    let mut p = Profile {
        name: root.name("name")?,
        ..Profile::default()
    };
    if let Some((at, m)) = root.single("traffic")? {
        let o = Obj::new(
            m,
            at,
            strict,
            &[
                "peak_rps",
                "latency_ms",
                "cache_hit_ratio",
                "reads_per_request",
                "writes_per_request",
                "average_to_peak_ratio",
                "monthly_requests",
                "response_bytes",
                "item_size_kb",
                "strongly_consistent_reads",
                "architecture",
            ],
        )?;
        p.traffic = Traffic {
            peak_rps: o.num("peak_rps")?,
            latency_ms: o.num("latency_ms")?,
            cache_hit_ratio: o.num("cache_hit_ratio")?,
            reads_per_request: o.num("reads_per_request")?,
            writes_per_request: o.num("writes_per_request")?,
            average_to_peak_ratio: o.num("average_to_peak_ratio")?,
            monthly_requests: o.num("monthly_requests")?,
            response_bytes: o.num("response_bytes")?,
            item_size_kb: o.num("item_size_kb")?,
            strongly_consistent_reads: o.bool("strongly_consistent_reads")?,
            architecture: o.str("architecture")?,
        };
        if let Some(a) = &p.traffic.architecture {
            if scaling::Architecture::parse(a).is_none() {
                return Err(InputError::schema(
                    o.here("architecture"),
                    format!("must be \"x86_64\" or \"arm64\", got \"{a}\""),
                ));
            }
        }
    }
    for (at, m) in root.blocks("quota_request")? {
        let o = Obj::new(
            m,
            at,
            strict,
            &["service_code", "quota_code", "desired_value"],
        )?;
        p.quota_requests.push(QuotaRequest {
            service_code: o.name("service_code")?,
            quota_code: o.name("quota_code")?,
            desired_value: o.num("desired_value")?,
        });
    }
    if let Some((at, m)) = root.single("api_gateway")? {
        let o = Obj::new(
            m,
            at,
            strict,
            &[
                "rest_api_id",
                "stage_name",
                "rate_limit",
                "burst_limit",
                "integration_timeout_ms",
            ],
        )?;
        p.api_gateway = Some(StageThrottle {
            rest_api_id: o.str("rest_api_id")?,
            stage_name: o.str("stage_name")?,
            rate_limit: o.num("rate_limit")?,
            burst_limit: o.int("burst_limit")?,
            integration_timeout_ms: o.int("integration_timeout_ms")?,
        });
    }
    for (at, m) in root.blocks("lambda")? {
        let o = Obj::new(
            m,
            at,
            strict,
            &[
                "function_name",
                "reserved_concurrency",
                "provisioned_concurrency",
                "qualifier",
                "memory_size",
                "timeout",
                "publish_on_change",
            ],
        )?;
        p.lambdas.push(LambdaPool {
            function_name: o.name("function_name")?,
            reserved_concurrency: o.int("reserved_concurrency")?,
            provisioned_concurrency: o.int("provisioned_concurrency")?,
            qualifier: o.str("qualifier")?,
            memory_size: o.int("memory_size")?,
            timeout: o.int("timeout")?,
            publish_on_change: o.bool("publish_on_change")?.unwrap_or(false),
        });
    }
    for (at, m) in root.blocks("dynamodb")? {
        let o = Obj::new(
            m,
            at,
            strict,
            &[
                "table_name",
                "billing_mode",
                "read_capacity",
                "write_capacity",
                "autoscaling",
            ],
        )?;
        let billing_mode = match o.str("billing_mode")? {
            None => None,
            Some(s) => Some(BillingMode::parse(&s).ok_or_else(|| {
                InputError::schema(
                    o.here("billing_mode"),
                    format!("must be \"PAY_PER_REQUEST\" or \"PROVISIONED\", got \"{s}\""),
                )
            })?),
        };
        let mut t = TableCapacity {
            table_name: o.name("table_name")?,
            billing_mode,
            read_capacity: o.int("read_capacity")?,
            write_capacity: o.int("write_capacity")?,
            read_autoscaling: None,
            write_autoscaling: None,
        };
        if let Some((at, m)) = o.single("autoscaling")? {
            let a = Obj::new(m, at, strict, &["read", "write"])?;
            t.read_autoscaling = a
                .single("read")?
                .map(|(at, m)| autoscaling(at, m, strict))
                .transpose()?;
            t.write_autoscaling = a
                .single("write")?
                .map(|(at, m)| autoscaling(at, m, strict))
                .transpose()?;
        }
        p.dynamodb.push(t);
    }
    if let Some((at, m)) = root.single("cache_policy")? {
        let o = Obj::new(
            m,
            at,
            strict,
            &[
                "name",
                "comment",
                "min_ttl",
                "default_ttl",
                "max_ttl",
                "enable_accept_encoding_gzip",
                "enable_accept_encoding_brotli",
                "header_behavior",
                "headers",
                "cookie_behavior",
                "cookies",
                "query_string_behavior",
                "query_strings",
            ],
        )?;
        let headers = o.strings("headers")?;
        let cookies = o.strings("cookies")?;
        let query_strings = o.strings("query_strings")?;
        let behavior =
            |key: &str, items: &[String], allowed: &[&str]| -> Result<String, InputError> {
                let v = o.str(key)?.unwrap_or_else(|| {
                    if items.is_empty() {
                        "none"
                    } else {
                        "whitelist"
                    }
                    .to_string()
                });
                if !allowed.contains(&v.as_str()) {
                    return Err(InputError::schema(
                        o.here(key),
                        format!("must be one of {}, got \"{v}\"", allowed.join(", ")),
                    ));
                }
                Ok(v)
            };
        let all = ["none", "whitelist", "allExcept", "all"];
        p.cache_policy = Some(CachePolicy {
            name: o.name("name")?,
            comment: o.str("comment")?,
            min_ttl: o.int("min_ttl")?,
            default_ttl: o.int("default_ttl")?,
            max_ttl: o.int("max_ttl")?,
            enable_gzip: o.bool("enable_accept_encoding_gzip")?.unwrap_or(false),
            enable_brotli: o.bool("enable_accept_encoding_brotli")?.unwrap_or(false),
            header_behavior: behavior("header_behavior", &headers, &["none", "whitelist"])?,
            cookie_behavior: behavior("cookie_behavior", &cookies, &all)?,
            query_string_behavior: behavior("query_string_behavior", &query_strings, &all)?,
            headers,
            cookies,
            query_strings,
        });
    }
    if let Some((at, m)) = root.single("dashboard")? {
        let o = Obj::new(m, at, strict, &["name"])?;
        p.dashboard = Some(Dashboard {
            name: o.name("name")?,
        });
    }
    if let Some((at, m)) = root.single("global_accelerator")? {
        let o = Obj::new(
            m,
            at,
            strict,
            &[
                "name",
                "enabled",
                "ip_address_type",
                "ports",
                "protocol",
                "endpoint_group_region",
                "endpoint_id",
            ],
        )?;
        let ports = o.ints("ports")?;
        p.global_accelerator = Some(Accelerator {
            name: o.name("name")?,
            enabled: o.bool("enabled")?.unwrap_or(true),
            ip_address_type: o.str("ip_address_type")?.unwrap_or_else(|| "IPV4".into()),
            ports: if ports.is_empty() { vec![443] } else { ports },
            protocol: o.str("protocol")?.unwrap_or_else(|| "TCP".into()),
            endpoint_group_region: o.str("endpoint_group_region")?,
            endpoint_id: o.str("endpoint_id")?,
        });
    }
    if let Some((at, m)) = root.single("budget")? {
        let o = Obj::new(m, at, strict, &["monthly_usd", "enforce"])?;
        if let Some(monthly_usd) = o.num("monthly_usd")? {
            p.budget = Some(Budget {
                monthly_usd,
                enforce: o.bool("enforce")?.unwrap_or(false),
            });
        } else if strict && !o.map.contains_key("monthly_usd") {
            return Err(InputError::schema(
                o.at,
                "missing required argument \"monthly_usd\"",
            ));
        }
    }
    Ok(p)
}

fn autoscaling(
    at: String,
    m: &Map<String, Value>,
    strict: bool,
) -> Result<AutoScaling, InputError> {
    let o = Obj::new(
        m,
        at,
        strict,
        &[
            "min_capacity",
            "max_capacity",
            "target_utilization",
            "scale_in_cooldown",
            "scale_out_cooldown",
        ],
    )?;
    Ok(AutoScaling {
        min_capacity: o.int("min_capacity")?,
        max_capacity: o.int("max_capacity")?,
        target_utilization: o.num("target_utilization")?,
        scale_in_cooldown: o.int("scale_in_cooldown")?,
        scale_out_cooldown: o.int("scale_out_cooldown")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn maps_blocks_as_lists() {
        let t = tree(serde_json::json!({
            "name": "x",
            "traffic": [{"peak_rps": 1000, "latency_ms": "55"}],
            "lambda": [{"function_name": "a", "reserved_concurrency": 10}, {"function_name": "b"}],
            "dynamodb": [{"table_name": "tbl", "billing_mode": "PROVISIONED",
                          "autoscaling": [{"read": [{"min_capacity": 1, "max_capacity": 10}]}]}]
        }));
        let p = profile_from_tree("r", &t, true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.traffic.latency_ms, Some(55.0));
        assert_eq!(p.lambdas.len(), 2);
        assert_eq!(
            p.dynamodb[0]
                .read_autoscaling
                .as_ref()
                .and_then(|a| a.max_capacity),
            Some(10)
        );
    }

    #[test]
    fn rejects_unknown_arguments_and_bad_types() {
        let t = tree(
            serde_json::json!({"name": "x", "lambda": [{"function_name": "a", "memroy_size": 1}]}),
        );
        let e = profile_from_tree("r", &t, true)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("r.lambda[0]") && e.contains("memroy_size"),
            "{e}"
        );
        let t = tree(serde_json::json!({"name": "x", "traffic": [{"peak_rps": "lots"}]}));
        assert!(profile_from_tree("r", &t, true).is_err());
        let t = tree(serde_json::json!({"lambda": [{"function_name": "a"}]}));
        assert!(
            profile_from_tree("r", &t, true).is_err(),
            "name is required in configuration"
        );
        assert!(
            profile_from_tree("r", &t, false).is_ok(),
            "but may be unknown in a plan"
        );
    }
}
