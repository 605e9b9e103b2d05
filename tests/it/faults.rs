//! Faults between the app and its servers, from a proxy on 127.0.0.1 that delays,
//! resets, cuts short, slows down or answers 500/503/429 in the server's place: following
//! a job rides them out and loses no job; a page download fails with its reason or
//! arrives whole; Cognito's faults are explained and the next sign-in works.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use backend::ConvertSettings;
use receipt_desk::api::{ApiClient, ConvertOutcome, ConvertRequest, JobState};
use receipt_desk::cognito::{AuthStep, CognitoClient, Timeouts};
use receipt_desk::config::{HeaderStyle, TokenKind};
use receipt_desk::credentials::Password;
use receipt_desk::local::{self, RunningStack, StackOptions, demo};
use receipt_desk::session::Session;
use receipt_desk::thumbs::Thumbnailer;
use support::faults::{Fault, FaultProxy};

struct Setup {
    stack: RunningStack,
    proxy: FaultProxy,
    session: Arc<Session>,
    _data: tempfile::TempDir,
}

/// A local stack that queues every job (202), reached through the proxy.
async fn setup() -> Setup {
    let data = tempfile::tempdir().expect("tempdir");
    let mut options = StackOptions::new(data.path().to_owned());
    options.convert = ConvertSettings {
        async_threshold_pages: 1,
        ..ConvertSettings::default()
    };
    let stack = local::start(options).await.expect("stack");
    let upstream = stack.url.socket_addrs(|| None).expect("address")[0];
    let proxy = FaultProxy::start(upstream).await;
    let session = Session::new(support::demo_client(&stack));
    session.begin(support::demo_tokens(&stack).await).await;
    Setup {
        stack,
        proxy,
        session,
        _data: data,
    }
}

fn api(setup: &Setup) -> ApiClient {
    ApiClient::with_timeouts(
        setup.proxy.url("/Prod").parse().expect("url"),
        Arc::clone(&setup.session),
        TokenKind::Access,
        HeaderStyle::Bearer,
        receipt_desk::api::ApiTimeouts {
            connect: Duration::from_secs(10),
            overall: Duration::from_secs(30),
        },
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

/// The window's and the command line's retries, with pauses of milliseconds.
fn quick() -> receipt_desk::jobs::StatusRetry {
    receipt_desk::jobs::StatusRetry {
        first_pause: Duration::from_millis(10),
        ..receipt_desk::jobs::StatusRetry::default()
    }
}

/// Each fault in front of a job's first status request: the job is followed to its end
/// all the same, with every page.
#[tokio::test]
async fn following_a_job_rides_out_each_fault() {
    let setup = setup().await;
    let api = api(&setup);
    for fault in [
        Fault::Reset,
        Fault::Status(503),
        Fault::Status(500),
        Fault::Status(429),
        Fault::Truncate,
        Fault::SlowBody,
        Fault::Delay(Duration::from_millis(300)),
    ] {
        let (outcome, _) = api.convert(&demo_request()).await.expect("convert");
        let ConvertOutcome::Accepted { status_url, .. } = outcome else {
            panic!("expected a queued job");
        };
        assert!(
            status_url.starts_with(&setup.proxy.url("/")),
            "{status_url}"
        );
        setup.proxy.inject([fault.clone()]);
        let result = receipt_desk::jobs::follow_with(&api, &status_url, quick(), |_| {})
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(setup.proxy.pending(), 0, "{fault:?} was met");
        assert_eq!(result.converted.len(), demo::PAGES, "{fault:?}");
    }
    // A status that keeps failing ends the following with the reason; the job itself
    // is still there and finishes.
    let (outcome, _) = api.convert(&demo_request()).await.expect("convert");
    let ConvertOutcome::Accepted { status_url, .. } = outcome else {
        panic!("expected a queued job");
    };
    setup.proxy.inject(vec![Fault::Status(503); 7]);
    let error = receipt_desk::jobs::follow_with(&api, &status_url, quick(), |_| {})
        .await
        .expect_err("gives up");
    assert!(error.to_string().contains("503"), "{error}");
    let status = loop {
        let status = api.job_status(&status_url, true).await.expect("status");
        if status.state != JobState::Running {
            break status;
        }
    };
    assert_eq!(status.results.converted.len(), demo::PAGES);
}

/// A page through the proxy: a fault that leaves no whole JPEG is an error with its
/// reason (never a broken image taken for a page); a slow or late one arrives whole.
#[tokio::test]
async fn page_downloads_fail_with_a_reason_or_arrive_whole() {
    let setup = setup().await;
    let api = api(&setup);
    let (outcome, _) = api.convert(&demo_request()).await.expect("convert");
    let ConvertOutcome::Accepted { status_url, .. } = outcome else {
        panic!("expected a queued job");
    };
    let result = receipt_desk::jobs::follow(&api, &status_url, |_| {})
        .await
        .expect("followed");
    let url = result.converted[0].url.clone().expect("a page URL");
    assert!(url.starts_with(&setup.proxy.url("/")), "{url}");
    for fault in [
        Fault::Reset,
        Fault::Truncate,
        Fault::Status(503),
        Fault::Status(429),
    ] {
        let thumbnailer = Thumbnailer::new(None);
        setup.proxy.inject([fault.clone()]);
        let error = thumbnailer.fetch(&url).await.expect_err("no page");
        assert!(!error.to_string().is_empty(), "{fault:?}");
        assert_eq!(setup.proxy.pending(), 0);
    }
    for fault in [Fault::SlowBody, Fault::Delay(Duration::from_millis(300))] {
        let thumbnailer = Thumbnailer::new(None);
        setup.proxy.inject([fault.clone()]);
        let (bytes, _) = thumbnailer.fetch(&url).await.expect("the page");
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "{fault:?}");
        assert_eq!(u64::try_from(bytes.len()).ok(), result.converted[0].bytes);
    }
}

/// Cognito behind the proxy: each fault is told as what it is, and a sign-in after it
/// works.
#[tokio::test]
async fn cognito_faults_are_explained_and_the_next_sign_in_works() {
    let setup = setup().await;
    let client = CognitoClient::new(
        setup.proxy.url("/").parse().expect("url"),
        local::idp::DEMO_CLIENT_ID,
        None,
        Timeouts::default(),
    )
    .expect("client");
    let password = Password::new(local::idp::DEMO_PASSWORD);
    for (fault, transient) in [
        (Fault::Reset, true),
        (Fault::Status(500), true),
        (Fault::Status(503), true),
        (Fault::Status(429), true),
        (Fault::Truncate, true),
    ] {
        setup.proxy.inject([fault.clone()]);
        let error = client
            .sign_in(local::idp::DEMO_USERNAME, &password)
            .await
            .expect_err("the fault");
        assert_eq!(error.is_transient(), transient, "{fault:?}: {error:?}");
        let said = receipt_desk::i18n::cognito_error(&error, receipt_desk::i18n::Lang::En);
        assert!(!said.is_empty(), "{fault:?}");
    }
    for fault in [Fault::SlowBody, Fault::Delay(Duration::from_millis(300))] {
        setup.proxy.inject([fault]);
        let step = client
            .sign_in(local::idp::DEMO_USERNAME, &password)
            .await
            .expect("signs in");
        assert!(matches!(step, AuthStep::SignedIn(_)));
    }
    drop(setup.stack);
}
