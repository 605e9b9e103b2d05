//! The local stack's ids: random bytes from the system RNG, UUID-shaped ids, and hex.
//!
//! Its own, so the stack's parts (`idp`, `convert`, `files`, the HTTP routes) need not
//! borrow them from one another.

/// Lowercase hex, two digits a byte.
pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

pub(super) fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0; n];
    aws_lc_rs::rand::fill(&mut bytes).unwrap_or_else(|_| unreachable!("the system RNG works"));
    bytes
}

/// 16 random bytes as 32 hex digits: request ids and job ids.
pub(super) fn random_hex_id() -> String {
    let mut bytes = [0_u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).unwrap_or_else(|_| unreachable!("the system RNG works"));
    hex(&bytes)
}

/// A random UUID-shaped id (version 4 layout).
pub(super) fn random_uuid() -> String {
    let mut b = random_bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    format!(
        "{}-{}-{}-{}-{}",
        hex(&b[0..4]),
        hex(&b[4..6]),
        hex(&b[6..8]),
        hex(&b[8..10]),
        hex(&b[10..16])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_shapes() {
        assert_eq!(hex(&[0, 0xab, 0x0f]), "00ab0f");
        let uuid = random_uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.as_bytes()[14], b'4');
        let id = random_hex_id();
        assert_eq!(id.len(), 32);
        assert_ne!(id, random_hex_id());
        assert_eq!(random_bytes(48).len(), 48);
    }
}
