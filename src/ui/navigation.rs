//! Which screen shows, decided in one place: a pure function of the screen shown and
//! what happened, tested without a window. The screens and the app report events; they
//! never set the screen themselves.

use super::Screen;

/// What happened that may change the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The person picked a tab (a click or Ctrl+N).
    Chosen(Screen),
    /// Another profile was opened: its sign-in comes first.
    ProfileSwitched,
    /// A sign-in (or a restored one) went through.
    SignedIn,
    /// The session ended by itself (a refresh was refused).
    SessionEnded,
    /// The person signed out.
    SignedOut,
    /// A conversion was started: its job shows.
    JobStarted,
    /// "Open settings" from a profile that cannot connect.
    OpenSettings,
}

/// The screen after `event`, from `current`.
pub fn next(current: Screen, event: Event) -> Screen {
    match event {
        Event::Chosen(screen) => screen,
        Event::ProfileSwitched | Event::SignedOut => Screen::SignIn,
        // Signing in from the sign-in screen leads to the form; elsewhere (a restored
        // sign-in while the person reads Settings) the screen stays.
        Event::SignedIn if current == Screen::SignIn => Screen::Convert,
        Event::SessionEnded if current == Screen::Convert => Screen::SignIn,
        Event::SignedIn | Event::SessionEnded => current,
        Event::JobStarted => Screen::Jobs,
        Event::OpenSettings => Screen::Settings,
    }
}

/// The tabs a person sees, in order: Ctrl+1…N follow this list.
pub fn tabs(signed_in: bool) -> [Screen; 3] {
    let first = if signed_in {
        Screen::Convert
    } else {
        Screen::SignIn
    };
    [first, Screen::Jobs, Screen::Settings]
}

/// The screen drawn: the form needs a session, else the sign-in shows.
pub fn shown(screen: Screen, signed_in: bool) -> Screen {
    match screen {
        Screen::Convert if !signed_in => Screen::SignIn,
        Screen::SignIn if signed_in => Screen::Convert,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Screen; 4] = [
        Screen::SignIn,
        Screen::Convert,
        Screen::Jobs,
        Screen::Settings,
    ];

    #[test]
    fn signing_in_leads_from_the_sign_in_to_the_form_and_nowhere_else() {
        assert_eq!(next(Screen::SignIn, Event::SignedIn), Screen::Convert);
        for screen in [Screen::Convert, Screen::Jobs, Screen::Settings] {
            assert_eq!(next(screen, Event::SignedIn), screen);
        }
    }

    #[test]
    fn a_session_that_ends_takes_the_form_away_but_leaves_jobs_and_settings() {
        assert_eq!(next(Screen::Convert, Event::SessionEnded), Screen::SignIn);
        assert_eq!(next(Screen::Jobs, Event::SessionEnded), Screen::Jobs);
        assert_eq!(
            next(Screen::Settings, Event::SessionEnded),
            Screen::Settings
        );
    }

    #[test]
    fn signing_out_and_switching_profiles_always_show_the_sign_in() {
        for screen in ALL {
            assert_eq!(next(screen, Event::SignedOut), Screen::SignIn);
            assert_eq!(next(screen, Event::ProfileSwitched), Screen::SignIn);
        }
    }

    #[test]
    fn a_started_job_shows_and_a_chosen_tab_is_what_shows() {
        for screen in ALL {
            assert_eq!(next(screen, Event::JobStarted), Screen::Jobs);
            assert_eq!(next(screen, Event::OpenSettings), Screen::Settings);
            for chosen in ALL {
                assert_eq!(next(screen, Event::Chosen(chosen)), chosen);
            }
        }
    }

    #[test]
    fn the_first_tab_is_the_form_once_signed_in_and_the_form_needs_a_session() {
        assert_eq!(
            tabs(false),
            [Screen::SignIn, Screen::Jobs, Screen::Settings]
        );
        assert_eq!(
            tabs(true),
            [Screen::Convert, Screen::Jobs, Screen::Settings]
        );
        assert_eq!(shown(Screen::Convert, false), Screen::SignIn);
        assert_eq!(shown(Screen::SignIn, true), Screen::Convert);
        assert_eq!(shown(Screen::Jobs, false), Screen::Jobs);
    }
}
