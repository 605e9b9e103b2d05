//! The worker Lambda: SQS batches of queued PDFs (one per message), answered with
//! `batchItemFailures` so only the PDFs that hit trouble are delivered again.

use std::sync::Arc;

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;

fn main() -> Result<(), Error> {
    // Pages render in children of this executable, started with the render command.
    backend::render_child_main_if_requested();
    serve()
}

#[tokio::main]
async fn serve() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .without_time()
        .init();
    let backend = Arc::new(backend::Backend::from_env()?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let backend = Arc::clone(&backend);
        async move { Ok::<Value, Error>(backend.sqs_batch(&event.payload).await) }
    }))
    .await
}
