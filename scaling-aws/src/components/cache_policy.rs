//! CloudFront cache policy: created by the profile, updated in place with
//! the ETag as `If-Match`, deleted on destroy once no distribution uses it.

use crate::capture_key::CaptureKey;
use crate::error::{absent_if, AwsError, ComponentError, NotReached};
use crate::run::{Ctx, Part};
use crate::state::{CachePolicyObserved, Capture};
use aws_sdk_cloudfront::types::{
    CachePolicyConfig, CachePolicyCookieBehavior, CachePolicyCookiesConfig,
    CachePolicyHeaderBehavior, CachePolicyHeadersConfig, CachePolicyQueryStringBehavior,
    CachePolicyQueryStringsConfig, CookieNames, Headers, ParametersInCacheKeyAndForwardedToOrigin,
    QueryStringNames,
};
use scaling::{CachePolicy, Location};

const SERVICE: &str = "cloudfront";
/// CloudFront's defaults for a field left out of a cache policy.
pub const DEFAULT_DEFAULT_TTL: i64 = 86_400;
pub const DEFAULT_MAX_TTL: i64 = 31_536_000;

fn loc() -> Location {
    Location::attr("cache_policy")
}

pub fn key(id: &str) -> String {
    CaptureKey::CachePolicy { id: id.to_string() }.to_string()
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v.dedup();
    v
}

/// The policy as AWS will hold it once `desired` is applied: CloudFront's
/// TTL defaulting (DefaultTTL 86,400 or MinTTL if larger; MaxTTL 31,536,000
/// or DefaultTTL if larger) and sorted name lists. Pure.
pub fn expected(desired: &CachePolicy) -> CachePolicyObserved {
    let min = desired.min_ttl.unwrap_or(0);
    let default = desired.default_ttl.unwrap_or(DEFAULT_DEFAULT_TTL.max(min));
    let max = desired.max_ttl.unwrap_or(DEFAULT_MAX_TTL.max(default));
    CachePolicyObserved {
        id: String::new(),
        etag: None,
        name: desired.name.clone(),
        comment: desired.comment.clone().filter(|c| !c.is_empty()),
        min_ttl: min,
        default_ttl: Some(default),
        max_ttl: Some(max),
        enable_gzip: desired.enable_gzip,
        enable_brotli: desired.enable_brotli,
        header_behavior: desired.header_behavior.clone(),
        headers: sorted(&desired.headers),
        cookie_behavior: desired.cookie_behavior.clone(),
        cookies: sorted(&desired.cookies),
        query_string_behavior: desired.query_string_behavior.clone(),
        query_strings: sorted(&desired.query_strings),
    }
}

/// Whether AWS already holds `desired` (ids and ETags aside).
pub fn in_sync(desired: &CachePolicy, observed: &CachePolicyObserved) -> bool {
    let want = expected(desired);
    let mut got = observed.clone();
    got.id.clear();
    got.etag = None;
    got.headers = sorted(&got.headers);
    got.cookies = sorted(&got.cookies);
    got.query_strings = sorted(&got.query_strings);
    got == want
}

/// The fields the read after a write still shows differing from `desired`,
/// as (attribute, what the read shows): empty when the write took effect.
pub fn not_reached(
    desired: &CachePolicy,
    after: &CachePolicyObserved,
) -> Vec<(&'static str, String)> {
    let want = expected(desired);
    let mut left = NotReached::default();
    left.differs(
        "name",
        format!("{:?}", after.name),
        format!("{:?}", want.name),
    );
    left.differs(
        "comment",
        format!("{:?}", after.comment),
        format!("{:?}", want.comment),
    );
    left.differs(
        "min_ttl",
        after.min_ttl.to_string(),
        want.min_ttl.to_string(),
    );
    left.differs(
        "default_ttl",
        format!("{:?}", after.default_ttl),
        format!("{:?}", want.default_ttl),
    );
    left.differs(
        "max_ttl",
        format!("{:?}", after.max_ttl),
        format!("{:?}", want.max_ttl),
    );
    left.differs(
        "enable_accept_encoding_gzip",
        after.enable_gzip.to_string(),
        want.enable_gzip.to_string(),
    );
    left.differs(
        "enable_accept_encoding_brotli",
        after.enable_brotli.to_string(),
        want.enable_brotli.to_string(),
    );
    for (attr, behavior, got, expected) in [
        (
            "header_behavior",
            "headers",
            (&after.header_behavior, &after.headers),
            (&want.header_behavior, &want.headers),
        ),
        (
            "cookie_behavior",
            "cookies",
            (&after.cookie_behavior, &after.cookies),
            (&want.cookie_behavior, &want.cookies),
        ),
        (
            "query_string_behavior",
            "query_strings",
            (&after.query_string_behavior, &after.query_strings),
            (&want.query_string_behavior, &want.query_strings),
        ),
    ] {
        left.differs(attr, got.0.clone(), expected.0.clone());
        left.differs(
            behavior,
            format!("{:?}", sorted(got.1)),
            format!("{:?}", expected.1),
        );
    }
    left.into_vec()
}

fn build_err(e: impl std::fmt::Display) -> String {
    format!("invalid cache policy: {e}")
}

/// The full CachePolicyConfig for `desired` (UpdateCachePolicy replaces
/// every field, so it is always sent whole).
pub fn config(desired: &CachePolicy) -> Result<CachePolicyConfig, String> {
    let e = expected(desired);
    let headers = CachePolicyHeadersConfig::builder()
        .header_behavior(CachePolicyHeaderBehavior::from(e.header_behavior.as_str()))
        .set_headers(if e.headers.is_empty() {
            None
        } else {
            Some(
                Headers::builder()
                    .quantity(e.headers.len() as i32)
                    .set_items(Some(e.headers.clone()))
                    .build()
                    .map_err(build_err)?,
            )
        })
        .build()
        .map_err(build_err)?;
    let cookies = CachePolicyCookiesConfig::builder()
        .cookie_behavior(CachePolicyCookieBehavior::from(e.cookie_behavior.as_str()))
        .set_cookies(if e.cookies.is_empty() {
            None
        } else {
            Some(
                CookieNames::builder()
                    .quantity(e.cookies.len() as i32)
                    .set_items(Some(e.cookies.clone()))
                    .build()
                    .map_err(build_err)?,
            )
        })
        .build()
        .map_err(build_err)?;
    let qs = CachePolicyQueryStringsConfig::builder()
        .query_string_behavior(CachePolicyQueryStringBehavior::from(
            e.query_string_behavior.as_str(),
        ))
        .set_query_strings(if e.query_strings.is_empty() {
            None
        } else {
            Some(
                QueryStringNames::builder()
                    .quantity(e.query_strings.len() as i32)
                    .set_items(Some(e.query_strings.clone()))
                    .build()
                    .map_err(build_err)?,
            )
        })
        .build()
        .map_err(build_err)?;
    let params = ParametersInCacheKeyAndForwardedToOrigin::builder()
        .enable_accept_encoding_gzip(e.enable_gzip)
        .enable_accept_encoding_brotli(e.enable_brotli)
        .headers_config(headers)
        .cookies_config(cookies)
        .query_strings_config(qs)
        .build()
        .map_err(build_err)?;
    CachePolicyConfig::builder()
        .name(&e.name)
        .set_comment(e.comment.clone())
        .min_ttl(e.min_ttl)
        .set_default_ttl(e.default_ttl)
        .set_max_ttl(e.max_ttl)
        .parameters_in_cache_key_and_forwarded_to_origin(params)
        .build()
        .map_err(build_err)
}

fn observed_from(id: &str, etag: Option<&str>, c: &CachePolicyConfig) -> CachePolicyObserved {
    let p = c.parameters_in_cache_key_and_forwarded_to_origin();
    CachePolicyObserved {
        id: id.to_string(),
        etag: etag.map(str::to_string),
        name: c.name().to_string(),
        comment: c.comment().map(str::to_string).filter(|c| !c.is_empty()),
        min_ttl: c.min_ttl(),
        default_ttl: c.default_ttl(),
        max_ttl: c.max_ttl(),
        enable_gzip: p.is_some_and(|p| p.enable_accept_encoding_gzip()),
        enable_brotli: p
            .and_then(|p| p.enable_accept_encoding_brotli())
            .unwrap_or(false),
        header_behavior: p
            .and_then(|p| p.headers_config())
            .map(|h| h.header_behavior().as_str().to_string())
            .unwrap_or_else(|| "none".into()),
        headers: p
            .and_then(|p| p.headers_config())
            .and_then(|h| h.headers())
            .map(|h| h.items().to_vec())
            .unwrap_or_default(),
        cookie_behavior: p
            .and_then(|p| p.cookies_config())
            .map(|h| h.cookie_behavior().as_str().to_string())
            .unwrap_or_else(|| "none".into()),
        cookies: p
            .and_then(|p| p.cookies_config())
            .and_then(|h| h.cookies())
            .map(|h| h.items().to_vec())
            .unwrap_or_default(),
        query_string_behavior: p
            .and_then(|p| p.query_strings_config())
            .map(|h| h.query_string_behavior().as_str().to_string())
            .unwrap_or_else(|| "none".into()),
        query_strings: p
            .and_then(|p| p.query_strings_config())
            .and_then(|h| h.query_strings())
            .map(|h| h.items().to_vec())
            .unwrap_or_default(),
    }
}

/// GetCachePolicy. `Ok(None)` when no policy has that id.
pub(crate) async fn read(ctx: &Ctx<'_>, id: &str) -> Result<Option<CachePolicyObserved>, AwsError> {
    let out = ctx
        .aws
        .cloudfront()
        .get_cache_policy()
        .id(id)
        .send()
        .await
        .map_err(crate::error::sdk(SERVICE, "GetCachePolicy"));
    Ok(absent_if(out, &["NoSuchCachePolicy"])?.and_then(|out| {
        out.cache_policy().and_then(|p| {
            p.cache_policy_config()
                .map(|c| observed_from(p.id(), out.e_tag(), c))
        })
    }))
}

pub(crate) async fn refresh(ctx: &Ctx<'_>, id: Option<&str>) -> Part<CachePolicyObserved> {
    let Some(id) = id else { return Part::new(None) };
    match read(ctx, id).await {
        Ok(o) => Part::new(o),
        Err(e) => Part::failed(
            None,
            ComponentError::aws(loc(), "could not read the cache policy", e),
        ),
    }
}

async fn create(
    ctx: &Ctx<'_>,
    desired: &CachePolicy,
) -> Result<CachePolicyObserved, ComponentError> {
    let conf =
        config(desired).map_err(|m| ComponentError::message(loc(), "invalid cache policy", m))?;
    // Recorded (and journaled) before the create: if the process dies while
    // the create is in flight, the next apply knows the policy of this name
    // is its own and adopts it instead of refusing the taken name.
    let intent = pending_key(&desired.name);
    // A name already taken before this create is someone else's policy,
    // unless an interrupted earlier apply of this profile made it.
    let taken_before = find_by_name(ctx, &desired.name)
        .await
        .map_err(|e| ComponentError::aws(loc(), "could not list cache policies", e))?;
    if let Some(id) = taken_before.as_deref() {
        if ctx.had_before_run(&intent) {
            if let Some(adopted) = adopt_own(ctx, desired, &intent).await? {
                return Ok(adopted);
            }
        }
        return Err(ComponentError::message(
            loc().then("name"),
            "a cache policy with this name already exists",
            format!("CloudFront already has a cache policy named {:?} (id {id}); import it into this profile (terraform import, key cache_policy={id}) or choose another name.", desired.name),
        ));
    }
    ctx.capture_once(
        &intent,
        Capture::Created {
            id: desired.name.clone(),
        },
    );
    ctx.wrote();
    match ctx
        .aws
        .cloudfront()
        .create_cache_policy()
        .cache_policy_config(conf)
        .send()
        .await
    {
        Ok(out) => {
            let p = out.cache_policy().ok_or_else(|| {
                ComponentError::message(
                    loc(),
                    "no policy in the answer",
                    "CreateCachePolicy returned no CachePolicy",
                )
            })?;
            ctx.capture_once(
                &key(p.id()),
                Capture::Created {
                    id: p.id().to_string(),
                },
            );
            ctx.release(&intent);
            Ok(p.cache_policy_config()
                .map(|c| observed_from(p.id(), out.e_tag(), c))
                .unwrap_or_else(|| CachePolicyObserved {
                    id: p.id().to_string(),
                    etag: out.e_tag().map(str::to_string),
                    ..expected(desired)
                }))
        }
        Err(e) => {
            let e = AwsError::from_sdk(SERVICE, "CreateCachePolicy", e);
            if e.is(&["CachePolicyAlreadyExists"]) {
                // The name was free just before: the policy is this create's
                // own (a retry after a lost response) — adopt it.
                if let Some(adopted) = adopt(ctx, desired, &intent).await? {
                    return Ok(adopted);
                }
                Err(ComponentError::message(
                    loc().then("name"),
                    "a cache policy with this name already exists",
                    format!("CloudFront already has a cache policy named {:?}; import it into this profile (terraform import) or choose another name. {e}", desired.name),
                ))
            } else {
                Err(ComponentError::aws(
                    loc(),
                    "could not create the cache policy",
                    e,
                ))
            }
        }
    }
}

/// Private-state key of a create in flight for the policy named `name`.
pub(crate) fn pending_key(name: &str) -> String {
    CaptureKey::CachePolicyPending {
        name: name.to_string(),
    }
    .to_string()
}

/// After `CachePolicyAlreadyExists`: when an earlier apply of this profile
/// recorded that it was creating a policy of this name (and died before it
/// could record the id), the policy is ours: adopt it, bring it to
/// `desired`, and return it. Otherwise `None`: the name belongs to someone
/// else.
async fn adopt_own(
    ctx: &Ctx<'_>,
    desired: &CachePolicy,
    intent: &str,
) -> Result<Option<CachePolicyObserved>, ComponentError> {
    // The intent recorded by this very call does not count: only one from
    // an earlier, interrupted apply (journaled) does.
    if !ctx.had_before_run(intent) {
        return Ok(None);
    }
    adopt(ctx, desired, intent).await
}

/// Takes the policy named `desired.name` as this profile's own and brings it
/// to `desired`.
async fn adopt(
    ctx: &Ctx<'_>,
    desired: &CachePolicy,
    intent: &str,
) -> Result<Option<CachePolicyObserved>, ComponentError> {
    let found = find_by_name(ctx, &desired.name)
        .await
        .map_err(|e| ComponentError::aws(loc(), "could not list cache policies", e))?;
    let Some(id) = found else { return Ok(None) };
    ctx.capture_once(&key(&id), Capture::Created { id: id.clone() });
    ctx.release(intent);
    let current = read(ctx, &id)
        .await
        .map_err(|e| ComponentError::aws(loc(), "could not read the cache policy", e))?;
    let Some(current) = current else {
        return Ok(None);
    };
    if in_sync(desired, &current) {
        return Ok(Some(current));
    }
    update(
        ctx,
        &id,
        current.etag.as_deref().unwrap_or_default(),
        desired,
    )
    .await
    .map_err(|e| ComponentError::aws(loc(), "could not update the cache policy", e))?;
    read(ctx, &id)
        .await
        .map_err(|e| ComponentError::aws(loc(), "could not read the cache policy back", e))
}

/// The id of the custom cache policy named `name`, if any.
async fn find_by_name(ctx: &Ctx<'_>, name: &str) -> Result<Option<String>, AwsError> {
    let mut marker: Option<String> = None;
    for _ in 0..20 {
        let out = ctx
            .aws
            .cloudfront()
            .list_cache_policies()
            .r#type(aws_sdk_cloudfront::types::CachePolicyType::Custom)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(crate::error::sdk(SERVICE, "ListCachePolicies"))?;
        let Some(list) = out.cache_policy_list() else {
            return Ok(None);
        };
        for item in list.items() {
            if let Some(p) = item.cache_policy() {
                if p.cache_policy_config().map(|c| c.name()) == Some(name) {
                    return Ok(Some(p.id().to_string()));
                }
            }
        }
        match list.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
    Ok(None)
}

async fn update(
    ctx: &Ctx<'_>,
    id: &str,
    etag: &str,
    desired: &CachePolicy,
) -> Result<(), AwsError> {
    let conf = config(desired).map_err(|e| AwsError::new(SERVICE, "UpdateCachePolicy", e))?;
    ctx.wrote();
    ctx.aws
        .cloudfront()
        .update_cache_policy()
        .id(id)
        .if_match(etag)
        .cache_policy_config(conf)
        .send()
        .await
        .map(|_| ())
        .map_err(crate::error::sdk(SERVICE, "UpdateCachePolicy"))
}

/// Create the policy, or bring the one with id `known_id` to `desired`.
pub(crate) async fn apply(
    ctx: &Ctx<'_>,
    desired: &CachePolicy,
    known_id: Option<&str>,
) -> Part<CachePolicyObserved> {
    let current = match known_id {
        Some(id) => match read(ctx, id).await {
            Ok(o) => o,
            Err(e) => {
                return Part::failed(
                    None,
                    ComponentError::aws(loc(), "could not read the cache policy", e),
                )
            }
        },
        None => None,
    };
    let Some(current) = current else {
        let created = match create(ctx, desired).await {
            Ok(o) => o,
            Err(e) => return Part::failed(None, e),
        };
        let mut part = Part::new(Some(created.clone()));
        read_back(ctx, desired, &created.id, &mut part).await;
        return part;
    };
    if in_sync(desired, &current) {
        return Part::new(Some(current));
    }
    let mut part = Part::new(Some(current.clone()));
    let mut etag = current.etag.clone().unwrap_or_default();
    for attempt in 0..2 {
        match update(ctx, &current.id, &etag, desired).await {
            Ok(()) => break,
            Err(e) if attempt == 0 && e.is(&["PreconditionFailed", "InvalidIfMatchVersion"]) => {
                // Someone changed it between our read and write: read the new ETag once.
                match read(ctx, &current.id).await {
                    Ok(Some(o)) => etag = o.etag.unwrap_or_default(),
                    _ => {
                        part.errors.push(ComponentError::aws(
                            loc(),
                            "could not update the cache policy",
                            e,
                        ));
                        break;
                    }
                }
            }
            Err(e) => {
                part.errors.push(ComponentError::aws(
                    loc(),
                    "could not update the cache policy",
                    e,
                ));
                break;
            }
        }
    }
    read_back(ctx, desired, &current.id, &mut part).await;
    part
}

/// The read that follows a write: what it shows goes to `part`, and a
/// setting it shows differing from `desired` (a write AWS acknowledged but
/// did not apply) is an error naming it, unless the write already failed.
async fn read_back(
    ctx: &Ctx<'_>,
    desired: &CachePolicy,
    id: &str,
    part: &mut Part<CachePolicyObserved>,
) {
    match read(ctx, id).await {
        Ok(o) => {
            if part.errors.is_empty() {
                let left = match &o {
                    Some(after) => not_reached(desired, after),
                    None => vec![("id", "no cache policy with this id".to_string())],
                };
                part.errors.extend(ComponentError::not_applied(
                    &loc(),
                    "cache policy",
                    id,
                    left,
                ));
            }
            // A policy the read does not find keeps the id the write
            // reported, so state does not lose it.
            if o.is_some() {
                part.observed = o;
            }
        }
        Err(e) => part.errors.push(ComponentError::aws(
            loc(),
            "could not read the cache policy back",
            e,
        )),
    }
}

/// Distributions whose cache behaviours use the policy.
async fn users(ctx: &Ctx<'_>, id: &str) -> Result<Vec<String>, AwsError> {
    let mut all = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = ctx
            .aws
            .cloudfront()
            .list_distributions_by_cache_policy_id()
            .cache_policy_id(id)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(crate::error::sdk(
                SERVICE,
                "ListDistributionsByCachePolicyId",
            ))?;
        let Some(list) = out.distribution_id_list() else {
            break;
        };
        all.extend(list.items().iter().cloned());
        match list.next_marker() {
            Some(m) if list.is_truncated() && !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    Ok(all)
}

/// The error of a policy that distributions `ids` still use, naming them.
pub fn in_use_error(id: &str, ids: &[String]) -> ComponentError {
    ComponentError::message(
        loc(),
        "cache policy still in use",
        format!("cache policy {id} is used by distribution(s) {}; point their cache behaviours at another policy first, then destroy again", ids.join(", ")),
    )
}

/// Delete the policy, unless a distribution still uses it.
pub(crate) async fn delete(ctx: &Ctx<'_>, id: &str) -> Part<CachePolicyObserved> {
    let in_use = |ids: &[String]| in_use_error(id, ids);
    match users(ctx, id).await {
        Ok(ids) if !ids.is_empty() => return Part::failed(None, in_use(&ids)),
        Ok(_) => {}
        Err(e) if e.is(&["NoSuchCachePolicy"]) => {
            ctx.release(&key(id));
            return Part::new(None);
        }
        // Some endpoints do not list by policy; the delete below still
        // refuses with CachePolicyInUse if the policy is attached.
        Err(e)
            if e.is(&[
                "NotImplemented",
                "InvalidAction",
                "UnknownOperationException",
            ]) => {}
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(
                    loc(),
                    "could not list the distributions using the cache policy",
                    e,
                ),
            )
        }
    }
    let current = match read(ctx, id).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            ctx.release(&key(id));
            return Part::new(None);
        }
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(loc(), "could not read the cache policy", e),
            )
        }
    };
    ctx.wrote();
    match ctx
        .aws
        .cloudfront()
        .delete_cache_policy()
        .id(id)
        .if_match(current.etag.clone().unwrap_or_default())
        .send()
        .await
    {
        Ok(_) => {
            ctx.release(&key(id));
            Part::new(None)
        }
        Err(e) => {
            let e = AwsError::from_sdk(SERVICE, "DeleteCachePolicy", e);
            if e.is(&["NoSuchCachePolicy"]) {
                ctx.release(&key(id));
                Part::new(None)
            } else if e.is(&["CachePolicyInUse"]) {
                // AWS's message does not name the distributions: list them
                // (a distribution may have taken the policy since the check).
                let error = match users(ctx, id).await {
                    Ok(ids) if !ids.is_empty() => in_use(&ids),
                    _ => ComponentError::aws(loc(), "cache policy still in use", e),
                };
                Part::failed(Some(current), error)
            } else {
                Part::failed(
                    Some(current),
                    ComponentError::aws(loc(), "could not delete the cache policy", e),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_reached_names_each_field_the_read_back_differs_on() {
        let want = runbook();
        let mut after = expected(&want);
        after.id = "658327ea".into();
        after.etag = Some("E1".into());
        // Lists come back in any order: not a difference.
        after.headers = vec!["Authorization".into(), "Authorization".into()];
        assert!(not_reached(&want, &after).is_empty());
        after.max_ttl = Some(31_536_000);
        after.enable_brotli = false;
        after.query_string_behavior = "none".into();
        let left = not_reached(&want, &after);
        assert_eq!(
            left,
            vec![
                (
                    "max_ttl",
                    "max_ttl Some(31536000) (expected Some(300))".to_string()
                ),
                (
                    "enable_accept_encoding_brotli",
                    "enable_accept_encoding_brotli false (expected true)".to_string()
                ),
                (
                    "query_string_behavior",
                    "query_string_behavior none (expected all)".to_string()
                ),
            ]
        );
        let errors = ComponentError::not_applied(&loc(), "cache policy", &after.id, left);
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].location, loc().then("max_ttl"));
        assert_eq!(errors[0].summary, "the cache policy change was not applied");
        let text = errors[0].error.to_string();
        assert!(
            text.contains("cache policy \"658327ea\" were acknowledged")
                && text.contains("max_ttl Some(31536000) (expected Some(300))"),
            "{text}"
        );
    }

    #[test]
    fn in_use_error_names_every_distribution() {
        let e = in_use_error(
            "658327ea",
            &["E1ABCDEF".to_string(), "E2GHIJKL".to_string()],
        );
        let text = e.error.to_string();
        assert!(text.contains("658327ea"), "{text}");
        assert!(text.contains("E1ABCDEF, E2GHIJKL"), "{text}");
        assert_eq!(e.summary, "cache policy still in use");
        assert_eq!(e.location, loc());
    }

    fn runbook() -> CachePolicy {
        CachePolicy {
            name: "SmuppyAPICache".into(),
            comment: None,
            min_ttl: Some(1),
            default_ttl: Some(60),
            max_ttl: Some(300),
            enable_gzip: true,
            enable_brotli: true,
            header_behavior: "whitelist".into(),
            headers: vec!["Authorization".into()],
            cookie_behavior: "none".into(),
            cookies: vec![],
            query_string_behavior: "all".into(),
            query_strings: vec![],
        }
    }

    #[test]
    fn ttl_defaults_follow_cloudfront() {
        let mut p = runbook();
        p.default_ttl = None;
        p.max_ttl = None;
        let e = expected(&p);
        assert_eq!(
            (e.min_ttl, e.default_ttl, e.max_ttl),
            (1, Some(86_400), Some(31_536_000))
        );
        p.min_ttl = Some(100_000);
        let e = expected(&p);
        assert_eq!(
            (e.default_ttl, e.max_ttl),
            (Some(100_000), Some(31_536_000))
        );
    }

    #[test]
    fn config_has_consistent_quantities() {
        let c = config(&runbook()).unwrap();
        let p = c.parameters_in_cache_key_and_forwarded_to_origin().unwrap();
        let h = p.headers_config().unwrap().headers().unwrap();
        assert_eq!(h.quantity() as usize, h.items().len());
        assert_eq!(h.items(), ["Authorization".to_string()]);
        assert!(p.cookies_config().unwrap().cookies().is_none());
        assert_eq!(c.min_ttl(), 1);
        let back = observed_from("id1", Some("E1"), &c);
        assert!(in_sync(&runbook(), &back));
        let mut changed = runbook();
        changed.max_ttl = Some(600);
        assert!(!in_sync(&changed, &back));
    }
}
