//! ValidateListResourceConfig and ListResource over [`ListResource`] (see
//! [`crate::list_resource`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::convert::{
    diagnostics_to_proto, encode_identity, encode_response_value, schema_to_proto,
};
use crate::diag::Diagnostics;
use crate::list_resource::ListResource;
use crate::proto::tfplugin6 as pb;
use crate::schema::Schema;

use super::guard::PanicResponse;
use super::Entry;

/// A list resource with its config schema, computed once.
#[derive(Clone)]
pub(super) struct ListEntry {
    pub list: Arc<dyn ListResource>,
    pub schema: Schema,
}

pub(super) fn entries(
    lists: BTreeMap<String, Arc<dyn ListResource>>,
) -> BTreeMap<String, ListEntry> {
    lists
        .into_iter()
        .map(|(name, list)| {
            let schema = list.schema();
            (name, ListEntry { list, schema })
        })
        .collect()
}

/// The schemas as GetProviderSchema sends them.
pub(super) fn schemas(entries: &BTreeMap<String, ListEntry>) -> HashMap<String, pb::Schema> {
    entries
        .iter()
        .map(|(name, e)| (name.clone(), schema_to_proto(&e.schema)))
        .collect()
}

/// The events of one ListResource call, built before streaming so that
/// the panic guard covers the provider's code.
#[derive(Default)]
pub(super) struct Events(pub Vec<pb::list_resource::Event>);

impl PanicResponse for Events {
    fn from_panic(d: pb::Diagnostic) -> Self {
        Events(vec![pb::list_resource::Event {
            diagnostic: vec![d],
            ..Default::default()
        }])
    }
}

pub(super) fn validate(
    entries: &BTreeMap<String, ListEntry>,
    req: &pb::validate_list_resource_config::Request,
) -> pb::validate_list_resource_config::Response {
    let mut diags = Diagnostics::new();
    if let Some(e) = super::find_entry(entries, &req.type_name, "list resource", &mut diags) {
        if let Some(config) = super::decode_config(&e.schema, req.config.as_ref(), &mut diags) {
            e.list.validate(&config, &mut diags);
        }
    }
    pb::validate_list_resource_config::Response {
        diagnostics: diagnostics_to_proto(&diags),
    }
}

/// ListResource: one event per object found (identity always, object when
/// asked), then one event with the diagnostics if there are any.
pub(super) async fn list(
    entries: &BTreeMap<String, ListEntry>,
    resource: Option<&Entry>,
    req: &pb::list_resource::Request,
) -> Events {
    let mut diags = Diagnostics::new();
    let mut events = Vec::new();
    let found = super::find_entry(entries, &req.type_name, "list resource", &mut diags);
    let target = match (found, resource) {
        (Some(e), Some(r)) if r.identity.is_some() => Some((e, r)),
        (Some(_), _) => {
            diags.error(
                "List resource without an identity",
                format!(
                    "The list resource {:?} has no managed resource type of the same name \
                     with an identity schema, so what it finds cannot be named.",
                    req.type_name
                ),
            );
            None
        }
        (None, _) => None,
    };
    if let Some((e, r)) = target {
        if let Some(config) = super::decode_config(&e.schema, req.config.as_ref(), &mut diags) {
            let mut listed = e
                .list
                .list(config, req.include_resource_object, req.limit, &mut diags)
                .await;
            if req.limit > 0 {
                listed.truncate(usize::try_from(req.limit).unwrap_or(usize::MAX));
            }
            for item in listed {
                let mut item_diags = Diagnostics::new();
                let identity =
                    encode_identity(Some(item.identity), r.identity.as_ref(), &mut item_diags);
                let resource_object = match item.object {
                    Some(object) if req.include_resource_object => encode_response_value(
                        object,
                        &r.schema.block,
                        "resource object",
                        &mut item_diags,
                    ),
                    _ => None,
                };
                events.push(pb::list_resource::Event {
                    identity,
                    display_name: item.display_name,
                    resource_object,
                    diagnostic: diagnostics_to_proto(&item_diags),
                });
            }
        }
    }
    if !diags.is_empty() {
        events.push(pb::list_resource::Event {
            diagnostic: diagnostics_to_proto(&diags),
            ..Default::default()
        });
    }
    Events(events)
}
