//! Unit tests of `srp`.

use super::*;

// aws-cognito-srp's vector, reproduced independently with pycognito (shared/SRP.md).
const A_SECRET: [u8; 128] = [1; 128];
const SECRET_BLOCK: &str = "9ae77ec7154c14dcc487b47707fee4b4920cb96d8a8c045e4c8df879a7b375524aa736acdec6c9ad4ea606774d00621b";
const B_AND_SALT: &str = "36ef01c6dde9fe503da333b1acc758ba";
const TIMESTAMP: &str = "Mon Feb 10 18:30:12 UTC 2025";

fn context<'a>(pool_name: &'a str, user_id: &'a str, timestamp: &'a str) -> ClaimContext<'a> {
    ClaimContext {
        pool_name,
        user_id,
        timestamp,
    }
}

fn vector_client() -> ClientEphemeral {
    ClientEphemeral::from_secret(BigUint::from_bytes_be(&A_SECRET)).expect("A")
}

#[test]
fn k_is_cognitos() {
    assert_eq!(
        to_hex(&group().k),
        "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
    );
}

#[test]
fn a_matches_the_vector() {
    assert!(
        vector_client()
            .public_hex()
            .starts_with("b1ce118779e27c1c015d7a226ecae2ea")
    );
    assert!(vector_client().public_hex().ends_with("dcc0620a626d83a483"));
}

#[test]
fn the_claim_matches_both_vectors() {
    let client = vector_client();
    let claim = |hex: &str| {
        client
            .password_claim(
                context("abc", "user_id", TIMESTAMP),
                "password",
                hex,
                hex,
                SECRET_BLOCK,
            )
            .expect("claim")
    };
    assert_eq!(
        claim(B_AND_SALT),
        "apNSb5GZpJciVc6cVNkDf4elCMoWUZcH4aukLlMPiFA="
    );
    // Odd-length hex for B and the salt.
    assert_eq!(
        claim("36ef01c"),
        "bVzjSe43mY37A6ZuzEVU5cr6QY1WeV3BPfdVJo0c2/8="
    );
}

#[test]
fn timestamps_have_an_unpadded_day() {
    // 2025-02-10T18:30:12Z and 2025-03-05T07:08:09Z
    assert_eq!(timestamp(1_739_212_212), TIMESTAMP);
    assert_eq!(timestamp(1_741_158_489), "Wed Mar 5 07:08:09 UTC 2025");
}

#[test]
fn the_server_accepts_the_right_password_only() {
    let verifier = Verifier::new("LocalDesk", "alice", "Right-pass1");
    let server = ServerEphemeral::new(&verifier);
    let block = b"a secret block";
    let block_b64 = STANDARD.encode(block);
    let client = ClientEphemeral::new();
    let sign = |password: &str| {
        client
            .password_claim(
                context("LocalDesk", "alice", TIMESTAMP),
                password,
                &verifier.salt_hex(),
                &server.public_hex(),
                &block_b64,
            )
            .expect("claim")
    };
    let verify = |signature: &str, timestamp: &str, user: &str| {
        server.verify(
            &verifier,
            &client.public_hex(),
            context("LocalDesk", user, timestamp),
            block,
            signature,
        )
    };
    assert!(verify(&sign("Right-pass1"), TIMESTAMP, "alice"));
    assert!(!verify(&sign("Wrong-pass1"), TIMESTAMP, "alice"));
    assert!(!verify(
        &sign("Right-pass1"),
        "Mon Feb 10 18:30:13 UTC 2025",
        "alice"
    ));
    assert!(!verify(&sign("Right-pass1"), TIMESTAMP, "bob"));
    assert!(!verify("not base64!", TIMESTAMP, "alice"));
}

#[test]
fn hostile_numbers_are_refused() {
    let n = to_hex(&group().n);
    assert!(!acceptable_a("0"));
    assert!(!acceptable_a(&n));
    assert!(!acceptable_a(&"f".repeat(MAX_HEX_DIGITS + 1)));
    assert!(!acceptable_a("not hex"));
    assert!(acceptable_a("2"));
    let client = vector_client();
    assert_eq!(
        client.password_claim(context("p", "u", TIMESTAMP), "pw", "01", &n, "AAAA"),
        Err(SrpError::Zero("SRP_B"))
    );
}

#[test]
fn secret_blocks_decode_leniently() {
    assert_eq!(decode_secret_block("AAEC").expect("plain"), vec![0, 1, 2]);
    assert_eq!(
        decode_secret_block("-_8=").expect("url-safe"),
        vec![0xfb, 0xff]
    );
    // moto's block is a UUID; it must not stop the sign-in.
    assert!(decode_secret_block("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").is_ok());
    assert_eq!(decode_secret_block("!!!!"), Err(SrpError::BadSecretBlock));
}

#[test]
fn pool_names_are_after_the_underscore() {
    assert_eq!(pool_name("ap-northeast-1_LocalDesk"), Ok("LocalDesk"));
    assert!(pool_name("nounderscore").is_err());
    assert!(pool_name("region_").is_err());
}

#[test]
fn a_device_signs_in_with_its_password_against_its_verifier() {
    let device = DeviceVerifier::new("-GroupKey1", "ap-northeast-1_device-key");
    let verifier = Verifier::from_base64(&device.salt_b64, &device.verifier_b64).expect("verifier");
    let server = ServerEphemeral::new(&verifier);
    let client = ClientEphemeral::new();
    let block = b"device block";
    let sign = |password: &str| {
        client
            .password_claim(
                context("-GroupKey1", "ap-northeast-1_device-key", TIMESTAMP),
                password,
                &verifier.salt_hex(),
                &server.public_hex(),
                &STANDARD.encode(block),
            )
            .expect("claim")
    };
    let check = |signature: &str| {
        server.verify(
            &verifier,
            &client.public_hex(),
            context("-GroupKey1", "ap-northeast-1_device-key", TIMESTAMP),
            block,
            signature,
        )
    };
    assert!(check(&sign(&device.password)));
    assert!(!check(&sign("another device password")));
    assert!(Verifier::from_base64("", &device.verifier_b64).is_none());
    assert!(Verifier::from_base64(&device.salt_b64, "AA==").is_none());
    assert_eq!(format!("{device:?}"), "DeviceVerifier(..)");
}

#[test]
fn nothing_secret_is_printed() {
    let verifier = Verifier::new("p", "u", "Pw-secret1");
    let text = format!(
        "{:?}{:?}{:?}",
        verifier,
        ServerEphemeral::new(&verifier),
        ClientEphemeral::new()
    );
    assert_eq!(text, "Verifier(..)ServerEphemeral(..)ClientEphemeral(..)");
}
