//! The CloudFront cache policy in front of the stack: the policy of the
//! first cache behaviour whose origin is an API Gateway resource (its
//! domain or path refers to one), else of the first behaviour, default
//! first, that refers to a policy read, else the only
//! `aws_cloudfront_cache_policy` of the run.

use scaling::model::{names, CACHE_POLICY};
use serde_json::{json, Value as Json};

use super::aws_attrs as aws;
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
    let block = CACHE_POLICY.name;
    let shown = |attr: &str| format!("{block}.{attr}");
    s.renames.insert(block.into(), p.address.clone());
    let name = p.str(aws::NAME).unwrap_or_else(|| p.address.clone());
    s.put(&[block, names::NAME], Json::String(name));
    s.renames
        .insert(shown(names::NAME), p.attr_address(aws::NAME));
    // The provider's default min_ttl is 0.
    if p.get(aws::MIN_TTL).is_none() && !p.unevaluated.iter().any(|u| u.path == aws::MIN_TTL) {
        s.put(&[block, names::CACHE_MIN_TTL], json!(0));
        s.renames
            .insert(shown(names::CACHE_MIN_TTL), p.address.clone());
    }
    for (attr, from) in [
        (names::CACHE_COMMENT, aws::COMMENT),
        (names::CACHE_MIN_TTL, aws::MIN_TTL),
        (names::CACHE_DEFAULT_TTL, aws::DEFAULT_TTL),
        (names::CACHE_MAX_TTL, aws::MAX_TTL),
    ] {
        s.set(&[block, attr], shown(attr), p, from);
    }
    let params = "parameters_in_cache_key_and_forwarded_to_origin";
    for (attr, from) in [
        (names::CACHE_GZIP, aws::ENABLE_GZIP),
        (names::CACHE_BROTLI, aws::ENABLE_BROTLI),
    ] {
        s.set(&[block, attr], shown(attr), p, &format!("{params}.{from}"));
    }
    // Each list's behaviour and items: (ours, the AWS provider's) names.
    for (config, behavior, list) in [
        (
            "headers_config",
            (names::CACHE_HEADER_BEHAVIOR, aws::HEADER_BEHAVIOR),
            (names::CACHE_HEADERS, aws::HEADERS),
        ),
        (
            "cookies_config",
            (names::CACHE_COOKIE_BEHAVIOR, aws::COOKIE_BEHAVIOR),
            (names::CACHE_COOKIES, aws::COOKIES),
        ),
        (
            "query_strings_config",
            (
                names::CACHE_QUERY_STRING_BEHAVIOR,
                aws::QUERY_STRING_BEHAVIOR,
            ),
            (names::CACHE_QUERY_STRINGS, aws::QUERY_STRINGS),
        ),
    ] {
        s.set(
            &[block, behavior.0],
            shown(behavior.0),
            p,
            &format!("{params}.{config}.{}", behavior.1),
        );
        s.set(
            &[block, list.0],
            shown(list.0),
            p,
            &format!("{params}.{config}.{}.items", list.1),
        );
    }
}
