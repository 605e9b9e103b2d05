//! SQS over its JSON protocol (`AmazonSQS.SendMessageBatch`, ten per call;
//! `ReceiveMessage`, `DeleteMessage`) with `SigV4`. Calls go to the service endpoint with
//! the queue's URL in the body, as the JSON protocol has it.

use serde_json::{Value, json};

use super::QueueError;
use crate::aws::json::{self, JsonError};
use crate::aws::{AwsConfig, Service};
use crate::contract::WorkItem;

/// SQS's limit of entries per `SendMessageBatch`.
const BATCH: usize = 10;

/// A message taken from the queue (tests drain it to build worker events).
#[derive(Debug, Clone)]
pub struct Received {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
}

pub struct SqsQueue {
    config: AwsConfig,
    queue_url: String,
}

impl SqsQueue {
    pub fn new(config: AwsConfig, queue_url: String) -> Self {
        Self { config, queue_url }
    }

    async fn call(&self, operation: &str, body: &Value) -> Result<Value, QueueError> {
        let target = format!("AmazonSQS.{operation}");
        json::call(&self.config, Service::Sqs, &target, body)
            .await
            .map_err(|e| self.failed(&e))
    }

    fn failed(&self, error: &JsonError) -> QueueError {
        QueueError(format!("{error} (queue {})", self.queue_url))
    }

    /// One message per item, its body the item's JSON, ten per call. Entries SQS refuses
    /// make an error naming their PDFs; the others stay sent (a resend of the job's
    /// items is harmless, as each PDF is counted once).
    pub(super) async fn send(&self, items: &[WorkItem]) -> Result<(), QueueError> {
        let mut refused = Vec::new();
        for chunk in items.chunks(BATCH) {
            let mut entries = Vec::with_capacity(chunk.len());
            for (id, item) in chunk.iter().enumerate() {
                let body = serde_json::to_string(item).map_err(|e| {
                    QueueError(format!(
                        "cannot write the message for {}: {e}",
                        item.source_key
                    ))
                })?;
                entries.push(json!({ "Id": id.to_string(), "MessageBody": body }));
            }
            let answer = self
                .call(
                    "SendMessageBatch",
                    &json!({ "QueueUrl": self.queue_url, "Entries": entries }),
                )
                .await?;
            for failed in answer
                .get("Failed")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let text =
                    |name: &str| failed.get(name).and_then(Value::as_str).unwrap_or_default();
                let key = text("Id")
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| chunk.get(i))
                    .map_or("an unknown item", |item| item.source_key.as_str());
                refused.push(
                    format!("{key}: {} {}", text("Code"), text("Message"))
                        .trim_end()
                        .to_owned(),
                );
            }
        }
        if refused.is_empty() {
            Ok(())
        } else {
            Err(QueueError(format!(
                "SQS refused {} of {} messages ({}) (queue {})",
                refused.len(),
                items.len(),
                refused.join("; "),
                self.queue_url
            )))
        }
    }

    /// Takes up to `max` messages (SQS gives at most 10 a call), without waiting for more.
    pub async fn receive(&self, max: u32) -> Result<Vec<Received>, QueueError> {
        let answer = self
            .call(
                "ReceiveMessage",
                &json!({ "QueueUrl": self.queue_url, "MaxNumberOfMessages": max.clamp(1, 10), "WaitTimeSeconds": 0 }),
            )
            .await?;
        answer
            .get("Messages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|message| {
                let text = |name: &str| {
                    message
                        .get(name)
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            QueueError(format!(
                                "a received message has no {name} (queue {})",
                                self.queue_url
                            ))
                        })
                };
                Ok(Received {
                    message_id: text("MessageId")?,
                    receipt_handle: text("ReceiptHandle")?,
                    body: text("Body")?,
                })
            })
            .collect()
    }

    /// Removes a received message for good.
    pub async fn delete(&self, receipt_handle: &str) -> Result<(), QueueError> {
        self.call(
            "DeleteMessage",
            &json!({ "QueueUrl": self.queue_url, "ReceiptHandle": receipt_handle }),
        )
        .await?;
        Ok(())
    }
}
