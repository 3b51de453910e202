//! Service Quotas increase requests.
//!
//! A request is filed only when the applied value is below the desired one
//! and no request for the quota is open; an open request (PENDING or
//! CASE_OPENED) is adopted instead, so a re-apply, a refresh or a crash
//! right after filing never files twice. Requests cannot be withdrawn
//! through the API: destroy only warns.

use crate::error::{AwsError, ComponentError};
use crate::run::{Ctx, Part};
use crate::services;
use crate::state::QuotaObserved;
use aws_sdk_servicequotas::types::RequestedServiceQuotaChange;
use scaling::model::{self, names};
use scaling::{Location, QuotaRequest};

const SERVICE: &str = "service-quotas";

fn loc(i: usize) -> Location {
    Location::attr(model::QUOTA.location).index(i)
}

/// Statuses of a request AWS still works on.
pub fn is_open(status: &str) -> bool {
    matches!(status, "PENDING" | "CASE_OPENED")
}

/// Whether `e` is Lambda refusing a concurrency write because the account's
/// concurrent-executions limit leaves too few unreserved executions (AWS
/// answers InvalidParameterValueException, "... decreases account's
/// UnreservedConcurrentExecution below its minimum value of [100]").
fn is_account_limit_refusal(e: &ComponentError) -> bool {
    let crate::error::Cause::Aws(a) = &e.error else {
        return false;
    };
    a.service == services::LAMBDA
        && matches!(
            a.operation.as_str(),
            "PutFunctionConcurrency" | "PutProvisionedConcurrencyConfig"
        )
        && a.code.as_deref() == Some("InvalidParameterValueException")
        && a.message.contains("UnreservedConcurrentExecution")
}

/// The open (PENDING or CASE_OPENED) request among `quotas` for Lambda's
/// concurrent executions, the limit a refused concurrency write waits on.
pub fn open_lambda_concurrency(quotas: &[Option<QuotaObserved>]) -> Option<&QuotaObserved> {
    quotas.iter().flatten().find(|o| {
        o.service_code == services::LAMBDA
            && o.quota_code == scaling::limits::QUOTA_LAMBDA_CONCURRENCY
            && o.request_id.is_some()
            && o.request_status.as_deref().is_some_and(is_open)
    })
}

/// Rewrites each Lambda concurrency write refused for the account limit as
/// waiting on `open`, the increase this profile filed: the value cannot be
/// set before AWS approves it, and the next apply after approval sets it.
pub fn explain_waiting_for_increase(errors: &mut [ComponentError], open: &QuotaObserved) {
    for e in errors.iter_mut().filter(|e| is_account_limit_refusal(e)) {
        let aws = e.error.to_string();
        e.summary = "waiting for the Lambda concurrency quota increase".into();
        e.error = crate::error::Cause::Message(format!(
            "the account's concurrent executions limit is too low for this value until the quota increase this profile filed is approved: request {} for {}/{} (desired value {}) is {}. Everything else was applied; run apply again once the request is APPROVED. AWS answered: {aws}",
            open.request_id.as_deref().unwrap_or("?"),
            open.service_code,
            open.quota_code,
            open.requested_value
                .map(|v| format!("{v}"))
                .unwrap_or_else(|| "?".into()),
            open.request_status.as_deref().unwrap_or("?"),
        ));
    }
}

/// One entry of the quota's request history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub id: String,
    pub status: String,
    pub desired_value: Option<f64>,
    /// Seconds since the epoch.
    pub created: Option<f64>,
}

/// The request to report: the one with `known_id` if it is in the history,
/// else the open one, else none. Pure.
pub fn pick_request<'h>(
    history: &'h [HistoryEntry],
    known_id: Option<&str>,
) -> Option<&'h HistoryEntry> {
    let open = || {
        history
            .iter()
            .filter(|h| is_open(&h.status))
            .max_by(|a, b| {
                a.created
                    .unwrap_or(0.0)
                    .total_cmp(&b.created.unwrap_or(0.0))
            })
    };
    let known = known_id.and_then(|id| history.iter().find(|h| h.id == id));
    match known {
        // A newer open request (filed by someone else) takes precedence
        // over a closed one we knew.
        Some(k) if !is_open(&k.status) => open().or(Some(k)),
        Some(k) => Some(k),
        None => open(),
    }
}

/// Whether a new request must be filed. Pure.
pub fn must_file(desired: Option<f64>, applied: Option<f64>, history: &[HistoryEntry]) -> bool {
    match desired {
        Some(d) => applied.is_none_or(|a| a < d) && !history.iter().any(|h| is_open(&h.status)),
        None => false,
    }
}

fn entry(r: &RequestedServiceQuotaChange) -> Option<HistoryEntry> {
    Some(HistoryEntry {
        id: r.id()?.to_string(),
        status: r
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        desired_value: r.desired_value(),
        created: r.created().map(|d| d.as_secs_f64()),
    })
}

async fn history(ctx: &Ctx<'_>, q: &QuotaRequest) -> Result<Vec<HistoryEntry>, AwsError> {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = ctx
            .aws
            .servicequotas()
            .list_requested_service_quota_change_history_by_quota()
            .service_code(&q.service_code)
            .quota_code(&q.quota_code)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(crate::error::sdk(
                SERVICE,
                "ListRequestedServiceQuotaChangeHistoryByQuota",
            ))?;
        all.extend(out.requested_quotas().iter().filter_map(entry));
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(all)
}

/// (applied value, default value, quota name). The applied value falls back
/// to the AWS default for a quota that was never changed.
async fn values(
    ctx: &Ctx<'_>,
    q: &QuotaRequest,
) -> Result<(Option<f64>, Option<f64>, Option<String>), AwsError> {
    let sq = ctx.aws.servicequotas();
    let applied = match sq
        .get_service_quota()
        .service_code(&q.service_code)
        .quota_code(&q.quota_code)
        .send()
        .await
    {
        Ok(o) => o
            .quota()
            .map(|q| (q.value(), q.quota_name().map(str::to_string))),
        Err(e) => {
            let e = AwsError::from_sdk(SERVICE, "GetServiceQuota", e);
            if !e.is(&["NoSuchResourceException"]) {
                return Err(e);
            }
            None
        }
    };
    let default = match sq
        .get_aws_default_service_quota()
        .service_code(&q.service_code)
        .quota_code(&q.quota_code)
        .send()
        .await
    {
        Ok(o) => o
            .quota()
            .map(|q| (q.value(), q.quota_name().map(str::to_string))),
        Err(e) => {
            let e = AwsError::from_sdk(SERVICE, "GetAWSDefaultServiceQuota", e);
            if applied.is_none() || !e.is(&["NoSuchResourceException"]) {
                return Err(e);
            }
            None
        }
    };
    let name = applied
        .as_ref()
        .and_then(|a| a.1.clone())
        .or_else(|| default.as_ref().and_then(|d| d.1.clone()));
    let default_value = default.and_then(|d| d.0);
    Ok((
        applied.and_then(|a| a.0).or(default_value),
        default_value,
        name,
    ))
}

async fn read_with_history(
    ctx: &Ctx<'_>,
    q: &QuotaRequest,
    known_id: Option<&str>,
) -> Result<(QuotaObserved, Vec<HistoryEntry>), AwsError> {
    let (applied, default, name) = values(ctx, q).await?;
    let hist = history(ctx, q).await?;
    let picked = pick_request(&hist, known_id);
    Ok((
        QuotaObserved {
            service_code: q.service_code.clone(),
            quota_code: q.quota_code.clone(),
            quota_name: name,
            applied_value: applied,
            default_value: default,
            request_id: picked.map(|p| p.id.clone()),
            request_status: picked.map(|p| p.status.clone()),
            requested_value: picked.and_then(|p| p.desired_value),
        },
        hist,
    ))
}

pub(crate) async fn refresh(
    ctx: &Ctx<'_>,
    i: usize,
    q: &QuotaRequest,
    known_id: Option<&str>,
) -> Part<QuotaObserved> {
    match read_with_history(ctx, q, known_id).await {
        Ok((o, _)) => Part::new(Some(o)),
        Err(e) => Part::failed(
            None,
            ComponentError::aws(loc(i), "could not read the quota", e),
        ),
    }
}

pub(crate) async fn apply(
    ctx: &Ctx<'_>,
    i: usize,
    q: &QuotaRequest,
    known_id: Option<&str>,
) -> Part<QuotaObserved> {
    let (before, hist) = match read_with_history(ctx, q, known_id).await {
        Ok(x) => x,
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(loc(i), "could not read the quota", e),
            )
        }
    };
    let mut part = Part::new(Some(before.clone()));
    if !must_file(q.desired_value, before.applied_value, &hist) {
        if let (Some(d), Some(open)) = (q.desired_value, hist.iter().find(|h| is_open(&h.status))) {
            if open
                .desired_value
                .is_some_and(|v| (v - d).abs() > f64::EPSILON)
                && before.applied_value.is_none_or(|a| a < d)
            {
                part.warnings.push(ComponentError::message(
                    loc(i).then(names::QUOTA_DESIRED_VALUE),
                    "another increase request is open",
                    format!(
                        "request {} for {} is {}; AWS allows one open request per quota, so {} can only be requested once it closes",
                        open.id,
                        open.desired_value.map(|v| v.to_string()).unwrap_or_default(),
                        open.status,
                        d
                    ),
                ));
            }
        }
        return part;
    }
    let Some(desired) = q.desired_value else {
        return part;
    };
    ctx.wrote();
    let filed = ctx
        .aws
        .servicequotas()
        .request_service_quota_increase()
        .service_code(&q.service_code)
        .quota_code(&q.quota_code)
        .desired_value(desired)
        .send()
        .await;
    let new_id = match filed {
        Ok(out) => out
            .requested_quota()
            .and_then(|r| r.id())
            .map(str::to_string),
        Err(e) => {
            let e = AwsError::from_sdk(SERVICE, "RequestServiceQuotaIncrease", e);
            if !e.is(&["ResourceAlreadyExistsException"]) {
                part.errors.push(ComponentError::aws(
                    loc(i).then(names::QUOTA_DESIRED_VALUE),
                    "could not request the quota increase",
                    e,
                ));
                return part;
            }
            // Filed meanwhile (another run, the console): adopt it below.
            None
        }
    };
    match read_with_history(ctx, q, new_id.as_deref().or(known_id)).await {
        Ok((o, _)) => part.observed = Some(o),
        Err(e) => part.errors.push(ComponentError::aws(
            loc(i),
            "could not read the quota back",
            e,
        )),
    }
    if let (Some(id), Some(o)) = (&new_id, part.observed.as_mut()) {
        // History can lag behind the request just filed.
        if o.request_id.as_deref() != Some(id.as_str()) {
            o.request_id = Some(id.clone());
            o.request_status = Some("PENDING".into());
            o.requested_value = Some(desired);
        }
    }
    part
}

/// Nothing to call: AWS has no way to withdraw or lower a request.
pub(crate) fn destroy_warning(
    i: usize,
    q: &QuotaRequest,
    o: Option<&QuotaObserved>,
) -> ComponentError {
    let what = match o.and_then(|o| o.request_id.as_deref().zip(o.request_status.as_deref())) {
        Some((id, status)) => format!("request {id} ({status})"),
        None => "the quota".to_string(),
    };
    ComponentError::message(
        loc(i),
        "quota requests cannot be withdrawn",
        format!(
            "{}/{}: {what} stays as it is; Service Quotas has no API to withdraw a request or lower a quota (close the linked support case to stop a pending one)",
            q.service_code, q.quota_code
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(op: &str, code: &str, message: &str) -> ComponentError {
        ComponentError::aws(
            Location::attr("lambda")
                .index(0)
                .then("reserved_concurrency"),
            "could not set reserved concurrency",
            AwsError {
                service: "lambda".into(),
                operation: op.into(),
                code: Some(code.into()),
                message: message.into(),
                request_id: None,
            },
        )
    }

    fn open_request(status: &str) -> QuotaObserved {
        QuotaObserved {
            service_code: "lambda".into(),
            quota_code: scaling::limits::QUOTA_LAMBDA_CONCURRENCY.into(),
            request_id: Some("req-1".into()),
            request_status: Some(status.into()),
            requested_value: Some(10100.0),
            ..QuotaObserved::default()
        }
    }

    #[test]
    fn concurrency_refused_for_the_account_limit_names_the_open_request() {
        let below = "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].";
        let mut errors = vec![
            refusal(
                "PutFunctionConcurrency",
                "InvalidParameterValueException",
                below,
            ),
            refusal(
                "PutFunctionConcurrency",
                "ResourceConflictException",
                "update in progress",
            ),
        ];
        let quotas = [None, Some(open_request("CASE_OPENED"))];
        let open = open_lambda_concurrency(&quotas).expect("an open request");
        explain_waiting_for_increase(&mut errors, open);
        assert_eq!(
            errors[0].summary,
            "waiting for the Lambda concurrency quota increase"
        );
        let text = errors[0].error.to_string();
        for part in [
            "req-1",
            "lambda/L-B99A9384",
            "desired value 10100",
            "is CASE_OPENED",
            "apply again",
            below,
        ] {
            assert!(text.contains(part), "{part:?} missing from {text}");
        }
        // Other refusals are left as AWS gave them.
        assert_eq!(errors[1].summary, "could not set reserved concurrency");
    }

    #[test]
    fn only_an_open_lambda_concurrency_request_counts() {
        assert!(open_lambda_concurrency(&[Some(open_request("APPROVED"))]).is_none());
        assert!(open_lambda_concurrency(&[Some(open_request("DENIED"))]).is_none());
        let mut other = open_request("PENDING");
        other.quota_code = "L-8A5B8E43".into();
        assert!(open_lambda_concurrency(&[Some(other)]).is_none());
        assert!(open_lambda_concurrency(&[Some(open_request("PENDING"))]).is_some());
    }

    fn h(id: &str, status: &str, created: f64) -> HistoryEntry {
        HistoryEntry {
            id: id.into(),
            status: status.into(),
            desired_value: Some(100000.0),
            created: Some(created),
        }
    }

    #[test]
    fn files_only_below_desired_and_without_open_request() {
        assert!(must_file(Some(100000.0), Some(10000.0), &[]));
        assert!(!must_file(Some(100000.0), Some(100000.0), &[]));
        assert!(!must_file(
            Some(100000.0),
            Some(10000.0),
            &[h("r1", "PENDING", 1.0)]
        ));
        assert!(!must_file(
            Some(100000.0),
            Some(10000.0),
            &[h("r1", "CASE_OPENED", 1.0)]
        ));
        assert!(must_file(
            Some(100000.0),
            Some(10000.0),
            &[h("r1", "DENIED", 1.0)]
        ));
        assert!(!must_file(None, Some(1.0), &[]));
    }

    #[test]
    fn picks_known_then_open() {
        let hist = [h("old", "DENIED", 1.0), h("open", "PENDING", 2.0)];
        assert_eq!(
            pick_request(&hist, None).map(|e| e.id.as_str()),
            Some("open")
        );
        assert_eq!(
            pick_request(&hist, Some("open")).map(|e| e.id.as_str()),
            Some("open")
        );
        assert_eq!(
            pick_request(&hist, Some("old")).map(|e| e.id.as_str()),
            Some("open")
        );
        assert_eq!(
            pick_request(&hist[..1], Some("old")).map(|e| e.id.as_str()),
            Some("old")
        );
        assert_eq!(pick_request(&hist[..1], None), None);
    }
}
