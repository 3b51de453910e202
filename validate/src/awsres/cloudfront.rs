//! The CloudFront cache policy in front of the stack: the policy of the
//! first cache behaviour whose origin is an API Gateway resource (its
//! domain or path refers to one), else of the first behaviour, default
//! first, that refers to a policy read, else the only
//! `aws_cloudfront_cache_policy` of the run.

use serde_json::{json, Value as Json};

use super::index::Index;
use super::{AwsResource, Stack};

/// The behaviours of a distribution, default first, that may carry a
/// `cache_policy_id`.
const BEHAVIOURS: &[&str] = &["default_cache_behavior", "ordered_cache_behavior"];

pub(super) fn add_cache_policy<'a>(s: &mut Stack<'a>, ix: &Index<'a>) {
    const POLICY: &str = "aws_cloudfront_cache_policy";
    let policies = ix.of_type(POLICY);
    let find = |target: &String| ix.of_address(target).find(|p| p.ty == POLICY);
    let mut to_api = None;
    let mut first = None;
    for d in ix.of_type("aws_cloudfront_distribution") {
        let api_origins = api_origins(d);
        for b in BEHAVIOURS {
            let Some(Json::Array(blocks)) = d.values.get(*b) else {
                continue;
            };
            for (i, block) in blocks.iter().enumerate() {
                let Some(p) = d
                    .refs
                    .get(&format!("{b}[{i}].cache_policy_id"))
                    .and_then(find)
                else {
                    continue;
                };
                let origin = block.get("target_origin_id").and_then(Json::as_str);
                if to_api.is_none() && origin.is_some_and(|o| api_origins.iter().any(|a| a == o)) {
                    to_api = Some(p);
                }
                first.get_or_insert(p);
            }
        }
    }
    let policy = match to_api.or(first) {
        Some(p) => p,
        None if policies.len() == 1 => policies[0],
        None => return,
    };
    add_policy(s, policy);
}

/// The ids of a distribution's origins whose domain or path refers to an
/// API Gateway resource.
fn api_origins(d: &AwsResource) -> Vec<String> {
    let Some(Json::Array(origins)) = d.values.get("origin") else {
        return Vec::new();
    };
    origins
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            ["domain_name", "origin_path"].iter().any(|attr| {
                d.refs
                    .get(&format!("origin[{i}].{attr}"))
                    .is_some_and(|t| t.contains("aws_api_gateway_"))
            })
        })
        .filter_map(|(_, o)| Some(o.get("origin_id")?.as_str()?.to_string()))
        .collect()
}

fn add_policy<'a>(s: &mut Stack<'a>, p: &'a AwsResource) {
    s.renames.insert("cache_policy".into(), p.address.clone());
    let name = p.str("name").unwrap_or_else(|| p.address.clone());
    s.put(&["cache_policy", "name"], Json::String(name));
    s.renames
        .insert("cache_policy.name".into(), p.attr_address("name"));
    // The provider's default min_ttl is 0.
    if p.get("min_ttl").is_none() && !p.unevaluated.iter().any(|u| u.path == "min_ttl") {
        s.put(&["cache_policy", "min_ttl"], json!(0));
        s.renames
            .insert("cache_policy.min_ttl".into(), p.address.clone());
    }
    for attr in ["comment", "min_ttl", "default_ttl", "max_ttl"] {
        s.set(
            &["cache_policy", attr],
            format!("cache_policy.{attr}"),
            p,
            attr,
        );
    }
    let params = "parameters_in_cache_key_and_forwarded_to_origin";
    for attr in [
        "enable_accept_encoding_gzip",
        "enable_accept_encoding_brotli",
    ] {
        s.set(
            &["cache_policy", attr],
            format!("cache_policy.{attr}"),
            p,
            &format!("{params}.{attr}"),
        );
    }
    for (config, behavior, list) in [
        ("headers_config", "header_behavior", "headers"),
        ("cookies_config", "cookie_behavior", "cookies"),
        (
            "query_strings_config",
            "query_string_behavior",
            "query_strings",
        ),
    ] {
        s.set(
            &["cache_policy", behavior],
            format!("cache_policy.{behavior}"),
            p,
            &format!("{params}.{config}.{behavior}"),
        );
        s.set(
            &["cache_policy", list],
            format!("cache_policy.{list}"),
            p,
            &format!("{params}.{config}.{list}.items"),
        );
    }
}
