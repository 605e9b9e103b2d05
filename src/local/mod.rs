//! The local stack: the seed's whole backend on 127.0.0.1, so Receipt Desk works with
//! no AWS account. A Cognito user pool (`idp`), its JWKS (`tokens`), an API Gateway
//! style Cognito authorizer (`authorizer`) in front of `POST /{stage}/convert`.
//!
//! Started by `receipt-desk serve`, and in-process by the app and the tests. It shares no
//! client code: only the wire helpers (`SECRET_HASH`, TOTP) are common.

pub mod authorizer;
pub mod convert;
pub mod demo;
pub mod files;
pub mod idp;
pub mod tokens;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use reqwest::Url;
use serde_json::{Value, json};

use self::authorizer::{AuthorizerMode, TokenRules};
use self::convert::{ConvertSettings, Converter, Started};
use self::files::UrlSigner;
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

struct Shared {
    idp: Idp,
    rules: TokenRules,
    mode: AuthorizerMode,
    leeway: i64,
    stage: String,
    clock: Clock,
    base_url: Url,
    converter: Arc<Converter>,
    signer: UrlSigner,
}

/// A running stack; dropping it without `stop` leaves it serving until the runtime ends.
pub struct RunningStack {
    pub url: Url,
    pub pool_id: String,
    pub issuer: String,
    pub client_ids: Vec<String>,
    pub stage: String,
    pub clock: Clock,
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
    let shared = Arc::new(Shared {
        idp,
        rules,
        mode: options.mode,
        leeway: options.leeway_seconds,
        stage: options.stage,
        clock: clock.clone(),
        base_url: url.clone(),
        converter: Arc::new(Converter::new(buckets, options.convert)),
        signer,
    });
    let router = Router::new()
        .route("/", post(cognito).fallback(missing_authentication_token))
        .route(
            "/{pool}/.well-known/jwks.json",
            get(jwks).fallback(missing_authentication_token),
        )
        .route(
            "/{stage}/convert",
            post(convert).fallback(missing_authentication_token),
        )
        .route(
            "/{stage}/jobs/{job_id}",
            get(job_status).fallback(missing_authentication_token),
        )
        .route(
            "/files/{bucket}/{*key}",
            get(file).fallback(missing_authentication_token),
        )
        .fallback(missing_authentication_token)
        .with_state(shared);
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "the local stack stopped");
        }
    });
    Ok(RunningStack {
        url,
        pool_id,
        issuer,
        client_ids,
        stage,
        clock,
        shutdown,
        task,
    })
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

fn request_id() -> String {
    let mut bytes = [0_u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).unwrap_or_else(|_| unreachable!("the system RNG works"));
    idp::hex(&bytes)
}

/// A JSON answer with the headers AWS services send.
fn answer(status: StatusCode, content_type: &'static str, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(&request_id()) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}

const AMZ_JSON: &str = "application/x-amz-json-1.1";
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

async fn cognito(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let refuse = |error_type: &str, message: &str| {
        let mut response = answer(
            StatusCode::BAD_REQUEST,
            AMZ_JSON,
            &json!({"__type": error_type, "message": message}),
        );
        if let Ok(value) = HeaderValue::from_str(&format!("{error_type}:")) {
            response.headers_mut().insert("x-amzn-ErrorType", value);
        }
        response
    };
    let Some(operation) = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix(TARGET_PREFIX))
    else {
        return refuse(
            "UnknownOperationException",
            "Missing or unknown X-Amz-Target",
        );
    };
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return refuse(
            "SerializationException",
            "The request body is not valid JSON",
        );
    };
    if !request.is_object() {
        return refuse(
            "SerializationException",
            "The request body must be a JSON object",
        );
    }
    match shared.idp.call(operation, &request) {
        Ok(result) => answer(StatusCode::OK, AMZ_JSON, &result),
        Err(e) => {
            tracing::debug!(%operation, error_type = e.error_type, "refused");
            refuse(e.error_type, &e.message)
        }
    }
}

async fn jwks(State(shared): State<Arc<Shared>>, Path(pool): Path<String>) -> Response {
    if pool == shared.idp.pool_id {
        answer(StatusCode::OK, "application/json", &shared.idp.jwks())
    } else {
        answer(
            StatusCode::NOT_FOUND,
            "application/json",
            &json!({"message": "User pool does not exist."}),
        )
    }
}

async fn missing_authentication_token() -> Response {
    answer(
        StatusCode::FORBIDDEN,
        "application/json",
        &json!({"message": "Missing Authentication Token"}),
    )
}

/// The authorizer's decision for a request, as API Gateway makes it.
fn authorize(
    shared: &Shared,
    headers: &HeaderMap,
) -> Result<authorizer::Verified, authorizer::Rejection> {
    let header_value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    authorizer::token_from_header(header_value, shared.mode.bearer).and_then(|token| {
        authorizer::verify(
            token,
            &shared.rules,
            shared.mode.accept,
            shared.clock.now(),
            shared.leeway,
        )
    })
}

fn unauthorized(rejection: &authorizer::Rejection) -> Response {
    tracing::debug!(%rejection, "authorizer refused");
    answer(
        StatusCode::UNAUTHORIZED,
        "application/json",
        &json!({"message": rejection.message()}),
    )
}

async fn convert(
    State(shared): State<Arc<Shared>>,
    Path(stage): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if stage != shared.stage {
        return missing_authentication_token().await;
    }
    let caller = match authorize(&shared, &headers) {
        Ok(verified) => verified,
        Err(rejection) => return unauthorized(&rejection),
    };
    let bad_request = |message: String| {
        answer(
            StatusCode::BAD_REQUEST,
            "application/json",
            &json!({ "message": message }),
        )
    };
    let request = match convert::parse_request(&body) {
        Ok(request) => request,
        Err(message) => return bad_request(message),
    };
    tracing::info!(user = caller.username(), bucket = %request.bucket, prefix = %request.pdf_prefix, "convert");
    match shared.converter.start(request).await {
        Ok(Started::Finished(id)) => match shared.converter.jobs.get(&id) {
            Some(job) => answer(StatusCode::OK, "application/json", &results(&shared, &job)),
            None => bad_request("the job vanished".to_owned()),
        },
        Ok(Started::Accepted(id)) => answer(
            StatusCode::ACCEPTED,
            "application/json",
            &json!({"job_id": id, "status_url": status_url(&shared, &id)}),
        ),
        Err(message) => bad_request(message),
    }
}

fn status_url(shared: &Shared, id: &str) -> String {
    let mut url = shared.base_url.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments
            .pop_if_empty()
            .push(&shared.stage)
            .push("jobs")
            .push(id);
    }
    url.to_string()
}

/// A signed, expiring GET URL for an object, like an S3 presigned URL.
fn signed_url(shared: &Shared, bucket: &str, key: &str) -> String {
    let mut url = shared.base_url.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments
            .pop_if_empty()
            .push("files")
            .push(bucket)
            .extend(key.split('/'));
    }
    let expires = shared.clock.now() + shared.converter.settings.url_ttl_seconds;
    let signature = shared.signer.sign(url.path(), expires);
    url.query_pairs_mut()
        .append_pair("expires", &expires.to_string())
        .append_pair("signature", &signature);
    url.to_string()
}

/// The contract's `converted`/`failed`, with fresh URLs.
fn results(shared: &Shared, job: &convert::Job) -> Value {
    let converted: Vec<Value> = job
        .converted
        .iter()
        .map(|c| {
            let mut item = serde_json::to_value(c).unwrap_or(Value::Null);
            item["url"] = json!(signed_url(shared, &job.bucket, &c.key));
            item
        })
        .collect();
    json!({"converted": converted, "failed": job.failed})
}

#[derive(serde::Deserialize)]
struct StatusQuery {
    /// Hold the answer until the job changes (at most [`LONG_POLL`]).
    wait: Option<String>,
}

/// Below API Gateway's 29-second integration timeout.
const LONG_POLL: std::time::Duration = std::time::Duration::from_secs(20);

async fn job_status(
    State(shared): State<Arc<Shared>>,
    Path((stage, job_id)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<StatusQuery>,
    headers: HeaderMap,
) -> Response {
    if stage != shared.stage {
        return missing_authentication_token().await;
    }
    if let Err(rejection) = authorize(&shared, &headers) {
        return unauthorized(&rejection);
    }
    let wait = query.wait.is_some_and(|w| w != "0" && w != "false");
    let mut changes = shared.converter.jobs.subscribe();
    let seen = shared
        .converter
        .jobs
        .get(&job_id)
        .map(|j| (j.state, j.done));
    if wait && seen.is_some_and(|(state, _)| state == convert::JobState::Running) {
        let _ = tokio::time::timeout(LONG_POLL, async {
            while changes.changed().await.is_ok() {
                let now = shared
                    .converter
                    .jobs
                    .get(&job_id)
                    .map(|j| (j.state, j.done));
                if now != seen {
                    break;
                }
            }
        })
        .await;
    }
    let Some(job) = shared.converter.jobs.get(&job_id) else {
        return answer(
            StatusCode::NOT_FOUND,
            "application/json",
            &json!({"message": format!("There is no job {job_id}")}),
        );
    };
    let mut body = results(&shared, &job);
    body["job_id"] = json!(job_id);
    body["state"] = json!(job.state);
    body["done"] = json!(job.done);
    body["total"] = json!(job.total);
    answer(StatusCode::OK, "application/json", &body)
}

fn s3_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{}</RequestId></Error>",
        request_id()
    );
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    response
}

#[derive(serde::Deserialize)]
struct Signature {
    expires: Option<String>,
    signature: Option<String>,
}

async fn file(
    State(shared): State<Arc<Shared>>,
    Path((bucket, key)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<Signature>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let (Some(expires), Some(signature)) = (query.expires, query.signature) else {
        return s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Query-string authentication requires the expires and signature parameters",
        );
    };
    let Ok(expires) = expires.parse::<i64>() else {
        return s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Invalid expires value",
        );
    };
    if let Err(e) = shared
        .signer
        .check(uri.path(), expires, &signature, shared.clock.now())
    {
        return s3_error(StatusCode::FORBIDDEN, e.s3_code(), e.s3_message());
    }
    let root = shared.converter.root.clone();
    let path = match files::object_path(&root, &bucket, &key) {
        Ok(path) => path,
        Err(e) => return s3_error(StatusCode::BAD_REQUEST, "InvalidArgument", &e.to_string()),
    };
    let Ok(bytes) = files::read_inside(&root.join(&bucket), &path).await else {
        return s3_error(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
        );
    };
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &bytes);
    let etag = format!("\"{}\"", &idp::hex(digest.as_ref())[..32]);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let content_type = if key.to_ascii_lowercase().ends_with(".jpg")
        || key.to_ascii_lowercase().ends_with(".jpeg")
    {
        "image/jpeg"
    } else if key.to_ascii_lowercase().ends_with(".pdf") {
        "application/pdf"
    } else {
        "application/octet-stream"
    };
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, bytes).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}
