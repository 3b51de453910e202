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

use scaling::model::{names, ACCELERATOR};
use serde_json::Value as Json;

use super::aws_attrs as aws;
use super::index::Index;
use super::Stack;
use crate::blocks::Unevaluated;

/// Adds the run's accelerator to `s`; with several, the reason none was read.
pub(super) fn add<'a>(s: &mut Stack<'a>, ix: &Index<'a>) -> Option<Unevaluated> {
    let accelerators = ix.of_type("aws_globalaccelerator_accelerator");
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
    let block = ACCELERATOR.name;
    let shown = |attr: &str| format!("{block}.{attr}");
    s.renames.insert(block.into(), ga.address.clone());
    for (attr, from) in [
        (names::NAME, aws::NAME),
        (names::ACCELERATOR_IP_ADDRESS_TYPE, aws::IP_ADDRESS_TYPE),
        (names::ACCELERATOR_ENABLED, aws::ENABLED),
    ] {
        s.set(&[block, attr], shown(attr), ga, from);
    }
    let listener = ix
        .linked(
            "aws_globalaccelerator_listener",
            "accelerator_arn",
            ga,
            ga.str(aws::ARN).as_deref(),
        )
        .into_iter()
        .next()?;
    s.set(
        &[block, names::ACCELERATOR_PROTOCOL],
        shown(names::ACCELERATOR_PROTOCOL),
        listener,
        aws::PROTOCOL,
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
        shown(names::ACCELERATOR_PORTS),
        listener.attr_address("port_range"),
    );
    if !ports.is_empty() {
        s.put(&[block, names::ACCELERATOR_PORTS], Json::Array(ports));
    }
    let group = ix
        .linked(
            "aws_globalaccelerator_endpoint_group",
            "listener_arn",
            listener,
            listener.str(aws::ARN).as_deref(),
        )
        .into_iter()
        .next()?;
    s.set(
        &[block, names::ACCELERATOR_ENDPOINT_GROUP_REGION],
        shown(names::ACCELERATOR_ENDPOINT_GROUP_REGION),
        group,
        aws::ENDPOINT_GROUP_REGION,
    );
    let endpoint = "endpoint_configuration.endpoint_id";
    match group.refs.get("endpoint_configuration[0].endpoint_id") {
        // An endpoint that is a resource read (an API's id), not known yet:
        // named by that resource's address, as a stage names its API.
        Some(target) if group.get(endpoint).is_none() => {
            s.put(
                &[block, names::ACCELERATOR_ENDPOINT_ID],
                Json::String(target.clone()),
            );
            s.renames.insert(
                shown(names::ACCELERATOR_ENDPOINT_ID),
                group.attr_address(endpoint),
            );
        }
        _ => s.set(
            &[block, names::ACCELERATOR_ENDPOINT_ID],
            shown(names::ACCELERATOR_ENDPOINT_ID),
            group,
            endpoint,
        ),
    }
    None
}
