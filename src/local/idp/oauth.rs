//! Managed login, as Cognito's `/oauth2/*` endpoints check it: `authorize` (the app
//! client, a callback URL registered exactly, `response_type=code`, PKCE S256 only), the
//! login form's password and authenticator steps, single-use codes that live 5 minutes,
//! the token endpoint (the verifier checked against the challenge; refresh), revocation,
//! `userInfo` and `/logout`. The HTML and redirects are `http::oauth`'s.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::config::{ClientConfig, Mfa, UserStatus};
use super::{Idp, constant_time_eq};
use crate::local::ids::random_bytes;

/// How long a code from `/oauth2/authorize` lives (Cognito: 5 minutes).
const CODE_SECONDS: i64 = 300;
/// How long the login form waits.
const LOGIN_SECONDS: i64 = 900;

/// A login form in progress.
pub(super) struct PendingLogin {
    request: AuthorizeRequest,
    /// After the password, when the authenticator's code is due.
    username: Option<String>,
    /// Wrong authenticator codes so far; the page is spent after [`CODE_TRIES`].
    wrong_codes: u32,
    expires_at: i64,
}

/// Wrong authenticator codes one login page takes.
const CODE_TRIES: u32 = 5;

/// A code handed to the callback, waiting for the token endpoint.
pub(super) struct IssuedCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    username: String,
    expires_at: i64,
}

/// `/oauth2/authorize`'s parameters that matter.
#[derive(Clone, Debug)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub challenge: String,
    pub nonce: Option<String>,
    pub lang: Option<String>,
}

/// What the login form leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginStep {
    /// To the app's callback, with the code.
    Redirect(String),
    /// The authenticator app's code is next.
    Code { ticket: String },
    /// Back to the form with a sentence.
    Again { ticket: String, message: String },
}

/// A token endpoint refusal: the HTTP status and `{"error": …}`.
#[derive(Debug)]
pub struct OAuthRefusal {
    pub status: u16,
    pub body: Value,
}

fn refusal(status: u16, error: &str, description: &str) -> OAuthRefusal {
    OAuthRefusal {
        status,
        body: json!({"error": error, "error_description": description}),
    }
}

fn ticket() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(32))
}

impl Idp {
    /// Checks an authorize request; the login form's ticket, or why there is no form (a
    /// bad callback URL is never redirected to).
    pub fn oauth_authorize(
        &self,
        query: &HashMap<String, String>,
    ) -> Result<(String, Option<String>), String> {
        let get = |key: &str| query.get(key).map(String::as_str).unwrap_or_default();
        let client = self
            .clients
            .get(get("client_id"))
            .ok_or("client_id is not an app client of this pool")?;
        let redirect_uri = get("redirect_uri");
        if !client.callback_urls.iter().any(|u| u == redirect_uri) {
            return Err(format!(
                "redirect_uri {redirect_uri} is not a callback URL of the app client (they match exactly, port included)"
            ));
        }
        if get("response_type") != "code" {
            return Err("response_type must be code".to_owned());
        }
        if get("code_challenge_method") != "S256" || get("code_challenge").len() < 43 {
            return Err(
                "a PKCE code_challenge with code_challenge_method=S256 is required".to_owned(),
            );
        }
        let request = AuthorizeRequest {
            client_id: client.id.clone(),
            redirect_uri: redirect_uri.to_owned(),
            state: query.get("state").cloned(),
            challenge: get("code_challenge").to_owned(),
            nonce: query.get("nonce").cloned(),
            lang: query.get("lang").cloned(),
        };
        let lang = request.lang.clone();
        let now = self.clock.now();
        let ticket = ticket();
        let mut state = self.lock();
        state.logins.retain(|_, l| l.expires_at > now);
        state.logins.insert(
            ticket.clone(),
            PendingLogin {
                request,
                username: None,
                wrong_codes: 0,
                expires_at: now + LOGIN_SECONDS,
            },
        );
        Ok((ticket, lang))
    }

    /// The form's language, for a ticket.
    pub fn oauth_lang(&self, ticket: &str) -> Option<String> {
        self.lock()
            .logins
            .get(ticket)
            .and_then(|l| l.request.lang.clone())
    }

    /// The login form's username and password.
    pub fn oauth_login(
        &self,
        ticket: &str,
        typed: &str,
        password: &str,
    ) -> Result<LoginStep, String> {
        let now = self.clock.now();
        let mut state = self.lock();
        let login = state
            .logins
            .get(ticket)
            .filter(|l| l.expires_at > now)
            .ok_or("This sign-in page has expired. Start the sign-in again from the app.")?;
        let client = self
            .clients
            .get(&login.request.client_id)
            .ok_or("the app client is gone")?
            .clone();
        let again = |message: &str| LoginStep::Again {
            ticket: ticket.to_owned(),
            message: message.to_owned(),
        };
        let Some(username) = self.resolve(&state, typed.trim()) else {
            return Ok(again("Incorrect username or password."));
        };
        let user = state
            .users
            .get_mut(&username)
            .unwrap_or_else(|| unreachable!("resolved above"));
        if user.lockout.is_locked(now) {
            return Ok(again("Password attempts exceeded"));
        }
        if !constant_time_eq(user.config.password.as_bytes(), password.as_bytes()) {
            return Ok(again(&Self::wrong_password(user, now).message));
        }
        // The account's state is told only to someone who knows the password.
        match user.config.status {
            UserStatus::Disabled => return Ok(again("User is disabled.")),
            UserStatus::Unconfirmed => return Ok(again("User is not confirmed.")),
            _ => {}
        }
        user.lockout.right_password();
        if matches!(
            user.config.status,
            UserStatus::ResetRequired | UserStatus::ForceChangePassword
        ) {
            return Ok(again(
                "This user must set a new password first: sign in with the app's password form.",
            ));
        }
        if user.config.totp_secret.is_some() {
            if let Some(login) = state.logins.get_mut(ticket) {
                login.username = Some(username);
            }
            return Ok(LoginStep::Code {
                ticket: ticket.to_owned(),
            });
        }
        if self.mfa == Mfa::Required {
            return Ok(again(
                "This pool requires an authenticator app: set it up with the app's password sign-in first.",
            ));
        }
        Ok(Self::issue_code(
            &mut state, ticket, &client, &username, now,
        ))
    }

    /// The login form's authenticator code.
    pub fn oauth_code(&self, ticket: &str, code: &str) -> Result<LoginStep, String> {
        let now = self.clock.now();
        let mut state = self.lock();
        let login = state
            .logins
            .get(ticket)
            .filter(|l| l.expires_at > now)
            .ok_or("This sign-in page has expired. Start the sign-in again from the app.")?;
        let username = login.username.clone().ok_or("the password comes first")?;
        let client = self
            .clients
            .get(&login.request.client_id)
            .ok_or("the app client is gone")?
            .clone();
        let user = state
            .users
            .get_mut(&username)
            .filter(|u| u.config.totp_secret.is_some())
            .ok_or("the user has no authenticator")?;
        let checked = super::mfa::check_sign_in_code(user, code, now);
        if checked == Err(super::mfa::CodeRefused::Locked) {
            state.logins.remove(ticket);
            return Err("Password attempts exceeded. Start the sign-in again from the app.".into());
        }
        if checked.is_err() {
            let spent = state.logins.get_mut(ticket).is_none_or(|login| {
                login.wrong_codes += 1;
                login.wrong_codes >= CODE_TRIES
            });
            if spent {
                state.logins.remove(ticket);
                return Err("Too many wrong codes. Start the sign-in again from the app.".into());
            }
            return Ok(LoginStep::Again {
                ticket: ticket.to_owned(),
                message: "Invalid code received for user".to_owned(),
            });
        }
        Ok(Self::issue_code(
            &mut state, ticket, &client, &username, now,
        ))
    }

    fn issue_code(
        state: &mut super::State,
        ticket: &str,
        client: &ClientConfig,
        username: &str,
        now: i64,
    ) -> LoginStep {
        let Some(login) = state.logins.remove(ticket) else {
            return LoginStep::Again {
                ticket: ticket.to_owned(),
                message: "This sign-in page has expired.".to_owned(),
            };
        };
        let code = ticket_code();
        state.codes.retain(|_, c| c.expires_at > now);
        state.codes.insert(
            code.clone(),
            IssuedCode {
                client_id: client.id.clone(),
                redirect_uri: login.request.redirect_uri.clone(),
                challenge: login.request.challenge.clone(),
                nonce: login.request.nonce.clone(),
                username: username.to_owned(),
                expires_at: now + CODE_SECONDS,
            },
        );
        let mut location = login.request.redirect_uri.clone();
        location.push_str("?code=");
        location.push_str(&code);
        if let Some(value) = &login.request.state {
            location.push_str("&state=");
            location.extend(url::form_urlencoded::byte_serialize(value.as_bytes()));
        }
        LoginStep::Redirect(location)
    }

    /// `POST /oauth2/token`: `authorization_code` (with the PKCE verifier) or
    /// `refresh_token`. `basic` is the client id and secret of HTTP Basic, if sent.
    pub fn oauth_token(
        &self,
        form: &HashMap<String, String>,
        basic: Option<&(String, String)>,
    ) -> Result<Value, OAuthRefusal> {
        let get = |key: &str| form.get(key).map(String::as_str).unwrap_or_default();
        let client_id = basic.map_or_else(|| get("client_id").to_owned(), |(id, _)| id.clone());
        let client = self
            .clients
            .get(&client_id)
            .ok_or_else(|| refusal(400, "invalid_client", "unknown client"))?
            .clone();
        if let Some(expected) = &client.secret {
            let given = basic.map(|(_, s)| s.as_str()).unwrap_or_default();
            if !constant_time_eq(expected.as_bytes(), given.as_bytes()) {
                return Err(refusal(
                    401,
                    "invalid_client",
                    "client authentication failed",
                ));
            }
        }
        let now = self.clock.now();
        let snake = |value: Value| {
            let result = &value["AuthenticationResult"];
            let mut out = json!({
                "access_token": result["AccessToken"],
                "id_token": result["IdToken"],
                "expires_in": result["ExpiresIn"],
                "token_type": "Bearer",
            });
            if let Some(refresh) = result["RefreshToken"].as_str() {
                out["refresh_token"] = json!(refresh);
            }
            out
        };
        match get("grant_type") {
            "authorization_code" => {
                let mut state = self.lock();
                // Single use: the code is gone whatever happens next.
                let issued = state
                    .codes
                    .remove(get("code"))
                    .filter(|c| c.expires_at > now && c.client_id == client.id)
                    .ok_or_else(|| {
                        refusal(400, "invalid_grant", "the code is unknown, used or expired")
                    })?;
                if issued.redirect_uri != get("redirect_uri") {
                    return Err(refusal(400, "invalid_grant", "redirect_uri does not match"));
                }
                let computed =
                    URL_SAFE_NO_PAD.encode(Sha256::digest(get("code_verifier").as_bytes()));
                if !constant_time_eq(computed.as_bytes(), issued.challenge.as_bytes()) {
                    return Err(refusal(
                        400,
                        "invalid_grant",
                        "code_verifier does not match the code_challenge",
                    ));
                }
                // Managed login tracks no devices (as Cognito's): the refresh token is
                // bound to none, so it refreshes without a device key.
                let mut untracked = client.clone();
                untracked.device_tracking = super::config::DeviceTracking::Off;
                let value = self
                    .signed_in_with_nonce(
                        &mut state,
                        &issued.username,
                        &untracked,
                        None,
                        issued.nonce.as_deref(),
                        now,
                    )
                    .map_err(|e| refusal(400, "invalid_grant", &e.message))?;
                Ok(snake(value))
            }
            "refresh_token" => {
                let parameters = json!({"REFRESH_TOKEN": get("refresh_token")});
                let value = self
                    .refresh_auth_for(&client, &parameters, true)
                    .map_err(|e| refusal(400, "invalid_grant", &e.message))?;
                Ok(snake(value))
            }
            other => Err(refusal(
                400,
                "unsupported_grant_type",
                &format!("grant_type {other} is not supported"),
            )),
        }
    }

    /// `POST /oauth2/revoke`; a confidential client authenticates with HTTP Basic.
    pub fn oauth_revoke(
        &self,
        form: &HashMap<String, String>,
        basic: Option<&(String, String)>,
    ) -> Result<(), OAuthRefusal> {
        let client_id = basic.map_or_else(
            || form.get("client_id").cloned().unwrap_or_default(),
            |(id, _)| id.clone(),
        );
        let mut body = json!({
            "Token": form.get("token").cloned().unwrap_or_default(),
            "ClientId": client_id,
        });
        if let Some((_, secret)) = basic {
            body["ClientSecret"] = json!(secret);
        }
        self.call("RevokeToken", &body)
            .map(|_| ())
            .map_err(|e| refusal(400, "invalid_request", &e.message))
    }

    /// `GET /oauth2/userInfo` with the access token.
    pub fn oauth_user_info(&self, access: &str) -> Result<Value, OAuthRefusal> {
        let info = self
            .call("GetUser", &json!({"AccessToken": access}))
            .map_err(|e| refusal(401, "invalid_token", &e.message))?;
        let mut out = json!({"username": info["Username"]});
        for attribute in info["UserAttributes"].as_array().into_iter().flatten() {
            if let Some(name) = attribute["Name"].as_str() {
                out[name] = attribute["Value"].clone();
            }
        }
        Ok(out)
    }

    /// `GET /logout`: where to send the browser (a registered sign-out URL), or why not.
    pub fn oauth_logout(&self, client_id: &str, logout_uri: &str) -> Result<String, String> {
        let client = self
            .clients
            .get(client_id)
            .ok_or("client_id is not an app client of this pool")?;
        if client.logout_urls.iter().any(|u| u == logout_uri) {
            Ok(logout_uri.to_owned())
        } else {
            Err(format!(
                "logout_uri {logout_uri} is not a sign-out URL of the app client"
            ))
        }
    }

    /// The pool's `OpenID` discovery document, for the stack at `base`.
    pub fn openid_configuration(&self, base: &str) -> Value {
        let base = base.trim_end_matches('/');
        json!({
            "issuer": self.issuer,
            "authorization_endpoint": format!("{base}/oauth2/authorize"),
            "token_endpoint": format!("{base}/oauth2/token"),
            "revocation_endpoint": format!("{base}/oauth2/revoke"),
            "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
            "end_session_endpoint": format!("{base}/logout"),
            "jwks_uri": format!("{}/.well-known/jwks.json", self.issuer),
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "scopes_supported": ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })
    }
}

/// A code for the callback: 32 random bytes.
fn ticket_code() -> String {
    ticket()
}
