//! Global Accelerator with one listener and one endpoint group (API in
//! us-west-2 whatever the endpoints' region).
//!
//! CreateAccelerator takes an idempotency token derived from the profile
//! and accelerator names, so a crash between create and saving state and a
//! retry do not make a second accelerator. Destroy disables it first (an
//! enabled accelerator cannot be deleted), waits for DEPLOYED, then deletes
//! the endpoint group, the listener and the accelerator.

use crate::capture_key::CaptureKey;
use crate::error::{absent_if, AwsError, ComponentError, NotReached};
use crate::run::{poll_until, Ctx, Part};
use crate::state::{AcceleratorObserved, Capture};
use aws_sdk_globalaccelerator::types::{EndpointConfiguration, IpAddressType, PortRange, Protocol};
use scaling::model::{self, names};
use scaling::{Accelerator, Location};

const SERVICE: &str = "globalaccelerator";

fn loc() -> Location {
    Location::attr(model::ACCELERATOR.location)
}

pub fn key(arn: &str) -> String {
    CaptureKey::Accelerator {
        arn: arn.to_string(),
    }
    .to_string()
}

/// Deterministic idempotency token for one of the profile's GA resources
/// (FNV-1a of the names; the same inputs always give the same token).
pub fn idempotency_token(profile: &str, accelerator: &str, part: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in profile
        .bytes()
        .chain([0u8])
        .chain(accelerator.bytes())
        .chain([0u8])
        .chain(part.bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("smuppy-{part}-{h:016x}")
}

fn ports(p: &[i64]) -> Vec<PortRange> {
    p.iter()
        .filter_map(|p| i32::try_from(*p).ok())
        .map(|p| PortRange::builder().from_port(p).to_port(p).build())
        .collect()
}

/// Read the accelerator, its first listener and that listener's first
/// endpoint group. `Ok(None)` when the accelerator is gone.
pub(crate) async fn read(
    ctx: &Ctx<'_>,
    arn: &str,
) -> Result<Option<AcceleratorObserved>, AwsError> {
    let ga = ctx.aws.globalaccelerator();
    let acc = ga
        .describe_accelerator()
        .accelerator_arn(arn)
        .send()
        .await
        .map_err(crate::error::sdk(SERVICE, "DescribeAccelerator"));
    let Some(acc) = absent_if(acc, &["AcceleratorNotFoundException"])? else {
        return Ok(None);
    };
    let Some(a) = acc.accelerator() else {
        return Ok(None);
    };
    let mut o = AcceleratorObserved {
        arn: arn.to_string(),
        name: a.name().unwrap_or_default().to_string(),
        enabled: a.enabled().unwrap_or(false),
        ip_address_type: a.ip_address_type().map(|t| t.as_str().to_string()),
        status: a.status().map(|s| s.as_str().to_string()),
        dns_name: a.dns_name().map(str::to_string),
        ip_addresses: a
            .ip_sets()
            .iter()
            .flat_map(|s| s.ip_addresses().iter().cloned())
            .collect(),
        ..AcceleratorObserved::default()
    };
    let listeners = ga
        .list_listeners()
        .accelerator_arn(arn)
        .send()
        .await
        .map_err(crate::error::sdk(SERVICE, "ListListeners"))?;
    if let Some(l) = listeners.listeners().first() {
        o.listener_arn = l.listener_arn().map(str::to_string);
        o.protocol = l.protocol().map(|p| p.as_str().to_string());
        o.ports = l
            .port_ranges()
            .iter()
            .filter_map(|r| r.from_port().map(i64::from))
            .collect();
        if let Some(la) = l.listener_arn() {
            let groups = ga
                .list_endpoint_groups()
                .listener_arn(la)
                .send()
                .await
                .map_err(crate::error::sdk(SERVICE, "ListEndpointGroups"))?;
            if let Some(g) = groups.endpoint_groups().first() {
                o.endpoint_group_arn = g.endpoint_group_arn().map(str::to_string);
                o.endpoint_group_region = g.endpoint_group_region().map(str::to_string);
                o.endpoint_ids = g
                    .endpoint_descriptions()
                    .iter()
                    .filter_map(|d| d.endpoint_id().map(str::to_string))
                    .collect();
            }
        }
    }
    Ok(Some(o))
}

pub(crate) async fn refresh(ctx: &Ctx<'_>, arn: Option<&str>) -> Part<AcceleratorObserved> {
    let Some(arn) = arn else {
        return Part::new(None);
    };
    match read(ctx, arn).await {
        Ok(o) => Part::new(o),
        Err(e) => Part::failed(
            None,
            ComponentError::aws(loc(), "could not read the accelerator", e),
        ),
    }
}

async fn step(
    ctx: &Ctx<'_>,
    desired: &Accelerator,
    profile: &str,
    arn: &str,
    now: &AcceleratorObserved,
) -> Result<(), AwsError> {
    let ga = ctx.aws.globalaccelerator();
    let want_type = desired.ip_address_type.as_str();
    if now.name != desired.name
        || now.enabled != desired.enabled
        || now.ip_address_type.as_deref() != Some(want_type)
    {
        ctx.wrote();
        ga.update_accelerator()
            .accelerator_arn(arn)
            .name(&desired.name)
            .enabled(desired.enabled)
            .ip_address_type(IpAddressType::from(want_type))
            .send()
            .await
            .map_err(crate::error::sdk(SERVICE, "UpdateAccelerator"))?;
    }
    let mut want_ports = desired.ports.clone();
    want_ports.sort();
    let mut have_ports = now.ports.clone();
    have_ports.sort();
    let listener = match &now.listener_arn {
        None => {
            ctx.wrote();
            let l = ga
                .create_listener()
                .accelerator_arn(arn)
                .set_port_ranges(Some(ports(&want_ports)))
                .protocol(Protocol::from(desired.protocol.as_str()))
                .idempotency_token(idempotency_token(profile, &desired.name, "listener"))
                .send()
                .await
                .map_err(crate::error::sdk(SERVICE, "CreateListener"))?;
            l.listener()
                .and_then(|l| l.listener_arn())
                .map(str::to_string)
        }
        Some(la) => {
            if have_ports != want_ports
                || now.protocol.as_deref() != Some(desired.protocol.as_str())
            {
                ctx.wrote();
                ga.update_listener()
                    .listener_arn(la)
                    .set_port_ranges(Some(ports(&want_ports)))
                    .protocol(Protocol::from(desired.protocol.as_str()))
                    .send()
                    .await
                    .map_err(crate::error::sdk(SERVICE, "UpdateListener"))?;
            }
            Some(la.clone())
        }
    };
    let (Some(listener), Some(region)) = (listener, desired.endpoint_group_region.as_deref())
    else {
        return Ok(());
    };
    let endpoints: Vec<EndpointConfiguration> = desired
        .endpoint_id
        .iter()
        .map(|id| EndpointConfiguration::builder().endpoint_id(id).build())
        .collect();
    match &now.endpoint_group_arn {
        Some(g) if now.endpoint_group_region.as_deref() == Some(region) => {
            let want: Vec<String> = desired.endpoint_id.iter().cloned().collect();
            if now.endpoint_ids != want {
                ctx.wrote();
                ga.update_endpoint_group()
                    .endpoint_group_arn(g)
                    .set_endpoint_configurations(Some(endpoints))
                    .send()
                    .await
                    .map_err(crate::error::sdk(SERVICE, "UpdateEndpointGroup"))?;
            }
        }
        other => {
            if let Some(g) = other {
                // The region of an endpoint group cannot change: replace it.
                ctx.wrote();
                ga.delete_endpoint_group()
                    .endpoint_group_arn(g)
                    .send()
                    .await
                    .map_err(crate::error::sdk(SERVICE, "DeleteEndpointGroup"))?;
            }
            ctx.wrote();
            ga.create_endpoint_group()
                .listener_arn(&listener)
                .endpoint_group_region(region)
                .set_endpoint_configurations(Some(endpoints))
                .idempotency_token(idempotency_token(
                    profile,
                    &desired.name,
                    &format!("group-{region}"),
                ))
                .send()
                .await
                .map_err(crate::error::sdk(SERVICE, "CreateEndpointGroup"))?;
        }
    }
    Ok(())
}

pub(crate) async fn apply(
    ctx: &Ctx<'_>,
    profile: &str,
    desired: &Accelerator,
    known_arn: Option<&str>,
) -> Part<AcceleratorObserved> {
    let ga = ctx.aws.globalaccelerator();
    let existing = match known_arn {
        Some(arn) => match read(ctx, arn).await {
            Ok(o) => o,
            Err(e) => {
                return Part::failed(
                    None,
                    ComponentError::aws(loc(), "could not read the accelerator", e),
                )
            }
        },
        None => None,
    };
    let now = match existing {
        Some(o) => o,
        None => {
            ctx.wrote();
            let created = ga
                .create_accelerator()
                .name(&desired.name)
                .ip_address_type(IpAddressType::from(desired.ip_address_type.as_str()))
                .enabled(desired.enabled)
                .idempotency_token(idempotency_token(profile, &desired.name, "accelerator"))
                .send()
                .await;
            let arn = match created {
                Ok(out) => out
                    .accelerator()
                    .and_then(|a| a.accelerator_arn())
                    .map(str::to_string),
                Err(e) => {
                    return Part::failed(
                        None,
                        ComponentError::aws(
                            loc(),
                            "could not create the accelerator",
                            AwsError::from_sdk(SERVICE, "CreateAccelerator", e),
                        ),
                    )
                }
            };
            let Some(arn) = arn else {
                return Part::failed(
                    None,
                    ComponentError::message(
                        loc(),
                        "no accelerator in the answer",
                        "CreateAccelerator returned no ARN",
                    ),
                );
            };
            ctx.capture_once(&key(&arn), Capture::Created { id: arn.clone() });
            match read(ctx, &arn).await {
                Ok(Some(o)) => o,
                Ok(None) => {
                    return Part::failed(
                        None,
                        ComponentError::message(
                            loc(),
                            "accelerator vanished",
                            format!("{arn} was created but cannot be read"),
                        ),
                    )
                }
                Err(e) => {
                    return Part::failed(
                        None,
                        ComponentError::aws(loc(), "could not read the accelerator", e),
                    )
                }
            }
        }
    };
    let arn = now.arn.clone();
    let mut part = Part::new(Some(now.clone()));
    if let Err(e) = step(ctx, desired, profile, &arn, &now).await {
        part.errors.push(ComponentError::aws(
            loc(),
            "could not configure the accelerator",
            e,
        ));
    }
    match read(ctx, &arn).await {
        Ok(o) => {
            if part.errors.is_empty() {
                let left = match &o {
                    Some(after) => not_reached(desired, after),
                    None => vec![(
                        names::ACCELERATOR_ARN,
                        "no accelerator with this ARN".to_string(),
                    )],
                };
                part.errors.extend(ComponentError::not_applied(
                    &loc(),
                    "accelerator",
                    &arn,
                    left,
                ));
            }
            part.observed = o;
        }
        Err(e) => part.errors.push(ComponentError::aws(
            loc(),
            "could not read the accelerator back",
            e,
        )),
    }
    part
}

/// The settings the read after an apply still shows differing from
/// `desired`, as (attribute, what the read shows): empty when every write
/// took effect.
pub fn not_reached(
    desired: &Accelerator,
    after: &AcceleratorObserved,
) -> Vec<(&'static str, String)> {
    let mut left = NotReached::default();
    left.differs(
        names::NAME,
        format!("{:?}", after.name),
        format!("{:?}", desired.name),
    );
    left.differs(
        names::ACCELERATOR_ENABLED,
        after.enabled.to_string(),
        desired.enabled.to_string(),
    );
    left.differs(
        names::ACCELERATOR_IP_ADDRESS_TYPE,
        format!("{:?}", after.ip_address_type.as_deref()),
        format!("{:?}", Some(desired.ip_address_type.as_str())),
    );
    let (mut got_ports, mut want_ports) = (after.ports.clone(), desired.ports.clone());
    got_ports.sort();
    want_ports.sort();
    left.differs(
        names::ACCELERATOR_PORTS,
        format!("{got_ports:?}"),
        format!("{want_ports:?}"),
    );
    left.differs(
        names::ACCELERATOR_PROTOCOL,
        format!("{:?}", after.protocol.as_deref()),
        format!("{:?}", Some(desired.protocol.as_str())),
    );
    if let Some(region) = desired.endpoint_group_region.as_deref() {
        left.differs(
            names::ACCELERATOR_ENDPOINT_GROUP_REGION,
            format!("{:?}", after.endpoint_group_region.as_deref()),
            format!("{:?}", Some(region)),
        );
        let want: Vec<String> = desired.endpoint_id.iter().cloned().collect();
        left.differs(
            names::ACCELERATOR_ENDPOINT_ID,
            format!("{:?}", after.endpoint_ids),
            format!("{want:?}"),
        );
    }
    left.into_vec()
}

/// Disable, wait, delete endpoint groups, listeners, then the accelerator.
pub(crate) async fn delete(ctx: &Ctx<'_>, arn: &str) -> Part<AcceleratorObserved> {
    let ga = ctx.aws.globalaccelerator();
    let run = async {
        let Some(now) = read(ctx, arn).await.map_err(|e| e.to_string())? else {
            return Ok(());
        };
        if now.enabled {
            ctx.wrote();
            ga.update_accelerator()
                .accelerator_arn(arn)
                .enabled(false)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(SERVICE, "UpdateAccelerator", e).to_string())?;
        }
        let settled = poll_until(
            "accelerator deployed",
            ctx.opts,
            ctx.opts.settle_timeout,
            || async {
                let o = read(ctx, arn).await.map_err(|e| e.to_string())?;
                Ok::<_, String>(
                    o.filter(|o| o.status.as_deref() != Some("IN_PROGRESS"))
                        .map(|_| ()),
                )
            },
        )
        .await?;
        if settled.is_none() {
            return Err(format!(
                "accelerator {arn} still IN_PROGRESS after disabling"
            ));
        }
        let listeners = ga
            .list_listeners()
            .accelerator_arn(arn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "ListListeners", e).to_string())?;
        for l in listeners.listeners() {
            let Some(la) = l.listener_arn() else { continue };
            let groups = ga
                .list_endpoint_groups()
                .listener_arn(la)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(SERVICE, "ListEndpointGroups", e).to_string())?;
            for g in groups.endpoint_groups() {
                if let Some(ga_arn) = g.endpoint_group_arn() {
                    ctx.wrote();
                    ga.delete_endpoint_group()
                        .endpoint_group_arn(ga_arn)
                        .send()
                        .await
                        .map_err(|e| {
                            AwsError::from_sdk(SERVICE, "DeleteEndpointGroup", e).to_string()
                        })?;
                }
            }
            ctx.wrote();
            ga.delete_listener()
                .listener_arn(la)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(SERVICE, "DeleteListener", e).to_string())?;
        }
        ctx.wrote();
        ga.delete_accelerator()
            .accelerator_arn(arn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "DeleteAccelerator", e).to_string())?;
        Ok::<(), String>(())
    };
    match run.await {
        Ok(()) => {
            ctx.release(&key(arn));
            Part::new(None)
        }
        Err(m) => Part::failed(
            None,
            ComponentError::message(loc(), "could not delete the accelerator", m),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_reached_names_each_setting_the_read_back_differs_on() {
        let want = Accelerator {
            name: "smuppy".into(),
            enabled: true,
            ip_address_type: "IPV4".into(),
            ports: vec![443, 80],
            protocol: "TCP".into(),
            endpoint_group_region: Some("eu-west-1".into()),
            endpoint_id: Some("eipalloc-1".into()),
        };
        let mut after = AcceleratorObserved {
            arn: "arn:aws:globalaccelerator::1:accelerator/a".into(),
            name: "smuppy".into(),
            enabled: true,
            ip_address_type: Some("IPV4".into()),
            ports: vec![80, 443],
            protocol: Some("TCP".into()),
            endpoint_group_region: Some("eu-west-1".into()),
            endpoint_ids: vec!["eipalloc-1".into()],
            ..AcceleratorObserved::default()
        };
        assert!(not_reached(&want, &after).is_empty());
        after.enabled = false;
        after.ports = vec![443];
        after.endpoint_ids = vec![];
        let left = not_reached(&want, &after);
        assert_eq!(
            left,
            vec![
                ("enabled", "enabled false (expected true)".to_string()),
                ("ports", "ports [443] (expected [80, 443])".to_string()),
                (
                    names::ACCELERATOR_ENDPOINT_ID,
                    "endpoint_id [] (expected [\"eipalloc-1\"])".to_string()
                ),
            ]
        );
        let errors = ComponentError::not_applied(&loc(), "accelerator", &after.arn, left);
        assert_eq!(errors[1].location, loc().then("ports"));
        assert_eq!(errors[1].summary, "the accelerator change was not applied");
    }

    #[test]
    fn tokens_are_deterministic_and_distinct() {
        let a = idempotency_token("staging", "smuppy", "accelerator");
        assert_eq!(a, idempotency_token("staging", "smuppy", "accelerator"));
        assert_ne!(a, idempotency_token("prod", "smuppy", "accelerator"));
        assert_ne!(a, idempotency_token("staging", "smuppy", "listener"));
        assert!(a.len() <= 64);
    }
}
