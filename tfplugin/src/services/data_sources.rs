//! ValidateDataResourceConfig and ReadDataSource over [`DataSource`] (see
//! [`crate::data_source`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::convert::{diagnostics_to_proto, encode_response_value, schema_to_proto};
use crate::data_source::DataSource;
use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::schema::Schema;

/// A data source with its schema, computed once.
#[derive(Clone)]
pub(super) struct DataSourceEntry {
    pub data_source: Arc<dyn DataSource>,
    pub schema: Schema,
}

pub(super) fn entries(
    data_sources: BTreeMap<String, Arc<dyn DataSource>>,
) -> BTreeMap<String, DataSourceEntry> {
    data_sources
        .into_iter()
        .map(|(name, data_source)| {
            let schema = data_source.schema();
            (
                name,
                DataSourceEntry {
                    data_source,
                    schema,
                },
            )
        })
        .collect()
}

/// The schemas as GetProviderSchema sends them.
pub(super) fn schemas(entries: &BTreeMap<String, DataSourceEntry>) -> HashMap<String, pb::Schema> {
    entries
        .iter()
        .map(|(name, e)| (name.clone(), schema_to_proto(&e.schema)))
        .collect()
}

pub(super) fn validate(
    entries: &BTreeMap<String, DataSourceEntry>,
    req: &pb::validate_data_resource_config::Request,
) -> pb::validate_data_resource_config::Response {
    let mut diags = Diagnostics::new();
    if let Some(e) = super::find_entry(entries, &req.type_name, "data source", &mut diags) {
        if let Some(config) = super::decode_config(&e.schema, req.config.as_ref(), &mut diags) {
            e.data_source.validate(&config, &mut diags);
        }
    }
    pb::validate_data_resource_config::Response {
        diagnostics: diagnostics_to_proto(&diags),
    }
}

pub(super) async fn read(
    entries: &BTreeMap<String, DataSourceEntry>,
    req: &pb::read_data_source::Request,
) -> pb::read_data_source::Response {
    let mut diags = Diagnostics::new();
    let mut state = None;
    if let Some(e) = super::find_entry(entries, &req.type_name, "data source", &mut diags) {
        if let Some(config) = super::decode_config(&e.schema, req.config.as_ref(), &mut diags) {
            let value = e.data_source.read(config, &mut diags).await;
            // On an error Terraform ignores the state; none is sent.
            if !diags.has_errors() {
                state = encode_response_value(value, &e.schema.block, "state", &mut diags);
            }
        }
    }
    pb::read_data_source::Response {
        state,
        diagnostics: diagnostics_to_proto(&diags),
        deferred: None,
    }
}
