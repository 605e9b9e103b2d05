//! Random ids for jobs.

pub(crate) fn random_hex_id() -> String {
    let mut bytes = [0_u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).unwrap_or_else(|_| unreachable!("the system RNG works"));
    hex::encode(bytes)
}
