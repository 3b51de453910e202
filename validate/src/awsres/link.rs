//! Linking, one `aws_*` type at a time: what a stage, a function, a table
//! or a quota brings to its stack, and the resources it pulls in by
//! reference or by equal names (method settings and integrations of a
//! stage's API, an alias and its provisioned concurrency, a table's scaling
//! targets and policies).

use scaling::model::{names, API_GATEWAY, AUTOSCALING, DYNAMODB, LAMBDA, QUOTA};
use scaling::model::{SCALING_READ, SCALING_WRITE};

use super::aws_attrs as aws;
use super::index::Index;
use super::*;

/// The throttle of a method setting: (the stage's setting, the AWS
/// provider's attribute).
const THROTTLES: [(&str, &str); 2] = [
    (names::STAGE_RATE_LIMIT, "settings.throttling_rate_limit"),
    (names::STAGE_BURST_LIMIT, "settings.throttling_burst_limit"),
];

pub(super) fn add_stage<'a>(s: &mut Stack<'a>, stage: &'a AwsResource, ix: &Index<'a>) {
    let block = API_GATEWAY.name;
    let shown = |attr: &str| format!("{block}.{attr}");
    let id = stage
        .str(aws::REST_API_ID)
        .or_else(|| stage.refs.get(aws::REST_API_ID).cloned())
        .unwrap_or_else(|| stage.address.clone());
    s.put(&[block, names::STAGE_REST_API_ID], Json::String(id));
    s.renames.insert(
        shown(names::STAGE_REST_API_ID),
        stage.attr_address(aws::REST_API_ID),
    );
    let name = stage.str(aws::STAGE_NAME);
    s.set(
        &[block, names::STAGE_NAME],
        shown(names::STAGE_NAME),
        stage,
        aws::STAGE_NAME,
    );
    for m in ix.linked(
        "aws_api_gateway_method_settings",
        aws::STAGE_NAME,
        stage,
        name.as_deref(),
    ) {
        // A method's own settings override the stage-wide throttle for
        // that method alone: kept apart, as the stage's method throttles.
        match m.str("method_path").as_deref() {
            Some("*/*") => {}
            Some(_) => {
                let i = s.methods.len();
                for (field, attr) in THROTTLES {
                    s.renames.insert(
                        format!("{block}.methods[{i}].{field}"),
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
        for (field, attr) in THROTTLES {
            // -1, the AWS provider's default (a `*/*` setting for logging
            // only), is no throttle.
            if m.get(attr).and_then(Json::as_f64) == Some(-1.0) {
                s.renames.insert(shown(field), m.attr_address(attr));
                continue;
            }
            s.set(&[block, field], shown(field), m, attr);
        }
    }
    // The integrations of the stage's API that call a function: the
    // shortest timeout is the one a function must finish within (29,000 ms
    // when none is set).
    let api_ref = stage.refs.get(aws::REST_API_ID);
    let api_id = stage.str(aws::REST_API_ID);
    let integration = "aws_api_gateway_integration";
    let mut candidates = Vec::new();
    if let Some(r) = api_ref {
        candidates.extend(ix.referring(integration, aws::REST_API_ID, r));
    }
    if let Some(id) = &api_id {
        candidates.extend(ix.valued(integration, aws::REST_API_ID, None, id));
    }
    let shortest = ix
        .pick(candidates)
        .into_iter()
        .filter(|i| {
            let by_ref = api_ref.is_some() && i.refs.get(aws::REST_API_ID) == api_ref;
            let by_id = api_id.is_some() && i.str(aws::REST_API_ID) == api_id;
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
            &[block, names::STAGE_INTEGRATION_TIMEOUT_MS],
            shown(names::STAGE_INTEGRATION_TIMEOUT_MS),
            i,
            "timeout_milliseconds",
        );
    }
    s.renames.insert(block.into(), stage.address.clone());
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
    let (block, key) = (QUOTA.name, q.address.as_str());
    let shown = |attr: &str| format!("{block}[{key:?}].{attr}");
    s.renames
        .insert(format!("{block}[{key:?}]"), q.address.clone());
    for (attr, from) in [
        (names::QUOTA_SERVICE_CODE, aws::SERVICE_CODE),
        (names::QUOTA_CODE, aws::QUOTA_CODE),
        (names::QUOTA_DESIRED_VALUE, "value"),
    ] {
        s.set(&[block, key, attr], shown(attr), q, from);
    }
}

pub(super) fn add_function<'a>(s: &mut Stack<'a>, f: &'a AwsResource, ix: &Index<'a>) {
    let (block, key) = (LAMBDA.name, f.address.as_str());
    let shown = |attr: &str| format!("{block}[{key:?}].{attr}");
    let name = f.str(aws::FUNCTION_NAME);
    s.put(
        &[block, key, names::FUNCTION_NAME],
        Json::String(name.clone().unwrap_or_else(|| f.address.clone())),
    );
    s.renames
        .insert(format!("{block}[{key:?}]"), f.address.clone());
    s.renames.insert(
        shown(names::FUNCTION_NAME),
        f.attr_address(aws::FUNCTION_NAME),
    );
    s.set(
        &[block, key, names::LAMBDA_MEMORY_SIZE],
        shown(names::LAMBDA_MEMORY_SIZE),
        f,
        aws::MEMORY_SIZE,
    );
    s.set(
        &[block, key, names::LAMBDA_TIMEOUT],
        shown(names::LAMBDA_TIMEOUT),
        f,
        aws::TIMEOUT,
    );
    // -1, the provider's default, is no reservation.
    if f.get("reserved_concurrent_executions")
        .and_then(Json::as_f64)
        != Some(-1.0)
    {
        s.set(
            &[block, key, names::LAMBDA_RESERVED_CONCURRENCY],
            shown(names::LAMBDA_RESERVED_CONCURRENCY),
            f,
            "reserved_concurrent_executions",
        );
    }
    s.set(
        &[block, key, names::LAMBDA_PUBLISH_FLAG],
        shown(names::LAMBDA_PUBLISH_FLAG),
        f,
        "publish",
    );
    let aliases = ix.linked("aws_lambda_alias", aws::FUNCTION_NAME, f, name.as_deref());
    // Without a provisioned concurrency config, a finding about it is on the function.
    for attr in [
        names::LAMBDA_PROVISIONED_CONCURRENCY,
        names::LAMBDA_QUALIFIER,
    ] {
        s.renames.insert(shown(attr), f.address.clone());
    }
    let config = "aws_lambda_provisioned_concurrency_config";
    let mut candidates = ix.referring(config, aws::FUNCTION_NAME, &f.address);
    if let Some(n) = &name {
        candidates.extend(ix.valued(config, aws::FUNCTION_NAME, Some(&f.ty), n));
    }
    for a in &aliases {
        candidates.extend(ix.referring(config, aws::FUNCTION_NAME, &a.address));
    }
    for p in ix.pick(candidates) {
        // Its function_name names the function, or refers to an alias of it.
        let through_alias = aliases
            .iter()
            .any(|a| p.refs.get(aws::FUNCTION_NAME) == Some(&a.address));
        if !through_alias && !p.links(aws::FUNCTION_NAME, f, name.as_deref()) {
            continue;
        }
        s.set(
            &[block, key, names::LAMBDA_PROVISIONED_CONCURRENCY],
            shown(names::LAMBDA_PROVISIONED_CONCURRENCY),
            p,
            "provisioned_concurrent_executions",
        );
        let alias = aliases
            .iter()
            .find(|a| p.links(aws::QUALIFIER, a, a.str(aws::NAME).as_deref()));
        let qualifier = [block, key, names::LAMBDA_QUALIFIER];
        match alias {
            Some(a) => s.set(&qualifier, shown(names::LAMBDA_QUALIFIER), a, aws::NAME),
            None => s.set(
                &qualifier,
                shown(names::LAMBDA_QUALIFIER),
                p,
                aws::QUALIFIER,
            ),
        }
    }
}

pub(super) fn add_table<'a>(s: &mut Stack<'a>, t: &'a AwsResource, ix: &Index<'a>) {
    let (block, key) = (DYNAMODB.name, t.address.as_str());
    let shown = |attr: &str| format!("{block}[{key:?}].{attr}");
    let name = t.str(aws::NAME);
    s.put(
        &[block, key, names::TABLE_NAME],
        Json::String(name.clone().unwrap_or_else(|| t.address.clone())),
    );
    s.renames
        .insert(format!("{block}[{key:?}]"), t.address.clone());
    s.renames
        .insert(shown(names::TABLE_NAME), t.attr_address(aws::NAME));
    // The provider's default billing mode is PROVISIONED.
    let billing = [block, key, names::TABLE_BILLING_MODE];
    if t.get(aws::BILLING_MODE).is_none()
        && !t.unevaluated.iter().any(|u| u.path == aws::BILLING_MODE)
    {
        s.put(&billing, json!("PROVISIONED"));
        s.renames
            .insert(shown(names::TABLE_BILLING_MODE), t.address.clone());
    }
    s.set(
        &billing,
        shown(names::TABLE_BILLING_MODE),
        t,
        aws::BILLING_MODE,
    );
    let targets: Vec<&AwsResource> = ix
        .linked(
            "aws_appautoscaling_target",
            "resource_id",
            t,
            name.as_deref(),
        )
        .into_iter()
        .filter(|g| g.str("service_namespace").as_deref() == Some(aws::NAMESPACE_DYNAMODB))
        .collect();
    // On demand, the capacity attributes are computed and not used. Under
    // auto scaling, a capacity in ignore_changes is only where it starts.
    if t.str(aws::BILLING_MODE).as_deref() != Some("PAY_PER_REQUEST") {
        for (field, attr, dim) in [
            (
                names::TABLE_READ_CAPACITY,
                aws::READ_CAPACITY,
                SCALING_READ.name,
            ),
            (
                names::TABLE_WRITE_CAPACITY,
                aws::WRITE_CAPACITY,
                SCALING_WRITE.name,
            ),
        ] {
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
            s.set(&[block, key, field], shown(field), t, attr);
        }
    }
    for g in &targets {
        let Some(dim) = dimension(g.str("scalable_dimension").as_deref()) else {
            continue;
        };
        let scaling = AUTOSCALING.name;
        let base = format!("{block}[{key:?}].{scaling}.{dim}");
        for (field, attr) in [
            (names::SCALING_MIN_CAPACITY, aws::MIN_CAPACITY),
            (names::SCALING_MAX_CAPACITY, aws::MAX_CAPACITY),
        ] {
            s.set(
                &[block, key, scaling, dim, field],
                format!("{base}.{field}"),
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
                ("target_value", names::SCALING_TARGET_UTILIZATION),
                (aws::SCALE_IN_COOLDOWN, names::SCALING_SCALE_IN_COOLDOWN),
                (aws::SCALE_OUT_COOLDOWN, names::SCALING_SCALE_OUT_COOLDOWN),
            ] {
                s.set(
                    &[block, key, scaling, dim, to],
                    format!("{base}.{to}"),
                    p,
                    &format!("{conf}.{from}"),
                );
            }
        }
    }
}

/// `dynamodb:table:ReadCapacityUnits` → `read` (the dimension's block).
fn dimension(d: Option<&str>) -> Option<&'static str> {
    match d? {
        "dynamodb:table:ReadCapacityUnits" => Some(SCALING_READ.name),
        "dynamodb:table:WriteCapacityUnits" => Some(SCALING_WRITE.name),
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
