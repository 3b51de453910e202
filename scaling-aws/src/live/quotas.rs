//! Service Quotas reads: applied values and open increase requests.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_servicequotas::types::RequestStatus;
use futures::stream::{self, StreamExt};
use scaling::{FactKey, OpenQuotaRequest};

use super::misses::{quota_miss, Misses};
use super::PARALLEL;
use crate::{Aws, AwsError};

/// Pages of quota request history read per quota and status.
const MAX_REQUEST_PAGES: usize = 10;

pub(super) type QuotaFacts = (BTreeMap<String, f64>, Vec<OpenQuotaRequest>);

pub(super) async fn read_quotas(
    aws: &Aws,
    quotas: &BTreeSet<(String, String)>,
) -> (QuotaFacts, Misses) {
    let per_quota: Vec<_> = stream::iter(quotas.iter().cloned())
        .map(|(service, code)| async move {
            let (applied, open) = futures::join!(
                applied_value(aws, &service, &code),
                open_requests(aws, &service, &code),
            );
            (service, code, applied, open)
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    let mut m = Misses::default();
    let mut applied = BTreeMap::new();
    let mut open = Vec::new();
    for (service, code, a, o) in per_quota {
        match a {
            Ok(v) => {
                m.ok();
                if let Some(v) = v {
                    applied.insert(scaling::Limits::quota_key(&service, &code), v);
                }
            }
            Err(e) => quota_miss(&mut m, &service, &code, e),
        }
        match o {
            Ok(o) => {
                m.ok();
                open.extend(o);
            }
            Err(e) => m.miss(
                FactKey::QuotaRequests(&service, &code),
                format!("The open increase requests of quota {service}/{code}"),
                "none open (LIM012 and the pending notes skip this quota)",
                e,
            ),
        }
    }
    // Misses in a stable order, whatever order the reads finished in.
    m.unread.sort_by(|a, b| a.key.cmp(&b.key));
    open.sort_by(|a, b| {
        (&a.service_code, &a.quota_code, &a.request_id).cmp(&(
            &b.service_code,
            &b.quota_code,
            &b.request_id,
        ))
    });
    ((applied, open), m)
}

/// The applied value, else the AWS default; `None` when the quota is unknown.
pub(super) async fn applied_value(
    aws: &Aws,
    service: &str,
    code: &str,
) -> Result<Option<f64>, AwsError> {
    let sq = aws.servicequotas();
    match sq
        .get_service_quota()
        .service_code(service)
        .quota_code(code)
        .send()
        .await
    {
        Ok(out) => {
            if let Some(v) = out.quota().and_then(|q| q.value()) {
                return Ok(Some(v));
            }
        }
        Err(e) => {
            let e = AwsError::from_sdk("servicequotas", "GetServiceQuota", e);
            if !e.is(&["NoSuchResourceException"]) {
                return Err(e);
            }
        }
    }
    match sq
        .get_aws_default_service_quota()
        .service_code(service)
        .quota_code(code)
        .send()
        .await
    {
        Ok(out) => Ok(out.quota().and_then(|q| q.value())),
        Err(e) => {
            let e = AwsError::from_sdk("servicequotas", "GetAWSDefaultServiceQuota", e);
            if e.is(&["NoSuchResourceException"]) {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

/// Increase requests for one quota that are still open.
async fn open_requests(
    aws: &Aws,
    service: &str,
    code: &str,
) -> Result<Vec<OpenQuotaRequest>, AwsError> {
    let mut out = Vec::new();
    for status in [RequestStatus::Pending, RequestStatus::CaseOpened] {
        let mut token: Option<String> = None;
        for _ in 0..MAX_REQUEST_PAGES {
            let page = aws
                .servicequotas()
                .list_requested_service_quota_change_history_by_quota()
                .service_code(service)
                .quota_code(code)
                .status(status.clone())
                .set_next_token(token.take())
                .send()
                .await;
            let page = match page {
                Ok(p) => p,
                Err(e) => {
                    let e = AwsError::from_sdk(
                        "servicequotas",
                        "ListRequestedServiceQuotaChangeHistoryByQuota",
                        e,
                    );
                    if e.is(&["NoSuchResourceException"]) {
                        break;
                    }
                    return Err(e);
                }
            };
            for r in page.requested_quotas() {
                let Some(desired) = r.desired_value() else {
                    continue;
                };
                out.push(OpenQuotaRequest {
                    service_code: r.service_code().unwrap_or(service).to_string(),
                    quota_code: r.quota_code().unwrap_or(code).to_string(),
                    desired_value: desired,
                    status: r
                        .status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| status.as_str().to_string()),
                    request_id: r.id().map(str::to_string),
                });
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
    }
    Ok(out)
}
