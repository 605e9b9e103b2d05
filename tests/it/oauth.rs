//! Browser sign-in (authorization code + PKCE, loopback redirect) with the test playing
//! the browser: against the local stack's managed login, which checks the callback URL,
//! S256, the verifier, single use and the code's life; and against an independent
//! `OpenID` provider, `oidc-provider-mock` (`PyPI`), found by discovery.

use crate::support;

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use receipt_desk::cognito::oauth::{Endpoints, OAuthClient, OAuthError, Pkce};
use receipt_desk::cognito::{CognitoClient, Timeouts};
use reqwest::Url;
use support::{PASSWORD, Peer, cast};

/// A port nobody listens on now (bound, then let go).
/// A port that is free now, for a callback registered before its listener binds. Chosen
/// below Linux's ephemeral range (32768 and up): a port the OS hands out from there can be
/// taken by any parallel test's outgoing connection before the listener binds it (CI-5).
fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 20_000 + (std::process::id() % 5_000) as u16;
    (0..2_000)
        .map(|_| base + NEXT.fetch_add(1, Ordering::Relaxed) % 10_000)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port below the ephemeral range")
}

/// The local stack with its app clients' callback on `port`.
async fn stack_with_callback(port: u16) -> Peer {
    Peer::local_with(move |toml| {
        for id in ["desktoppublicclient0000001", "confidentialclient00000001"] {
            *toml = toml.replacen(
                &format!("id = \"{id}\"\n"),
                &format!(
                    "id = \"{id}\"\n\
                     callback_urls = [\"http://127.0.0.1:{port}/callback\"]\n\
                     logout_urls = [\"http://127.0.0.1:{port}/signed-out\"]\n"
                ),
                1,
            );
        }
    })
    .await
}

fn oauth_client(peer: &Peer, port: u16) -> OAuthClient {
    let mut client = OAuthClient::new(
        Endpoints::cognito(&peer.pool.moto_url).expect("endpoints"),
        &peer.pool.client_id,
        None,
    )
    .expect("client");
    client.ports = vec![port];
    client
}

/// A form post, as a browser sends one.
trait FormPost {
    fn form_body(self, pairs: &[(&str, &str)]) -> Self;
}

impl FormPost for reqwest::RequestBuilder {
    fn form_body(self, pairs: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
    }
}

/// A browser that shows us every redirect instead of following it.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http")
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the hidden field") + marker.len();
    html[start..]
        .split('"')
        .next()
        .expect("its value")
        .to_owned()
}

/// Opens `url`, signs in on the login page (and its code page for a user with an
/// authenticator); the redirect's `Location`, or the page's status and text.
pub(crate) async fn sign_in_on_the_page(
    url: &Url,
    username: &str,
    password: &str,
) -> Result<String, (u16, String)> {
    let browser = browser();
    let page = browser.get(url.clone()).send().await.expect("authorize");
    let status = page.status().as_u16();
    let html = page.text().await.expect("page");
    if status != 200 {
        return Err((status, html));
    }
    let login = url.join("/login").expect("login url");
    let ticket = hidden(&html, "ticket");
    let answer = browser
        .post(login)
        .form_body(&[
            ("ticket", ticket.as_str()),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await
        .expect("login");
    let mut answer = answer;
    if answer.status().as_u16() == 200 {
        // The authenticator's code page.
        let html = answer.text().await.expect("code page");
        let secret = receipt_desk::totp::base32_decode(cast::TOTP_SECRET).expect("base32");
        let code = receipt_desk::totp::code(&secret, support::now_seconds(), 6);
        answer = browser
            .post(url.join("/login/code").expect("code url"))
            .form_body(&[
                ("ticket", hidden(&html, "ticket").as_str()),
                ("code", code.as_str()),
            ])
            .send()
            .await
            .expect("code");
    }
    if answer.status().as_u16() != 302 {
        return Err((
            answer.status().as_u16(),
            answer.text().await.unwrap_or_default(),
        ));
    }
    Ok(answer.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned())
}

/// Follows the redirect to the app's loopback listener, as the browser does.
pub(crate) async fn arrive(location: &str) -> String {
    let page = browser()
        .get(location)
        .send()
        .await
        .expect("the loopback answers");
    assert!(page.status().is_success());
    page.text().await.expect("page")
}

#[tokio::test]
async fn the_local_managed_login_signs_in_through_the_loopback_and_refreshes() {
    let port = free_port();
    let peer = stack_with_callback(port).await;
    let client = oauth_client(&peer, port);
    let pending = client.start().expect("listening");
    let url = pending.url.clone();
    let location = sign_in_on_the_page(&url, cast::ALICE, PASSWORD)
        .await
        .expect("signed in on the page");
    assert!(location.starts_with(&format!("http://127.0.0.1:{port}/callback?code=")));
    // The app listens while the browser arrives.
    let (tokens, closing) = tokio::join!(client.finish(pending), arrive(&location));
    assert!(closing.contains("close this tab"), "{closing}");
    assert!(closing.contains("このタブを閉じて"));
    let tokens = tokens.expect("tokens");
    assert_eq!(tokens.username, cast::ALICE);
    // The tokens are Cognito's: the user API takes the access token.
    let cognito = CognitoClient::new(
        peer.pool.moto_url.clone(),
        &peer.pool.client_id,
        None,
        Timeouts::default(),
    )
    .expect("client");
    let user = cognito.get_user(&tokens.access).await.expect("GetUser");
    assert_eq!(user.username, cast::ALICE);
    // Refresh at the token endpoint; revoked, it refreshes no more.
    let refresh = tokens.refresh.clone().expect("refresh token");
    let refreshed = client.refresh(&tokens).await.expect("refresh");
    assert_eq!(refreshed.username, cast::ALICE);
    client.revoke(&refresh).await.expect("revoked");
    let err = client.refresh(&tokens).await.expect_err("revoked");
    assert!(
        matches!(err, OAuthError::Token { ref error, .. } if error == "invalid_grant"),
        "{err}"
    );
    // Sign-out in the browser: /logout sends it to our listener's "signed out" page.
    let logout = client.browser_logout().expect("a logout URL");
    assert!(logout.as_str().contains("logout_uri="), "{logout}");
    let back = browser().get(logout).send().await.expect("logout");
    assert_eq!(back.status().as_u16(), 302);
    let page = arrive(back.headers()["location"].to_str().expect("location")).await;
    assert!(page.contains("Signed out") && page.contains("サインアウトしました"));
}

#[tokio::test]
async fn a_user_with_an_authenticator_gives_its_code_on_the_page() {
    let port = free_port();
    let peer = stack_with_callback(port).await;
    let client = oauth_client(&peer, port);
    let pending = client.start().expect("listening");
    let location = sign_in_on_the_page(&pending.url.clone(), cast::TINA, PASSWORD)
        .await
        .expect("signed in with the code");
    let (tokens, _) = tokio::join!(client.finish(pending), arrive(&location));
    assert_eq!(tokens.expect("tokens").username, cast::TINA);
}

#[tokio::test]
async fn the_page_refuses_a_wrong_password_and_an_unregistered_port() {
    let port = free_port();
    let peer = stack_with_callback(port).await;
    let pending = oauth_client(&peer, port).start().expect("listening");
    let (status, page) = sign_in_on_the_page(&pending.url.clone(), cast::ALICE, "Wrong-pass1!")
        .await
        .expect_err("wrong password");
    assert_eq!(status, 400);
    assert!(page.contains("Incorrect username or password."), "{page}");
    // A port that is not a registered callback URL: no login page, no redirect.
    let other = free_port();
    let pending = oauth_client(&peer, other).start().expect("listening");
    let (status, page) = sign_in_on_the_page(&pending.url.clone(), cast::ALICE, PASSWORD)
        .await
        .expect_err("unregistered port");
    assert_eq!(status, 400);
    assert!(page.contains("is not a callback URL"), "{page}");
}

/// An authorize request made by hand with a known verifier; the code it gives.
async fn code_by_hand(peer: &Peer, port: u16, verifier: &str) -> String {
    let pkce = Pkce::from_verifier(verifier.to_owned());
    let mut url = peer.pool.moto_url.join("/oauth2/authorize").expect("url");
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &peer.pool.client_id)
        .append_pair("redirect_uri", &format!("http://127.0.0.1:{port}/callback"))
        .append_pair("state", "s")
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256");
    let location = sign_in_on_the_page(&url, cast::ALICE, PASSWORD)
        .await
        .expect("a code");
    let query: HashMap<String, String> = Url::parse(&location)
        .expect("location")
        .query_pairs()
        .into_owned()
        .collect();
    query["code"].clone()
}

async fn exchange(peer: &Peer, port: u16, code: &str, verifier: &str) -> (u16, serde_json::Value) {
    let response = browser()
        .post(peer.pool.moto_url.join("/oauth2/token").expect("url"))
        .form_body(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &format!("http://127.0.0.1:{port}/callback")),
            ("client_id", &peer.pool.client_id),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .expect("token endpoint");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn codes_need_their_verifier_are_used_once_and_expire() {
    let port = free_port();
    let peer = stack_with_callback(port).await;
    let verifier = "a-verifier-of-enough-length-for-pkce-0123456789";
    // A wrong verifier spends the code too.
    let code = code_by_hand(&peer, port, verifier).await;
    let (status, body) = exchange(
        &peer,
        port,
        &code,
        "not-the-verifier-but-long-enough-0123456789",
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    let (status, _) = exchange(&peer, port, &code, verifier).await;
    assert_eq!(status, 400, "a code is used once, even by a wrong verifier");
    // The right verifier, once.
    let code = code_by_hand(&peer, port, verifier).await;
    let (status, body) = exchange(&peer, port, &code, verifier).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string() && body["refresh_token"].is_string());
    let (status, _) = exchange(&peer, port, &code, verifier).await;
    assert_eq!(status, 400, "reused");
    // Five minutes later, a code is no good.
    let code = code_by_hand(&peer, port, verifier).await;
    peer.stack().expect("stack").clock.advance(301);
    let (status, body) = exchange(&peer, port, &code, verifier).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
}

/// `oidc-provider-mock` on a free port, until dropped.
struct MockProvider {
    child: Child,
    issuer: Url,
}

impl Drop for MockProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn mock_provider() -> MockProvider {
    let script = r#"
import sys, time
from oidc_provider_mock import run_server_in_thread
with run_server_in_thread(port=0) as server:
    print(f"http://localhost:{server.server_port}", flush=True)
    sys.stdin.read()
"#;
    let mut child = Command::new(support::moto_python())
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the provider's URL");
    let issuer = Url::parse(line.trim()).expect("an URL");
    MockProvider { child, issuer }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_openid_provider_signs_in_and_refreshes() {
    let provider = mock_provider();
    let http = reqwest::Client::new();
    let endpoints = Endpoints::discover(&http, &provider.issuer)
        .await
        .expect("discovery");
    // It treats every client as confidential: the secret goes by HTTP Basic.
    let secret = receipt_desk::credentials::ClientSecret::new("mock-client-secret");
    let mut client =
        OAuthClient::new(endpoints, "receipt-desk-test", Some(secret)).expect("client");
    client.ports = vec![free_port()];
    client.scopes = vec!["openid".to_owned(), "email".to_owned()];
    let pending = client.start().expect("listening");
    // Its authorization page takes a subject instead of a password.
    let browser = browser();
    let form = browser.get(pending.url.clone()).send().await.expect("page");
    assert_eq!(form.status().as_u16(), 200);
    let answer = browser
        .post(pending.url.clone())
        .form_body(&[("sub", "alice@example.com")])
        .send()
        .await
        .expect("authorize");
    assert_eq!(answer.status().as_u16(), 302, "{:?}", answer.text().await);
    let location = answer.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let (tokens, _) = tokio::join!(client.finish(pending), arrive(&location));
    let tokens = tokens.expect("tokens");
    assert_eq!(tokens.username, "alice@example.com");
    assert!(tokens.refresh.is_some(), "a refresh token");
    let refreshed = client.refresh(&tokens).await.expect("refresh");
    assert_eq!(refreshed.username, "alice@example.com");
    assert_ne!(refreshed.access, tokens.access, "a new access token");
}

#[tokio::test]
async fn a_confidential_client_signs_in_and_revokes_with_its_secret() {
    let port = free_port();
    let peer = stack_with_callback(port).await;
    let secret = receipt_desk::credentials::ClientSecret::new(peer.pool.client_secret.clone());
    let mut client = OAuthClient::new(
        Endpoints::cognito(&peer.pool.moto_url).expect("endpoints"),
        &peer.pool.secret_client_id,
        Some(secret),
    )
    .expect("client");
    client.ports = vec![port];
    let pending = client.start().expect("listening");
    let location = sign_in_on_the_page(&pending.url.clone(), cast::ALICE, PASSWORD)
        .await
        .expect("signed in");
    let (tokens, _) = tokio::join!(client.finish(pending), arrive(&location));
    let tokens = tokens.expect("tokens");
    client
        .refresh(&tokens)
        .await
        .expect("refresh with the secret");
    client
        .revoke(tokens.refresh.as_ref().expect("refresh token"))
        .await
        .expect("revoked with the secret");
    assert!(client.refresh(&tokens).await.is_err(), "revoked");
}

#[tokio::test]
async fn five_wrong_authenticator_codes_spend_the_login_page() {
    let port = free_port();
    let peer = stack_with_callback(port).await;
    let pending = oauth_client(&peer, port).start().expect("listening");
    let browser = browser();
    let html = browser
        .get(pending.url.clone())
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let code_page = browser
        .post(pending.url.join("/login").expect("url"))
        .form_body(&[
            ("ticket", hidden(&html, "ticket").as_str()),
            ("username", cast::TINA),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("login")
        .text()
        .await
        .expect("code page");
    let ticket = hidden(&code_page, "ticket");
    let mut last = String::new();
    for _ in 0..5 {
        last = browser
            .post(pending.url.join("/login/code").expect("url"))
            .form_body(&[("ticket", ticket.as_str()), ("code", "000000")])
            .send()
            .await
            .expect("code")
            .text()
            .await
            .expect("page");
    }
    assert!(last.contains("Too many wrong codes"), "{last}");
    // The page is gone: even a right code now is refused.
    let secret = receipt_desk::totp::base32_decode(cast::TOTP_SECRET).expect("base32");
    let code = receipt_desk::totp::code(&secret, support::now_seconds(), 6);
    let response = browser
        .post(pending.url.join("/login/code").expect("url"))
        .form_body(&[("ticket", ticket.as_str()), ("code", code.as_str())])
        .send()
        .await
        .expect("code");
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn a_browser_sign_in_to_a_client_that_tracks_devices_still_refreshes() {
    let port = free_port();
    let peer = Peer::local_with(move |toml| {
        *toml = toml.replacen(
            "id = \"desktoppublicclient0000001\"\n",
            &format!(
                "id = \"desktoppublicclient0000001\"\ndevice_tracking = \"always\"\n\
                 callback_urls = [\"http://127.0.0.1:{port}/callback\"]\n"
            ),
            1,
        );
    })
    .await;
    let client = oauth_client(&peer, port);
    let pending = client.start().expect("listening");
    let location = sign_in_on_the_page(&pending.url.clone(), cast::ALICE, PASSWORD)
        .await
        .expect("signed in");
    let (tokens, _) = tokio::join!(client.finish(pending), arrive(&location));
    let tokens = tokens.expect("tokens");
    assert!(tokens.new_device.is_none(), "managed login names no device");
    client
        .refresh(&tokens)
        .await
        .expect("refreshes without a device key");
}
