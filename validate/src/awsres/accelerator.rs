//! The Global Accelerator of the stack: an `aws_globalaccelerator_accelerator`
//! (name, IP address type, enabled), the protocol and ports of its listener
//! (linked by `accelerator_arn`) and the Region and first endpoint of that
//! listener's endpoint group (linked by `listener_arn`).
//!
//! An accelerator's endpoints are load balancers, instances and Elastic
//! IPs, which the validator does not read; so what an accelerator fronts is
//! not followed. When a run has exactly one accelerator it is taken as the
//! stack's (the profile holding the functions and tables); with several,
//! none is read and the first profile says so.

use serde_json::Value as Json;

use super::{by_type, AwsResource, Stack};
use crate::blocks::Unevaluated;

/// Adds the run's accelerator to `s`; with several, the reason none was read.
pub(super) fn add<'a>(s: &mut Stack<'a>, all: &'a [AwsResource]) -> Option<Unevaluated> {
    let accelerators = by_type(all, "aws_globalaccelerator_accelerator");
    let ga = match accelerators.as_slice() {
        [] => return None,
        [one] => *one,
        [first, ..] => {
            // Said on the first by address, as a plan lists instances (an
            // HCL map keeps the order it is written in).
            let first = accelerators
                .iter()
                .min_by_key(|a| &a.address)
                .unwrap_or(first);
            return Some(Unevaluated {
                path: first.address.clone(),
                why: format!(
                    "{} Global Accelerators in the run; which stack each fronts is not known (their endpoints are load balancers, instances or Elastic IPs), none is read",
                    accelerators.len()
                ),
            });
        }
    };
    s.renames
        .insert("global_accelerator".into(), ga.address.clone());
    for attr in ["name", "ip_address_type", "enabled"] {
        s.set(
            &["global_accelerator", attr],
            format!("global_accelerator.{attr}"),
            ga,
            attr,
        );
    }
    let listener = by_type(all, "aws_globalaccelerator_listener")
        .into_iter()
        .find(|l| l.links("accelerator_arn", ga, ga.str("arn").as_deref()))?;
    s.set(
        &["global_accelerator", "protocol"],
        "global_accelerator.protocol".into(),
        listener,
        "protocol",
    );
    // Each range by its bounds: the profile lists ports, AWS takes ranges.
    let mut ports: Vec<Json> = Vec::new();
    for range in listener
        .values
        .get("port_range")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        for bound in ["from_port", "to_port"] {
            if let Some(p) = range.get(bound).filter(|p| p.is_number()) {
                if !ports.contains(p) {
                    ports.push(p.clone());
                }
            }
        }
    }
    s.renames.insert(
        "global_accelerator.ports".into(),
        listener.attr_address("port_range"),
    );
    if !ports.is_empty() {
        s.put(&["global_accelerator", "ports"], Json::Array(ports));
    }
    let group = by_type(all, "aws_globalaccelerator_endpoint_group")
        .into_iter()
        .find(|g| g.links("listener_arn", listener, listener.str("arn").as_deref()))?;
    s.set(
        &["global_accelerator", "endpoint_group_region"],
        "global_accelerator.endpoint_group_region".into(),
        group,
        "endpoint_group_region",
    );
    let endpoint = "endpoint_configuration.endpoint_id";
    match group.refs.get("endpoint_configuration[0].endpoint_id") {
        // An endpoint that is a resource read (an API's id), not known yet:
        // named by that resource's address, as a stage names its API.
        Some(target) if group.get(endpoint).is_none() => {
            s.put(
                &["global_accelerator", "endpoint_id"],
                Json::String(target.clone()),
            );
            s.renames.insert(
                "global_accelerator.endpoint_id".into(),
                group.attr_address(endpoint),
            );
        }
        _ => s.set(
            &["global_accelerator", "endpoint_id"],
            "global_accelerator.endpoint_id".into(),
            group,
            endpoint,
        ),
    }
    None
}
