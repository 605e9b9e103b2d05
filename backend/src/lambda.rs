//! What both Lambda binaries do (feature `lambda`): serve render children when started as
//! one, else log JSON lines, build the backend from the environment and hand each
//! event, as JSON, to one of its handlers.

use std::future::Future;
use std::sync::Arc;

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;

use crate::Backend;

/// Runs the Lambda with `handle` (e.g. `Backend::api_gateway`) for every event.
pub fn main<F, Fut>(handle: F) -> Result<(), Error>
where
    F: Fn(Arc<Backend>, Value) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Value> + Send,
{
    // Pages render in children of this executable, started with the render command.
    crate::render_child_main_if_requested();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(handle))
}

async fn serve<F, Fut>(handle: F) -> Result<(), Error>
where
    F: Fn(Arc<Backend>, Value) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Value> + Send,
{
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .without_time()
        .init();
    let backend = Arc::new(Backend::from_env()?);
    let handle = &handle;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let backend = Arc::clone(&backend);
        async move { Ok::<Value, Error>(handle(backend, event.payload).await) }
    }))
    .await
}
