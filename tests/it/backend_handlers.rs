//! The backend's handlers — the code the Lambdas run — against moto's S3, SQS and
//! DynamoDB, fed the JSON events API Gateway and SQS send: small jobs answer 200 with
//! presigned URLs moto serves, big ones are queued one message per PDF and drained by the
//! worker (a message delivered twice counts once), only the owner reads a job, and bad
//! input gets the contract's error shape. Also `serve --s3-endpoint` on moto.

use std::path::Path;

use backend::jobs::{DynamoJobs, JobStore};
use backend::queue::{Queue, SqsQueue};
use backend::storage::{S3Storage, Storage};
use backend::{Backend, ConvertSettings};
use receipt_desk::local::{self, StackOptions};
use serde_json::{Value, json};

use crate::support;
use crate::support::aws::{config, create_bucket, create_queue, create_table};

const ONE_PAGE: [&str; 4] = [
    "2024-05-konbini.pdf",
    "2024-06-taxi.pdf",
    "2024-06-文具.pdf",
    "2024-07-cafe-scan.pdf",
];

fn demo_pdf(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/demo")
            .join(name),
    )
    .expect("demo PDF")
}

/// The backend as the Lambdas build it, on a fresh bucket, queue and table in moto.
struct Aws {
    backend: Backend,
    bucket: String,
    queue: SqsQueue,
}

impl Aws {
    async fn new() -> Self {
        let (bucket, queue_url, table) = (
            create_bucket().await,
            create_queue().await,
            create_table().await,
        );
        let backend = Backend::new(
            Storage::S3(S3Storage::new(config())),
            JobStore::Dynamo(DynamoJobs::new(config(), table)),
            Queue::Sqs(Box::new(SqsQueue::new(config(), queue_url.clone()))),
            ConvertSettings::default(),
        )
        .allow_only(vec![bucket.clone()]);
        Self {
            backend,
            bucket,
            queue: SqsQueue::new(config(), queue_url),
        }
    }

    async fn upload(&self, key: &str, bytes: Vec<u8>) {
        self.backend
            .storage
            .put(&self.bucket, key, bytes, "application/pdf")
            .await
            .expect("upload");
    }

    /// What API Gateway sends the API function for a request its Cognito authorizer let
    /// through (`sub` in the claims); `None` leaves the claims out.
    async fn call(
        &self,
        sub: Option<&str>,
        method: &str,
        path: &str,
        query: Value,
        body: Option<&str>,
    ) -> (u16, Value) {
        let mut context = json!({
            "stage": "Prod",
            "domainName": "abc123.execute-api.ap-northeast-1.amazonaws.com",
            "httpMethod": method,
            "path": format!("/Prod{path}"),
        });
        if let Some(sub) = sub {
            context["authorizer"] = json!({"claims": {"sub": sub, "token_use": "id"}});
        }
        let event = json!({
            "resource": path,
            "path": path,
            "httpMethod": method,
            "queryStringParameters": query,
            "body": body,
            "isBase64Encoded": false,
            "requestContext": context,
        });
        let answer = self.backend.api_gateway(&event).await;
        let status = answer["statusCode"].as_u64().expect("statusCode") as u16;
        let body = serde_json::from_str(answer["body"].as_str().expect("body")).expect("JSON body");
        (status, body)
    }

    async fn convert(&self, sub: &str, pdf_prefix: &str) -> (u16, Value) {
        let body = json!({"source_bucket": self.bucket, "pdf_prefix": pdf_prefix, "upload_prefix": "jpeg/"});
        self.call(
            Some(sub),
            "POST",
            "/convert",
            Value::Null,
            Some(&body.to_string()),
        )
        .await
    }

    /// Every message on the queue, taken off it.
    async fn drain(&self) -> Vec<backend::queue::Received> {
        let mut all = Vec::new();
        loop {
            let batch = self.queue.receive(10).await.expect("receive");
            if batch.is_empty() {
                return all;
            }
            for message in &batch {
                self.queue
                    .delete(&message.receipt_handle)
                    .await
                    .expect("delete");
            }
            all.extend(batch);
        }
    }
}

/// An SQS event as Lambda's event source mapping delivers it.
fn sqs_event(messages: &[&backend::queue::Received]) -> Value {
    json!({"Records": messages.iter().map(|m| json!({
        "messageId": m.message_id,
        "receiptHandle": m.receipt_handle,
        "body": m.body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "eventSource": "aws:sqs",
        "awsRegion": "us-east-1",
    })).collect::<Vec<_>>()})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_job_answers_200_with_presigned_urls_moto_serves_as_jpegs() {
    let aws = Aws::new().await;
    for name in &ONE_PAGE[..3] {
        aws.upload(&format!("pdf/{name}"), demo_pdf(name)).await;
    }
    aws.upload("pdf/broken-upload.pdf", demo_pdf("broken-upload.pdf"))
        .await;
    let (status, body) = aws.convert("sub-alice", "pdf/").await;
    assert_eq!(status, 200, "{body}");
    let converted = body["converted"].as_array().expect("converted");
    assert_eq!(converted.len(), 3, "{body}");
    for page in converted {
        let url = page["url"].as_str().expect("a presigned URL");
        assert!(url.contains("X-Amz-Signature="), "{url}");
        let response = reqwest::get(url).await.expect("moto serves it");
        assert_eq!(response.status().as_u16(), 200, "{url}");
        let jpeg = response.bytes().await.expect("bytes");
        assert_eq!(jpeg.len() as u64, page["bytes"].as_u64().expect("bytes"));
        let image =
            image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).expect("a JPEG");
        assert_eq!(
            u64::from(image.width()),
            page["width"].as_u64().expect("width")
        );
        assert!(page["key"].as_str().expect("key").starts_with("jpeg/"));
    }
    let failed = body["failed"].as_array().expect("failed");
    assert_eq!(failed.len(), 1, "{body}");
    assert_eq!(failed[0]["source_key"], "pdf/broken-upload.pdf");
    assert_eq!(failed[0]["reason"], "damaged_pdf");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sixty_pdf_job_is_queued_and_counted_exactly_once_per_pdf() {
    let aws = Aws::new().await;
    for i in 0..59 {
        let name = ONE_PAGE[i % ONE_PAGE.len()];
        aws.upload(&format!("many/{i:02}-{name}"), demo_pdf(name))
            .await;
    }
    aws.upload("many/59-broken.pdf", demo_pdf("broken-upload.pdf"))
        .await;
    let (status, accepted) = aws.convert("sub-alice", "many/").await;
    assert_eq!(status, 202, "{accepted}");
    let job = accepted["job_id"].as_str().expect("job_id").to_owned();
    assert_eq!(
        accepted["status_url"],
        format!("https://abc123.execute-api.ap-northeast-1.amazonaws.com/Prod/jobs/{job}")
    );
    let messages = aws.drain().await;
    assert_eq!(messages.len(), 60, "one message per PDF");

    let (status, running) = aws
        .call(
            Some("sub-alice"),
            "GET",
            &format!("/jobs/{job}"),
            Value::Null,
            None,
        )
        .await;
    assert_eq!(status, 200, "{running}");
    assert_eq!(
        (
            running["state"].as_str(),
            running["done"].as_u64(),
            running["total"].as_u64()
        ),
        (Some("running"), Some(0), Some(60))
    );

    // The worker gets them in batches of ten; the first message comes again in the last
    // batch, as SQS may deliver it twice.
    let mut batches: Vec<Vec<&backend::queue::Received>> =
        messages.chunks(10).map(|c| c.iter().collect()).collect();
    batches.last_mut().expect("batches").push(&messages[0]);
    for batch in &batches {
        let answer = aws.backend.sqs_batch(&sqs_event(batch)).await;
        assert_eq!(answer, json!({"batchItemFailures": []}));
    }

    let (status, done) = aws
        .call(
            Some("sub-alice"),
            "GET",
            &format!("/jobs/{job}"),
            json!({"wait": "1"}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["state"], "succeeded");
    assert_eq!(
        (done["done"].as_u64(), done["total"].as_u64()),
        (Some(60), Some(60)),
        "exact, though one PDF came twice"
    );
    assert_eq!(done["converted"].as_array().map(Vec::len), Some(59));
    let failed = done["failed"].as_array().expect("failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["reason"], "damaged_pdf");
    assert!(
        done["converted"][0]["url"]
            .as_str()
            .is_some_and(|u| u.contains("X-Amz-Signature="))
    );

    // Someone else's job does not exist for them; no claims at all is the authorizer's 401.
    let (status, other) = aws
        .call(
            Some("sub-mallory"),
            "GET",
            &format!("/jobs/{job}"),
            Value::Null,
            None,
        )
        .await;
    assert_eq!(status, 404, "{other}");
    assert!(
        other["message"]
            .as_str()
            .is_some_and(|m| m.contains("no job"))
    );
    let (status, _) = aws
        .call(None, "GET", &format!("/jobs/{job}"), Value::Null, None)
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn bad_input_gets_the_contracts_error_shape() {
    let aws = Aws::new().await;
    let (status, body) = aws
        .call(
            Some("sub-alice"),
            "POST",
            "/convert",
            Value::Null,
            Some("{not json"),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("JSON object")),
        "{body}"
    );

    // A bucket the stack does not serve is refused before any call to S3.
    let body =
        json!({"source_bucket": "someone-elses-bucket", "pdf_prefix": "a/", "upload_prefix": "b/"});
    let (status, refused) = aws
        .call(
            Some("sub-alice"),
            "POST",
            "/convert",
            Value::Null,
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 403, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("someone-elses-bucket"))
    );

    // A bucket that does not exist (allowed, but missing) is named.
    let open = Backend::new(
        Storage::S3(S3Storage::new(config())),
        JobStore::Dynamo(DynamoJobs::new(config(), "unused".to_owned())),
        Queue::Sqs(Box::new(SqsQueue::new(config(), String::new()))),
        ConvertSettings::default(),
    );
    let missing = support::aws::unique("missing");
    let caller = backend::Caller {
        sub: "sub-alice".to_owned(),
    };
    let body = json!({"source_bucket": missing, "pdf_prefix": "a/", "upload_prefix": "b/"});
    let answer = open
        .convert(&caller, body.to_string().as_bytes(), "https://x/Prod")
        .await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(
        answer.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not exist") && m.contains(&missing)),
        "{}",
        answer.body
    );

    // A route API Gateway does not have.
    let (status, body) = aws
        .call(Some("sub-alice"), "DELETE", "/convert", Value::Null, None)
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (403, Some("Missing Authentication Token"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefixes_lists_folders_with_their_pdfs_and_pages() {
    let aws = Aws::new().await;
    aws.upload("api/receipts/r6/pdf/a.pdf", demo_pdf(ONE_PAGE[0]))
        .await;
    aws.upload("api/receipts/r6/pdf/b.pdf", demo_pdf(ONE_PAGE[1]))
        .await;
    aws.upload("api/receipts/r5/pdf/c.pdf", demo_pdf(ONE_PAGE[2]))
        .await;
    aws.upload("api/receipts/notes.txt", b"memo".to_vec()).await;
    let (status, body) = aws
        .call(
            Some("sub-alice"),
            "GET",
            "/prefixes",
            json!({"bucket": aws.bucket, "prefix": "api/receipts/"}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let folders: Vec<(&str, u64)> = body["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .map(|f| {
            (
                f["prefix"].as_str().expect("prefix"),
                f["pdfs"].as_u64().expect("pdfs"),
            )
        })
        .collect();
    assert_eq!(folders, [("api/receipts/r5/", 1), ("api/receipts/r6/", 2)]);
    assert_eq!(body["other_objects"], 1);
    assert_eq!(body["next"], Value::Null);
}

/// `receipt-desk serve --s3-endpoint` (here its stack, in-process) converts PDFs that sit
/// in moto's S3, and its answers link to moto.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_stack_on_an_s3_endpoint_converts_what_is_there() {
    let bucket = create_bucket().await;
    let storage = Storage::S3(S3Storage::new(config()));
    for name in &ONE_PAGE[..2] {
        storage
            .put(
                &bucket,
                &format!("r6/pdf/{name}"),
                demo_pdf(name),
                "application/pdf",
            )
            .await
            .expect("upload");
    }
    let data = tempfile::tempdir().expect("tempdir");
    let mut options = StackOptions::new(data.path().to_owned());
    options.s3_endpoint = Some(support::moto().url.clone());
    options.demo_data = false;
    let stack = local::start(options).await.expect("stack");
    let tokens = support::demo_tokens(&stack).await;
    let response = reqwest::Client::new()
        .post(format!("{}/convert", stack.api_url()))
        .header(
            "Authorization",
            format!("Bearer {}", tokens.access.expose()),
        )
        .json(
            &json!({"source_bucket": bucket, "pdf_prefix": "r6/pdf/", "upload_prefix": "r6/jpeg/"}),
        )
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("JSON");
    let converted = body["converted"].as_array().expect("converted");
    assert_eq!(converted.len(), 2, "{body}");
    let url = converted[0]["url"].as_str().expect("url");
    assert!(url.starts_with(support::moto().url.as_str()), "{url}");
    let listed = storage
        .list(&bucket, "r6/jpeg/", false, None, 100)
        .await
        .expect("list");
    assert_eq!(listed.objects.len(), 2, "the pages are in S3");
    stack.stop().await;
}

/// A PDF the worker cannot even read (S3 unreachable) is delivered again, and on the
/// receive the dead-letter queue would take it instead, it is recorded as failed, so
/// the job still ends.
#[tokio::test]
async fn the_last_delivery_of_a_failing_pdf_ends_it_as_failed() {
    let table = create_table().await;
    let broken_s3 = backend::aws::AwsConfig::new(
        "us-east-1".to_owned(),
        Some("http://127.0.0.1:9/".parse().expect("url")),
        config().credentials,
    )
    .expect("config");
    let backend = Backend::new(
        Storage::S3(S3Storage::new(broken_s3)),
        JobStore::Dynamo(DynamoJobs::new(config(), table)),
        Queue::Sqs(Box::new(SqsQueue::new(config(), String::new()))),
        ConvertSettings::default(),
    );
    let request = backend::contract::ConvertRequest {
        source_bucket: "receipts".to_owned(),
        pdf_prefix: "pdf/".to_owned(),
        upload_prefix: "jpeg/".to_owned(),
    };
    backend
        .jobs
        .create(&backend::jobs::JobRecord {
            id: "j-dlq".to_owned(),
            owner_sub: "sub-alice".to_owned(),
            request: request.clone(),
            total: 1,
            done: 0,
            expires_at: 1_900_000_000,
        })
        .await
        .expect("job");
    let item = backend::contract::WorkItem {
        job_id: "j-dlq".to_owned(),
        request,
        source_key: "pdf/a.pdf".to_owned(),
    };
    let event = |receives: &str| {
        json!({"Records": [{
            "messageId": "m-1",
            "body": serde_json::to_string(&item).expect("json"),
            "attributes": {"ApproximateReceiveCount": receives},
        }]})
    };
    let first = backend.sqs_batch(&event("1")).await;
    assert_eq!(
        first,
        json!({"batchItemFailures": [{"itemIdentifier": "m-1"}]})
    );
    let caller = backend::Caller {
        sub: "sub-alice".to_owned(),
    };
    let running = backend.job_status(&caller, "j-dlq", false).await;
    assert_eq!(running.body["state"], "running");
    let last = backend
        .sqs_batch(&event(&backend::MAX_RECEIVES.to_string()))
        .await;
    assert_eq!(last, json!({"batchItemFailures": []}));
    let ended = backend.job_status(&caller, "j-dlq", false).await;
    assert_eq!(ended.body["state"], "failed", "{}", ended.body);
    assert_eq!(ended.body["done"], 1);
    assert_eq!(ended.body["failed"][0]["source_key"], "pdf/a.pdf");
}
