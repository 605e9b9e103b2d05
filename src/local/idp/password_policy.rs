//! The pool's password policy and Cognito's wording for the first rule a password
//! breaks (checked when a new password is chosen).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "Cognito's password policy has these four switches"
)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
        }
    }
}

impl PasswordPolicy {
    /// Cognito's wording for the first rule a password breaks.
    pub fn check(&self, password: &str) -> Result<(), &'static str> {
        if password.chars().count() < self.min_length {
            Err("Password does not conform to policy: Password not long enough")
        } else if self.require_uppercase && !password.chars().any(char::is_uppercase) {
            Err("Password does not conform to policy: Password must have uppercase characters")
        } else if self.require_lowercase && !password.chars().any(char::is_lowercase) {
            Err("Password does not conform to policy: Password must have lowercase characters")
        } else if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            Err("Password does not conform to policy: Password must have numeric characters")
        } else if self.require_symbols
            && !password
                .chars()
                .any(|c| c.is_ascii_punctuation() || c == ' ')
        {
            Err("Password does not conform to policy: Password must have symbol characters")
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_policy_names_the_first_broken_rule() {
        let policy = PasswordPolicy::default();
        assert!(policy.check("Receipts-r6!").is_ok());
        assert!(
            policy
                .check("Sh0rt!")
                .expect_err("short")
                .contains("long enough")
        );
        assert!(
            policy
                .check("receipts-r6!")
                .expect_err("upper")
                .contains("uppercase")
        );
        assert!(
            policy
                .check("RECEIPTS-R6!")
                .expect_err("lower")
                .contains("lowercase")
        );
        assert!(
            policy
                .check("Receipts-rx!")
                .expect_err("digit")
                .contains("numeric")
        );
        assert!(
            policy
                .check("Receipts6r6")
                .expect_err("symbol")
                .contains("symbol")
        );
    }
}
