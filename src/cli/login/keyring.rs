//! The command line's keyring calls: the system keyring through the one async wrapper,
//! `secrets::Secrets` (calls run on a blocking thread; D-Bus round trips must not stall
//! the runtime).

use crate::secrets::{RememberedSignIn, SecretError, Secrets};

pub(super) async fn keyring_get_raw(account: String) -> Result<Option<Vec<u8>>, SecretError> {
    Secrets::Keyring.get(account).await
}

pub(super) async fn keyring_get(account: String) -> Result<Option<RememberedSignIn>, SecretError> {
    Secrets::Keyring.remembered(account).await
}

pub(super) async fn keyring_delete(account: String) -> Result<(), SecretError> {
    Secrets::Keyring.delete(account).await
}
