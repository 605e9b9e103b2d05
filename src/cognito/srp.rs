//! Cognito's SRP-6a (`USER_SRP_AUTH` → `PASSWORD_VERIFIER`): both halves, the client's
//! password claim and the server's check of it, so the local stack verifies exactly
//! the math the client computes.
//!
//! Cognito's variant, as Amplify and pycognito compute it: the RFC 3526 3072-bit group
//! with g = 2; `PAD` is Java's `BigInteger.toByteArray()` (one leading zero byte when the
//! top bit is set, *not* padding to |N|); `k = H(PAD(N) ‖ PAD(g))`;
//! `x = H(PAD(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password))`; the session key is HKDF
//! with salt `PAD(u)` over `PAD(S)` and the info "Caldera Derived Key", 16 bytes; the
//! claim is `HMAC(key, poolName ‖ userId ‖ secretBlock ‖ timestamp)` with a timestamp whose
//! day is not zero-padded. Facts and vectors: `shared/SRP.md`.
//!
//! Secrets (`a`, `b`, `x`, `S`, the key) never leave this module except as the claim,
//! and none of its types print them.

use std::fmt;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use hmac::{Hmac, KeyInit as _, Mac as _};
use num_bigint::BigUint;
use sha2::{Digest as _, Sha256};

/// N, the RFC 3526 3072-bit prime, as hex.
pub const N_HEX: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1\
29024E088A67CC74020BBEA63B139B22514A08798E3404DD\
EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245\
E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED\
EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D\
C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F\
83655D23DCA3AD961C62F356208552BB9ED529077096966D\
670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B\
E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9\
DE2BCBF6955817183995497CEA956AE515D2261898FA0510\
15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64\
ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7\
ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B\
F12FFA06D98A0864D87602733EC86A64521F2B18177B200C\
BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31\
43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

/// The longest `SRP_A` / `SRP_B` / `SALT` hex accepted: |N| is 768 hex digits, and a
/// huge number would cost seconds of modpow (fakecloud measured 1.8 s for 200 MB).
pub const MAX_HEX_DIGITS: usize = 1024;

/// The random exponent's length, as Amplify and pycognito draw it.
const EPHEMERAL_BYTES: usize = 128;

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16)
            .unwrap_or_else(|| unreachable!("N_HEX is hex"));
        let g = BigUint::from(2_u32);
        let k = hash_int(&[&pad(&n), &pad(&g)]);
        Group { n, g, k }
    })
}

/// Why an SRP step cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SrpError {
    #[error("the {0} is not a hexadecimal number of at most {MAX_HEX_DIGITS} digits")]
    BadHex(&'static str),
    #[error("the {0} is zero modulo N")]
    Zero(&'static str),
    #[error("the secret block is not base64")]
    BadSecretBlock,
    #[error("the user pool id \"{0}\" has no \"_\" (REGION_NAME)")]
    BadPoolId(String),
}

/// Java's `BigInteger.toByteArray()` of a non-negative number: minimal big-endian bytes,
/// with one `00` in front when the top bit is set.
fn pad(n: &BigUint) -> Vec<u8> {
    let bytes = n.to_bytes_be();
    if bytes[0] & 0x80 == 0 {
        bytes
    } else {
        let mut padded = Vec::with_capacity(bytes.len() + 1);
        padded.push(0);
        padded.extend_from_slice(&bytes);
        padded
    }
}

fn hash(parts: &[&[u8]]) -> [u8; 32] {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update(part);
    }
    digest.finalize().into()
}

fn hash_int(parts: &[&[u8]]) -> BigUint {
    BigUint::from_bytes_be(&hash(parts))
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// A number from Cognito's hex, bounded in length.
pub fn parse_hex(text: &str, what: &'static str) -> Result<BigUint, SrpError> {
    if text.is_empty() || text.len() > MAX_HEX_DIGITS {
        return Err(SrpError::BadHex(what));
    }
    BigUint::parse_bytes(text.as_bytes(), 16).ok_or(SrpError::BadHex(what))
}

/// Lowercase hex without padding, as `SRP_A` and `SRP_B` travel.
pub fn to_hex(n: &BigUint) -> String {
    n.to_str_radix(16)
}

/// The part of a user pool id after `_` (`ap-northeast-1_AbC` → `AbC`).
pub fn pool_name(pool_id: &str) -> Result<&str, SrpError> {
    pool_id
        .split_once('_')
        .map(|(_, name)| name)
        .filter(|name| !name.is_empty())
        .ok_or_else(|| SrpError::BadPoolId(pool_id.to_owned()))
}

/// Cognito's timestamp: `Mon Feb 10 18:30:12 UTC 2025`, English names, UTC, the day
/// not zero-padded (a padded day is refused as a wrong password).
pub fn timestamp(unix_seconds: i64) -> String {
    let at = jiff::Timestamp::from_second(unix_seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    at.strftime("%a %b %-d %H:%M:%S UTC %Y").to_string()
}

/// `SECRET_BLOCK` as bytes, decoded leniently the way Amplify does: URL-safe letters
/// mapped, padding optional. (moto sends a hyphenated UUID; Python's decoder drops the
/// hyphens, Amplify's maps them, and either way the server only compares what it gets.)
pub fn decode_secret_block(block: &str) -> Result<Vec<u8>, SrpError> {
    let normal: String = block
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .filter(|c| *c != '=' && !c.is_whitespace())
        .collect();
    STANDARD_NO_PAD
        .decode(normal.as_bytes())
        .or_else(|_| {
            // A length that base64 never produces (one leftover character): drop it, as
            // Python's forgiving decoder does.
            let cut = normal.len() - normal.len() % 4;
            if normal.len() % 4 == 1 {
                STANDARD_NO_PAD.decode(&normal.as_bytes()[..cut])
            } else {
                Err(base64::DecodeError::InvalidLength(normal.len()))
            }
        })
        .map_err(|_| SrpError::BadSecretBlock)
}

/// `x = H(PAD(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password))`.
fn private_x(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let inner = hash(&[
        pool_name.as_bytes(),
        user_id.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    hash_int(&[&pad(salt), &inner])
}

fn scrambler(a_pub: &BigUint, b_pub: &BigUint) -> BigUint {
    hash_int(&[&pad(a_pub), &pad(b_pub)])
}

/// HKDF-SHA256(salt = PAD(u), ikm = PAD(S), info = "Caldera Derived Key"), 16 bytes.
fn session_key(u: &BigUint, s: &BigUint) -> [u8; 16] {
    let prk = hmac(&pad(u), &[&pad(s)]);
    let okm = hmac(&prk, &[b"Caldera Derived Key", &[1]]);
    let mut key = [0; 16];
    key.copy_from_slice(&okm[..16]);
    key
}

fn claim(
    key: &[u8; 16],
    pool_name: &str,
    user_id: &str,
    block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    hmac(
        key,
        &[
            pool_name.as_bytes(),
            user_id.as_bytes(),
            block,
            timestamp.as_bytes(),
        ],
    )
}

fn random_exponent() -> BigUint {
    let mut bytes = [0_u8; EPHEMERAL_BYTES];
    aws_lc_rs::rand::fill(&mut bytes).unwrap_or_else(|_| unreachable!("the system RNG works"));
    let n = BigUint::from_bytes_be(&bytes) % &group().n;
    bytes.fill(0);
    n
}

/// Who a claim is for and when: the pool's name, `USER_ID_FOR_SRP`, and the timestamp
/// (from [`timestamp`]) that is signed with them.
#[derive(Debug, Clone, Copy)]
pub struct ClaimContext<'a> {
    pub pool_name: &'a str,
    pub user_id: &'a str,
    pub timestamp: &'a str,
}

/// The client's ephemeral pair: secret `a`, public `A = g^a mod N`.
pub struct ClientEphemeral {
    a: BigUint,
    a_pub: BigUint,
}

impl fmt::Debug for ClientEphemeral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientEphemeral(..)")
    }
}

impl ClientEphemeral {
    pub fn new() -> Self {
        loop {
            let a = random_exponent();
            if let Some(e) = Self::from_secret(a) {
                return e;
            }
        }
    }

    /// From a fixed secret (test vectors); `None` when `A mod N = 0`.
    fn from_secret(a: BigUint) -> Option<Self> {
        let group = group();
        let a_pub = group.g.modpow(&a, &group.n);
        (a_pub != BigUint::ZERO).then_some(Self { a, a_pub })
    }

    /// `SRP_A`.
    pub fn public_hex(&self) -> String {
        to_hex(&self.a_pub)
    }

    /// `PASSWORD_CLAIM_SIGNATURE` (base64) for the challenge's `SALT`, `SRP_B` and
    /// `SECRET_BLOCK`.
    pub fn password_claim(
        &self,
        context: ClaimContext<'_>,
        password: &str,
        salt_hex: &str,
        b_hex: &str,
        secret_block: &str,
    ) -> Result<String, SrpError> {
        let ClaimContext {
            pool_name,
            user_id,
            timestamp,
        } = context;
        let group = group();
        let b_pub = parse_hex(b_hex, "SRP_B")? % &group.n;
        if b_pub == BigUint::ZERO {
            return Err(SrpError::Zero("SRP_B"));
        }
        let salt = parse_hex(salt_hex, "SALT")?;
        let block = decode_secret_block(secret_block)?;
        let u = scrambler(&self.a_pub, &b_pub);
        if u == BigUint::ZERO {
            return Err(SrpError::Zero("scrambler u"));
        }
        let x = private_x(pool_name, user_id, password, &salt);
        let g_x = group.g.modpow(&x, &group.n);
        let k_g_x = (&group.k * g_x) % &group.n;
        let base = (&b_pub + &group.n - k_g_x) % &group.n;
        let exponent = &self.a + &u * &x;
        let s = base.modpow(&exponent, &group.n);
        let key = session_key(&u, &s);
        Ok(STANDARD.encode(claim(&key, pool_name, user_id, &block, timestamp)))
    }
}

impl Default for ClientEphemeral {
    fn default() -> Self {
        Self::new()
    }
}

/// What a server keeps for a user instead of the password: a random salt and
/// `v = g^x mod N`.
#[derive(Clone)]
pub struct Verifier {
    salt: BigUint,
    v: BigUint,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verifier(..)")
    }
}

impl Verifier {
    /// A verifier with a fresh 16-byte salt.
    pub fn new(pool_name: &str, user_id: &str, password: &str) -> Self {
        let mut salt = [0_u8; 16];
        aws_lc_rs::rand::fill(&mut salt).unwrap_or_else(|_| unreachable!("the system RNG works"));
        // A leading zero byte would vanish in the hex; keep the salt 16 bytes long.
        salt[0] |= 1;
        Self::with_salt(pool_name, user_id, password, &BigUint::from_bytes_be(&salt))
    }

    fn with_salt(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> Self {
        let group = group();
        let x = private_x(pool_name, user_id, password, salt);
        Self {
            salt: salt.clone(),
            v: group.g.modpow(&x, &group.n),
        }
    }

    /// `SALT`, as hex.
    pub fn salt_hex(&self) -> String {
        to_hex(&self.salt)
    }
}

/// A remembered device's secret and what Cognito keeps for it (`ConfirmDevice`'s
/// `DeviceSecretVerifierConfig`): a random password, a salt, and `PAD(g^x)` with
/// `x = H(PAD(salt) ‖ H(groupKey ‖ deviceKey ‖ ":" ‖ password))`.
pub struct DeviceVerifier {
    /// base64 of 40 random bytes: what the device signs in with.
    pub password: String,
    /// `Salt`, base64.
    pub salt_b64: String,
    /// `PasswordVerifier`, base64.
    pub verifier_b64: String,
}

impl fmt::Debug for DeviceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceVerifier(..)")
    }
}

impl DeviceVerifier {
    pub fn new(group_key: &str, device_key: &str) -> Self {
        let mut password_bytes = [0_u8; 40];
        aws_lc_rs::rand::fill(&mut password_bytes)
            .unwrap_or_else(|_| unreachable!("the system RNG works"));
        let password = STANDARD.encode(password_bytes);
        password_bytes.fill(0);
        let mut salt = [0_u8; 16];
        aws_lc_rs::rand::fill(&mut salt).unwrap_or_else(|_| unreachable!("the system RNG works"));
        // A first byte in 1..=0x7f: the salt's bytes are its PAD exactly, whichever way
        // the other side turns them into a number and back.
        salt[0] = (salt[0] & 0x7f) | 1;
        let verifier = Verifier::with_salt(
            group_key,
            device_key,
            &password,
            &BigUint::from_bytes_be(&salt),
        );
        Self {
            password,
            salt_b64: STANDARD.encode(salt),
            verifier_b64: STANDARD.encode(pad(&verifier.v)),
        }
    }
}

impl Verifier {
    /// From `ConfirmDevice`'s base64 salt and verifier (the server side).
    pub fn from_base64(salt_b64: &str, verifier_b64: &str) -> Option<Self> {
        let salt = STANDARD.decode(salt_b64.trim()).ok()?;
        let v = STANDARD.decode(verifier_b64.trim()).ok()?;
        if salt.is_empty() || salt.len() > 64 || v.is_empty() || v.len() > 400 {
            return None;
        }
        let v = BigUint::from_bytes_be(&v);
        (v != BigUint::ZERO && v < group().n).then(|| Self {
            salt: BigUint::from_bytes_be(&salt),
            v,
        })
    }
}

/// The server's side of one sign-in: secret `b`, public `B = k·v + g^b mod N`.
pub struct ServerEphemeral {
    b: BigUint,
    b_pub: BigUint,
}

impl fmt::Debug for ServerEphemeral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerEphemeral(..)")
    }
}

impl ServerEphemeral {
    pub fn new(verifier: &Verifier) -> Self {
        let group = group();
        loop {
            let b = random_exponent();
            let b_pub = (&group.k * &verifier.v + group.g.modpow(&b, &group.n)) % &group.n;
            if b_pub != BigUint::ZERO {
                return Self { b, b_pub };
            }
        }
    }

    /// `SRP_B`.
    pub fn public_hex(&self) -> String {
        to_hex(&self.b_pub)
    }

    /// Whether `signature` (base64) proves the password: the client's `SRP_A`, the
    /// secret block as sent, and the context the client signed. Compared in constant
    /// time; every malformed input is simply `false`.
    pub fn verify(
        &self,
        verifier: &Verifier,
        a_hex: &str,
        context: ClaimContext<'_>,
        secret_block: &[u8],
        signature: &str,
    ) -> bool {
        let ClaimContext {
            pool_name,
            user_id,
            timestamp,
        } = context;
        let group = group();
        let Ok(a_pub) = parse_hex(a_hex, "SRP_A") else {
            return false;
        };
        if &a_pub % &group.n == BigUint::ZERO {
            return false;
        }
        let u = scrambler(&a_pub, &self.b_pub);
        if u == BigUint::ZERO {
            return false;
        }
        let s = ((&a_pub * verifier.v.modpow(&u, &group.n)) % &group.n).modpow(&self.b, &group.n);
        let key = session_key(&u, &s);
        let expected = claim(&key, pool_name, user_id, secret_block, timestamp);
        let Ok(given) = STANDARD.decode(signature.trim()) else {
            return false;
        };
        given.len() == expected.len()
            && given
                .iter()
                .zip(expected)
                .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
                == 0
    }
}

/// Whether `SRP_A` is one a server may answer: bounded hex, not zero modulo N.
pub fn acceptable_a(a_hex: &str) -> bool {
    parse_hex(a_hex, "SRP_A").is_ok_and(|a| a % &group().n != BigUint::ZERO)
}

#[cfg(test)]
#[path = "srp_tests.rs"]
mod tests;
