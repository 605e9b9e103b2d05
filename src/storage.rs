//! Where a profile's listings and results come from: the API's `GET /prefixes` (our
//! backend and the local stack; no AWS credentials on the desktop), or S3 read directly
//! with a Cognito identity pool's credentials — the only way to see the pages of a
//! backend that isn't Receipt Desk's, whose `/convert` answers without page URLs.

use std::sync::Arc;

use backend::aws::AwsConfig;
use backend::storage::{S3Storage, Storage, StorageError};
use reqwest::Url;

use crate::api::{ApiClient, ApiError, ConvertResult, Prefixes};
use crate::config::Profile;
use crate::identity::{IdentityError, IdentityPool};
use crate::session::{Session, SessionError};

/// How long result URLs made here stay valid.
const URL_TTL_SECONDS: u64 = 15 * 60;

#[derive(Debug, thiserror::Error)]
pub enum BrowseError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Results without URLs need S3 access: the profile has no identity pool.
    #[error("the profile has no identity pool to read the upload prefix with")]
    NoIdentityPool,
}

/// A profile's route to its bucket.
pub enum Source {
    Api(Arc<ApiClient>),
    IdentityPool(Box<PoolRoute>),
}

/// S3 through an identity pool: whose tokens, which region and endpoint.
pub struct PoolRoute {
    pool: IdentityPool,
    session: Arc<Session>,
    region: String,
    endpoint: Option<Url>,
}

impl Source {
    /// The identity pool when the profile names one, else the API, else nothing.
    pub fn for_profile(
        profile: &Profile,
        api: Option<Arc<ApiClient>>,
        session: &Arc<Session>,
    ) -> Option<Self> {
        let endpoint = profile
            .aws_endpoint
            .as_deref()
            .and_then(|url| crate::config::service_url(url).ok());
        if let Some(id) = &profile.identity_pool_id
            && let Ok(pool) = IdentityPool::new(id, endpoint.clone())
        {
            // The bucket's region: the profile's (the user pool's), else the pool's.
            let region = profile
                .region
                .clone()
                .or_else(|| crate::identity::pool_region(id).map(str::to_owned))
                .unwrap_or_else(|| "us-east-1".to_owned());
            return Some(Self::IdentityPool(Box::new(PoolRoute {
                pool,
                session: Arc::clone(session),
                region,
                endpoint,
            })));
        }
        api.map(Self::Api)
    }

    pub fn is_identity_pool(&self) -> bool {
        matches!(self, Self::IdentityPool(_))
    }

    /// S3 with this moment's credentials.
    async fn s3(&self) -> Result<Storage, BrowseError> {
        let Self::IdentityPool(route) = self else {
            return Err(BrowseError::NoIdentityPool);
        };
        let PoolRoute {
            pool,
            session,
            region,
            endpoint,
        } = route.as_ref();
        let (_, id_token) = session.tokens().await?;
        let credentials = pool.credentials(&id_token).await?;
        let config = AwsConfig::new(region.clone(), endpoint.clone(), credentials)
            .map_err(|e| StorageError::Other(e.to_string()))?;
        Ok(Storage::S3(S3Storage::new(config)))
    }

    /// One level of `bucket` below `prefix`.
    pub async fn prefixes(
        &self,
        bucket: &str,
        prefix: &str,
        continuation: Option<&str>,
    ) -> Result<Prefixes, BrowseError> {
        match self {
            Self::Api(api) => Ok(api.prefixes(bucket, prefix, continuation).await?),
            Self::IdentityPool(_) => {
                let s3 = self.s3().await?;
                Ok(backend::browse::level(&s3, bucket, prefix, continuation).await?)
            }
        }
    }

    /// The JPEGs under `upload_prefix` written since `since` (Unix seconds; `None`: all),
    /// with presigned URLs: the results of a job whose answer listed none.
    pub async fn results(
        &self,
        bucket: &str,
        upload_prefix: &str,
        since: Option<i64>,
    ) -> Result<ConvertResult, BrowseError> {
        let s3 = self.s3().await?;
        // A little slack for clocks that differ between here and S3.
        let since = since
            .and_then(|s| jiff::Timestamp::from_second(s - 120).ok())
            .map(|t| t.to_string());
        let converted = backend::browse::jpegs(
            &s3,
            bucket,
            upload_prefix,
            since.as_deref(),
            URL_TTL_SECONDS,
        )
        .await?;
        Ok(ConvertResult {
            converted,
            failed: Vec::new(),
        })
    }
}
