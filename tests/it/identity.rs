//! Reading S3 with a Cognito identity pool's credentials, against moto (one server is the
//! user pool, the identity pool and S3): a signed-in user's ID token becomes temporary
//! credentials, the bucket is listed and a page fetched through a presigned URL; and a
//! backend that isn't ours (`{"message":"ok"}`) still yields its pages to the command line.

use backend::storage::{S3Storage, Storage};
use receipt_desk::cognito::AuthStep;
use receipt_desk::config::Profile;
use receipt_desk::credentials::Password;
use receipt_desk::session::Session;
use receipt_desk::storage::Source;
use serde_json::json;

use crate::support::aws::{config, create_bucket, raw_json, unique};
use crate::support::{self, PASSWORD, Pool};

/// A JPEG (a real one: the viewer and the CLI's download read it).
pub(crate) fn jpeg() -> Vec<u8> {
    let mut bytes = Vec::new();
    let image = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 30, 30]));
    image::DynamicImage::ImageRgb8(image)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Jpeg,
        )
        .expect("encode");
    bytes
}

/// An identity pool in moto that trusts `pool`; its id (`REGION:GUID`).
pub(crate) async fn identity_pool(pool: &Pool) -> String {
    let created = raw_json(
        "cognito-identity",
        "AWSCognitoIdentityService.CreateIdentityPool",
        json!({
            "IdentityPoolName": unique("ids").replace('-', "_"),
            "AllowUnauthenticatedIdentities": false,
            "CognitoIdentityProviders": [{
                "ProviderName": format!("cognito-idp.us-east-1.amazonaws.com/{}", pool.id),
                "ClientId": pool.client_id,
            }],
        }),
    )
    .await;
    created["IdentityPoolId"]
        .as_str()
        .expect("IdentityPoolId")
        .to_owned()
}

/// A session of `username` (a confirmed user of `pool`), signed in with the password.
async fn signed_in(pool: &Pool, username: &str) -> std::sync::Arc<Session> {
    let client = pool.client();
    let AuthStep::SignedIn(tokens) = client
        .sign_in(username, &Password::new(PASSWORD.to_owned()))
        .await
        .expect("sign in")
    else {
        panic!("no challenge expected");
    };
    let session = Session::new(client);
    session.begin(tokens).await;
    session
}

fn profile(pool: &Pool, identity_pool_id: &str) -> Profile {
    Profile {
        client_id: pool.client_id.clone(),
        cognito_endpoint: Some(pool.moto_url.to_string()),
        identity_pool_id: Some(identity_pool_id.to_owned()),
        aws_endpoint: Some(pool.moto_url.to_string()),
        ..Profile::default()
    }
}

/// The seed's own Lambda, as far as the app can tell: its `/Prod/convert` writes a page
/// to `bucket` under `r6/jpeg/` and answers `{"message":"ok"}`. Its address.
pub(crate) async fn foreign_backend(bucket: String) -> std::net::SocketAddr {
    let foreign = axum::Router::new().route(
        "/Prod/convert",
        axum::routing::post(move || {
            let bucket = bucket.clone();
            async move {
                let s3 = Storage::S3(S3Storage::new(config()));
                s3.put(&bucket, "r6/jpeg/scan-p1.jpg", jpeg(), "image/jpeg")
                    .await
                    .expect("put");
                axum::Json(json!({"message": "ok"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, foreign).await });
    address
}

#[tokio::test]
async fn an_identity_pool_lists_the_bucket_and_reads_results_from_s3() {
    let pool = support::moto().pool().await;
    pool.confirmed_user("ida", json!([])).await;
    let identity_pool_id = identity_pool(&pool).await;
    let bucket = create_bucket().await;
    let s3 = Storage::S3(S3Storage::new(config()));
    s3.put(
        &bucket,
        "r6/pdf/a.pdf",
        b"%PDF-1.7 stand-in".to_vec(),
        "application/pdf",
    )
    .await
    .expect("put");
    let page = jpeg();
    s3.put(&bucket, "r6/jpeg/a-p1.jpg", page.clone(), "image/jpeg")
        .await
        .expect("put");

    let session = signed_in(&pool, "ida").await;
    let profile = profile(&pool, &identity_pool_id);
    assert!(
        profile.validate("moto").is_ok(),
        "{:?}",
        profile.validate("moto")
    );
    let source = Source::for_profile(&profile, None, &session).expect("a source");
    assert!(source.is_identity_pool());

    let level = source
        .prefixes(&bucket, "r6/", None)
        .await
        .expect("listing");
    let folders: Vec<(&str, u64, u64)> = level
        .folders
        .iter()
        .map(|f| (f.prefix.as_str(), f.pdfs, f.jpegs))
        .collect();
    assert_eq!(folders, [("r6/jpeg/", 0, 1), ("r6/pdf/", 1, 0)]);

    let results = source
        .results(&bucket, "r6/jpeg/", None)
        .await
        .expect("results");
    assert_eq!(results.converted.len(), 1);
    let found = &results.converted[0];
    assert_eq!(
        (found.key.as_str(), found.page),
        ("r6/jpeg/a-p1.jpg", Some(1))
    );
    let url = found.url.as_deref().expect("a presigned URL");
    let fetched = reqwest::get(url)
        .await
        .expect("GET")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(fetched.as_ref(), page.as_slice());
    // Pages older than the job are not its results.
    let later = jiff::Timestamp::now().as_second() + 3600;
    let none = source
        .results(&bucket, "r6/jpeg/", Some(later))
        .await
        .expect("results");
    assert!(none.converted.is_empty(), "{none:?}");
}

#[test]
fn a_backend_that_is_not_ours_still_yields_its_pages_through_the_identity_pool() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let (pool, identity_pool_id, bucket, address) = runtime.block_on(async {
        let pool = support::moto().pool().await;
        pool.confirmed_user("ida", json!([])).await;
        let identity_pool_id = identity_pool(&pool).await;
        let bucket = create_bucket().await;
        let address = foreign_backend(bucket.clone()).await;
        (pool, identity_pool_id, bucket, address)
    });
    let config_file = dir.path().join("config.toml");
    let out = support::cli::run(
        support::cli::command(
            dir.path(),
            &config_file,
            &[
                "profile",
                "set",
                "moto",
                "--client-id",
                &pool.client_id,
                "--cognito-endpoint",
                pool.moto_url.as_str(),
                "--api-url",
                &format!("http://{address}/Prod"),
                "--identity-pool-id",
                &identity_pool_id,
                "--aws-endpoint",
                pool.moto_url.as_str(),
                "--bucket",
                &bucket,
                "--pdf-prefix",
                "r6/pdf/",
                "--upload-prefix",
                "r6/jpeg/",
            ],
        ),
        "",
    );
    support::cli::assert_success(&out);
    let download = dir.path().join("pages");
    let out = support::cli::run(
        support::cli::command(
            dir.path(),
            &config_file,
            &[
                "convert",
                "-u",
                "ida",
                "--password-stdin",
                "--download",
                download.to_str().expect("path"),
            ],
        ),
        &format!("{PASSWORD}\n"),
    );
    let stderr = support::cli::text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("not with Receipt Desk's /convert contract"),
        "{stderr}"
    );
    assert!(stderr.contains("read 1 pages"), "{stderr}");
    let saved = std::fs::read_dir(&download)
        .expect("download folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    assert_eq!(saved, ["scan-p1.jpg"], "{stderr}");
}

/// An identity pool that does not exist (moto answers 500): the error is the identity
/// pool's, and neither it nor its debug form carries the ID token that was sent.
#[tokio::test]
async fn a_failing_identity_pool_says_so_without_the_token() {
    let pool = support::moto().pool().await;
    pool.confirmed_user("ida", json!([])).await;
    let session = signed_in(&pool, "ida").await;
    let (_, id_token) = session.tokens().await.expect("tokens");
    // An identity pool that does not exist.
    let profile = profile(&pool, "us-east-1:00000000-0000-0000-0000-000000000000");
    let source = Source::for_profile(&profile, None, &session).expect("a source");
    let err = source
        .prefixes("any-bucket", "", None)
        .await
        .expect_err("no such identity pool");
    let text = format!("{err} {err:?}");
    assert!(
        matches!(err, receipt_desk::storage::BrowseError::Identity(_)),
        "{text}"
    );
    assert!(text.contains("identity pool"), "{text}");
    assert!(
        !text.contains(id_token.expose()),
        "the token leaked: {text}"
    );
}
