//! What only moto can show: the shared scenarios are in `cognito_peers.rs`.

use crate::support;

use receipt_desk::cognito::{AuthStep, ChallengeAnswer, ChallengeKind};
use receipt_desk::credentials::Password;
use serde_json::json;
use support::{PASSWORD, moto};

#[tokio::test]
async fn sms_mfa_is_answered_with_the_code() {
    let pool = moto().pool().await;
    pool.confirmed_user(
        "sam",
        json!([{"Name": "phone_number", "Value": "+15555550100"},
               {"Name": "phone_number_verified", "Value": "true"}]),
    )
    .await;
    pool.allow_mfa().await;
    pool.prefer_sms_mfa("sam").await;
    let client = pool.client();
    let step = client
        .sign_in("sam", &Password::new(PASSWORD))
        .await
        .expect("sign in");
    let AuthStep::Challenge(challenge) = step else {
        panic!("expected the SMS challenge");
    };
    assert_eq!(challenge.name, "SMS_MFA");
    assert!(matches!(challenge.kind, ChallengeKind::SmsMfa { .. }));
    // moto sends no SMS and takes any code; the point is the wire shape (SMS_MFA_CODE).
    let step = client
        .respond(&challenge, &ChallengeAnswer::Code("123456".to_owned()))
        .await
        .expect("sms code");
    let AuthStep::SignedIn(tokens) = step else {
        panic!("expected tokens");
    };
    assert_eq!(tokens.username, "sam");
}
