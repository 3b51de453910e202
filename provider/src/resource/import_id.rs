//! The import ID of `smuppy_scaling_profile`: the profile's name and the AWS
//! things it manages, as `key=value` pairs separated by `;`.
//!
//! ```text
//! name=staging;api_gateway=bmkd8zayee/staging;lambda=smuppy-api-handler:prod;dynamodb=smuppy-feeds-staging
//! ```
//!
//! | key | value | repeatable |
//! |---|---|---|
//! | `name` | the profile's name (required) | no |
//! | `api_gateway` | `REST_API_ID/STAGE_NAME` | no |
//! | `lambda` | `FUNCTION_NAME` or `FUNCTION_NAME:QUALIFIER` | yes |
//! | `dynamodb` | `TABLE_NAME` | yes |
//! | `quota_request` | `SERVICE_CODE/QUOTA_CODE` | yes |
//! | `cache_policy` | the cache policy id | no |
//! | `dashboard` | the dashboard name | no |
//! | `global_accelerator` | the accelerator ARN | no |
//!
//! A repeatable value may end in `@KEY`, the map key its entry gets
//! (`lambda=smuppy-api-handler:prod@api`); without it the entry gets the
//! default key ([`crate::keys::default_keys`]). `@` is valid in none of
//! those AWS names.

use scaling::model::{self, names, Described};

/// The key of the profile's name: the resource's attribute.
pub const NAME: &str = names::NAME;

/// The key of a part of the profile: its block's location name (the 0.x
/// block name, the one the table above shows), e.g. `lambda` for the
/// `lambda_pools` block.
pub fn key(block: &dyn Described) -> &'static str {
    block.location()
}

/// What an import ID names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportId {
    pub name: String,
    pub api_gateway: Option<(String, String)>,
    pub lambdas: Vec<(String, Option<String>)>,
    pub tables: Vec<String>,
    pub quotas: Vec<(String, String)>,
    pub cache_policy: Option<String>,
    pub dashboard: Option<String>,
    pub global_accelerator: Option<String>,
    /// The `@KEY` of each entry of `lambdas`, `tables` and `quotas`.
    pub lambda_keys: Vec<Option<String>>,
    pub table_keys: Vec<Option<String>>,
    pub quota_keys: Vec<Option<String>>,
}

/// The expected format, shown in every parse error.
pub const FORMAT: &str = "name=NAME[;api_gateway=REST_API_ID/STAGE][;lambda=FUNCTION[:QUALIFIER][@KEY]]…[;dynamodb=TABLE[@KEY]]…[;quota_request=SERVICE/QUOTA_CODE[@KEY]]…[;cache_policy=ID][;dashboard=NAME][;global_accelerator=ARN]";

/// A repeatable value and its `@KEY`, if any.
fn keyed<'a>(key: &str, value: &'a str) -> Result<(&'a str, Option<String>), String> {
    // AWS names hold no `@`; a key may.
    match value.split_once('@') {
        None => Ok((value, None)),
        Some((v, k)) if !v.is_empty() && !k.is_empty() => Ok((v, Some(k.to_string()))),
        Some(_) => Err(err(format!("{key}={value:?} has an empty value or @KEY"))),
    }
}

fn err(why: String) -> String {
    format!("{why}. Expected an import ID of the form {FORMAT}, e.g. \"name=staging;api_gateway=bmkd8zayee/staging;lambda=smuppy-api-handler:prod\".")
}

fn once(slot: &mut Option<String>, key: &str, v: &str) -> Result<(), String> {
    if slot.is_some() {
        return Err(err(format!("{key} appears twice")));
    }
    *slot = Some(v.to_string());
    Ok(())
}

fn pair(key: &str, v: &str, sep: char, what: &str) -> Result<(String, String), String> {
    match v.split_once(sep) {
        Some((a, b)) if !a.is_empty() && !b.is_empty() && !b.contains(sep) => {
            Ok((a.to_string(), b.to_string()))
        }
        _ => Err(err(format!("{key}={v:?} is not {what}"))),
    }
}

pub fn parse(id: &str) -> Result<ImportId, String> {
    let mut out = ImportId::default();
    let mut name = None;
    let mut agw = None;
    let mut cp = None;
    let mut dash = None;
    let mut ga = None;
    for part in id.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(err(format!("{part:?} is not key=value")));
        };
        let (key, value) = (key.trim(), value.trim());
        if value.is_empty() {
            return Err(err(format!("{key} has an empty value")));
        }
        let is = |b: &dyn Described| key == self::key(b);
        if key == NAME {
            once(&mut name, key, value)?;
        } else if is(&model::API_GATEWAY) {
            if agw.is_some() {
                return Err(err(format!("{key} appears twice")));
            }
            agw = Some(pair(key, value, '/', "REST_API_ID/STAGE_NAME")?);
        } else if is(&model::LAMBDA) {
            let (value, k) = keyed(key, value)?;
            let (f, q) = match value.split_once(':') {
                Some((f, q)) if !f.is_empty() && !q.is_empty() => {
                    (f.to_string(), Some(q.to_string()))
                }
                Some(_) => return Err(err(format!("{key}={value:?} is not FUNCTION[:QUALIFIER]"))),
                None => (value.to_string(), None),
            };
            if out.lambdas.iter().any(|(g, r)| *g == f && *r == q) {
                return Err(err(format!("{key} {value:?} appears twice")));
            }
            out.lambdas.push((f, q));
            out.lambda_keys.push(k);
        } else if is(&model::DYNAMODB) {
            let (value, k) = keyed(key, value)?;
            if out.tables.iter().any(|t| t == value) {
                return Err(err(format!("{key} {value:?} appears twice")));
            }
            out.tables.push(value.to_string());
            out.table_keys.push(k);
        } else if is(&model::QUOTA) {
            let (value, k) = keyed(key, value)?;
            let q = pair(key, value, '/', "SERVICE_CODE/QUOTA_CODE")?;
            if out.quotas.contains(&q) {
                return Err(err(format!("{key} {value:?} appears twice")));
            }
            out.quotas.push(q);
            out.quota_keys.push(k);
        } else if is(&model::CACHE_POLICY) {
            once(&mut cp, key, value)?;
        } else if is(&model::DASHBOARD) {
            once(&mut dash, key, value)?;
        } else if is(&model::ACCELERATOR) {
            once(&mut ga, key, value)?;
        } else {
            return Err(err(format!("unknown key {key:?}")));
        }
    }
    out.name = name.ok_or_else(|| err("the name is missing".into()))?;
    out.api_gateway = agw;
    out.cache_policy = cp;
    out.dashboard = dash;
    out.global_accelerator = ga;
    check_ids(&out)?;
    Ok(out)
}

/// Every id the import ID names must be one AWS accepts (the same rules as
/// the configuration's): an id that cannot exist would reach state and fail
/// every later refresh.
fn check_ids(id: &ImportId) -> Result<(), String> {
    use scaling::ids;
    type Rule = fn(&str) -> Result<(), String>;
    let mut checks: Vec<(&str, &str, Rule)> = Vec::new();
    let (agw, lambda) = (key(&model::API_GATEWAY), key(&model::LAMBDA));
    if let Some((api, stage)) = &id.api_gateway {
        checks.push((agw, api, ids::rest_api_id));
        checks.push((agw, stage, ids::stage_name));
    }
    for (f, q) in &id.lambdas {
        checks.push((lambda, f, ids::function_name));
        if let Some(q) = q {
            checks.push((lambda, q, ids::qualifier));
        }
    }
    for t in &id.tables {
        checks.push((key(&model::DYNAMODB), t, ids::table_name));
    }
    for (s, q) in &id.quotas {
        checks.push((key(&model::QUOTA), s, ids::service_code));
        checks.push((key(&model::QUOTA), q, ids::quota_code));
    }
    if let Some(d) = &id.dashboard {
        checks.push((key(&model::DASHBOARD), d, ids::dashboard_name));
    }
    if let Some(a) = &id.global_accelerator {
        checks.push((key(&model::ACCELERATOR), a, ids::accelerator_arn));
    }
    for (part, value, rule) in checks {
        rule(value).map_err(|detail| err(format!("{part}: {}", detail.trim_end_matches('.'))))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_id() {
        let id = parse("name=prod;api_gateway=bmkd8zayee/staging;lambda=a:prod;lambda=b;dynamodb=t01;quota_request=apigateway/L-8A5B8E43;cache_policy=abc-123;dashboard=D;global_accelerator=arn:aws:globalaccelerator::123456789012:accelerator/x").unwrap();
        assert_eq!(id.name, "prod");
        assert_eq!(
            id.api_gateway,
            Some(("bmkd8zayee".into(), "staging".into()))
        );
        assert_eq!(
            id.lambdas,
            vec![("a".into(), Some("prod".into())), ("b".into(), None)]
        );
        assert_eq!(id.tables, vec!["t01".to_string()]);
        assert_eq!(id.quotas, vec![("apigateway".into(), "L-8A5B8E43".into())]);
        assert_eq!(id.cache_policy.as_deref(), Some("abc-123"));
        assert_eq!(id.dashboard.as_deref(), Some("D"));
        assert!(id
            .global_accelerator
            .is_some_and(|a| a.ends_with("accelerator/x")));
    }

    #[test]
    fn repeatable_values_take_a_key() {
        let id = parse("name=p;lambda=f:prod@api;lambda=f:live;dynamodb=tbl@feeds;quota_request=lambda/L-B99A9384@conc").unwrap();
        assert_eq!(
            id.lambdas,
            vec![
                ("f".into(), Some("prod".into())),
                ("f".into(), Some("live".into()))
            ]
        );
        assert_eq!(id.lambda_keys, vec![Some("api".to_string()), None]);
        assert_eq!(id.table_keys, vec![Some("feeds".to_string())]);
        assert_eq!(id.tables, vec!["tbl".to_string()]);
        assert_eq!(id.quota_keys, vec![Some("conc".to_string())]);
        for bad in [
            "name=p;lambda=f@",
            "name=p;dynamodb=@k",
            "name=p;lambda=f:q;lambda=f:q@x",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_show_the_format() {
        for bad in [
            "",
            "api_gateway=a/b",
            "name=x;api_gateway=ab",
            "name=x;api_gateway=a/b/c",
            "name=x;bogus=1",
            "name=x;name=y",
            "name=x;lambda=f;lambda=f",
            "name=x;quota_request=apigateway",
            "name=x;lambda=:q",
            "name=x;lambda=my function",
            "name=x;dynamodb=ab",
            "name=x;api_gateway=a b/s",
            "name=x;global_accelerator=not-an-arn",
            "justtext",
        ] {
            let e = parse(bad).expect_err(bad);
            assert!(
                e.contains("Expected an import ID of the form"),
                "{bad}: {e}"
            );
        }
    }
}
