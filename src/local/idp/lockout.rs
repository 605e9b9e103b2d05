//! The lockout after wrong passwords, as Cognito does it: from the fifth consecutive
//! failure, sign-in is refused for 1 s, then doubling, up to 15 minutes.

/// Consecutive failed sign-ins before a lockout, as Cognito does.
const FAILURES_BEFORE_LOCKOUT: u32 = 5;

/// One user's run of wrong passwords.
#[derive(Debug, Default)]
pub(super) struct Lockout {
    failures: u32,
    locked_until: i64,
    /// The first lockout's length in seconds, 0 meaning 1 (passwords).
    first_seconds: i64,
}

impl Lockout {
    /// For authenticator codes, which are much easier to guess than a password (one in
    /// a million, three valid at once): from the fifth wrong code, a minute, doubling.
    pub(super) fn for_codes() -> Self {
        Self {
            first_seconds: 60,
            ..Self::default()
        }
    }

    pub(super) fn is_locked(&self, now: i64) -> bool {
        now < self.locked_until
    }

    /// Counts a wrong password; true when this one locks the user out.
    pub(super) fn wrong_password(&mut self, now: i64) -> bool {
        self.failures += 1;
        if self.failures >= FAILURES_BEFORE_LOCKOUT {
            // 1 s, then doubling, up to 15 minutes.
            let exponent = (self.failures - FAILURES_BEFORE_LOCKOUT).min(10);
            self.locked_until = now + ((1_i64 << exponent) * self.first_seconds.max(1)).min(900);
            return true;
        }
        false
    }

    pub(super) fn right_password(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_wrong_password_locks_for_a_second_then_doubling_up_to_15_minutes() {
        let mut lockout = Lockout::default();
        for _ in 1..FAILURES_BEFORE_LOCKOUT {
            assert!(!lockout.wrong_password(100));
            assert!(!lockout.is_locked(100));
        }
        assert!(lockout.wrong_password(100));
        assert!(lockout.is_locked(100));
        assert!(!lockout.is_locked(101));
        assert!(lockout.wrong_password(101));
        assert!(lockout.is_locked(102));
        assert!(!lockout.is_locked(103));
        for _ in 0..20 {
            lockout.wrong_password(1000);
        }
        assert!(lockout.is_locked(1899));
        assert!(!lockout.is_locked(1900));
        lockout.right_password();
        assert!(!lockout.wrong_password(2000));
    }
}
