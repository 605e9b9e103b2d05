//! What a screen asks the app to do. Screens change only their own state; anything that
//! reaches further (the screen shown, the connection, work on the runtime) becomes an
//! [`Action`], applied after the frame by [`App::apply`] — the one place it happens.

use super::App;
use super::navigation::Event;
use crate::api::ConvertRequest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Something happened that may change the screen (`navigation::next` decides).
    Go(Event),
    SignOut,
    SwitchProfile(String),
    /// The profile in use changed how it connects: start over with it.
    Reconnect,
    StartJob(ConvertRequest),
    /// Read a job's pages from its upload prefix (a backend that isn't ours): those
    /// written since it started, or (`true`) every page there.
    LoadResults(String, bool),
    /// List one level of a bucket (bucket, prefix) in the convert form's browser.
    Browse(String, String),
    CancelJob(String),
}

impl App {
    /// Queues `action` for the end of the frame.
    pub(super) fn ask(&mut self, action: Action) {
        self.actions.push(action);
    }

    /// Applies the actions the screens asked for during the frame, in order.
    pub(super) fn apply_actions(&mut self) {
        for action in std::mem::take(&mut self.actions) {
            self.apply(action);
        }
    }

    /// Carries out one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Go(event) => self.go(event),
            Action::SignOut => self.sign_out(),
            Action::SwitchProfile(name) => self.switch_profile(&name),
            Action::Reconnect => self.reconnect(),
            Action::StartJob(request) => self.start_job(request),
            Action::Browse(bucket, prefix) => self.browse(bucket, prefix),
            Action::LoadResults(id, all) => self.load_results(&id, all),
            Action::CancelJob(id) => self.cancel_job(&id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::Screen;
    use crate::ui::test_app::app;

    #[test]
    fn actions_change_the_screen_and_the_profile_in_one_place() {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut app = app(&runtime, dir.path());
        assert_eq!(
            (app.screen(), app.profile_name()),
            (Screen::SignIn, "first")
        );
        app.apply(Action::Go(Event::Chosen(Screen::Settings)));
        assert_eq!(app.screen(), Screen::Settings);
        // Another profile: its sign-in shows, and it becomes the default.
        app.apply(Action::SwitchProfile("second".to_owned()));
        assert_eq!(
            (app.screen(), app.profile_name()),
            (Screen::SignIn, "second")
        );
        assert_eq!(app.config().default_profile.as_deref(), Some("second"));
        // Queued actions wait for the end of the frame, then apply in order.
        app.ask(Action::Go(Event::Chosen(Screen::Jobs)));
        app.ask(Action::Go(Event::OpenSettings));
        assert_eq!(app.screen(), Screen::SignIn);
        app.apply_actions();
        assert_eq!(app.screen(), Screen::Settings);
    }

    #[test]
    fn starting_a_job_without_a_session_does_nothing_and_cancelling_an_unknown_one_is_harmless() {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut app = app(&runtime, dir.path());
        app.apply(Action::StartJob(crate::api::ConvertRequest {
            source_bucket: "demo".to_owned(),
            pdf_prefix: "a/".to_owned(),
            upload_prefix: "b/".to_owned(),
        }));
        assert!(app.jobs().is_empty());
        assert_eq!(app.screen(), Screen::SignIn);
        app.apply(Action::CancelJob("no-such-job".to_owned()));
        assert_eq!(app.running_jobs(), 0);
        app.apply(Action::SignOut);
        assert_eq!(app.screen(), Screen::SignIn);
    }
}
