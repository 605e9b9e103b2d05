//! Where a big job's PDFs wait for a worker: SQS on AWS (one message per PDF), or an
//! in-process channel that the local stack's workers read.

mod sqs;

pub use self::sqs::{Received, SqsQueue};

use crate::contract::WorkItem;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("queue: {0}")]
pub struct QueueError(pub String);

/// How many PDFs may wait in the in-process queue; beyond it a job is refused (503)
/// rather than the stack's memory growing without bound.
pub const IN_PROCESS_CAPACITY: usize = 100_000;

/// The sending side of the in-process queue; [`crate::Backend::start_workers`] reads it.
pub struct InProcessQueue {
    sender: tokio::sync::mpsc::Sender<WorkItem>,
}

impl InProcessQueue {
    pub fn new() -> (Self, tokio::sync::mpsc::Receiver<WorkItem>) {
        let (sender, receiver) = tokio::sync::mpsc::channel(IN_PROCESS_CAPACITY);
        (Self { sender }, receiver)
    }
}

pub enum Queue {
    InProcess(InProcessQueue),
    /// Boxed: its configuration is much bigger than a channel's sender.
    Sqs(Box<SqsQueue>),
}

impl Queue {
    pub async fn send(&self, items: &[WorkItem]) -> Result<(), QueueError> {
        match self {
            Self::InProcess(q) => {
                let mut permits = q
                    .sender
                    .try_reserve_many(items.len())
                    .map_err(|e| match e {
                        tokio::sync::mpsc::error::TrySendError::Full(()) => {
                            QueueError("the queue is full; try again later".to_owned())
                        }
                        tokio::sync::mpsc::error::TrySendError::Closed(()) => {
                            QueueError("the workers have stopped".to_owned())
                        }
                    })?;
                for item in items {
                    if let Some(permit) = permits.next() {
                        permit.send(item.clone());
                    }
                }
                Ok(())
            }
            Self::Sqs(q) => q.send(items).await,
        }
    }
}
