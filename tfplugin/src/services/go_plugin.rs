//! The go-plugin services beside `tfplugin6.Provider`: GRPCController
//! (Shutdown), GRPCStdio and GRPCBroker, and the shutdown signal they share
//! with the server.

use std::future::Future;
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::watch;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status, Streaming};

use crate::proto::plugin;

/// Signals the end of the process: Shutdown sets it, the server and the
/// long-lived streams watch it.
#[derive(Clone)]
pub(crate) struct ShutdownSignal {
    tx: Arc<watch::Sender<bool>>,
}

impl ShutdownSignal {
    pub(crate) fn new() -> Self {
        ShutdownSignal {
            tx: Arc::new(watch::channel(false).0),
        }
    }

    pub(crate) fn trigger(&self) {
        self.tx.send_replace(true);
    }

    /// Resolves once shutdown was triggered.
    pub(crate) fn wait(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.tx.subscribe();
        async move {
            let _ = rx.wait_for(|stopped| *stopped).await;
        }
    }

    /// A stream that sends nothing and ends at shutdown.
    fn idle_stream<T: Send + 'static>(&self) -> BoxStream<T> {
        futures::stream::once(self.wait())
            .filter_map(|()| async { None })
            .boxed()
    }
}

/// `plugin.GRPCController`: Shutdown ends the process.
pub(crate) struct Controller {
    pub(crate) shutdown: ShutdownSignal,
}

#[tonic::async_trait]
impl plugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(
        &self,
        _request: Request<plugin::Empty>,
    ) -> Result<Response<plugin::Empty>, Status> {
        tracing::debug!("shutdown requested");
        self.shutdown.trigger();
        Ok(Response::new(plugin::Empty {}))
    }
}

/// `plugin.GRPCStdio`: this crate never writes to stdout or stderr through
/// go-plugin (logs go to stderr directly), so the stream stays empty until
/// shutdown.
pub(crate) struct Stdio {
    pub(crate) shutdown: ShutdownSignal,
}

#[tonic::async_trait]
impl plugin::grpc_stdio_server::GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<BoxStream<plugin::StdioData>>, Status> {
        Ok(Response::new(self.shutdown.idle_stream()))
    }
}

/// `plugin.GRPCBroker`: no sub-plugins are brokered; the stream is accepted,
/// anything received is ignored, and it ends at shutdown.
pub(crate) struct Broker {
    pub(crate) shutdown: ShutdownSignal,
}

#[tonic::async_trait]
impl plugin::grpc_broker_server::GrpcBroker for Broker {
    async fn start_stream(
        &self,
        request: Request<Streaming<plugin::ConnInfo>>,
    ) -> Result<Response<BoxStream<plugin::ConnInfo>>, Status> {
        let mut inbound = request.into_inner();
        let stop = self.shutdown.wait();
        tokio::spawn(async move {
            tokio::select! {
                () = stop => {}
                () = async { while let Some(Ok(_)) = inbound.next().await {} } => {}
            }
        });
        Ok(Response::new(self.shutdown.idle_stream()))
    }
}
