//! Where secrets live: the OS keyring, never a file.
//!
//! A small [`SecretStore`] trait with the platform keyring behind it (keyring 4: the
//! Secret Service over D-Bus on Linux, Keychain on macOS, Credential Manager on
//! Windows) and an in-memory store for tests. Entries are written through
//! `keyring_core::Entry` once the platform store is installed, and as bytes, because
//! Windows limits a password string to about 1,280 UTF-16 units and refresh tokens can
//! be longer. When there is no keyring (a headless Linux without a session bus), the
//! store says so and nothing falls back to a file.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::credentials::RefreshToken;

/// The keyring service name every entry is filed under.
pub const SERVICE: &str = "receipt-desk";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No keyring on this system or session (for example no Secret Service on D-Bus).
    #[error("no keyring is available on this system: {0}")]
    Unavailable(String),
    /// The keyring exists but refused (locked, or access denied).
    #[error("the keyring refused access: {0}")]
    Refused(String),
    #[error("the keyring failed: {0}")]
    Failed(String),
}

impl From<keyring_core::Error> for SecretError {
    fn from(error: keyring_core::Error) -> Self {
        use keyring_core::Error as E;
        match error {
            E::NoDefaultStore | E::PlatformFailure(_) => Self::Unavailable(error.to_string()),
            E::NoStorageAccess(_) => Self::Refused(error.to_string()),
            other => Self::Failed(other.to_string()),
        }
    }
}

/// Secrets by account name. A missing entry reads as `None`; deleting one is no error.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<Vec<u8>>, SecretError>;
    fn set(&self, account: &str, secret: &[u8]) -> Result<(), SecretError>;
    fn delete(&self, account: &str) -> Result<(), SecretError>;
}

/// Where the app keeps its secrets: the platform keyring, or a given store (tests). The
/// one async front door to both for the window and the command line: every call runs on
/// tokio's blocking pool, because keyring calls block on D-Bus round trips.
#[derive(Clone)]
pub enum Secrets {
    Keyring,
    Store(Arc<dyn SecretStore>),
}

impl Secrets {
    async fn call<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn SecretStore) -> Result<T, SecretError> + Send + 'static,
    ) -> Result<T, SecretError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || match this {
            Self::Keyring => call(&KeyringStore::platform()?),
            Self::Store(store) => call(store.as_ref()),
        })
        .await
        .map_err(|e| SecretError::Failed(e.to_string()))?
    }

    pub async fn get(&self, account: String) -> Result<Option<Vec<u8>>, SecretError> {
        self.call(move |s| s.get(&account)).await
    }

    pub async fn set(&self, account: String, mut secret: Vec<u8>) -> Result<(), SecretError> {
        self.call(move |s| {
            let result = s.set(&account, &secret);
            zeroize::Zeroize::zeroize(&mut secret);
            result
        })
        .await
    }

    pub async fn delete(&self, account: String) -> Result<(), SecretError> {
        self.call(move |s| s.delete(&account)).await
    }
}

/// Whose entries: a profile and the app client it signs in with. A client belongs to one
/// user pool, so a profile name reused for another pool (or client) finds nothing of the
/// old one's, and its refresh token is never sent there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    profile: String,
    client_id: String,
}

/// One entry's name, and the name it had before entries named the client (entries
/// found only under that name are adopted: moved to the new one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    legacy: String,
}

impl Owner {
    pub fn new(profile: &str, client_id: &str) -> Self {
        Self {
            profile: profile.to_owned(),
            client_id: client_id.to_owned(),
        }
    }

    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// The remembered sign-in of `username`.
    pub fn session(&self, username: &str) -> Account {
        self.account(
            &format!("{}/session", escape(username)),
            &format!("{username}/session"),
        )
    }

    /// The device `username` signs in from (a pool that tracks devices): its keys and
    /// password.
    pub fn device(&self, username: &str) -> Account {
        self.account(
            &format!("{}/device", escape(username)),
            &format!("{username}/device"),
        )
    }

    /// The app client's secret.
    pub fn client_secret(&self) -> Account {
        self.account("client-secret", "client-secret")
    }

    /// Everything filed for this owner and `users`: the client secret, then each user's
    /// remembered sign-in and device.
    pub fn accounts<'a>(&self, users: impl IntoIterator<Item = &'a String>) -> Vec<Account> {
        let mut accounts = vec![self.client_secret()];
        for user in users {
            accounts.extend([self.session(user), self.device(user)]);
        }
        accounts
    }

    fn account(&self, what: &str, legacy_what: &str) -> Account {
        Account {
            name: format!(
                "{}/{}/{what}",
                escape(&self.profile),
                escape(&self.client_id)
            ),
            legacy: format!("{}/{legacy_what}", self.profile),
        }
    }
}

/// Each part of a name escaped, so that no two owners or users share an entry.
fn escape(part: &str) -> String {
    part.replace('%', "%25").replace('/', "%2F")
}

impl Secrets {
    /// The entry, adopting one found only under its old name.
    pub async fn get_account(&self, account: &Account) -> Result<Option<Vec<u8>>, SecretError> {
        if let Some(bytes) = self.get(account.name.clone()).await? {
            return Ok(Some(bytes));
        }
        let Some(bytes) = self.get(account.legacy.clone()).await? else {
            return Ok(None);
        };
        self.set(account.name.clone(), bytes.clone()).await?;
        self.delete(account.legacy.clone()).await?;
        Ok(Some(bytes))
    }

    /// Moves each entry found under the first name of a pair to the second (a renamed
    /// profile keeps its secrets): written under the new name first, then deleted under
    /// the old, so a failure half-way loses nothing. Returns how many moved.
    pub async fn move_accounts(
        &self,
        moves: Vec<(Account, Account)>,
    ) -> Result<usize, SecretError> {
        let mut count = 0;
        for (from, to) in moves {
            if let Some(bytes) = self.get_account(&from).await? {
                self.set(to.name.clone(), bytes).await?;
                self.delete_account(&from).await?;
                count += 1;
            }
        }
        Ok(count)
    }

    /// Deletes the entry under both its names.
    pub async fn delete_account(&self, account: &Account) -> Result<(), SecretError> {
        self.delete(account.legacy.clone()).await?;
        self.delete(account.name.clone()).await
    }

    /// The remembered sign-in in `account`, if any (an unreadable entry reads as none).
    pub async fn remembered(
        &self,
        account: &Account,
    ) -> Result<Option<RememberedSignIn>, SecretError> {
        Ok(self
            .get_account(account)
            .await?
            .and_then(|bytes| RememberedSignIn::from_bytes(&bytes)))
    }
}

/// What the keyring keeps for a remembered sign-in: the refresh token and the internal
/// username its `SECRET_HASH` needs. Nothing else, and never in a file.
pub struct RememberedSignIn {
    pub refresh: RefreshToken,
    pub username: String,
    /// The device the tokens belong to, which a pool that tracks devices wants on
    /// refresh.
    pub device_key: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct RememberedWire {
    refresh_token: String,
    username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    device_key: Option<String>,
}

impl RememberedSignIn {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&RememberedWire {
            refresh_token: self.refresh.expose().to_owned(),
            username: self.username.clone(),
            device_key: self.device_key.clone(),
        })
        .unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let wire: RememberedWire = serde_json::from_slice(bytes).ok()?;
        Some(Self {
            refresh: RefreshToken::new(wire.refresh_token),
            username: wire.username,
            device_key: wire.device_key,
        })
    }
}

/// The platform keyring. Its calls block (D-Bus round trips): keep them off the UI
/// thread and out of async tasks' hot paths (`spawn_blocking`).
pub struct KeyringStore(());

impl KeyringStore {
    /// Installs the platform store (once per process) and says whether it works.
    pub fn platform() -> Result<Self, SecretError> {
        match keyring::Entry::store_status() {
            Ok(()) => Ok(Self(())),
            Err(e) => Err(SecretError::Unavailable(e.to_string())),
        }
    }

    fn entry(account: &str) -> Result<keyring_core::Entry, SecretError> {
        keyring_core::Entry::new(SERVICE, account).map_err(SecretError::from)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Option<Vec<u8>>, SecretError> {
        match Self::entry(account)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn set(&self, account: &str, secret: &[u8]) -> Result<(), SecretError> {
        Self::entry(account)?
            .set_secret(secret)
            .map_err(SecretError::from)
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// Secrets in memory, for tests and for a run without a keyring.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemoryStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<u8>>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<Vec<u8>>, SecretError> {
        Ok(self.lock().get(account).cloned())
    }

    fn set(&self, account: &str, secret: &[u8]) -> Result<(), SecretError> {
        self.lock().insert(account.to_owned(), secret.to_vec());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        if let Some(mut old) = self.lock().remove(account) {
            zeroize::Zeroize::zeroize(&mut old);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_store_reads_missing_as_none_and_deletes_quietly() {
        let store = MemoryStore::default();
        assert_eq!(store.get("p/u/session").expect("get"), None);
        store.delete("p/u/session").expect("delete missing");
        let long = vec![b'x'; 4000];
        store.set("p/u/session", &long).expect("set");
        assert_eq!(store.get("p/u/session").expect("get"), Some(long));
        store.delete("p/u/session").expect("delete");
        assert_eq!(store.get("p/u/session").expect("get"), None);
    }

    #[test]
    fn accounts_name_profile_client_and_user_and_never_run_together() {
        let owner = Owner::new("経理", "client1");
        assert_eq!(owner.session("alice").name, "経理/client1/alice/session");
        assert_eq!(owner.client_secret().name, "経理/client1/client-secret");
        assert_ne!(
            Owner::new("a/b", "c").session("d").name,
            Owner::new("a", "b").session("c/d").name
        );
        assert_ne!(
            owner.session("alice"),
            Owner::new("経理", "client2").session("alice")
        );
    }

    #[tokio::test]
    async fn an_entry_under_its_old_name_is_adopted_once() {
        let store = Arc::new(MemoryStore::default());
        let secrets = Secrets::Store(Arc::clone(&store) as Arc<dyn SecretStore>);
        store.set("work/alice/session", b"old").expect("set");
        let account = Owner::new("work", "client1").session("alice");
        assert_eq!(
            secrets.get_account(&account).await,
            Ok(Some(b"old".to_vec()))
        );
        assert_eq!(store.get("work/alice/session").expect("get"), None);
        assert_eq!(
            store.get(&account.name).expect("get"),
            Some(b"old".to_vec())
        );
        secrets.delete_account(&account).await.expect("delete");
        assert_eq!(secrets.get_account(&account).await, Ok(None));
    }
}
