//! Generated protocol types and gRPC stubs.
//!
//! - [`tfplugin6`]: Terraform plugin protocol 6.10 (`proto/tfplugin6.proto`,
//!   as Terraform 1.15 ships it).
//! - [`plugin`]: go-plugin's controller, stdio and broker services.

/// Terraform plugin protocol 6.10.
#[allow(clippy::all, clippy::pedantic, missing_docs, rustdoc::all)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// go-plugin's own services (package `plugin`).
#[allow(clippy::all, clippy::pedantic, missing_docs, rustdoc::all)]
pub mod plugin {
    tonic::include_proto!("plugin");
}
