//! Stored state and identity read back: UpgradeResourceState and
//! UpgradeResourceIdentity. Both get raw JSON written by some earlier
//! version; both refuse a version newer than the current one.

use crate::convert::{encode_identity, encode_response_value};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::proto::tfplugin6 as pb;
use crate::provider::Resource;
use crate::schema::{IdentitySchema, Schema};
use crate::value::{Type, Value};

/// UpgradeResourceState: the raw JSON state is decoded against the schema
/// of the version it was written with ([`Resource::schema_for_version`];
/// tolerantly: keys that schema does not have are dropped, missing keys
/// become null), handed to [`Resource::upgrade_state`], conformed to the
/// current schema and encoded. A state written by a newer schema version,
/// or by a version the resource has no schema for, is refused.
///
/// The request carries no private state (tfplugin6.proto,
/// UpgradeResourceState.Request: type_name, version, raw_state): Terraform
/// keeps it unchanged for the next read.
pub(super) fn upgrade_state(
    resource: &dyn Resource,
    schema: &Schema,
    req: &pb::upgrade_resource_state::Request,
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    if req.version > schema.version {
        diags.error(
            "Resource instance managed by newer provider version",
            format!(
                "The state of this {} was written with schema version {}, but this provider \
                 only knows versions up to {}. Use the newer provider version that wrote it.",
                req.type_name, req.version, schema.version
            ),
        );
        return None;
    }
    let Some(stored_schema) = resource.schema_for_version(req.version) else {
        diags.error(
            format!("Cannot read state of schema version {}", req.version),
            format!(
                "The state of this {} was written with schema version {}, which this provider \
                 version cannot read (it reads version {}). Upgrade through a provider version \
                 that knows both.",
                req.type_name, req.version, schema.version
            ),
        );
        return None;
    };
    let raw = req.raw_state.as_ref();
    let json = raw.map(|r| r.json.as_slice()).unwrap_or_default();
    let state = if json.is_empty() {
        if raw.is_some_and(|r| !r.flatmap.is_empty()) {
            diags.error(
                "Unsupported state format",
                "The state is in the legacy flatmap format (Terraform 0.11 and earlier), \
                 which this provider cannot read. Upgrade the state with a Terraform 0.12+ \
                 release first.",
            );
            return None;
        }
        Value::Null
    } else {
        let ty = stored_schema.block.implied_type();
        decode_raw(json, &ty, "stored state", &req.type_name, diags)?
    };
    let upgraded = resource.upgrade_state(req.version, state, diags);
    encode_response_value(upgraded, &schema.block, "upgraded state", diags)
}

/// UpgradeResourceIdentity: the raw JSON identity is decoded against the
/// current identity schema (tolerantly), handed to
/// [`Resource::upgrade_identity`] and encoded. No JSON (a state stored
/// without identity) answers no identity and no error.
pub(super) fn upgrade_identity(
    resource: &dyn Resource,
    schema: Option<&IdentitySchema>,
    req: &pb::upgrade_resource_identity::Request,
    diags: &mut Diagnostics,
) -> Option<pb::ResourceIdentityData> {
    let Some(schema) = schema else {
        diags.error(
            "Resource type has no identity",
            format!(
                "The stored identity of this {} cannot be upgraded: the resource type has no \
                 identity schema.",
                req.type_name
            ),
        );
        return None;
    };
    if req.version > schema.version {
        diags.error(
            "Resource identity written by a newer provider version",
            format!(
                "The identity of this {} was written with identity schema version {}, but this \
                 provider only knows versions up to {}. Use the newer provider version that \
                 wrote it.",
                req.type_name, req.version, schema.version
            ),
        );
        return None;
    }
    let json = req
        .raw_identity
        .as_ref()
        .map(|r| r.json.as_slice())
        .unwrap_or_default();
    if json.is_empty() {
        // Terraform 1.15 asks even for a state stored before the resource
        // had an identity, sending no JSON: there is nothing to upgrade,
        // and the next read gives the object its first identity.
        return None;
    }
    let ty = schema.object_type();
    let identity = decode_raw(json, &ty, "stored identity", &req.type_name, diags)?;
    let upgraded = resource.upgrade_identity(req.version, identity, diags);
    encode_identity(Some(upgraded), Some(schema), diags)
}

fn decode_raw(
    json: &[u8],
    ty: &Type,
    what: &str,
    type_name: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    match crate::value::json::decode(json, ty) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.push(Diagnostic {
                severity: Severity::Error,
                summary: format!("Invalid value from Terraform: {e}"),
                detail: format!("The {what} of this {type_name} cannot be read: {e}"),
                attribute: Some(e.path.clone()).filter(|p| !p.is_root()),
            });
            None
        }
    }
}
