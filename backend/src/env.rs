//! The Lambdas' configuration, from the environment the SAM template sets: `JOBS_TABLE`,
//! `QUEUE_URL` (the API function), `ALLOWED_BUCKETS`, and the `AWS_*` variables Lambda
//! provides (region, the role's temporary credentials).

use crate::aws::AwsConfig;
use crate::jobs::{DynamoJobs, JobStore};
use crate::queue::{Queue, SqsQueue};
use crate::storage::{S3Storage, Storage};
use crate::{Backend, ConvertSettings};

impl Backend {
    /// The backend on S3, DynamoDB and SQS as the environment names them.
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let aws = AwsConfig::from_env().map_err(|e| e.to_string())?;
        let table = var("JOBS_TABLE").ok_or("JOBS_TABLE is not set")?;
        // The worker sends nothing; it has no queue URL.
        let queue_url = var("QUEUE_URL").unwrap_or_default();
        let mut backend = Self::new(
            Storage::S3(S3Storage::new(aws.clone())),
            JobStore::Dynamo(DynamoJobs::new(aws.clone(), table)),
            Queue::Sqs(Box::new(SqsQueue::new(aws, queue_url))),
            ConvertSettings {
                workers: 1,
                ..ConvertSettings::default()
            },
        );
        // Set but empty allows no bucket: the check fails closed.
        if let Ok(allowed) = std::env::var("ALLOWED_BUCKETS") {
            backend = backend.allow_only(
                allowed
                    .split(',')
                    .map(str::trim)
                    .filter(|b| !b.is_empty())
                    .map(str::to_owned)
                    .collect(),
            );
        }
        Ok(backend)
    }
}
