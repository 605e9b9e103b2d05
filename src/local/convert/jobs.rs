//! Jobs: their state and results by id, kept in memory for the stack's lifetime, with a
//! watch channel that wakes status requests waiting on progress.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;

use super::results::{Converted, Failed};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Succeeded,
    Failed,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub bucket: String,
    pub state: JobState,
    pub done: usize,
    pub total: usize,
    pub converted: Vec<Converted>,
    pub failed: Vec<Failed>,
}

/// Jobs by id; kept in memory for the stack's lifetime. Every change is announced on a
/// watch channel, so status requests can wait for progress instead of polling.
pub struct Jobs {
    jobs: Mutex<HashMap<String, Job>>,
    changed: tokio::sync::watch::Sender<u64>,
}

impl Default for Jobs {
    fn default() -> Self {
        Self {
            jobs: Mutex::default(),
            changed: tokio::sync::watch::Sender::new(0),
        }
    }
}

impl Jobs {
    /// A receiver that wakes on the next change to any job.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Job>> {
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn get(&self, id: &str) -> Option<Job> {
        self.lock().get(id).cloned()
    }

    pub(super) fn update(&self, id: &str, change: impl FnOnce(&mut Job)) {
        if let Some(job) = self.lock().get_mut(id) {
            change(job);
        }
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }
}
