//! The local stack: the seed's whole backend on 127.0.0.1, so Receipt Desk works with
//! no AWS account. A Cognito user pool (`idp`), its JWKS (`tokens`), an API Gateway
//! style Cognito authorizer (`authorizer`) in front of the backend's handlers (the same
//! code the Lambdas run: `backend`), on folders or, with an S3 endpoint, on S3.
//!
//! Started by `receipt-desk serve`, and in-process by the app and the tests. It shares no
//! client code: only TOTP (`crate::totp`) is common. This file starts the stack; the
//! routes are in `http`.

pub mod authorizer;
pub mod demo;
mod http;
pub use http::serve::Limits as HttpLimits;
pub mod idp;
mod ids;
pub mod tokens;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use reqwest::Url;
use serde_json::Value;

use backend::files::UrlSigner;
use backend::jobs::{JobStore, MemoryJobs};
use backend::queue::{InProcessQueue, Queue};
use backend::storage::{FolderStorage, S3Storage, Storage};
use backend::{Backend, ConvertSettings};

use self::authorizer::{AuthorizerMode, TokenRules};
use self::http::Shared;
use self::idp::{Idp, PoolConfig};

/// The stack's clock: real time plus an offset that tests move instead of sleeping.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> i64 {
        jiff::Timestamp::now().as_second() + self.offset.load(Ordering::Relaxed)
    }

    pub fn advance(&self, seconds: i64) {
        self.offset.fetch_add(seconds, Ordering::Relaxed);
    }
}

/// Where the authorizer gets its trust from when it is not the stack's own pool.
#[derive(Debug, Clone)]
pub struct ExternalIssuer {
    /// The `iss` tokens must carry, e.g. `https://cognito-idp.REGION.amazonaws.com/POOL`.
    pub issuer: String,
    pub jwks_url: Url,
    /// Accepted app client ids; empty accepts any.
    pub client_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct StackOptions {
    /// 0 picks any free port.
    pub port: u16,
    /// Holds the keys and the buckets (one subfolder each).
    pub data_dir: PathBuf,
    /// Users and app clients; `None` is the demo pool.
    pub pool: Option<PoolConfig>,
    pub stage: String,
    pub mode: AuthorizerMode,
    pub external_issuer: Option<ExternalIssuer>,
    pub convert: ConvertSettings,
    /// Seconds of clock skew the authorizer tolerates on `exp`, `nbf` and `iat`.
    pub leeway_seconds: i64,
    /// Put the demo receipts into a `demo` bucket when it does not exist yet.
    pub demo_data: bool,
    /// Read PDFs and write pages through this S3 API (moto, MinIO, AWS) instead of the
    /// data folder's buckets; credentials and region from the `AWS_*` environment.
    pub s3_endpoint: Option<Url>,
    /// The HTTP server's deadline for a request's head and its connection cap.
    pub limits: HttpLimits,
}

impl StackOptions {
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            port: 0,
            data_dir,
            pool: None,
            stage: "Prod".to_owned(),
            mode: AuthorizerMode::default(),
            external_issuer: None,
            convert: ConvertSettings::default(),
            leeway_seconds: authorizer::LEEWAY_SECONDS,
            demo_data: true,
            s3_endpoint: None,
            limits: HttpLimits::default(),
        }
    }

    /// The platform data dir (`~/.local/share/receipt-desk/local-stack` on Linux).
    pub fn default_data_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "receipt-desk")
            .map(|d| d.data_dir().join("local-stack"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("data folder {path}: {source}")]
    Data {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot load the issuer's JWKS from {url}: {detail}")]
    Jwks { url: String, detail: String },
}

/// A running stack; dropping it without `stop` leaves it serving until the runtime ends.
pub struct RunningStack {
    pub url: Url,
    pub pool_id: String,
    pub issuer: String,
    pub client_ids: Vec<String>,
    pub stage: String,
    pub clock: Clock,
    /// The codes the pool would have e-mailed (password resets).
    pub mailbox: std::sync::Arc<idp::Mailbox>,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningStack {
    /// The endpoint a Cognito client talks to.
    pub fn cognito_endpoint(&self) -> Url {
        self.url.clone()
    }

    /// The API stage URL (`{url}{stage}`), as a profile's `api_url`.
    pub fn api_url(&self) -> Url {
        self.url
            .join(&self.stage)
            .unwrap_or_else(|_| self.url.clone())
    }

    pub fn jwks_url(&self) -> Url {
        self.url
            .join(&format!("{}/.well-known/jwks.json", self.pool_id))
            .unwrap_or_else(|_| self.url.clone())
    }

    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

/// Starts the stack on 127.0.0.1 in the current tokio runtime.
pub async fn start(options: StackOptions) -> Result<RunningStack, StackError> {
    std::fs::create_dir_all(&options.data_dir).map_err(|source| StackError::Data {
        path: options.data_dir.clone(),
        source,
    })?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], options.port)))
        .await
        .map_err(|source| StackError::Bind {
            port: options.port,
            source,
        })?;
    let address = listener.local_addr().map_err(|source| StackError::Bind {
        port: options.port,
        source,
    })?;
    let url = Url::parse(&format!("http://{address}/")).map_err(|e| StackError::Bind {
        port: options.port,
        source: std::io::Error::other(e.to_string()),
    })?;
    let clock = Clock::default();
    let idp = Idp::new(
        options.pool.unwrap_or_default(),
        url.as_str(),
        &options.data_dir,
        clock.clone(),
    )
    .map_err(|source| StackError::Data {
        path: options.data_dir.clone(),
        source,
    })?;
    let rules = match &options.external_issuer {
        None => idp.own_rules(),
        Some(external) => TokenRules {
            issuer: external.issuer.clone(),
            jwks: fetch_jwks(&external.jwks_url).await?,
            client_ids: external.client_ids.clone(),
        },
    };
    let (pool_id, issuer, client_ids) = (idp.pool_id.clone(), idp.issuer.clone(), idp.client_ids());
    let mailbox = std::sync::Arc::clone(&idp.mailbox);
    let data_error = |source| StackError::Data {
        path: options.data_dir.clone(),
        source,
    };
    let signer = UrlSigner::new(
        tokens::load_or_create_secret(&options.data_dir.join("keys/files.key"))
            .map_err(data_error)?,
    );
    let buckets = options.data_dir.join("buckets");
    std::fs::create_dir_all(&buckets).map_err(data_error)?;
    if options.demo_data {
        demo::install(&buckets).map_err(data_error)?;
    }
    let stage = options.stage.clone();
    let storage = match &options.s3_endpoint {
        Some(endpoint) => Storage::S3(S3Storage::new(s3_config(endpoint))),
        None => Storage::Folder(FolderStorage::new(
            buckets.clone(),
            presigner(url.clone(), signer.clone(), clock.clone()),
        )),
    };
    let (queue, work) = InProcessQueue::new();
    let backend = Arc::new(Backend::new(
        storage,
        JobStore::Memory(MemoryJobs::default()),
        Queue::InProcess(queue),
        options.convert,
    ));
    let workers = backend.start_workers(work);
    let shared = Arc::new(Shared {
        idp,
        rules,
        mode: options.mode,
        leeway: options.leeway_seconds,
        stage: options.stage,
        clock: clock.clone(),
        base_url: url.clone(),
        backend,
        buckets,
        signer,
    });
    let router = http::router(shared);
    let limits = options.limits;
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let stop = async {
            let _ = stopped.await;
        };
        http::serve::serve(listener, router, stop, limits).await;
        workers.abort();
    });
    Ok(RunningStack {
        url,
        pool_id,
        issuer,
        client_ids,
        stage,
        clock,
        mailbox,
        shutdown,
        task,
    })
}

/// Signed, expiring `/files/{bucket}/{key}` URLs, like S3 presigned GETs.
/// Signed `/files/…` URLs for objects of the stack that serves `data_dir` at `base_url`,
/// the same its own answers carry: for a benchmark or a tool that puts objects in its
/// folders directly. Reads (or, on a new data folder, creates) the stack's URL key.
pub fn file_urls(base_url: Url, data_dir: &Path) -> std::io::Result<backend::storage::Presign> {
    let signer = UrlSigner::new(tokens::load_or_create_secret(
        &data_dir.join("keys/files.key"),
    )?);
    Ok(presigner(base_url, signer, Clock::default()))
}

fn presigner(base_url: Url, signer: UrlSigner, clock: Clock) -> backend::storage::Presign {
    Arc::new(move |bucket: &str, key: &str, ttl: u64| {
        let mut url = base_url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .push("files")
                .push(bucket)
                .extend(key.split('/'));
        }
        let expires = clock.now() + i64::try_from(ttl).unwrap_or(i64::MAX / 2);
        let signature = signer.sign(url.path(), expires);
        url.query_pairs_mut()
            .append_pair("expires", &expires.to_string())
            .append_pair("signature", &signature);
        url.to_string()
    })
}

/// S3 at `endpoint`: the `AWS_*` environment's region and credentials, or stand-ins a
/// local S3 (moto, MinIO in its default setup) accepts.
fn s3_config(endpoint: &Url) -> backend::aws::AwsConfig {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    backend::aws::AwsConfig {
        region: env("AWS_REGION")
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".to_owned()),
        endpoint: Some(endpoint.clone()),
        credentials: backend::aws::Credentials {
            access_key_id: env("AWS_ACCESS_KEY_ID")
                .unwrap_or_else(|| "receipt-desk-local".to_owned()),
            secret_access_key: env("AWS_SECRET_ACCESS_KEY")
                .unwrap_or_else(|| "receipt-desk-local".to_owned()),
            session_token: env("AWS_SESSION_TOKEN"),
        },
        http: reqwest::Client::new(),
    }
}

async fn fetch_jwks(url: &Url) -> Result<authorizer::Jwks, StackError> {
    let failed = |detail: String| StackError::Jwks {
        url: url.to_string(),
        detail,
    };
    let response = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| failed(e.to_string()))?
        .get(url.clone())
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    if !response.status().is_success() {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    let document: Value = response.json().await.map_err(|e| failed(e.to_string()))?;
    authorizer::Jwks::from_json(&document).map_err(failed)
}
