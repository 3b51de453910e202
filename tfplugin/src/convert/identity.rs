//! Resource identity on the wire: identity schemas, and identity values as
//! `ResourceIdentityData` (a `DynamicValue` of the identity schema's object
//! type).

use super::{decode_request_value, encode_dynamic};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::proto::tfplugin6 as pb;
use crate::schema::IdentitySchema;
use crate::value::{self, Value};

/// An identity schema as GetResourceIdentitySchemas reports it: attribute
/// types as compact cty type JSON.
pub fn identity_schema_to_proto(s: &IdentitySchema) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: s.version,
        identity_attributes: s
            .attributes
            .iter()
            .map(|a| pb::resource_identity_schema::IdentityAttribute {
                name: a.name.clone(),
                r#type: value::json::type_to_json(&a.ty).into_bytes(),
                required_for_import: a.required_for_import,
                optional_for_import: a.optional_for_import,
                description: a.description.clone(),
            })
            .collect(),
    }
}

/// Decodes an identity Terraform sent. `Some(None)`: no identity (the
/// resource type has none, or Terraform sent none or a null one);
/// `Some(Some(v))`: an object with every identity attribute; `None`: it
/// could not be decoded (an error diagnostic naming `what` is recorded).
pub(crate) fn decode_identity(
    data: Option<&pb::ResourceIdentityData>,
    schema: Option<&IdentitySchema>,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Option<Value>> {
    let (Some(schema), Some(dv)) = (schema, data.and_then(|d| d.identity_data.as_ref())) else {
        return Some(None);
    };
    let v = decode_request_value(Some(dv), &schema.object_type(), what, diags)?;
    Some(Some(v).filter(|v| !v.is_null()))
}

/// Encodes an identity a resource returned, after filling in attributes it
/// left out (as null). None in, None out. An identity from a resource type
/// without identity schema, or one that does not fit the schema, is an
/// error diagnostic (and no identity is sent).
pub(crate) fn encode_identity(
    identity: Option<Value>,
    schema: Option<&IdentitySchema>,
    diags: &mut Diagnostics,
) -> Option<pb::ResourceIdentityData> {
    let identity = identity?;
    let Some(schema) = schema else {
        diags.error(
            "Provider produced an identity without an identity schema",
            "The resource returned an identity, but its type declares no identity schema. \
             This is a bug in the provider.",
        );
        return None;
    };
    let ty = schema.object_type();
    match identity.conform(&ty).and_then(|v| encode_dynamic(&v, &ty)) {
        Ok(dv) => Some(pb::ResourceIdentityData {
            identity_data: Some(dv),
        }),
        Err(e) => {
            diags.push(Diagnostic {
                severity: Severity::Error,
                summary: format!("Provider produced an invalid identity: {e}"),
                detail: format!(
                    "The identity does not conform to the identity schema ({e}). \
                     This is a bug in the provider."
                ),
                attribute: None,
            });
            None
        }
    }
}
