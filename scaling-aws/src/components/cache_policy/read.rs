//! Reading a policy by id, finding one by name, and listing the
//! distributions that use it.

use super::model::{loc, observed_from, SERVICE};
use crate::error::{absent_if, AwsError, ComponentError};
use crate::run::{Ctx, Part};
use crate::state::CachePolicyObserved;

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

/// The id of the custom cache policy named `name`, if any.
pub(super) async fn find_by_name(ctx: &Ctx<'_>, name: &str) -> Result<Option<String>, AwsError> {
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

/// Distributions whose cache behaviours use the policy.
pub(super) async fn users(ctx: &Ctx<'_>, id: &str) -> Result<Vec<String>, AwsError> {
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
