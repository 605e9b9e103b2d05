//! The signed-in session: current tokens, when to refresh them, and the state the UI
//! watches.
//!
//! Refreshes are scheduled from when the tokens were *received* and how long they live,
//! so a skewed local clock does not matter: at 80 % of the lifetime, and never later
//! than 60 s before expiry. However many callers ask at once, only one refresh is in
//! flight; the rest wait for it and share its result. A final refusal (revoked or
//! expired refresh token) ends the session with the reason.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{Mutex, watch};
use tokio::time::Instant;

use crate::cognito::{CognitoClient, CognitoError, ErrorKind, Tokens};
use crate::credentials::{AccessToken, IdToken, RefreshToken};

/// Refresh when this share of the lifetime has passed...
const REFRESH_AT: f64 = 0.8;
/// ...and no later than this before expiry.
const REFRESH_MARGIN: Duration = Duration::from_mins(1);
/// Retries of a transient refresh failure wait 1 s, 2 s, 4 s… up to this.
const MAX_BACKOFF: Duration = Duration::from_mins(1);

/// How long after receiving tokens that live `lifetime` to refresh them.
pub fn refresh_after(lifetime: Duration) -> Duration {
    let at_share = lifetime.mul_f64(REFRESH_AT);
    // Cognito's shortest lifetime is 5 minutes, where both rules agree; only test pools
    // go shorter, and for them the share alone gives a schedule that can be followed.
    if lifetime < Duration::from_mins(5) {
        return at_share;
    }
    at_share.min(lifetime.saturating_sub(REFRESH_MARGIN))
}

/// The wait before retry `attempt` (0-based): doubling from 1 s, capped, with jitter in
/// the upper half so many clients do not retry in step.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let base = Duration::from_secs(1u64 << attempt.min(6)).min(MAX_BACKOFF);
    base.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// What the UI shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    SignedOut {
        /// Why, when it was not the person's choice (a revoked refresh token, say).
        reason: Option<String>,
    },
    SignedIn {
        username: String,
        email: Option<String>,
        expires_at: jiff::Timestamp,
        refreshes: u64,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("not signed in")]
    SignedOut,
    #[error(transparent)]
    Cognito(#[from] CognitoError),
}

struct Current {
    tokens: Tokens,
    /// When to refresh, on the monotonic clock.
    due: Instant,
}

impl Current {
    fn new(tokens: Tokens, age: Duration) -> Self {
        let wait = refresh_after(tokens.lifetime()).saturating_sub(age);
        Self {
            due: Instant::now() + wait,
            tokens,
        }
    }

    fn due(&self) -> Instant {
        self.due
    }
}

/// The session for one user of one profile.
pub struct Session {
    client: CognitoClient,
    current: Mutex<Option<Current>>,
    state: watch::Sender<SessionState>,
    refreshes: AtomicU64,
    on_change: std::sync::Mutex<Option<Box<dyn Fn() + Send + Sync>>>,
}

impl Session {
    pub fn new(client: CognitoClient) -> Arc<Self> {
        Arc::new(Self {
            client,
            current: Mutex::new(None),
            state: watch::Sender::new(SessionState::SignedOut { reason: None }),
            refreshes: AtomicU64::new(0),
            on_change: std::sync::Mutex::new(None),
        })
    }

    /// Called after every state change (the UI sets `ctx.request_repaint()`).
    pub fn set_on_change(&self, callback: impl Fn() + Send + Sync + 'static) {
        *self
            .on_change
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Box::new(callback));
    }

    pub fn watch(&self) -> watch::Receiver<SessionState> {
        self.state.subscribe()
    }

    /// How many refreshes have succeeded.
    pub fn refresh_count(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    fn publish(&self, state: SessionState) {
        self.state.send_replace(state);
        if let Some(callback) = self
            .on_change
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
        {
            callback();
        }
    }

    fn signed_in_state(&self, tokens: &Tokens) -> SessionState {
        SessionState::SignedIn {
            username: tokens.username.clone(),
            email: tokens.email.clone(),
            expires_at: tokens.expires_at,
            refreshes: self.refresh_count(),
        }
    }

    /// Starts the session with tokens from a sign-in.
    pub async fn begin(&self, tokens: Tokens) {
        self.begin_aged(tokens, Duration::ZERO).await;
    }

    /// Starts the session with tokens received `age` ago (tests use this to make them
    /// due without waiting).
    pub async fn begin_aged(&self, tokens: Tokens, age: Duration) {
        let state = self.signed_in_state(&tokens);
        *self.current.lock().await = Some(Current::new(tokens, age));
        self.publish(state);
    }

    /// The refresh token and internal username, for remembering.
    pub async fn refresh_token(&self) -> Option<(RefreshToken, String)> {
        let current = self.current.lock().await;
        current.as_ref().and_then(|c| {
            c.tokens
                .refresh
                .clone()
                .map(|r| (r, c.tokens.username.clone()))
        })
    }

    /// Current tokens, refreshed first when they are due. Concurrent callers share one
    /// refresh: the lock is held across it, and the second caller finds fresh tokens.
    pub async fn tokens(&self) -> Result<(AccessToken, IdToken), SessionError> {
        let mut current = self.current.lock().await;
        let due = current.as_ref().ok_or(SessionError::SignedOut)?.due();
        if Instant::now() >= due {
            self.refresh_locked(&mut current).await?;
        }
        let tokens = &current.as_ref().ok_or(SessionError::SignedOut)?.tokens;
        Ok((tokens.access.clone(), tokens.id.clone()))
    }

    /// Refreshes after the API refused `seen` (a 401), unless another caller already
    /// replaced it; returns the tokens to retry with.
    pub async fn refresh_after_refusal(
        &self,
        seen: &AccessToken,
    ) -> Result<(AccessToken, IdToken), SessionError> {
        let mut current = self.current.lock().await;
        let stale = current
            .as_ref()
            .ok_or(SessionError::SignedOut)?
            .tokens
            .access
            == *seen;
        if stale {
            self.refresh_locked(&mut current).await?;
        }
        let tokens = &current.as_ref().ok_or(SessionError::SignedOut)?.tokens;
        Ok((tokens.access.clone(), tokens.id.clone()))
    }

    async fn refresh_locked(&self, current: &mut Option<Current>) -> Result<(), SessionError> {
        let previous = current
            .as_ref()
            .ok_or(SessionError::SignedOut)?
            .tokens
            .clone();
        let refresh = previous.refresh.clone().ok_or(SessionError::SignedOut)?;
        // The refresh goes where the tokens came from: the token endpoint for a browser
        // sign-in, Cognito's API otherwise (with the device, if any).
        let refreshed = match &previous.via {
            Some(oauth) => oauth.refresh(&previous).await.map_err(CognitoError::from),
            None => {
                self.client
                    .refresh_for_device(
                        &refresh,
                        &previous.username,
                        previous.device_key.as_deref(),
                    )
                    .await
            }
        };
        match refreshed {
            Ok(tokens) => {
                self.refreshes.fetch_add(1, Ordering::Relaxed);
                let state = self.signed_in_state(&tokens);
                *current = Some(Current::new(tokens, Duration::ZERO));
                self.publish(state);
                Ok(())
            }
            Err(e) if e.kind() == Some(ErrorKind::InvalidRefreshToken) => {
                *current = None;
                self.publish(SessionState::SignedOut {
                    reason: Some(e.to_string()),
                });
                Err(e.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Keeps the tokens fresh until the session ends: sleeps until the next refresh is
    /// due, refreshes, and retries transient failures with backoff.
    pub async fn keep_fresh(self: Arc<Self>) {
        let mut attempt = 0;
        loop {
            let due = match self.current.lock().await.as_ref() {
                Some(current) => current.due(),
                None => return,
            };
            tokio::time::sleep_until(due).await;
            match self.tokens().await {
                Ok(_) => attempt = 0,
                Err(SessionError::SignedOut) => return,
                Err(SessionError::Cognito(e)) if e.is_transient() => {
                    tracing::warn!(error = %e, attempt, "refresh failed; retrying");
                    tokio::time::sleep(backoff(attempt, jitter())).await;
                    attempt += 1;
                }
                Err(SessionError::Cognito(e)) => {
                    tracing::warn!(error = %e, "refresh refused");
                    if e.kind() == Some(ErrorKind::InvalidRefreshToken) {
                        return;
                    }
                    tokio::time::sleep(backoff(attempt, jitter())).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Ends the session here (tokens dropped and zeroed) and, best effort, on the server.
    /// The local part always happens; the server's refusal is returned for reporting.
    pub async fn sign_out(&self) -> Result<(), CognitoError> {
        let ended = self.current.lock().await.take();
        self.publish(SessionState::SignedOut { reason: None });
        let Some(ended) = ended else {
            return Ok(());
        };
        // A browser sign-in is revoked where it came from.
        if let Some(oauth) = &ended.tokens.via {
            if let Some(refresh) = &ended.tokens.refresh {
                oauth.revoke(refresh).await.map_err(CognitoError::from)?;
            }
            return Ok(());
        }
        let remote = self.client.global_sign_out(&ended.tokens.access).await;
        if let Some(refresh) = &ended.tokens.refresh {
            let _ = self.client.revoke_token(refresh).await;
        }
        remote
    }

    /// The browser sign-in the current tokens came from, if they did.
    pub async fn browser_client(&self) -> Option<Arc<crate::cognito::oauth::OAuthClient>> {
        self.current
            .lock()
            .await
            .as_ref()
            .and_then(|c| c.tokens.via.clone())
    }
}

fn jitter() -> f64 {
    let mut byte = [0_u8; 1];
    let _ = aws_lc_rs::rand::fill(&mut byte);
    f64::from(byte[0]) / 255.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_comes_at_80_percent_or_a_minute_before_expiry() {
        assert_eq!(
            refresh_after(Duration::from_hours(1)),
            Duration::from_mins(48)
        );
        // Short lifetimes: 80 % would leave less than a minute? Then a minute before.
        assert_eq!(
            refresh_after(Duration::from_mins(5)),
            Duration::from_mins(4)
        );
        assert_eq!(
            refresh_after(Duration::from_hours(24)),
            Duration::from_mins(1152)
        );
        // A day: 80 % is 19.2 h, well before the last minute.
        // Seconds-long test lifetimes: 80 %.
        assert_eq!(
            refresh_after(Duration::from_secs(30)),
            Duration::from_secs(24)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(2)),
            Duration::from_millis(1600)
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        assert_eq!(backoff(0, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(0, 0.0), Duration::from_millis(500));
        assert_eq!(backoff(3, 1.0), Duration::from_secs(8));
        assert_eq!(backoff(30, 1.0), MAX_BACKOFF);
        assert!(backoff(5, 0.5) < backoff(5, 1.0));
    }
}
