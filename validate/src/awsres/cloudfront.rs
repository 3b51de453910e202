//! The CloudFront cache policy in front of the stack: the policy of a
//! distribution's default cache behaviour (else of its first ordered
//! behaviour that names one), or the only `aws_cloudfront_cache_policy`
//! of the run when no distribution refers to one.

use serde_json::{json, Value as Json};

use super::{by_type, AwsResource, Stack};

/// The behaviours of a distribution, default first, that may carry a
/// `cache_policy_id`.
const BEHAVIOURS: &[&str] = &["default_cache_behavior", "ordered_cache_behavior"];

pub(super) fn add_cache_policy<'a>(s: &mut Stack<'a>, all: &'a [AwsResource]) {
    let policies = by_type(all, "aws_cloudfront_cache_policy");
    let used = by_type(all, "aws_cloudfront_distribution")
        .into_iter()
        .flat_map(|d| {
            BEHAVIOURS.iter().flat_map(move |b| {
                d.refs
                    .iter()
                    .filter(move |(attr, _)| {
                        attr.starts_with(b) && attr.ends_with(".cache_policy_id")
                    })
                    .map(|(_, target)| target.clone())
            })
        })
        .find_map(|target| policies.iter().find(|p| p.address == target).copied());
    let policy = match used {
        Some(p) => p,
        None if policies.len() == 1 => policies[0],
        None => return,
    };
    add_policy(s, policy);
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
