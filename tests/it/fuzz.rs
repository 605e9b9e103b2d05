//! Fuzzing on stable with `proptest`: the JWT authorizer, the contract and Cognito's
//! answers (through real HTTP from a server that says whatever the case says), the
//! thumbnail decoder, the bucket and key rules, and the PDF renderer behind its budget
//! (mutations of the demo PDFs). The properties: no panic, no hang, and nothing hostile
//! accepted (a mutated token never yields other claims; no key leaves its bucket).

use crate::support;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use serde_json::{Value, json};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// The same cases on every run, so that CI never fails by chance; to search further,
/// raise `cases` locally.
fn runner(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        RunnerConfig {
            cases,
            failure_persistence: None,
            ..RunnerConfig::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    )
}

/// JSON of any shape, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        ".{0,40}".prop_map(Value::String),
        "eyJ[A-Za-z0-9_.-]{0,60}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A byte string changed a little: bytes flipped, a cut, a run inserted.
fn mutated(original: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = original.len().max(1);
    (
        prop::collection::vec((0..len, any::<u8>()), 1..8),
        prop::option::of(0..len),
        prop::option::of((0..len, prop::collection::vec(any::<u8>(), 1..64))),
    )
        .prop_map(move |(flips, cut, insert)| {
            let mut bytes = original.clone();
            for (at, value) in flips {
                if let Some(byte) = bytes.get_mut(at) {
                    *byte = value;
                }
            }
            if let Some((at, run)) = insert {
                let at = at.min(bytes.len());
                bytes.splice(at..at, run);
            }
            if let Some(cut) = cut {
                bytes.truncate(cut.max(1));
            }
            bytes
        })
}

#[test]
fn a_mutated_token_never_passes_with_other_claims() {
    use receipt_desk::local::authorizer::{self, Accept, Jwks, TokenRules};
    let runtime = runtime();
    let data = tempfile::tempdir().expect("tempdir");
    let stack = runtime.block_on(support::start_local(data.path().to_owned(), None));
    let tokens = runtime.block_on(support::demo_tokens(&stack));
    let jwks: Value = runtime.block_on(async {
        reqwest::get(stack.jwks_url())
            .await
            .expect("jwks")
            .json()
            .await
            .expect("json")
    });
    let rules = TokenRules {
        issuer: stack.issuer.clone(),
        jwks: Jwks::from_json(&jwks).expect("keys"),
        client_ids: Vec::new(),
    };
    let token = tokens.access.expose().to_owned();
    let now = stack.clock.now();
    let original =
        authorizer::verify(&token, &rules, Accept::Access, now, 0).expect("the real token passes");
    let strategy = prop_oneof![
        mutated(token.clone().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..400),
    ];
    runner(400)
        .run(&strategy, |bytes| {
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(verified) = authorizer::verify(&text, &rules, Accept::Access, now, 0) {
                prop_assert_eq!(
                    verified.username(),
                    original.username(),
                    "a changed token passed as someone else"
                );
                prop_assert_eq!(verified.int("exp"), original.int("exp"));
                prop_assert_eq!(verified.text("jti"), original.text("jti"));
            }
            let _ = authorizer::token_from_header(Some(&text), authorizer::BearerPrefix::Optional);
            let _ = receipt_desk::cognito::wire::decode_claims(&text);
            Ok(())
        })
        .expect("property");
}

/// A server that answers every request with the status and body the case sets.
struct Parrot {
    address: std::net::SocketAddr,
    answer: Arc<Mutex<(u16, Vec<u8>)>>,
}

async fn parrot() -> Parrot {
    let answer = Arc::new(Mutex::new((200, b"{}".to_vec())));
    let shared = Arc::clone(&answer);
    let app = axum::Router::new().fallback(move || {
        let shared = Arc::clone(&shared);
        async move {
            let (status, body) = shared.lock().expect("lock").clone();
            (
                axum::http::StatusCode::from_u16(status).expect("status"),
                [("content-type", "application/x-amz-json-1.1")],
                body,
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    Parrot { address, answer }
}

/// Cognito answers of every shape: the client returns a step or an error, never panics.
#[test]
fn any_cognito_answer_is_a_step_or_an_error() {
    use receipt_desk::cognito::{CognitoClient, Timeouts};
    use receipt_desk::credentials::Password;
    let runtime = runtime();
    let parrot = runtime.block_on(parrot());
    let client = CognitoClient::new(
        format!("http://{}/", parrot.address).parse().expect("url"),
        "fuzzclient0000000000000001",
        None,
        Timeouts::default(),
    )
    .expect("client");
    let shaped = (any_json(), any_json(), any_json(), any_json()).prop_map(
        |(access, expires, challenge, parameters)| {
            shaped(&access, &expires, &challenge, &parameters)
        },
    );
    let strategy = (
        prop::sample::select(vec![200_u16, 400, 403, 429, 500, 503]),
        prop_oneof![
            shaped.prop_map(|v| v.to_string().into_bytes()),
            any_json().prop_map(|v| v.to_string().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..200),
        ],
    );
    runner(300)
        .run(&strategy, |(status, body)| {
            *parrot.answer.lock().expect("lock") = (status, body);
            let password = Password::new("Receipts-r6!");
            let outcome = runtime.block_on(client.sign_in("demo", &password));
            if status != 200 {
                prop_assert!(outcome.is_err());
            }
            Ok(())
        })
        .expect("property");
}

/// The shapes Cognito's answers take, with any values in them.
fn shaped(access: &Value, expires: &Value, challenge: &Value, parameters: &Value) -> Value {
    match expires.as_i64().unwrap_or_default().rem_euclid(3) {
        0 => json!({"AuthenticationResult": {
            "AccessToken": access, "IdToken": parameters, "ExpiresIn": expires,
            "RefreshToken": challenge, "TokenType": "Bearer"}}),
        1 => json!({"ChallengeName": challenge, "Session": access,
            "ChallengeParameters": parameters}),
        _ => json!({"__type": challenge, "message": access}),
    }
}

/// `/convert` and job status answers of every shape: the API client returns an
/// outcome or an error, never panics, and a 2xx without the contract is never a success.
#[test]
fn any_api_answer_is_an_outcome_or_an_error() {
    use receipt_desk::api::{ApiClient, ConvertOutcome, ConvertRequest};
    use receipt_desk::config::{HeaderStyle, TokenKind};
    use receipt_desk::session::Session;
    let runtime = runtime();
    let data = tempfile::tempdir().expect("tempdir");
    let stack = runtime.block_on(support::start_local(data.path().to_owned(), None));
    let session = Session::new(support::demo_client(&stack));
    runtime.block_on(async { session.begin(support::demo_tokens(&stack).await).await });
    let parrot = runtime.block_on(parrot());
    let api = ApiClient::new(
        format!("http://{}/Prod", parrot.address)
            .parse()
            .expect("url"),
        Arc::clone(&session),
        TokenKind::Access,
        HeaderStyle::Bearer,
    )
    .expect("api");
    let request = ConvertRequest {
        source_bucket: "demo".to_owned(),
        pdf_prefix: "a/".to_owned(),
        upload_prefix: "b/".to_owned(),
    };
    let contract_like = (any_json(), any_json(), any_json()).prop_map(|(a, b, c)| {
        json!({"converted": a, "failed": b, "job_id": c, "status_url": c, "state": a,
            "done": b, "total": c, "results": {"converted": a, "failed": b}})
    });
    let strategy = (
        prop::sample::select(vec![200_u16, 202, 400, 401, 403, 500, 504]),
        prop_oneof![
            contract_like.prop_map(|v| v.to_string().into_bytes()),
            any_json().prop_map(|v| v.to_string().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..200),
        ],
    );
    runner(300)
        .run(&strategy, |(status, body)| {
            let follows = serde_json::from_slice::<Value>(&body)
                .is_ok_and(|v| v.get("converted").is_some() || v.get("failed").is_some());
            *parrot.answer.lock().expect("lock") = (status, body.clone());
            let outcome = runtime.block_on(api.convert(&request));
            if let Ok((ConvertOutcome::Done(_), _)) = &outcome {
                prop_assert!(status == 200 && follows, "a success from {status}");
            }
            let _ = backend::contract::ConvertRequest::parse(&body);
            let status_url = format!("http://{}/Prod/jobs/x", parrot.address);
            let _ = runtime.block_on(api.job_status(&status_url, false));
            Ok(())
        })
        .expect("property");
}

#[test]
fn the_thumbnail_decoder_takes_any_damage() {
    let mut jpeg = Vec::new();
    let image = image::RgbImage::from_fn(96, 64, |x, y| image::Rgb([x as u8, y as u8, 128]));
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&image)
        .expect("encode");
    receipt_desk::thumbs::decode::decode_fit(&jpeg, 32, 32).expect("the original decodes");
    runner(600)
        .run(&mutated(jpeg), |bytes| {
            if let Ok(pixels) = receipt_desk::thumbs::decode::decode_fit(&bytes, 32, 32) {
                prop_assert!(pixels.width <= 32 && pixels.height <= 32);
            }
            Ok(())
        })
        .expect("property");
}

#[test]
fn bucket_and_key_rules_never_let_a_key_out_of_its_bucket() {
    let root = Path::new("/srv/buckets");
    let strategy = (
        prop_oneof![".{0,70}", "[a-z0-9.-]{0,70}"],
        prop_oneof![
            ".{0,80}",
            "([a-z.]{0,3}/){0,6}[a-z.]{0,6}",
            "(\\.\\./|/|\\./){1,5}[a-z]{0,8}"
        ],
    );
    runner(2000)
        .run(&strategy, |(bucket, key)| {
            let window = receipt_desk::validate::bucket(&bucket).is_ok();
            let server = backend::files::check_bucket(&bucket).is_ok();
            prop_assert_eq!(
                window,
                server,
                "the window and the server disagree on {:?}",
                bucket
            );
            if server {
                prop_assert!((3..=63).contains(&bucket.len()));
            }
            let _ = receipt_desk::validate::prefix(&key);
            let _ = receipt_desk::validate::prefix_pair(&key, &bucket);
            if let Ok(path) = backend::files::object_path(root, &bucket, &key) {
                let inside = root.join(&bucket);
                prop_assert!(path.starts_with(&inside), "{:?} left {:?}", path, inside);
                prop_assert!(
                    path.components().all(|c| matches!(
                        c,
                        std::path::Component::Normal(_) | std::path::Component::RootDir
                    )),
                    "{:?}",
                    path
                );
            }
            Ok(())
        })
        .expect("property");
}

/// The renderer behind its budget, in the real render processes: damaged demo PDFs end
/// as pages or as a failure with a reason, each within the budget.
#[test]
fn damaged_pdfs_render_or_fail_with_a_reason_within_the_budget() {
    use backend::ConvertSettings;
    use backend::contract::reason;
    let runtime = runtime();
    let settings = ConvertSettings {
        render_exe: Some(Path::new(support::cli::BINARY)),
        render_budget_per_pdf: Duration::from_secs(3),
        render_budget_per_page: Duration::from_secs(3),
        ..ConvertSettings::default()
    };
    let slots = Arc::new(tokio::sync::Semaphore::new(2));
    let demo = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/2024-05-konbini.pdf"),
    )
    .expect("demo PDF");
    let known = [
        reason::NOT_PDF,
        reason::ENCRYPTED_PDF,
        reason::DAMAGED_PDF,
        reason::NO_PAGES,
        reason::TOO_LARGE,
        reason::RENDER_TIMEOUT,
        reason::RENDER_FAILED,
        reason::ENCODE_FAILED,
        reason::TOO_MANY_PAGES,
    ];
    runner(24)
        .run(&mutated(demo), |bytes| {
            let bytes = Arc::new(bytes);
            let outcome = runtime.block_on(async {
                match backend::render::count_pages_within(&settings, &slots, &bytes).await {
                    Err(e) => Err(e.reason),
                    Ok(pages) => {
                        let pages = pages.min(3);
                        let rendered =
                            backend::render::render_pages_within(&settings, &slots, &bytes, pages)
                                .await;
                        Ok(rendered)
                    }
                }
            });
            match outcome {
                Err(reason) => prop_assert!(known.contains(&reason), "{}", reason),
                Ok(rendered) => {
                    for failed in &rendered.failed {
                        prop_assert!(known.contains(&failed.error.reason), "{:?}", failed.error);
                    }
                }
            }
            Ok(())
        })
        .expect("property");
}
