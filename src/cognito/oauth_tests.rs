//! Unit tests of `cognito::oauth`.

use std::collections::HashMap;

use super::*;

#[test]
fn pkce_matches_rfc_7636_appendix_b() {
    let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned());
    assert_eq!(
        pkce.challenge,
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    assert!(!format!("{pkce:?}").contains("dBjft"));
    let fresh = Pkce::new();
    assert_eq!(fresh.verifier.len(), 43, "32 bytes, base64url");
    assert_ne!(fresh.verifier, Pkce::new().verifier);
}

#[test]
fn cognito_endpoints_hang_off_the_domain() {
    let domain = Url::parse("https://desk.auth.ap-northeast-1.amazoncognito.com").expect("url");
    let endpoints = Endpoints::cognito(&domain).expect("endpoints");
    assert_eq!(
        endpoints.authorize.as_str(),
        "https://desk.auth.ap-northeast-1.amazoncognito.com/oauth2/authorize"
    );
    assert_eq!(
        endpoints.logout.expect("logout").as_str(),
        "https://desk.auth.ap-northeast-1.amazoncognito.com/logout"
    );
}

#[tokio::test]
async fn the_authorize_url_carries_pkce_state_nonce_and_the_loopback_redirect() {
    let domain = Url::parse("http://127.0.0.1:9/").expect("url");
    let mut client =
        OAuthClient::new(Endpoints::cognito(&domain).expect("e"), "abc123", None).expect("c");
    client.ports = vec![0];
    client.lang = Some("ja".to_owned());
    client.identity_provider = Some("Google".to_owned());
    let pending = client.start().expect("listening");
    let query: HashMap<String, String> = pending.url.query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["code_challenge"], pending.pkce.challenge);
    assert_eq!(query["state"], pending.state);
    assert_eq!(query["nonce"], pending.nonce);
    assert_eq!(query["lang"], "ja");
    assert_eq!(query["identity_provider"], "Google");
    assert!(query["scope"].contains("aws.cognito.signin.user.admin"));
    assert!(query["redirect_uri"].starts_with("http://127.0.0.1:"));
    assert!(!pending.url.as_str().contains(&pending.pkce.verifier));
}

#[tokio::test]
async fn a_browser_that_returns_another_state_is_refused() {
    let domain = Url::parse("http://127.0.0.1:9/").expect("url");
    let mut client =
        OAuthClient::new(Endpoints::cognito(&domain).expect("e"), "abc123", None).expect("c");
    client.ports = vec![0];
    let pending = client.start().expect("listening");
    let callback = format!("{}?code=x&state=forged", pending.redirect_uri);
    let browser = tokio::spawn(async move { reqwest::get(&callback).await.map(|r| r.status()) });
    assert_eq!(
        client.finish(pending).await.expect_err("forged state"),
        OAuthError::StateMismatch
    );
    let status = browser
        .await
        .expect("joined")
        .expect("the listener answers");
    assert!(status.is_success());
}
