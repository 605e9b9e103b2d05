//! The worker Lambda: SQS batches of queued PDFs (one per message), answered with
//! `batchItemFailures` so only the PDFs that hit trouble are delivered again.

fn main() -> Result<(), lambda_runtime::Error> {
    backend::lambda::main(|backend, event| async move { backend.sqs_batch(&event).await })
}
