//! Where a big job's PDFs wait for a worker: SQS on AWS (one message per PDF), or an
//! in-process channel that the local stack's workers read.

mod sqs;

pub use self::sqs::{Received, SqsQueue};

use crate::contract::WorkItem;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("queue: {0}")]
pub struct QueueError(pub String);

/// The sending side of the in-process queue; [`crate::Backend::start_workers`] reads it.
pub struct InProcessQueue {
    sender: tokio::sync::mpsc::UnboundedSender<WorkItem>,
}

impl InProcessQueue {
    pub fn new() -> (Self, tokio::sync::mpsc::UnboundedReceiver<WorkItem>) {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        (Self { sender }, receiver)
    }
}

pub enum Queue {
    InProcess(InProcessQueue),
    Sqs(SqsQueue),
}

impl Queue {
    pub async fn send(&self, items: &[WorkItem]) -> Result<(), QueueError> {
        match self {
            Self::InProcess(q) => {
                for item in items {
                    q.sender
                        .send(item.clone())
                        .map_err(|_| QueueError("the workers have stopped".to_owned()))?;
                }
                Ok(())
            }
            Self::Sqs(q) => q.send(items).await,
        }
    }
}
