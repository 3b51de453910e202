//! Linking, one `aws_*` type at a time: what a stage, a function, a table
//! or a quota brings to its stack, and the resources it pulls in by
//! reference or by equal names (method settings and integrations of a
//! stage's API, an alias and its provisioned concurrency, a table's scaling
//! targets and policies).

use super::index::Index;
use super::*;

pub(super) fn add_stage<'a>(s: &mut Stack<'a>, stage: &'a AwsResource, ix: &Index<'a>) {
    let id = stage
        .str("rest_api_id")
        .or_else(|| stage.refs.get("rest_api_id").cloned())
        .unwrap_or_else(|| stage.address.clone());
    s.put(&["api_gateway", "rest_api_id"], Json::String(id));
    s.renames.insert(
        "api_gateway.rest_api_id".into(),
        stage.attr_address("rest_api_id"),
    );
    let name = stage.str("stage_name");
    s.set(
        &["api_gateway", "stage_name"],
        "api_gateway.stage_name".into(),
        stage,
        "stage_name",
    );
    for m in ix.linked(
        "aws_api_gateway_method_settings",
        "stage_name",
        stage,
        name.as_deref(),
    ) {
        // A method's own settings override the stage-wide throttle for
        // that method alone: kept apart, as the stage's method throttles.
        match m.str("method_path").as_deref() {
            Some("*/*") => {}
            Some(_) => {
                let i = s.methods.len();
                for (field, attr) in [
                    ("rate_limit", "settings.throttling_rate_limit"),
                    ("burst_limit", "settings.throttling_burst_limit"),
                ] {
                    s.renames.insert(
                        format!("api_gateway.methods[{i}].{field}"),
                        m.attr_address(attr),
                    );
                    s.asked.insert((m.address.clone(), attr.to_string()));
                }
                if s.part_addresses.insert(m.address.as_str()) {
                    s.parts.push(m);
                }
                s.methods.push(m);
                continue;
            }
            // Not known: whether it is the stage's or a method's throttle
            // is not known either, and that is said (INP001).
            None => {
                s.asked.insert((m.address.clone(), "method_path".into()));
                if s.part_addresses.insert(m.address.as_str()) {
                    s.parts.push(m);
                }
                continue;
            }
        }
        for (field, attr) in [
            ("rate_limit", "settings.throttling_rate_limit"),
            ("burst_limit", "settings.throttling_burst_limit"),
        ] {
            let shown = format!("api_gateway.{field}");
            // -1, the AWS provider's default (a `*/*` setting for logging
            // only), is no throttle.
            if m.get(attr).and_then(Json::as_f64) == Some(-1.0) {
                s.renames.insert(shown, m.attr_address(attr));
                continue;
            }
            s.set(&["api_gateway", field], shown, m, attr);
        }
    }
    // The integrations of the stage's API that call a function: the
    // shortest timeout is the one a function must finish within (29,000 ms
    // when none is set).
    let api_ref = stage.refs.get("rest_api_id");
    let api_id = stage.str("rest_api_id");
    let integration = "aws_api_gateway_integration";
    let mut candidates = Vec::new();
    if let Some(r) = api_ref {
        candidates.extend(ix.referring(integration, "rest_api_id", r));
    }
    if let Some(id) = &api_id {
        candidates.extend(ix.valued(integration, "rest_api_id", None, id));
    }
    let shortest = ix
        .pick(candidates)
        .into_iter()
        .filter(|i| {
            let by_ref = api_ref.is_some() && i.refs.get("rest_api_id") == api_ref;
            let by_id = api_id.is_some() && i.str("rest_api_id") == api_id;
            by_ref || by_id
        })
        .filter(|i| i.get("timeout_milliseconds").is_some() && calls_function(i, ix))
        .min_by(|a, b| {
            let ms = |r: &AwsResource| r.get("timeout_milliseconds").and_then(Json::as_f64);
            ms(a)
                .partial_cmp(&ms(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    if let Some(i) = shortest {
        s.set(
            &["api_gateway", "integration_timeout_ms"],
            "api_gateway.integration_timeout_ms".into(),
            i,
            "timeout_milliseconds",
        );
    }
    s.renames
        .insert("api_gateway".into(), stage.address.clone());
}

/// Whether an integration's `uri` is a function's (or alias's) invoke ARN:
/// by reference, or a known `…:lambda:path/…/functions/ARN/invocations`
/// naming a function of the run.
fn calls_function(i: &AwsResource, ix: &Index) -> bool {
    let lambda = |address: &str| {
        ix.of_address(address)
            .any(|r| matches!(r.ty.as_str(), "aws_lambda_function" | "aws_lambda_alias"))
    };
    if i.refs.get("uri").is_some_and(|t| lambda(t)) {
        return true;
    }
    let Some(uri) = i.str("uri").filter(|u| u.contains(":lambda:path/")) else {
        return false;
    };
    names_a_function(&uri, |n| ix.is_function_name(n))
}

/// Whether `uri` holds `:function:NAME/` or `:function:NAME:` for a NAME
/// `known` accepts: each text after `:function:` up to a `/` or `:` is asked.
fn names_a_function(uri: &str, known: impl Fn(&str) -> bool) -> bool {
    const MARK: &str = ":function:";
    uri.match_indices(MARK).any(|(at, _)| {
        let rest = &uri[at + MARK.len()..];
        rest.match_indices(['/', ':'])
            .any(|(end, _)| known(&rest[..end]))
    })
}

/// A quota's value in force, as a request for it: the rules that compare a
/// setting with an account limit see the raised limit.
pub(super) fn add_quota<'a>(s: &mut Stack<'a>, q: &'a AwsResource) {
    let key = q.address.as_str();
    let shown = |attr: &str| format!("quota_requests[{key:?}].{attr}");
    s.renames
        .insert(format!("quota_requests[{key:?}]"), q.address.clone());
    for (attr, from) in [
        ("service_code", "service_code"),
        ("quota_code", "quota_code"),
        ("desired_value", "value"),
    ] {
        s.set(&["quota_requests", key, attr], shown(attr), q, from);
    }
}

pub(super) fn add_function<'a>(s: &mut Stack<'a>, f: &'a AwsResource, ix: &Index<'a>) {
    let key = f.address.as_str();
    let shown = |attr: &str| format!("lambda_pools[{key:?}].{attr}");
    let name = f.str("function_name");
    s.put(
        &["lambda_pools", key, "function_name"],
        Json::String(name.clone().unwrap_or_else(|| f.address.clone())),
    );
    s.renames
        .insert(format!("lambda_pools[{key:?}]"), f.address.clone());
    s.renames
        .insert(shown("function_name"), f.attr_address("function_name"));
    s.set(
        &["lambda_pools", key, "memory_size"],
        shown("memory_size"),
        f,
        "memory_size",
    );
    s.set(
        &["lambda_pools", key, "timeout"],
        shown("timeout"),
        f,
        "timeout",
    );
    // -1, the provider's default, is no reservation.
    if f.get("reserved_concurrent_executions")
        .and_then(Json::as_f64)
        != Some(-1.0)
    {
        s.set(
            &["lambda_pools", key, "reserved_concurrency"],
            shown("reserved_concurrency"),
            f,
            "reserved_concurrent_executions",
        );
    }
    s.set(
        &["lambda_pools", key, "publish_on_change"],
        shown("publish_on_change"),
        f,
        "publish",
    );
    let aliases = ix.linked("aws_lambda_alias", "function_name", f, name.as_deref());
    // Without a provisioned concurrency config, a finding about it is on the function.
    for attr in ["provisioned_concurrency", "qualifier"] {
        s.renames.insert(shown(attr), f.address.clone());
    }
    let config = "aws_lambda_provisioned_concurrency_config";
    let mut candidates = ix.referring(config, "function_name", &f.address);
    if let Some(n) = &name {
        candidates.extend(ix.valued(config, "function_name", Some(&f.ty), n));
    }
    for a in &aliases {
        candidates.extend(ix.referring(config, "function_name", &a.address));
    }
    for p in ix.pick(candidates) {
        // Its function_name names the function, or refers to an alias of it.
        let through_alias = aliases
            .iter()
            .any(|a| p.refs.get("function_name") == Some(&a.address));
        if !through_alias && !p.links("function_name", f, name.as_deref()) {
            continue;
        }
        s.set(
            &["lambda_pools", key, "provisioned_concurrency"],
            shown("provisioned_concurrency"),
            p,
            "provisioned_concurrent_executions",
        );
        let alias = aliases
            .iter()
            .find(|a| p.links("qualifier", a, a.str("name").as_deref()));
        match alias {
            Some(a) => s.set(
                &["lambda_pools", key, "qualifier"],
                shown("qualifier"),
                a,
                "name",
            ),
            None => s.set(
                &["lambda_pools", key, "qualifier"],
                shown("qualifier"),
                p,
                "qualifier",
            ),
        }
    }
}

pub(super) fn add_table<'a>(s: &mut Stack<'a>, t: &'a AwsResource, ix: &Index<'a>) {
    let key = t.address.as_str();
    let shown = |attr: &str| format!("dynamodb_tables[{key:?}].{attr}");
    let name = t.str("name");
    s.put(
        &["dynamodb_tables", key, "table_name"],
        Json::String(name.clone().unwrap_or_else(|| t.address.clone())),
    );
    s.renames
        .insert(format!("dynamodb_tables[{key:?}]"), t.address.clone());
    s.renames
        .insert(shown("table_name"), t.attr_address("name"));
    // The provider's default billing mode is PROVISIONED.
    if t.get("billing_mode").is_none() && !t.unevaluated.iter().any(|u| u.path == "billing_mode") {
        s.put(
            &["dynamodb_tables", key, "billing_mode"],
            json!("PROVISIONED"),
        );
        s.renames.insert(shown("billing_mode"), t.address.clone());
    }
    s.set(
        &["dynamodb_tables", key, "billing_mode"],
        shown("billing_mode"),
        t,
        "billing_mode",
    );
    let targets: Vec<&AwsResource> = ix
        .linked(
            "aws_appautoscaling_target",
            "resource_id",
            t,
            name.as_deref(),
        )
        .into_iter()
        .filter(|g| g.str("service_namespace").as_deref() == Some("dynamodb"))
        .collect();
    // On demand, the capacity attributes are computed and not used. Under
    // auto scaling, a capacity in ignore_changes is only where it starts.
    if t.str("billing_mode").as_deref() != Some("PAY_PER_REQUEST") {
        for (attr, dim) in [("read_capacity", "read"), ("write_capacity", "write")] {
            let scaled = targets
                .iter()
                .any(|g| dimension(g.str("scalable_dimension").as_deref()) == Some(dim));
            if scaled {
                match &t.ignored {
                    Some(ignored) if ignored.iter().any(|i| i == attr) => continue,
                    Some(_) => {}
                    None if t.get(attr).is_some_and(|v| !v.is_null()) => {
                        s.said.push(Unevaluated {
                            path: t.attr_address(attr),
                            why: format!(
                                "beside auto scaling, taken as the capacity the table starts with: plan JSON does not record `lifecycle {{ ignore_changes }}`; if {attr} is not ignored, each apply resets what auto scaling set (LIM021; a run on the configuration tells)"
                            ),
                        });
                        continue;
                    }
                    None => continue,
                }
            }
            s.set(&["dynamodb_tables", key, attr], shown(attr), t, attr);
        }
    }
    for g in &targets {
        let Some(dim) = dimension(g.str("scalable_dimension").as_deref()) else {
            continue;
        };
        let base = format!("dynamodb_tables[{key:?}].autoscaling.{dim}");
        for attr in ["min_capacity", "max_capacity"] {
            s.set(
                &["dynamodb_tables", key, "autoscaling", dim, attr],
                format!("{base}.{attr}"),
                g,
                attr,
            );
        }
        let policy = "aws_appautoscaling_policy";
        let mut candidates = ix.referring(policy, "resource_id", &g.address);
        candidates.extend(ix.referring(policy, "scalable_dimension", &g.address));
        candidates.extend(ix.referring(policy, "resource_id", &t.address));
        if let Some(n) = &name {
            candidates.extend(ix.valued(policy, "resource_id", Some(&t.ty), n));
        }
        for p in ix.pick(candidates) {
            let on_target = p.links("resource_id", g, None)
                || p.links("scalable_dimension", g, None)
                || (p.links("resource_id", t, name.as_deref())
                    && dimension(p.str("scalable_dimension").as_deref()) == Some(dim));
            if !on_target {
                continue;
            }
            let conf = "target_tracking_scaling_policy_configuration";
            for (from, to) in [
                ("target_value", "target_utilization"),
                ("scale_in_cooldown", "scale_in_cooldown"),
                ("scale_out_cooldown", "scale_out_cooldown"),
            ] {
                s.set(
                    &["dynamodb_tables", key, "autoscaling", dim, to],
                    format!("{base}.{to}"),
                    p,
                    &format!("{conf}.{from}"),
                );
            }
        }
    }
}

/// `dynamodb:table:ReadCapacityUnits` → `read`.
fn dimension(d: Option<&str>) -> Option<&'static str> {
    match d? {
        "dynamodb:table:ReadCapacityUnits" => Some("read"),
        "dynamodb:table:WriteCapacityUnits" => Some("write"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::names_a_function;

    /// The same answer as looking for `:function:NAME/` and
    /// `:function:NAME:` for each known name.
    #[test]
    fn a_function_is_found_in_an_invoke_uri_by_its_name() {
        let names = [
            "api",
            "api-v2",
            "arn:aws:lambda:eu-west-1:1:function:legacy",
        ];
        let known = |n: &str| names.contains(&n);
        let uri = |f: &str| {
            format!("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{f}/invocations")
        };
        for (function, found) in [
            ("arn:aws:lambda:eu-west-1:1:function:api", true),
            ("arn:aws:lambda:eu-west-1:1:function:api:live", true),
            ("arn:aws:lambda:eu-west-1:1:function:api-v2", true),
            ("arn:aws:lambda:eu-west-1:1:function:ap", false),
            ("arn:aws:lambda:eu-west-1:1:function:api-v3", false),
            // A name that is itself an ARN.
            (
                "arn:aws:lambda:eu-west-1:1:function:arn:aws:lambda:eu-west-1:1:function:legacy",
                true,
            ),
        ] {
            let u = uri(function);
            let scan = names.iter().any(|n| {
                u.contains(&format!(":function:{n}/")) || u.contains(&format!(":function:{n}:"))
            });
            assert_eq!(scan, found, "{u}");
            assert_eq!(names_a_function(&u, known), found, "{u}");
        }
    }
}
