//! `/convert` on the local stack over HTTP: the demo receipts become real JPEGs, a
//! broken PDF lands in `failed`, big jobs go through 202 and the job status, bad input
//! gets 400 naming the field, and signed URLs serve exactly the results.

use crate::support;

use backend::ConvertSettings;
use receipt_desk::local::{self, RunningStack, StackOptions, demo};
use serde_json::{Value, json};

struct Demo {
    stack: RunningStack,
    data: tempfile::TempDir,
    bearer: String,
}

impl Demo {
    async fn start() -> Self {
        Self::start_with(ConvertSettings::default()).await
    }

    async fn start_with(settings: ConvertSettings) -> Self {
        let data = tempfile::tempdir().expect("tempdir");
        let mut options = StackOptions::new(data.path().to_owned());
        options.convert = settings;
        let stack = local::start(options).await.expect("stack");
        let tokens = support::demo_tokens(&stack).await;
        let bearer = format!("Bearer {}", tokens.access.expose());
        Self {
            stack,
            data,
            bearer,
        }
    }

    fn bucket(&self) -> std::path::PathBuf {
        self.data.path().join("buckets").join(demo::BUCKET)
    }

    async fn convert(&self, body: &Value) -> (u16, Value) {
        self.convert_raw(&body.to_string()).await
    }

    async fn convert_raw(&self, body: &str) -> (u16, Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/convert", self.stack.api_url()))
            .header("Authorization", &self.bearer)
            .header("Content-Type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .expect("answer");
        let status = response.status().as_u16();
        (status, response.json().await.expect("json body"))
    }

    /// The status of an authorized GET (for refusals).
    async fn get_status(&self, url: impl reqwest::IntoUrl) -> u16 {
        reqwest::Client::new()
            .get(url)
            .header("Authorization", &self.bearer)
            .send()
            .await
            .expect("answer")
            .status()
            .as_u16()
    }

    async fn get_json(&self, url: &str) -> Value {
        let response = reqwest::Client::new()
            .get(url)
            .header("Authorization", &self.bearer)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status().as_u16(), 200, "{url}");
        response.json().await.expect("json")
    }
}

fn demo_request() -> Value {
    json!({"source_bucket": demo::BUCKET, "pdf_prefix": demo::PDF_PREFIX,
           "upload_prefix": demo::UPLOAD_PREFIX})
}

fn keys(items: &Value) -> Vec<String> {
    items
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["key"].as_str().expect("key").to_owned())
        .collect()
}

#[tokio::test]
async fn the_demo_receipts_become_one_jpeg_per_page() {
    let demo = Demo::start().await;
    let (status, body) = demo.convert(&demo_request()).await;
    assert_eq!(status, 200, "{body}");
    let expected: Vec<String> = [
        "2024-05-konbini-p1.jpg",
        "2024-06-hotel-3pages-p1.jpg",
        "2024-06-hotel-3pages-p2.jpg",
        "2024-06-hotel-3pages-p3.jpg",
        "2024-06-taxi-p1.jpg",
        "2024-06-文具-p1.jpg",
        "2024-07-cafe-scan-p1.jpg",
    ]
    .iter()
    .map(|name| format!("{}{name}", demo::UPLOAD_PREFIX))
    .collect();
    assert_eq!(keys(&body["converted"]), expected);
    assert_eq!(expected.len(), demo::PAGES);

    // Every result is a real JPEG of the stated size, on disk and at its URL.
    for item in body["converted"].as_array().expect("array") {
        let key = item["key"].as_str().expect("key");
        let on_disk = std::fs::read(demo.bucket().join(key)).expect("written");
        assert_eq!(item["bytes"].as_u64(), Some(on_disk.len() as u64), "{key}");
        let image = image::load_from_memory_with_format(&on_disk, image::ImageFormat::Jpeg)
            .unwrap_or_else(|e| panic!("{key} is not a JPEG: {e}"));
        assert_eq!(
            u64::from(image.width()),
            item["width"].as_u64().expect("width"),
            "{key}"
        );
        assert_eq!(
            u64::from(image.height()),
            item["height"].as_u64().expect("height"),
            "{key}"
        );
        let served = reqwest::get(item["url"].as_str().expect("url"))
            .await
            .expect("download");
        assert_eq!(served.status().as_u16(), 200, "{key}");
        assert_eq!(
            served.bytes().await.expect("bytes").as_ref(),
            on_disk.as_slice(),
            "{key}"
        );
    }
    // A4 at 150 dpi.
    let hotel = &body["converted"][1];
    assert_eq!(
        (hotel["width"].as_u64(), hotel["height"].as_u64()),
        (Some(1240), Some(1753))
    );
    // The page is not blank: text is drawn (dark pixels exist).
    let scan = std::fs::read(demo.bucket().join(&expected[0])).expect("konbini");
    let luma = image::load_from_memory(&scan).expect("jpeg").to_luma8();
    let dark = luma.pixels().filter(|p| p.0[0] < 100).count();
    assert!(
        dark > 1000,
        "only {dark} dark pixels: the text did not render"
    );

    let failed = body["failed"].as_array().expect("failed");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(
        failed[0]["source_key"],
        format!("{}broken-upload.pdf", demo::PDF_PREFIX)
    );
    assert!(
        failed[0]["error"]
            .as_str()
            .expect("error")
            .contains("damaged")
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_pdf_fails_alone() {
    let demo = Demo::start().await;
    let folder = demo.bucket().join("other/pdf");
    std::fs::create_dir_all(&folder).expect("dir");
    std::fs::write(folder.join("notes.pdf"), "just some text").expect("write");
    std::fs::copy(
        demo.bucket()
            .join(demo::PDF_PREFIX)
            .join("2024-06-taxi.pdf"),
        folder.join("taxi.pdf"),
    )
    .expect("copy");
    let (status, body) = demo
        .convert(&json!({"source_bucket": "demo", "pdf_prefix": "other/pdf/", "upload_prefix": "other/jpeg/"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(keys(&body["converted"]), vec!["other/jpeg/taxi-p1.jpg"]);
    assert_eq!(body["failed"][0]["source_key"], "other/pdf/notes.pdf");
    assert!(
        body["failed"][0]["error"]
            .as_str()
            .expect("error")
            .contains("not a PDF")
    );
    assert_eq!(body["failed"][0]["reason"], "not_pdf", "{body}");
}

#[tokio::test]
async fn a_big_job_answers_202_and_its_status_reaches_succeeded() {
    let demo = Demo::start_with(ConvertSettings {
        async_threshold_pages: 2,
        ..ConvertSettings::default()
    })
    .await;
    let (status, accepted) = demo.convert(&demo_request()).await;
    assert_eq!(status, 202, "{accepted}");
    let status_url = accepted["status_url"]
        .as_str()
        .expect("status_url")
        .to_owned();
    assert!(status_url.ends_with(accepted["job_id"].as_str().expect("job_id")));

    // Long-poll: each answer comes when the job changed, so no sleeping is needed.
    let mut last_done = 0;
    let mut answers = 0;
    let finished = loop {
        let body = demo.get_json(&format!("{status_url}?wait=1")).await;
        answers += 1;
        assert_eq!(body["total"], 6, "six PDFs, one message each");
        let done = body["done"].as_u64().expect("done");
        assert!(done >= last_done, "progress never goes back");
        last_done = done;
        if body["state"] != "running" {
            break body;
        }
        assert!(answers < 50, "the job never finished: {body}");
    };
    assert_eq!(finished["state"], "succeeded");
    assert_eq!(finished["done"], 6);
    assert_eq!(
        finished["converted"].as_array().expect("converted").len(),
        7
    );
    assert_eq!(finished["failed"].as_array().expect("failed").len(), 1);

    // The status needs a token too, like the API it belongs to.
    let anonymous = reqwest::get(&status_url).await.expect("answer");
    assert_eq!(anonymous.status().as_u16(), 401);
    let unknown = reqwest::Client::new()
        .get(status_url.replace(accepted["job_id"].as_str().expect("id"), "nosuchjob"))
        .header("Authorization", &demo.bearer)
        .send()
        .await
        .expect("answer");
    assert_eq!(unknown.status().as_u16(), 404);
}

#[tokio::test]
async fn bad_requests_get_400_naming_the_field() {
    let demo = Demo::start().await;
    let cases = [
        (
            json!({"source_bucket": "No_Such", "pdf_prefix": "a/", "upload_prefix": "b/"}),
            "source_bucket",
        ),
        (
            json!({"source_bucket": "missing-bucket", "pdf_prefix": "a/", "upload_prefix": "b/"}),
            "does not exist",
        ),
        (
            json!({"source_bucket": "demo", "pdf_prefix": "../../keys/", "upload_prefix": "b/"}),
            "pdf_prefix",
        ),
        (
            json!({"source_bucket": "demo", "pdf_prefix": "a/", "upload_prefix": "/etc/"}),
            "upload_prefix",
        ),
        (
            json!({"source_bucket": "demo", "pdf_prefix": "a/", "upload_prefix": "a/"}),
            "differ",
        ),
        (
            json!({"pdf_prefix": "a/", "upload_prefix": "b/"}),
            "source_bucket is missing",
        ),
    ];
    for (body, expected) in cases {
        let (status, answer) = demo.convert(&body).await;
        assert_eq!(status, 400, "{body}");
        let message = answer["message"].as_str().expect("message");
        assert!(message.contains(expected), "{body}: {message}");
    }
    let (status, answer) = demo.convert_raw("{not json").await;
    assert_eq!(status, 400);
    assert!(
        answer["message"]
            .as_str()
            .expect("message")
            .contains("JSON")
    );
    // An empty prefix is valid and simply finds nothing when there are no PDFs.
    let (status, answer) = demo
        .convert(&json!({"source_bucket": "demo", "pdf_prefix": "nothing-here/", "upload_prefix": "out/"}))
        .await;
    assert_eq!(
        (status, answer),
        (200, json!({"converted": [], "failed": []}))
    );
}

fn signed_file_url(demo: &Demo, path: &str, expires: i64) -> String {
    // Signs with the stack's own key, read from its data folder, to reach the checks
    // behind the signature.
    let key = std::fs::read(demo.data.path().join("keys/files.key")).expect("key");
    let signer = backend::files::UrlSigner::new(key);
    format!(
        "{}{}?expires={expires}&signature={}",
        demo.stack.url.as_str().trim_end_matches('/'),
        path,
        signer.sign(path, expires)
    )
}

async fn status_and_text(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.expect("answer");
    let status = response.status().as_u16();
    (status, response.text().await.expect("text"))
}

#[tokio::test]
async fn signed_urls_serve_results_and_refuse_everything_else() {
    let demo = Demo::start().await;
    let (_, body) = demo.convert(&demo_request()).await;
    let url = body["converted"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();

    let good = reqwest::get(&url).await.expect("download");
    assert_eq!(good.status().as_u16(), 200);
    assert_eq!(good.headers()["content-type"], "image/jpeg");
    let etag = good.headers()["etag"].to_str().expect("etag").to_owned();
    let length: usize = good.headers()["content-length"]
        .to_str()
        .expect("len")
        .parse()
        .expect("n");
    assert_eq!(good.bytes().await.expect("bytes").len(), length);
    let again = reqwest::Client::new()
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("conditional");
    assert_eq!(again.status().as_u16(), 304);

    let tampered = url.replace("signature=", "signature=0");
    let (status, text) = status_and_text(&tampered).await;
    assert_eq!(status, 403);
    assert!(
        text.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{text}"
    );
    let other_file = url.replace("konbini", "taxi");
    assert_eq!(
        status_and_text(&other_file).await.0,
        403,
        "a signature covers its path only"
    );
    let unsigned = url.split('?').next().expect("path").to_owned();
    assert_eq!(status_and_text(&unsigned).await.0, 403);

    // Another stack (another key) cannot sign for this one.
    let elsewhere = Demo::start().await;
    let (_, other_body) = elsewhere.convert(&demo_request()).await;
    let foreign = other_body["converted"][0]["url"]
        .as_str()
        .expect("url")
        .replace(elsewhere.stack.url.as_str(), demo.stack.url.as_str());
    assert_eq!(status_and_text(&foreign).await.0, 403);

    demo.stack.clock.advance(15 * 60 + 1);
    let (status, text) = status_and_text(&url).await;
    assert_eq!(status, 403);
    assert!(text.contains("Request has expired"), "{text}");
}

/// Sends `GET path` byte for byte (no client normalises it) and returns the status
/// and body.
async fn raw_get(stack: &RunningStack, path_and_query: &str) -> (u16, Vec<u8>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let address = format!(
        "{}:{}",
        stack.url.host_str().expect("host"),
        stack.url.port().expect("port")
    );
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    stream
        .write_all(
            format!(
                "GET {path_and_query} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let body = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| answer[at + 4..].to_vec())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn even_a_validly_signed_url_cannot_leave_the_bucket() {
    let demo = Demo::start().await;
    let secret = std::fs::read(demo.data.path().join("keys/files.key")).expect("key");
    let expires = jiff::Timestamp::now().as_second() + 600;
    for path in [
        "/files/demo/..%2F..%2Fkeys%2Ffiles.key",
        "/files/demo/%2E%2E/%2E%2E/keys/files.key",
        "/files/demo/../../keys/files.key",
        "/files/demo/api/%00/x.jpg",
        "/files/..%2Fkeys/files.key",
        "/files/demo/%2Fetc%2Fpasswd",
    ] {
        let url = signed_file_url(&demo, path, expires);
        let path_and_query = &url[demo.stack.url.as_str().len() - 1..];
        let (status, body) = raw_get(&demo.stack, path_and_query).await;
        assert!(matches!(status, 400 | 403 | 404), "{path}: {status}");
        assert!(
            !body.windows(secret.len()).any(|w| w == secret.as_slice()),
            "{path} leaked the key"
        );
    }
    // A symlink planted in the bucket is not followed.
    #[cfg(unix)]
    {
        let key_file = demo.data.path().join("keys/files.key");
        std::os::unix::fs::symlink(&key_file, demo.bucket().join("leak.jpg")).expect("symlink");
        std::os::unix::fs::symlink(demo.data.path().join("keys"), demo.bucket().join("keysdir"))
            .expect("dir symlink");
        for path in ["/files/demo/leak.jpg", "/files/demo/keysdir/files.key"] {
            let (status, _) = status_and_text(&signed_file_url(&demo, path, expires)).await;
            assert_eq!(status, 404, "{path}");
        }
    }
}

#[tokio::test]
async fn prefixes_browses_the_demo_bucket_behind_the_authorizer() {
    let demo = Demo::start().await;
    let url = format!(
        "{}/prefixes?bucket={}&prefix=api/receipts/",
        demo.stack.api_url(),
        demo::BUCKET
    );
    let body = demo.get_json(&url).await;
    let folders: Vec<&str> = body["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .map(|f| f["prefix"].as_str().expect("prefix"))
        .collect();
    assert_eq!(folders, ["api/receipts/r6/"], "{body}");
    assert_eq!(body["folders"][0]["pdfs"], 6, "{body}");
    let anonymous = reqwest::get(&url).await.expect("answer");
    assert_eq!(anonymous.status().as_u16(), 401);
    let bad = format!("{}/prefixes?bucket=Not_A_Bucket", demo.stack.api_url());
    assert_eq!(demo.get_status(bad).await, 400);
}

/// `/prefixes` in pages: a level of 1,001 folders answers 1,000 and a continuation that
/// gives the last; a prefix that climbs out of the bucket is refused.
#[tokio::test]
async fn prefixes_pages_a_long_level_and_refuses_a_prefix_that_climbs_out() {
    let demo = Demo::start().await;
    for i in 0..1001 {
        let folder = demo.bucket().join(format!("many/{i:04}"));
        std::fs::create_dir_all(&folder).expect("mkdir");
        std::fs::write(folder.join("r.pdf"), b"%PDF-1.4").expect("write");
    }
    let api = demo.stack.api_url();
    let page = |continuation: Option<String>| {
        let mut params = vec![
            ("bucket", demo::BUCKET.to_owned()),
            ("prefix", "many/".to_owned()),
        ];
        params.extend(continuation.map(|c| ("continuation", c)));
        reqwest::Url::parse_with_params(&format!("{api}/prefixes"), params)
            .expect("url")
            .to_string()
    };
    let prefixes = |body: &Value| -> Vec<String> {
        body["folders"]
            .as_array()
            .expect("folders")
            .iter()
            .map(|f| f["prefix"].as_str().expect("prefix").to_owned())
            .collect()
    };
    let first = demo.get_json(&page(None)).await;
    assert_eq!(prefixes(&first).len(), 1000);
    assert_eq!(first["folders"][0]["pdfs"], 1, "{}", first["folders"][0]);
    let next = first["next"].as_str().expect("a continuation").to_owned();
    let second = demo.get_json(&page(Some(next))).await;
    assert_eq!(prefixes(&second), ["many/1000/"]);
    assert_eq!(second["next"], Value::Null);
    let mut all = prefixes(&first);
    all.extend(prefixes(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 1001, "every folder once");

    for climbing in ["../", "many/../../keys/", "/etc/"] {
        let url = reqwest::Url::parse_with_params(
            &format!("{api}/prefixes"),
            [("bucket", demo::BUCKET), ("prefix", climbing)],
        )
        .expect("url");
        assert_eq!(demo.get_status(url).await, 400, "{climbing}");
    }
}
