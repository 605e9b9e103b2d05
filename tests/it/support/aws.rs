//! moto as S3, SQS and DynamoDB: the backend's configuration pointed at the shared moto,
//! and buckets, queues and tables made with raw HTTP calls (not the code under test),
//! one set per test.

use std::sync::atomic::{AtomicU32, Ordering};

use backend::aws::{AwsConfig, Credentials};
use serde_json::{Value, json};

use super::moto;

/// A name no other test (or earlier run against the same moto) uses.
pub fn unique(kind: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .subsec_nanos();
    format!(
        "rd-{kind}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn config() -> AwsConfig {
    AwsConfig::new(
        "us-east-1".to_owned(),
        Some(moto().url.clone()),
        Credentials {
            access_key_id: "testing".to_owned(),
            secret_access_key: "testing".to_owned(),
            session_token: Some("moto-session".to_owned()),
        },
    )
    .expect("config")
}

/// moto picks the service of an unsigned call by its path or target, which is not enough
/// for `DynamoDB` and SQS; an `Authorization` header naming the service routes it (moto
/// checks no signature by default).
fn routed_to(service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, \
         SignedHeaders=host, Signature=0"
    )
}

/// A raw JSON 1.0 call, made without the code under test.
pub async fn raw_json(service: &str, target: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .post(moto().url.clone())
        .header("authorization", routed_to(service))
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", target)
        .body(body.to_string())
        .send()
        .await
        .expect("moto answers");
    let status = response.status();
    let text = response.text().await.expect("moto's body");
    assert!(status.is_success(), "{target} failed: {status} {text}");
    serde_json::from_str(&text).expect("JSON from moto")
}

pub async fn create_bucket() -> String {
    let bucket = unique("bucket");
    let url = moto().url.join(&bucket).expect("bucket url");
    let response = reqwest::Client::new()
        .put(url)
        .header("authorization", routed_to("s3"))
        .send()
        .await
        .expect("moto answers");
    assert!(
        response.status().is_success(),
        "CreateBucket: {}",
        response.status()
    );
    bucket
}

/// A new SQS queue; its URL.
pub async fn create_queue() -> String {
    let created = raw_json(
        "sqs",
        "AmazonSQS.CreateQueue",
        json!({"QueueName": unique("queue")}),
    )
    .await;
    created["QueueUrl"].as_str().expect("QueueUrl").to_owned()
}

/// A new jobs table shaped like the SAM template's (`pk`, `sk`); its name.
pub async fn create_table() -> String {
    let table = unique("table");
    raw_json(
        "dynamodb",
        "DynamoDB_20120810.CreateTable",
        json!({
            "TableName": table,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        }),
    )
    .await;
    table
}
