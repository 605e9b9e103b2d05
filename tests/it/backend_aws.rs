//! The backend's AWS side against a real moto: S3 (listing with and without a delimiter,
//! continuation, size limits, presigned GETs, error codes), SQS (batches in, all back
//! out) and `DynamoDB` (a PDF delivered twice is counted once). Buckets, queues and tables
//! are made with raw HTTP calls, one set per test.

use crate::support::aws::{config, create_bucket, create_queue, create_table, unique};

use std::collections::BTreeSet;

use backend::contract::{ConvertRequest, ConvertedPage, FailedPdf, WorkItem};
use backend::jobs::{DynamoJobs, JobRecord, JobStore, PdfOutcome};
use backend::queue::{Queue, SqsQueue};
use backend::storage::{S3Storage, Storage, StorageError};

fn request() -> ConvertRequest {
    ConvertRequest {
        source_bucket: "receipts".to_owned(),
        pdf_prefix: "in/".to_owned(),
        upload_prefix: "out/".to_owned(),
    }
}

#[tokio::test]
async fn s3_lists_reads_limits_and_presigns_against_moto() {
    let bucket = create_bucket().await;
    let storage = Storage::S3(S3Storage::new(config()));
    let files = [
        ("in/a.pdf", "%PDF-a"),
        ("in/b.pdf", "%PDF-bb"),
        ("in/c.pdf", "%PDF-ccc"),
        ("in/sub/d.pdf", "%PDF-dddd"),
        ("in/sub/e f+\u{e9}&.pdf", "%PDF-odd name"),
        ("other/x.pdf", "%PDF-x"),
    ];
    for (key, text) in files {
        storage
            .put(&bucket, key, text.as_bytes().to_vec(), "application/pdf")
            .await
            .unwrap_or_else(|e| panic!("put {key}: {e}"));
    }

    let all = storage
        .list(&bucket, "in/", false, None, 1000)
        .await
        .expect("list");
    let keys: Vec<&str> = all.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "in/a.pdf",
            "in/b.pdf",
            "in/c.pdf",
            "in/sub/d.pdf",
            "in/sub/e f+\u{e9}&.pdf"
        ]
    );
    assert_eq!(all.objects[1].bytes, 7);
    assert!(all.objects.iter().all(|o| o.last_modified.is_some()));
    assert!(all.folders.is_empty());
    assert_eq!(all.next, None);

    let top = storage
        .list(&bucket, "in/", true, None, 1000)
        .await
        .expect("delimited list");
    let keys: Vec<&str> = top.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["in/a.pdf", "in/b.pdf", "in/c.pdf"]);
    assert_eq!(top.folders, ["in/sub/"]);

    let mut pages = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = storage
            .list(&bucket, "in/", false, next.as_deref(), 2)
            .await
            .expect("a page");
        pages.push(
            page.objects
                .iter()
                .map(|o| o.key.clone())
                .collect::<Vec<_>>(),
        );
        next = page.next;
        if next.is_none() {
            break;
        }
        assert!(pages.len() < 10, "the listing does not end: {pages:?}");
    }
    assert_eq!(
        pages,
        [
            vec!["in/a.pdf", "in/b.pdf"],
            vec!["in/c.pdf", "in/sub/d.pdf"],
            vec!["in/sub/e f+\u{e9}&.pdf"]
        ]
    );

    let odd = "in/sub/e f+\u{e9}&.pdf";
    assert_eq!(
        storage.get(&bucket, odd, 1000).await.expect("get"),
        b"%PDF-odd name"
    );
    assert_eq!(
        storage
            .get(&bucket, odd, 13)
            .await
            .expect("exactly the limit"),
        b"%PDF-odd name"
    );
    assert_eq!(
        storage.get(&bucket, odd, 12).await,
        Err(StorageError::TooLarge {
            key: odd.to_owned(),
            limit: 12
        })
    );

    let url = storage.presign_get(&bucket, odd, 900).expect("presign");
    assert!(url.contains("X-Amz-Expires=900"), "{url}");
    assert!(url.contains("X-Amz-Security-Token=moto-session"), "{url}");
    let fetched = reqwest::get(&url).await.expect("GET the presigned URL");
    assert!(fetched.status().is_success(), "{url}: {}", fetched.status());
    assert_eq!(
        fetched.bytes().await.expect("bytes").as_ref(),
        b"%PDF-odd name"
    );

    assert_eq!(
        storage.get(&bucket, "in/missing.pdf", 1000).await,
        Err(StorageError::NoSuchKey("in/missing.pdf".to_owned()))
    );
    let missing = unique("missing");
    assert_eq!(
        storage.list(&missing, "", true, None, 10).await,
        Err(StorageError::NoSuchBucket(missing.clone()))
    );
    assert_eq!(
        storage.get(&missing, "in/a.pdf", 10).await,
        Err(StorageError::NoSuchBucket(missing.clone()))
    );
}

#[tokio::test]
async fn sqs_takes_25_items_in_batches_and_gives_them_all_back() {
    let queue_url = create_queue().await;
    let queue = Queue::Sqs(Box::new(SqsQueue::new(config(), queue_url)));
    let items: Vec<WorkItem> = (0..25)
        .map(|i| WorkItem {
            job_id: "job-1".to_owned(),
            request: request(),
            source_key: format!("in/{i:02} \u{e9}\"quoted\".pdf"),
        })
        .collect();
    queue.send(&items).await.expect("send 25");

    let Queue::Sqs(sqs) = &queue else {
        unreachable!()
    };
    let mut received = Vec::new();
    for _ in 0..50 {
        let batch = sqs.receive(10).await.expect("receive");
        if batch.is_empty() && received.len() == items.len() {
            break;
        }
        for message in batch {
            assert!(!message.message_id.is_empty());
            sqs.delete(&message.receipt_handle).await.expect("delete");
            let item: WorkItem = serde_json::from_str(&message.body).expect("a WorkItem body");
            received.push(item);
        }
    }
    assert_eq!(received.len(), 25, "every message once");
    let sent: BTreeSet<_> = items
        .iter()
        .map(|i| serde_json::to_string(i).unwrap())
        .collect();
    let back: BTreeSet<_> = received
        .iter()
        .map(|i| serde_json::to_string(i).unwrap())
        .collect();
    assert_eq!(sent, back);
    assert!(
        sqs.receive(10).await.expect("receive").is_empty(),
        "deleted messages stay gone"
    );
}

#[tokio::test]
async fn dynamodb_counts_a_pdf_delivered_twice_once() {
    let table = create_table().await;
    let jobs = JobStore::Dynamo(DynamoJobs::new(config(), table.clone()));
    let record = JobRecord {
        id: "j-1".to_owned(),
        owner_sub: "sub-alice".to_owned(),
        request: request(),
        total: 3,
        done: 0,
        expires_at: 1_900_000_000,
    };
    jobs.create(&record).await.expect("create");
    let again = jobs
        .create(&record)
        .await
        .expect_err("a job id is used once");
    assert!(again.0.contains("exists"), "{again}");
    assert_eq!(jobs.get("j-unknown").await.expect("get"), None);

    let outcome = PdfOutcome {
        source_key: "in/b.pdf".to_owned(),
        pages: vec![ConvertedPage {
            source_key: "in/b.pdf".to_owned(),
            page: Some(1),
            key: "out/b-p1.jpg".to_owned(),
            url: None,
            width: Some(1240),
            height: Some(1754),
            bytes: Some(123_456),
        }],
        failed: Vec::new(),
    };
    assert_eq!(jobs.record("j-1", &outcome).await, Ok(true));
    assert_eq!(
        jobs.record("j-1", &outcome).await,
        Ok(false),
        "a redelivery is not counted"
    );

    let (read, outcomes) = jobs.get("j-1").await.expect("get").expect("the job");
    assert_eq!(
        read,
        JobRecord {
            done: 1,
            ..record.clone()
        }
    );
    assert_eq!(outcomes, std::slice::from_ref(&outcome));

    let failed = PdfOutcome {
        source_key: "in/a.pdf".to_owned(),
        pages: Vec::new(),
        failed: vec![FailedPdf::new("in/a.pdf", "not_pdf", "no %PDF- header")],
    };
    assert_eq!(jobs.record("j-1", &failed).await, Ok(true));
    let (read, outcomes) = jobs.get("j-1").await.expect("get").expect("the job");
    assert_eq!(read.done, 2);
    assert_eq!(outcomes, [failed, outcome.clone()], "in source-key order");

    let stray = jobs
        .record("j-unknown", &outcome)
        .await
        .expect_err("no such job");
    assert!(stray.0.contains("j-unknown"), "{stray}");
}
