//! Terraform plugin protocol v6, server side.
//!
//! This crate knows the wire (tfplugin6 over gRPC, go-plugin's handshake and
//! AutoMTLS) and nothing about AWS or smuppy. A provider implements
//! [`Provider`] and [`Resource`] in terms of [`Value`], [`Schema`] and
//! [`Diagnostics`], and calls [`serve`] from `main`.

pub mod convert;
pub mod diag;
mod handshake;
pub mod logging;
pub mod proto;
pub mod provider;
pub mod schema;
mod server;
mod services;
mod tls;
pub mod value;

pub use diag::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
pub use handshake::NOT_A_PLUGIN_MESSAGE;
pub use provider::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ImportedResource, PlanRequest, PlanResponse,
    Provider, ReadRequest, ReadResponse, Resource,
};
pub use schema::{Attribute, Block, NestedBlock, Nesting, Schema};
pub use server::{main_entry, serve, ServeError, ServeOptions};
pub use tls::TlsError;
pub use value::{Number, Type, Value};
