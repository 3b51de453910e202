//! What a provider offers, computed once (lazily, inside the panic guard),
//! and the two RPCs that describe it: GetMetadata and GetProviderSchema.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::convert::{schema_to_proto, server_capabilities};
use crate::proto::tfplugin6 as pb;
use crate::provider::{Provider, Resource};
use crate::schema::{IdentitySchema, Schema};

use super::data_sources::{self, DataSourceEntry};
use super::functions::{self, FunctionEntry};
use super::list_resources::{self, ListEntry};

/// The schemas of everything the provider offers.
pub(super) struct Catalog {
    pub provider_schema: Schema,
    pub resources: BTreeMap<String, Entry>,
    pub functions: BTreeMap<String, FunctionEntry>,
    pub data_sources: BTreeMap<String, DataSourceEntry>,
    pub list_resources: BTreeMap<String, ListEntry>,
}

/// A resource type with its schemas.
#[derive(Clone)]
pub(super) struct Entry {
    pub resource: Arc<dyn Resource>,
    pub schema: Schema,
    pub identity: Option<IdentitySchema>,
}

fn names<T, M>(m: &BTreeMap<String, T>, meta: impl Fn(String) -> M) -> Vec<M> {
    m.keys().cloned().map(meta).collect()
}

impl Catalog {
    pub(super) fn new<P: Provider>(provider: &P) -> Self {
        let resources = provider
            .resources()
            .into_iter()
            .map(|(name, r)| {
                let entry = Entry {
                    schema: r.schema(),
                    identity: r.identity_schema(),
                    resource: r,
                };
                (name, entry)
            })
            .collect();
        Catalog {
            provider_schema: provider.provider_schema(),
            resources,
            functions: functions::entries(provider.functions()),
            data_sources: data_sources::entries(provider.data_sources()),
            list_resources: list_resources::entries(provider.list_resources()),
        }
    }

    /// GetMetadata: the names of everything offered.
    pub(super) fn metadata(&self) -> pb::get_metadata::Response {
        use pb::get_metadata as m;
        pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            resources: names(&self.resources, |type_name| m::ResourceMetadata {
                type_name,
            }),
            functions: names(&self.functions, |name| m::FunctionMetadata { name }),
            data_sources: names(&self.data_sources, |type_name| m::DataSourceMetadata {
                type_name,
            }),
            list_resources: names(&self.list_resources, |type_name| m::ListResourceMetadata {
                type_name,
            }),
            ..Default::default()
        }
    }

    /// GetProviderSchema: every schema.
    pub(super) fn schema(&self) -> pb::get_provider_schema::Response {
        pb::get_provider_schema::Response {
            provider: Some(schema_to_proto(&self.provider_schema)),
            resource_schemas: self
                .resources
                .iter()
                .map(|(name, e)| (name.clone(), schema_to_proto(&e.schema)))
                .collect(),
            server_capabilities: Some(server_capabilities()),
            functions: functions::protos(&self.functions),
            data_source_schemas: data_sources::schemas(&self.data_sources),
            list_resource_schemas: list_resources::schemas(&self.list_resources),
            ..Default::default()
        }
    }
}
