//! The `/convert` client against the local stack: the contract, 202 jobs, refusals, and
//! 401 recovery (refresh on "expired", switch token kind on "Unauthorized").

use crate::support;

use std::sync::Arc;

use backend::ConvertSettings;
use receipt_desk::api::{
    ApiClient, ApiError, ConvertOutcome, ConvertRequest, ConvertResult, JobState,
};
use receipt_desk::config::{HeaderStyle, TokenKind};
use receipt_desk::local::authorizer::AuthorizerMode;
use receipt_desk::local::{self, ExternalIssuer, RunningStack, StackOptions, demo};
use receipt_desk::session::Session;

struct Setup {
    stack: RunningStack,
    session: Arc<Session>,
    _data: tempfile::TempDir,
}

async fn setup(adjust: impl FnOnce(&mut StackOptions)) -> Setup {
    let data = tempfile::tempdir().expect("tempdir");
    let mut options = StackOptions::new(data.path().to_owned());
    adjust(&mut options);
    let stack = local::start(options).await.expect("stack");
    let tokens = support::demo_tokens(&stack).await;
    let client = support::demo_client(&stack);
    let session = Session::new(client);
    session.begin(tokens).await;
    Setup {
        stack,
        session,
        _data: data,
    }
}

fn api(setup: &Setup, kind: TokenKind, style: HeaderStyle) -> ApiClient {
    ApiClient::new(
        setup.stack.api_url(),
        Arc::clone(&setup.session),
        kind,
        style,
    )
    .expect("api")
}

fn demo_request() -> ConvertRequest {
    ConvertRequest {
        source_bucket: demo::BUCKET.to_owned(),
        pdf_prefix: demo::PDF_PREFIX.to_owned(),
        upload_prefix: demo::UPLOAD_PREFIX.to_owned(),
    }
}

#[tokio::test]
async fn the_demo_conversion_reads_as_the_contract_says() {
    let setup = setup(|_| {}).await;
    let api = api(&setup, TokenKind::Access, HeaderStyle::Bearer);
    let (outcome, diagnostics) = api.convert(&demo_request()).await.expect("convert");
    let ConvertOutcome::Done(result) = outcome else {
        panic!("expected results");
    };
    assert_eq!(result.converted.len(), demo::PAGES);
    assert!(
        result
            .converted
            .iter()
            .all(|c| c.url.is_some() && c.width.is_some())
    );
    assert_eq!(result.failed.len(), 1);
    assert_eq!(diagnostics.status, 200);
    assert!(diagnostics.request_id.is_some());
    assert_eq!(diagnostics.switched_to, None);
}

#[tokio::test]
async fn an_id_token_authorizer_switches_the_profile_to_id_tokens_once() {
    let setup = setup(|o| o.mode = AuthorizerMode::STRICT).await;
    let api = api(&setup, TokenKind::Access, HeaderStyle::Bearer);
    let (_, diagnostics) = api
        .convert(&demo_request())
        .await
        .expect("convert after switching");
    assert_eq!(
        diagnostics.switched_to,
        Some(TokenKind::Id),
        "the caller is told to remember it"
    );
    assert_eq!(api.token_kind(), TokenKind::Id);
    assert_eq!(
        setup.session.refresh_count(),
        0,
        "a wrong kind is not an expired token"
    );
    let (_, again) = api.convert(&demo_request()).await.expect("convert");
    assert_eq!(again.switched_to, None, "already using the working kind");
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_the_call_retried() {
    let setup = setup(|_| {}).await;
    let api = api(&setup, TokenKind::Access, HeaderStyle::Bare);
    // The server's clock moves past the token's expiry (the session's does not).
    setup.stack.clock.advance(3600 + 61);
    let (outcome, diagnostics) = api
        .convert(&demo_request())
        .await
        .expect("convert after refresh");
    assert!(matches!(outcome, ConvertOutcome::Done(_)));
    assert_eq!(setup.session.refresh_count(), 1);
    assert_eq!(diagnostics.switched_to, None);
}

#[tokio::test]
async fn tokens_refused_both_ways_say_which_token_was_sent_and_how() {
    let idp = setup(|_| {}).await;
    let data = tempfile::tempdir().expect("tempdir");
    let mut options = StackOptions::new(data.path().to_owned());
    options.external_issuer = Some(ExternalIssuer {
        issuer: idp.stack.issuer.clone(),
        jwks_url: idp.stack.jwks_url(),
        client_ids: vec!["anotherappclient0000000001".to_owned()],
    });
    let other_api = local::start(options).await.expect("api stack");
    let api = ApiClient::new(
        other_api.api_url(),
        Arc::clone(&idp.session),
        TokenKind::Access,
        HeaderStyle::Bearer,
    )
    .expect("api");
    let err = api.convert(&demo_request()).await.expect_err("refused");
    match &err {
        ApiError::Unauthorized {
            message,
            sent,
            diagnostics,
        } => {
            assert_eq!(message, "Unauthorized");
            assert!(
                sent.starts_with("the access token after `Bearer `"),
                "{sent}"
            );
            assert_eq!(diagnostics.status, 401);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        !err.to_string().contains("eyJ"),
        "no token in the error: {err}"
    );
}

#[tokio::test]
async fn a_long_job_is_followed_to_the_end() {
    let setup = setup(|o| {
        o.convert = ConvertSettings {
            async_threshold_pages: 2,
            ..ConvertSettings::default()
        };
    })
    .await;
    let api = api(&setup, TokenKind::Access, HeaderStyle::Bearer);
    let (outcome, diagnostics) = api.convert(&demo_request()).await.expect("convert");
    assert_eq!(diagnostics.status, 202);
    let ConvertOutcome::Accepted { status_url, .. } = outcome else {
        panic!("expected 202");
    };
    let mut polls = 0;
    let status = loop {
        let status = api.job_status(&status_url, true).await.expect("status");
        polls += 1;
        if status.state != JobState::Running {
            break status;
        }
        assert!(polls < 50, "the job never finished");
    };
    assert_eq!(status.state, JobState::Succeeded);
    // Progress counts PDFs (one queued message each): the demo has six, one broken.
    assert_eq!((status.done, status.total), (6, 6));
    assert_eq!(status.results.converted.len(), 7);
}

#[tokio::test]
async fn a_bad_request_keeps_the_status_and_message() {
    let setup = setup(|_| {}).await;
    let api = api(&setup, TokenKind::Access, HeaderStyle::Bearer);
    let mut request = demo_request();
    request.source_bucket = "Not_A_Bucket".to_owned();
    match api.convert(&request).await.expect_err("400") {
        ApiError::Refused {
            message,
            diagnostics,
        } => {
            assert_eq!(diagnostics.status, 400);
            assert!(message.contains("source_bucket"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

/// A server that takes every connection and never says a word (a hung Lambda behind a
/// proxy), holding the sockets open until the test ends.
async fn silent_server() -> (reqwest::Url, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let url = reqwest::Url::parse(&format!("http://{address}/Prod")).expect("url");
    (url, task)
}

#[tokio::test]
async fn an_api_that_accepts_and_never_answers_is_a_timeout_with_the_gateway_hint() {
    use receipt_desk::api::ApiTimeouts;
    use receipt_desk::i18n::{self, Lang};
    let setup = setup(|_| {}).await;
    let (url, server) = silent_server().await;
    let api = ApiClient::with_timeouts(
        url,
        Arc::clone(&setup.session),
        TokenKind::Access,
        HeaderStyle::Bearer,
        ApiTimeouts {
            connect: std::time::Duration::from_secs(10),
            overall: std::time::Duration::from_secs(1),
        },
    )
    .expect("api");
    let err = api.convert(&demo_request()).await.expect_err("no answer");
    assert!(matches!(err, ApiError::Timeout { seconds: 1 }), "{err:?}");
    let en = i18n::api_error(&err, Lang::En);
    assert!(
        en.contains("did not answer in time") && en.contains("29 seconds"),
        "{en}"
    );
    assert!(!en.contains("could not be reached"), "{en}");
    let ja = i18n::api_error(&err, Lang::Ja);
    assert!(ja.contains("29 秒"), "{ja}");
    server.abort();

    // Nothing listening at all is still "could not be reached", not a timeout.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let gone = reqwest::Url::parse(&format!(
        "http://{}/Prod",
        closed.local_addr().expect("address")
    ))
    .expect("url");
    drop(closed);
    let api = ApiClient::new(
        gone,
        Arc::clone(&setup.session),
        TokenKind::Access,
        HeaderStyle::Bearer,
    )
    .expect("api");
    let err = api.convert(&demo_request()).await.expect_err("refused");
    assert!(matches!(err, ApiError::Network(_)), "{err:?}");
    assert!(i18n::api_error(&err, Lang::En).contains("could not be reached"));
}

#[tokio::test]
async fn the_demos_broken_pdf_comes_back_with_a_reason_code() {
    let setup = setup(|_| {}).await;
    let api = api(&setup, TokenKind::Access, HeaderStyle::Bearer);
    let (outcome, _) = api.convert(&demo_request()).await.expect("convert");
    let ConvertOutcome::Done(result) = outcome else {
        panic!("expected results");
    };
    let failed = &result.failed[0];
    assert!(
        failed.source_key.ends_with("broken-upload.pdf"),
        "{failed:?}"
    );
    assert_eq!(failed.reason.as_deref(), Some("damaged_pdf"), "{failed:?}");
    let ja = receipt_desk::i18n::failure_reason(
        failed.reason.as_deref(),
        &failed.error,
        receipt_desk::i18n::Lang::Ja,
    );
    assert!(ja.contains("壊れて"), "{ja}");
}

/// A 202 whose `status_url` names another server: the bearer token is not sent there.
#[tokio::test]
async fn a_status_url_on_another_origin_gets_no_token() {
    use receipt_desk::i18n::{self, Lang};
    let setup = setup(|_| {}).await;
    let api = api(&setup, TokenKind::Access, HeaderStyle::Bearer);
    // Another server on this machine, watching for any connection.
    let other = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    other.set_nonblocking(true).expect("nonblocking");
    let foreign = format!(
        "http://{}/Prod/jobs/collect-tokens",
        other.local_addr().expect("address")
    );
    let err = api.job_status(&foreign, true).await.expect_err("refused");
    assert!(
        matches!(&err, ApiError::ForeignStatusUrl { url } if *url == foreign),
        "{err:?}"
    );
    match other.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the other server was contacted: {other:?}"),
    }
    assert!(i18n::api_error(&err, Lang::En).contains("token was not sent there"));
    assert!(i18n::api_error(&err, Lang::Ja).contains("トークンはそこへ送っていません"));
    // A relative status URL is on the API's own origin: it is asked (and the unknown
    // job is refused by the stack, not by the origin rule).
    let own = api
        .job_status("/Prod/jobs/no-such-job", false)
        .await
        .expect_err("no such job");
    assert!(matches!(own, ApiError::Refused { .. }), "{own:?}");
}

/// The seed's own Lambda may answer `{"message":"ok"}`: a 200 without `converted` or
/// `failed` is "not this contract" (the body kept), never a success of 0 pages; an
/// empty result of the contract is still a success.
#[tokio::test]
async fn a_200_that_is_not_the_contract_is_not_a_success() {
    use receipt_desk::i18n::{self, Lang};
    let setup = setup(|_| {}).await;
    let foreign = axum::Router::new()
        .route(
            "/Prod/convert",
            axum::routing::post(|| async { axum::Json(serde_json::json!({"message": "ok"})) }),
        )
        .route(
            "/Ours/convert",
            axum::routing::post(|| async {
                axum::Json(serde_json::json!({"converted": [], "failed": []}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, foreign).await });
    let client = |stage: &str| {
        ApiClient::new(
            format!("http://{address}/{stage}").parse().expect("url"),
            Arc::clone(&setup.session),
            TokenKind::Access,
            HeaderStyle::Bearer,
        )
        .expect("api")
    };
    let err = client("Prod")
        .convert(&demo_request())
        .await
        .expect_err("not our contract");
    let ApiError::NotOurContract { body, diagnostics } = &err else {
        panic!("{err:?}");
    };
    assert!(body.contains("\"message\": \"ok\""), "{body}");
    assert_eq!(diagnostics.status, 200);
    assert!(i18n::api_error(&err, Lang::En).contains("not with Receipt Desk's /convert contract"));
    assert!(i18n::api_error(&err, Lang::Ja).contains("別のバックエンド"));
    let (outcome, _) = client("Ours")
        .convert(&demo_request())
        .await
        .expect("an empty result is a result");
    assert_eq!(outcome, ConvertOutcome::Done(ConvertResult::default()));
}
