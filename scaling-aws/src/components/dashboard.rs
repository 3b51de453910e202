//! CloudWatch dashboard generated from the profile.
//!
//! The body is a pure function of the profile ([`dashboard_body`]): canonical
//! JSON (keys sorted, no whitespace) with widgets in a fixed order, so the
//! same profile always yields the same bytes and a second apply finds
//! nothing to change.

use crate::capture_key::CaptureKey;
use crate::error::{AwsError, ComponentError};
use crate::run::{Ctx, Part};
use crate::state::{Capture, DashboardObserved};
use scaling::model::{self, names};
use scaling::{Location, Profile};
use serde_json::{json, Value};

/// "No such dashboard": AWS documents `ResourceNotFound`; the error shape
/// is named `DashboardNotFoundError`, which some endpoints answer.
const NOT_FOUND: &[&str] = &[
    "ResourceNotFound",
    "DashboardNotFoundError",
    "ResourceNotFoundException",
];

const SERVICE: &str = "cloudwatch";
const WIDTH: i64 = 12;
const HEIGHT: i64 = 6;

fn loc() -> Location {
    Location::attr(model::DASHBOARD.location)
}

pub fn key(name: &str) -> String {
    CaptureKey::Dashboard {
        name: name.to_string(),
    }
    .to_string()
}

/// Serialise with object keys sorted at every level, whatever map type
/// serde_json was built with.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                if let Some(x) = m.get(*k) {
                    write_canonical(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Normalise a body read from AWS for comparison; a body that is not JSON
/// is kept as it is.
pub fn normalise(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(v) => canonical_json(&v),
        Err(_) => body.to_string(),
    }
}

fn widget(index: usize, title: String, region: &str, stat: &str, metrics: Vec<Value>) -> Value {
    let i = index as i64;
    json!({
        "type": "metric",
        "x": (i % 2) * WIDTH,
        "y": (i / 2) * HEIGHT,
        "width": WIDTH,
        "height": HEIGHT,
        "properties": {
            "title": title,
            "region": region,
            "view": "timeSeries",
            "stacked": false,
            "period": 60,
            "stat": stat,
            "metrics": metrics,
        }
    })
}

/// The dashboard body for `profile`, with the REST API named by its id.
pub fn dashboard_body(profile: &Profile, region: &str) -> String {
    dashboard_body_with(profile, region, None)
}

/// The dashboard body, with the API's name for CloudWatch's `ApiName`
/// dimension when known (API Gateway publishes REST metrics by name).
/// Widgets: API Gateway 5XXError, Latency, Count by ApiName and Stage;
/// per Lambda pool ConcurrentExecutions, Duration, Errors, Throttles by
/// FunctionName; per table ConsumedReadCapacityUnits and ThrottledRequests
/// by TableName. Pools and tables keep the profile's order.
pub fn dashboard_body_with(profile: &Profile, region: &str, api_name: Option<&str>) -> String {
    let region = profile.region.as_deref().unwrap_or(region);
    let mut widgets = Vec::new();
    if let Some(gw) = &profile.api_gateway {
        let api = api_name.or(gw.rest_api_id.as_deref()).unwrap_or("");
        let stage = gw.stage_name.as_deref().unwrap_or("");
        let dims = |metric: &str| json!(["AWS/ApiGateway", metric, "ApiName", api, "Stage", stage]);
        widgets.push(widget(
            widgets.len(),
            format!("API Gateway {api}/{stage} requests and 5XX"),
            region,
            "Sum",
            vec![dims("Count"), dims("5XXError")],
        ));
        widgets.push(widget(
            widgets.len(),
            format!("API Gateway {api}/{stage} latency p99"),
            region,
            "p99",
            vec![dims("Latency")],
        ));
    }
    for pool in &profile.lambdas {
        let f = pool.function_name.as_str();
        let dims = |metric: &str| json!(["AWS/Lambda", metric, "FunctionName", f]);
        widgets.push(widget(
            widgets.len(),
            format!("Lambda {f} concurrency"),
            region,
            "Maximum",
            vec![dims("ConcurrentExecutions")],
        ));
        widgets.push(widget(
            widgets.len(),
            format!("Lambda {f} duration p99"),
            region,
            "p99",
            vec![dims("Duration")],
        ));
        widgets.push(widget(
            widgets.len(),
            format!("Lambda {f} errors and throttles"),
            region,
            "Sum",
            vec![dims("Errors"), dims("Throttles")],
        ));
    }
    for t in &profile.dynamodb {
        let name = t.table_name.as_str();
        let dims = |metric: &str| json!(["AWS/DynamoDB", metric, "TableName", name]);
        widgets.push(widget(
            widgets.len(),
            format!("DynamoDB {name} reads and throttles"),
            region,
            "Sum",
            vec![dims("ConsumedReadCapacityUnits"), dims("ThrottledRequests")],
        ));
    }
    canonical_json(&json!({ "widgets": widgets }))
}

/// GetDashboard. `Ok(None)` when there is no dashboard of that name.
pub(crate) async fn read(
    ctx: &Ctx<'_>,
    name: &str,
    want: Option<&str>,
) -> Result<Option<DashboardObserved>, AwsError> {
    match ctx
        .aws
        .cloudwatch()
        .get_dashboard()
        .dashboard_name(name)
        .send()
        .await
    {
        Ok(out) => {
            let body = normalise(out.dashboard_body().unwrap_or_default());
            Ok(Some(DashboardObserved {
                name: name.to_string(),
                arn: out.dashboard_arn().map(str::to_string),
                matches_profile: want.is_some_and(|w| w == body),
                body,
            }))
        }
        Err(e) => {
            let e = AwsError::from_sdk(SERVICE, "GetDashboard", e);
            if e.is(NOT_FOUND) {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

/// The body this profile wants, with the API's real name (CloudWatch's
/// `ApiName` dimension). A failed lookup is an error, not a fallback: a body
/// built from the id would differ from the one built from the name, and the
/// dashboard would flap between the two. Only a deleted API falls back to
/// its id.
async fn wanted_body(ctx: &Ctx<'_>, profile: &Profile) -> Result<String, AwsError> {
    let mut api_name = None;
    if let Some(id) = profile
        .api_gateway
        .as_ref()
        .and_then(|g| g.rest_api_id.as_deref())
    {
        match ctx
            .aws
            .apigateway()
            .get_rest_api()
            .rest_api_id(id)
            .send()
            .await
        {
            Ok(api) => api_name = api.name().map(str::to_string),
            Err(e) => {
                let e = AwsError::from_sdk("apigateway", "GetRestApi", e);
                if !e.is(&["NotFoundException"]) {
                    return Err(e);
                }
            }
        }
    }
    Ok(dashboard_body_with(
        profile,
        ctx.aws.region(),
        api_name.as_deref(),
    ))
}

pub(crate) async fn refresh(ctx: &Ctx<'_>, profile: &Profile) -> Part<DashboardObserved> {
    let Some(d) = &profile.dashboard else {
        return Part::new(None);
    };
    let want = match wanted_body(ctx, profile).await {
        Ok(w) => w,
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(loc(), "could not read the API's name for the dashboard", e),
            )
        }
    };
    match read(ctx, &d.name, Some(&want)).await {
        Ok(o) => Part::new(o),
        Err(e) => Part::failed(
            None,
            ComponentError::aws(loc(), "could not read the dashboard", e),
        ),
    }
}

async fn put(ctx: &Ctx<'_>, name: &str, body: &str) -> Result<(), AwsError> {
    ctx.wrote();
    ctx.aws
        .cloudwatch()
        .put_dashboard()
        .dashboard_name(name)
        .dashboard_body(body)
        .send()
        .await
        .map(|_| ())
        .map_err(crate::error::sdk(SERVICE, "PutDashboard"))
}

pub(crate) async fn apply(ctx: &Ctx<'_>, profile: &Profile) -> Part<DashboardObserved> {
    let Some(d) = &profile.dashboard else {
        return Part::new(None);
    };
    let want = match wanted_body(ctx, profile).await {
        Ok(w) => w,
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(loc(), "could not read the API's name for the dashboard", e),
            )
        }
    };
    // The raw prior body is what destroy puts back, so read it unnormalised.
    let prior_raw = match ctx
        .aws
        .cloudwatch()
        .get_dashboard()
        .dashboard_name(&d.name)
        .send()
        .await
    {
        Ok(out) => Some(out.dashboard_body().unwrap_or_default().to_string()),
        Err(e) => {
            let e = AwsError::from_sdk(SERVICE, "GetDashboard", e);
            if !e.is(NOT_FOUND) {
                return Part::failed(
                    None,
                    ComponentError::aws(loc(), "could not read the dashboard", e),
                );
            }
            None
        }
    };
    ctx.capture_once(
        &key(&d.name),
        Capture::Dashboard {
            body: prior_raw.clone(),
        },
    );
    let mut part = Part::new(None);
    if prior_raw.as_deref().map(normalise).as_deref() != Some(want.as_str()) {
        if let Err(e) = put(ctx, &d.name, &want).await {
            part.errors
                .push(ComponentError::aws(loc(), "could not put the dashboard", e));
        }
    }
    match read(ctx, &d.name, Some(&want)).await {
        Ok(o) => {
            if part.errors.is_empty() {
                part.errors.extend(ComponentError::not_applied(
                    &loc(),
                    "dashboard",
                    &d.name,
                    not_reached(o.as_ref()),
                ));
            }
            part.observed = o;
        }
        Err(e) => part.errors.push(ComponentError::aws(
            loc(),
            "could not read the dashboard back",
            e,
        )),
    }
    part
}

/// What the read after putting the generated body still shows differing
/// from it, as (attribute, what the read shows): empty when AWS holds the
/// body (`after` read with the generated body to compare against).
pub fn not_reached(after: Option<&DashboardObserved>) -> Vec<(&'static str, String)> {
    match after {
        None => vec![(names::NAME, "no dashboard of this name".to_string())],
        Some(o) if !o.matches_profile => vec![(
            names::DASHBOARD_BODY_IN_SYNC,
            format!(
                "a body other than the one generated from the profile ({} bytes, normalised)",
                o.body.len()
            ),
        )],
        Some(_) => Vec::new(),
    }
}

/// Delete the dashboard the profile created, or put back the body it
/// replaced.
pub(crate) async fn revert(ctx: &Ctx<'_>, name: &str) -> Part<DashboardObserved> {
    let Some(Capture::Dashboard { body }) = ctx.capture(&key(name)) else {
        return Part::new(None);
    };
    let r = match &body {
        Some(b) => {
            let now = read(ctx, name, None).await;
            match now {
                Ok(Some(o)) if o.body == normalise(b) => Ok(()),
                Ok(_) => put(ctx, name, b).await,
                Err(e) => Err(e),
            }
        }
        None => {
            ctx.wrote();
            match ctx
                .aws
                .cloudwatch()
                .delete_dashboards()
                .dashboard_names(name)
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => {
                    let e = AwsError::from_sdk(SERVICE, "DeleteDashboards", e);
                    if e.is(NOT_FOUND) {
                        Ok(())
                    } else {
                        Err(e)
                    }
                }
            }
        }
    };
    match r {
        Ok(()) => {
            ctx.release(&key(name));
            Part::new(None)
        }
        Err(e) => Part::failed(
            None,
            ComponentError::aws(loc(), "could not restore the dashboard", e),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaling::{Dashboard, LambdaPool, StageThrottle, TableCapacity};

    #[test]
    fn not_reached_names_the_body_or_the_missing_dashboard() {
        let held = DashboardObserved {
            name: "SmuppyScaling".into(),
            arn: Some("arn:aws:cloudwatch::1:dashboard/SmuppyScaling".into()),
            body: "{}".into(),
            matches_profile: true,
        };
        assert!(not_reached(Some(&held)).is_empty());
        let other = DashboardObserved {
            matches_profile: false,
            ..held
        };
        let left = not_reached(Some(&other));
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].0, "body_in_sync");
        assert!(
            left[0].1.contains("other than the one generated"),
            "{left:?}"
        );
        let errors = ComponentError::not_applied(&loc(), "dashboard", "SmuppyScaling", left);
        assert_eq!(errors[0].location, loc().then("body_in_sync"));
        assert!(
            errors[0]
                .error
                .to_string()
                .contains("dashboard \"SmuppyScaling\" were acknowledged, but the read right after shows a body other"),
            "{}",
            errors[0].error
        );
        assert_eq!(
            not_reached(None),
            vec![("name", "no dashboard of this name".to_string())]
        );
    }

    fn profile() -> Profile {
        Profile {
            name: "staging".into(),
            api_gateway: Some(StageThrottle {
                rest_api_id: Some("bmkd8zayee".into()),
                stage_name: Some("staging".into()),
                rate_limit: Some(100.0),
                burst_limit: Some(50),
                integration_timeout_ms: None,
                methods: Vec::new(),
            }),
            lambdas: vec![LambdaPool {
                function_name: "smuppy-api-handler".into(),
                reserved_concurrency: None,
                provisioned_concurrency: None,
                qualifier: None,
                memory_size: None,
                timeout: None,
                publish_on_change: false,
            }],
            dynamodb: vec![TableCapacity {
                table_name: "feeds".into(),
                billing_mode: None,
                read_capacity: None,
                write_capacity: None,
                read_autoscaling: None,
                write_autoscaling: None,
            }],
            dashboard: Some(Dashboard {
                name: "SmuppyScaling".into(),
            }),
            ..Profile::default()
        }
    }

    #[test]
    fn body_is_deterministic_and_canonical() {
        let a = dashboard_body(&profile(), "us-east-1");
        let b = dashboard_body(&profile().clone(), "us-east-1");
        assert_eq!(a, b);
        assert_eq!(normalise(&a), a, "already canonical");
        let v: Value = serde_json::from_str(&a).unwrap();
        let widgets = v["widgets"].as_array().unwrap();
        assert_eq!(widgets.len(), 2 + 3 + 1);
        assert_eq!(
            widgets[0]["properties"]["metrics"][1],
            json!([
                "AWS/ApiGateway",
                "5XXError",
                "ApiName",
                "bmkd8zayee",
                "Stage",
                "staging"
            ])
        );
        assert_eq!(
            widgets[2]["properties"]["metrics"][0],
            json!([
                "AWS/Lambda",
                "ConcurrentExecutions",
                "FunctionName",
                "smuppy-api-handler"
            ])
        );
        assert_eq!(
            widgets[5]["properties"]["metrics"][1],
            json!(["AWS/DynamoDB", "ThrottledRequests", "TableName", "feeds"])
        );
        assert_eq!(widgets[1]["x"], json!(12));
        assert_eq!(widgets[2]["y"], json!(6));
        // keys sorted: "height" before "properties" before "type"
        let h = a.find("\"height\"").unwrap();
        let p = a.find("\"properties\"").unwrap();
        assert!(h < p);
        let named = dashboard_body_with(&profile(), "us-east-1", Some("smuppy-api"));
        assert!(named.contains("\"ApiName\",\"smuppy-api\""));
    }

    #[test]
    fn normalise_ignores_whitespace_and_key_order() {
        assert_eq!(
            normalise("{ \"b\": 1,\n \"a\": [1, {\"d\":2, \"c\":3}] }"),
            "{\"a\":[1,{\"c\":3,\"d\":2}],\"b\":1}"
        );
        assert_eq!(normalise("not json"), "not json");
    }
}
