//! Managed login's web side: the login pages (English, or Japanese with `lang=ja`), the
//! redirects to the app's loopback callback, and the token, revocation, `userInfo`,
//! `/logout` and discovery endpoints. The checks are `idp::oauth`'s.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::super::idp::LoginStep;
use super::{Shared, answer};

fn ja(lang: Option<&str>) -> bool {
    lang.is_some_and(|l| l.starts_with("ja"))
}

/// A page of the local managed login.
fn page(status: StatusCode, japanese: bool, body: &str) -> Response {
    let title = if japanese {
        "Receipt Desk ローカルスタック: サインイン"
    } else {
        "Receipt Desk local stack: sign in"
    };
    let lang = if japanese { "ja" } else { "en" };
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family:sans-serif;margin:3em;max-width:28em\"><h1>{title}</h1>{body}</body></html>"
    );
    (status, Html(html)).into_response()
}

/// Only our own sentences and random tickets go into pages; this keeps it that way.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn login_form(ticket: &str, japanese: bool, message: Option<&str>) -> String {
    let (user, password, submit) = if japanese {
        ("ユーザー名", "パスワード", "サインイン")
    } else {
        ("Username", "Password", "Sign in")
    };
    let message = message
        .map(|m| format!("<p role=\"alert\" style=\"color:#b00\">{}</p>", escape(m)))
        .unwrap_or_default();
    format!(
        "{message}<form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"ticket\" value=\"{ticket}\">\
         <p><label>{user}<br><input name=\"username\" autocomplete=\"username\" autofocus></label></p>\
         <p><label>{password}<br><input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label></p>\
         <p><button type=\"submit\">{submit}</button></p></form>"
    )
}

fn code_form(ticket: &str, japanese: bool, message: Option<&str>) -> String {
    let (label, submit) = if japanese {
        ("認証アプリの 6 桁のコード", "確認")
    } else {
        ("6-digit code from your authenticator app", "Verify")
    };
    let message = message
        .map(|m| format!("<p role=\"alert\" style=\"color:#b00\">{}</p>", escape(m)))
        .unwrap_or_default();
    format!(
        "{message}<form method=\"post\" action=\"/login/code\">\
         <input type=\"hidden\" name=\"ticket\" value=\"{ticket}\">\
         <p><label>{label}<br><input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" autofocus></label></p>\
         <p><button type=\"submit\">{submit}</button></p></form>"
    )
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

pub(super) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let japanese = ja(query.get("lang").map(String::as_str));
    match shared.idp.oauth_authorize(&query) {
        Ok((ticket, _)) => page(
            StatusCode::OK,
            japanese,
            &login_form(&ticket, japanese, None),
        ),
        // Never redirected: the callback URL may be anyone's.
        Err(reason) => page(
            StatusCode::BAD_REQUEST,
            japanese,
            &format!("<p role=\"alert\">{}</p>", escape(&reason)),
        ),
    }
}

fn step_page(shared: &Shared, step: Result<LoginStep, String>) -> Response {
    match step {
        Ok(LoginStep::Redirect(location)) => redirect(&location),
        Ok(LoginStep::Code { ticket }) => {
            let japanese = ja(shared.idp.oauth_lang(&ticket).as_deref());
            page(
                StatusCode::OK,
                japanese,
                &code_form(&ticket, japanese, None),
            )
        }
        Ok(LoginStep::Again { ticket, message }) => {
            let japanese = ja(shared.idp.oauth_lang(&ticket).as_deref());
            let code_step = message.starts_with("Invalid code");
            let body = if code_step {
                code_form(&ticket, japanese, Some(&message))
            } else {
                login_form(&ticket, japanese, Some(&message))
            };
            page(StatusCode::BAD_REQUEST, japanese, &body)
        }
        Err(reason) => page(
            StatusCode::BAD_REQUEST,
            false,
            &format!("<p role=\"alert\">{}</p>", escape(&reason)),
        ),
    }
}

pub(super) async fn login(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let get = |key: &str| form.get(key).map(String::as_str).unwrap_or_default();
    let step = shared
        .idp
        .oauth_login(get("ticket"), get("username"), get("password"));
    step_page(&shared, step)
}

pub(super) async fn login_code(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let get = |key: &str| form.get(key).map(String::as_str).unwrap_or_default();
    let step = shared.idp.oauth_code(get("ticket"), get("code"));
    step_page(&shared, step)
}

/// HTTP Basic's client id and secret.
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

pub(super) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    match shared.idp.oauth_token(&form, basic(&headers).as_ref()) {
        Ok(body) => answer(StatusCode::OK, "application/json", &body),
        Err(refusal) => answer(
            StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST),
            "application/json",
            &refusal.body,
        ),
    }
}

pub(super) async fn revoke(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    match shared.idp.oauth_revoke(&form, basic(&headers).as_ref()) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(refusal) => answer(StatusCode::BAD_REQUEST, "application/json", &refusal.body),
    }
}

pub(super) async fn user_info(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let access = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match shared.idp.oauth_user_info(access) {
        Ok(body) => answer(StatusCode::OK, "application/json", &body),
        Err(refusal) => answer(StatusCode::UNAUTHORIZED, "application/json", &refusal.body),
    }
}

pub(super) async fn logout(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let get = |key: &str| query.get(key).map(String::as_str).unwrap_or_default();
    match shared.idp.oauth_logout(get("client_id"), get("logout_uri")) {
        Ok(location) => redirect(&location),
        Err(reason) => page(
            StatusCode::BAD_REQUEST,
            false,
            &format!("<p role=\"alert\">{}</p>", escape(&reason)),
        ),
    }
}

pub(super) async fn openid_configuration(
    State(shared): State<Arc<Shared>>,
    Path(pool): Path<String>,
) -> Response {
    if pool == shared.idp.pool_id {
        answer(
            StatusCode::OK,
            "application/json",
            &shared.idp.openid_configuration(shared.base_url.as_str()),
        )
    } else {
        answer(
            StatusCode::NOT_FOUND,
            "application/json",
            &json!({"message": "User pool does not exist."}),
        )
    }
}
