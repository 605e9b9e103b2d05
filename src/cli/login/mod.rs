//! `receipt-desk login`, `token` and `logout`: sign in (walking through challenges),
//! optionally remembered in the OS keyring, and sign out.
//!
//! One file per step: `open_profile` (a profile and its client), `sign_in` (prompts),
//! `challenge` (questions after the password), `remembered` (remember and restore),
//! `ready` (the sign-in other commands need), `token`, `logout`; keyring calls go through
//! `secrets::Secrets`, the one wrapper.

mod browser;
mod challenge;
mod logout;
mod open_profile;
mod password;
mod ready;
mod remembered;
mod sign_in;
mod token;

use jiff::Timestamp;
use jiff::tz::TimeZone;

pub(super) use self::logout::logout;
pub use self::open_profile::CLIENT_SECRET_ENV;
use self::open_profile::open_profile;
pub use self::password::PasswordAction;
pub(super) use self::password::password;
pub(super) use self::ready::{Ready, ready};
use self::remembered::{mark_remembered, remember};
use self::sign_in::sign_in;
pub(super) use self::token::token;
use super::{CliError, Context, LoginArgs, print_line};
use crate::i18n::cli::login as t;
use crate::i18n::{self, Lang};

pub(super) async fn login(context: &Context, args: &LoginArgs) -> Result<(), CliError> {
    let lang = context.lang;
    let opened = open_profile(context).await?;
    let was_remembered = opened.config.is_remembered(
        &opened.name,
        args.sign_in
            .username
            .as_deref()
            .or(opened.profile.username.as_deref())
            .unwrap_or_default(),
    );
    let signed_in = if args.browser {
        browser::sign_in(context, opened).await?
    } else {
        sign_in(context, opened, &args.sign_in, args.remember_device).await?
    };
    if args.remember {
        match remember(&signed_in).await {
            Ok(()) => {
                tracing::info!(profile = %signed_in.profile, "sign-in remembered in the keyring");
                mark_remembered(context, &signed_in.profile, &signed_in.username, true);
            }
            Err(e) => prompt_say(&format!(
                "{} ({e})",
                crate::i18n::remember_unavailable(lang, false)
            )),
        }
    }
    let who = match &signed_in.tokens.email {
        Some(email) if *email != signed_in.username => format!("{} <{email}>", signed_in.username),
        _ => signed_in.username.clone(),
    };
    if !args.remember && !was_remembered {
        prompt_say(i18n::sign_in_not_remembered(lang));
    }
    let until = describe_expiry(signed_in.tokens.expires_at, Timestamp::now(), lang);
    print_line(&t::signed_in(&who, &signed_in.profile, &until, lang));
    Ok(())
}

pub(super) fn prompt_say(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// `2026-11-29 14:05 JST (in 59 min)` in the system's time zone.
fn describe_expiry(expires_at: Timestamp, now: Timestamp, lang: Lang) -> String {
    let zoned = expires_at.to_zoned_datetime(TimeZone::system());
    let minutes = (expires_at.as_second() - now.as_second()).max(0) / 60;
    t::expiry(&zoned.strftime("%Y-%m-%d %H:%M %Z"), minutes, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_shown_with_the_minutes_left() {
        let now = Timestamp::from_second(2_000_000_000).expect("ts");
        let later = Timestamp::from_second(2_000_003_600).expect("ts");
        let text = describe_expiry(later, now, Lang::En);
        assert!(text.ends_with("(in 60 min)"), "{text}");
        assert!(text.starts_with("2033-05-18"), "{text}");
        assert!(describe_expiry(later, now, Lang::Ja).ends_with("（あと 60 分）"));
    }
}
