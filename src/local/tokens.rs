//! RS256 JWTs with Cognito's claims, and the JWKS that verifies them.
//!
//! Like Cognito, access and ID tokens are signed with different keys (different `kid`s).
//! The keys are made once (RSA 2048) and kept in the data folder, readable by the owner
//! only, so tokens survive a restart of the stack.

use std::path::Path;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// Which of the two tokens a key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    Access,
    Id,
}

impl TokenUse {
    pub fn claim(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Id => "id",
        }
    }
}

struct SigningKey {
    kid: String,
    pair: KeyPair,
}

impl SigningKey {
    /// Loads `name.pk8` from `dir`, or makes and stores it.
    fn load_or_create(dir: &Path, name: &str) -> std::io::Result<Self> {
        let path = dir.join(format!("{name}.pk8"));
        let pair = match std::fs::read(&path) {
            Ok(der) => KeyPair::from_pkcs8(&der).map_err(|e| {
                std::io::Error::other(format!("{}: not an RSA key ({e})", path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let pair = KeyPair::generate(KeySize::Rsa2048)
                    .map_err(|_| std::io::Error::other("RSA key generation failed"))?;
                let der = pair
                    .as_der()
                    .map_err(|_| std::io::Error::other("RSA key encoding failed"))?;
                write_private(&path, der.as_ref())?;
                pair
            }
            Err(e) => return Err(e),
        };
        // A stable key id from the public key, as Cognito's are stable per pool.
        let digest =
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, pair.public_key().as_ref());
        let kid = format!("{name}-{}", &URL_SAFE_NO_PAD.encode(digest.as_ref())[..16]);
        Ok(Self { kid, pair })
    }

    fn jwk(&self) -> Value {
        let public = self.pair.public_key();
        json!({
            "kid": self.kid,
            "alg": "RS256",
            "kty": "RSA",
            "use": "sig",
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        })
    }

    fn sign(&self, claims: &Value) -> Result<String, aws_lc_rs::error::Unspecified> {
        let header = json!({"kid": self.kid, "alg": "RS256"});
        let message = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair.sign(
            &RSA_PKCS1_SHA256,
            &aws_lc_rs::rand::SystemRandom::new(),
            message.as_bytes(),
            &mut signature,
        )?;
        Ok(format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

/// A random secret of 32 bytes kept at `path` (made on first use, owner-only).
pub(crate) fn load_or_create_secret(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(key) if key.len() >= 32 => Ok(key),
        _ => {
            let mut key = vec![0; 32];
            aws_lc_rs::rand::fill(&mut key)
                .map_err(|_| std::io::Error::other("the system RNG failed"))?;
            write_private(path, &key)?;
            Ok(key)
        }
    }
}

/// Writes a file that only its owner may read, atomically.
pub(crate) use crate::fsutil::write_private_atomic as write_private;

/// The pool's two signing keys.
pub struct TokenMint {
    access: SigningKey,
    id: SigningKey,
}

impl TokenMint {
    pub fn load_or_create(keys_dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(keys_dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(keys_dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(Self {
            access: SigningKey::load_or_create(keys_dir, "access")?,
            id: SigningKey::load_or_create(keys_dir, "id")?,
        })
    }

    /// `{"keys": [...]}` as served at `/{pool}/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        json!({"keys": [self.access.jwk(), self.id.jwk()]})
    }

    /// Signs `claims` with the key for `token_use`.
    pub fn sign(&self, token_use: TokenUse, claims: &Value) -> std::io::Result<String> {
        let key = match token_use {
            TokenUse::Access => &self.access,
            TokenUse::Id => &self.id,
        };
        key.sign(claims)
            .map_err(|_| std::io::Error::other("RSA signing failed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_kept_private_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = TokenMint::load_or_create(dir.path()).expect("create");
        let second = TokenMint::load_or_create(dir.path()).expect("load");
        assert_eq!(first.jwks(), second.jwks());
        assert_ne!(first.access.kid, first.id.kid, "two keys, two kids");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join("access.pk8"))
                .expect("key file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn signed_tokens_verify_with_the_published_jwk() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mint = TokenMint::load_or_create(dir.path()).expect("create");
        let token = mint
            .sign(TokenUse::Id, &json!({"sub": "x", "exp": 4_000_000_000_u64}))
            .expect("sign");
        let jwk = &mint.jwks()["keys"][1];
        let key = jsonwebtoken::DecodingKey::from_rsa_components(
            jwk["n"].as_str().expect("n"),
            jwk["e"].as_str().expect("e"),
        )
        .expect("key");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.required_spec_claims.clear();
        validation.validate_aud = false;
        let data = jsonwebtoken::decode::<Value>(&token, &key, &validation).expect("verifies");
        assert_eq!(data.claims["sub"], "x");
        assert_eq!(data.header.kid.as_deref(), Some(mint.id.kid.as_str()));
    }
}
