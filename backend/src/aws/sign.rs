//! `SigV4` with aws-sigv4: headers for a `reqwest::Request`, or query parameters for a
//! presigned URL. S3 gets its own rules (single percent-encoding, no path normalisation,
//! `x-amz-content-sha256`), as its keys are not to be rewritten.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::HeaderValue;

use super::Credentials;

/// RFC 3986's unreserved characters stay as they are; `SigV4` encodes everything else.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` encoded as `SigV4` canonicalises it (a path segment, a query key or value).
pub fn encode(value: &str) -> Cow<'_, str> {
    utf8_percent_encode(value, UNRESERVED).into()
}

/// A service, by the name it signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    S3,
    Sqs,
    DynamoDb,
    /// Any other service, signed with `SigV4`'s general rules.
    Other(&'static str),
}

impl Service {
    /// The signing name, also the first label of its public host.
    pub fn name(self) -> &'static str {
        match self {
            Self::S3 => "s3",
            Self::Sqs => "sqs",
            Self::DynamoDb => "dynamodb",
            Self::Other(name) => name,
        }
    }

    fn settings(self) -> SigningSettings {
        let mut settings = SigningSettings::default();
        if self == Self::S3 {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        settings
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot sign the {service} request: {detail}")]
pub struct SignError {
    pub service: &'static str,
    pub detail: String,
}

impl SignError {
    fn new(service: Service, detail: impl Into<String>) -> Self {
        Self {
            service: service.name(),
            detail: detail.into(),
        }
    }
}

/// aws-sigv4's credentials; `.into()` makes the `Identity` it signs with.
fn signing_credentials(credentials: &Credentials) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        &credentials.access_key_id,
        &credentials.secret_access_key,
        credentials.session_token.clone(),
        None,
        "receipt-desk",
    )
}

/// Adds `Authorization`, `X-Amz-Date` (and `X-Amz-Security-Token`,
/// `X-Amz-Content-SHA256` for S3) to `request`, signing its method, URL, the headers it
/// has now and its body, which must be in memory.
pub fn sign_request(
    credentials: &Credentials,
    region: &str,
    service: Service,
    request: &mut reqwest::Request,
    time: SystemTime,
) -> Result<(), SignError> {
    let identity = signing_credentials(credentials).into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service.name())
        .time(time)
        .settings(service.settings())
        .build()
        .map_err(|e| SignError::new(service, e.to_string()))?
        .into();
    let instructions = {
        let body = match request.body() {
            None => &[][..],
            Some(body) => body
                .as_bytes()
                .ok_or_else(|| SignError::new(service, "a streamed body cannot be signed"))?,
        };
        let mut headers = Vec::with_capacity(request.headers().len());
        for (name, value) in request.headers() {
            let value = value
                .to_str()
                .map_err(|_| SignError::new(service, format!("the {name} header is not text")))?;
            headers.push((name.as_str(), value));
        }
        let signable = SignableRequest::new(
            request.method().as_str(),
            request.url().as_str(),
            headers.into_iter(),
            SignableBody::Bytes(body),
        )
        .map_err(|e| SignError::new(service, e.to_string()))?;
        sign(signable, &params)
            .map_err(|e| SignError::new(service, e.to_string()))?
            .into_parts()
            .0
    };
    for header in instructions.into_parts().0 {
        let mut value = HeaderValue::from_str(header.value()).map_err(|_| {
            SignError::new(service, format!("the {} header is not text", header.name()))
        })?;
        // Kept out of any `Debug` of the request: the signature is a bearer credential
        // for its lifetime, the token for longer.
        value.set_sensitive(
            header.sensitive() || matches!(header.name(), "authorization" | "x-amz-security-token"),
        );
        request.headers_mut().insert(header.name(), value);
    }
    Ok(())
}

/// `url` with the `X-Amz-*` query parameters (including `X-Amz-Security-Token` when the
/// credentials have a session token) that let anyone `method` it until `ttl` has passed,
/// or the credentials expire, whichever is first. Signs only the host header; S3's
/// payload is `UNSIGNED-PAYLOAD`.
pub fn presign_url(
    credentials: &Credentials,
    region: &str,
    service: Service,
    method: &http::Method,
    url: &url::Url,
    ttl: Duration,
    time: SystemTime,
) -> Result<url::Url, SignError> {
    let identity = signing_credentials(credentials).into();
    let mut settings = service.settings();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(ttl);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service.name())
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| SignError::new(service, e.to_string()))?
        .into();
    let body = if service == Service::S3 {
        SignableBody::UnsignedPayload
    } else {
        SignableBody::Bytes(&[])
    };
    let signable = SignableRequest::new(method.as_str(), url.as_str(), std::iter::empty(), body)
        .map_err(|e| SignError::new(service, e.to_string()))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| SignError::new(service, e.to_string()))?
        .into_parts();
    let mut query = url.query().unwrap_or_default().to_owned();
    for (name, value) in instructions.into_parts().1 {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&encode(name));
        query.push('=');
        query.push_str(&encode(&value));
    }
    let mut presigned = url.clone();
    presigned.set_query(Some(&query));
    Ok(presigned)
}

#[cfg(test)]
mod tests {
    //! Two sources of truth: aws-sigv4's bundled `aws-signing-test-suite/v4/get-vanilla`
    //! (header and query signatures copied from its `*-signature.txt`), and botocore
    //! 1.x's `S3SigV4Auth` / `S3SigV4QueryAuth` / `SigV4Auth`, run once in the moto venv
    //! with `botocore.auth.get_current_datetime` patched to the same instant (the script
    //! is in the commit that added these tests).

    use super::*;

    /// 2015-08-30T12:36:00Z, the suite's timestamp.
    fn suite_time() -> SystemTime {
        let instant: jiff::Timestamp = "2015-08-30T12:36:00Z".parse().unwrap();
        SystemTime::UNIX_EPOCH + Duration::from_secs(instant.as_second().unsigned_abs())
    }

    fn suite_credentials(session_token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".to_owned(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned(),
            session_token: session_token.map(str::to_owned),
        }
    }

    fn header<'a>(request: &'a reqwest::Request, name: &str) -> &'a str {
        request.headers()[name].to_str().unwrap()
    }

    #[test]
    fn get_vanilla_from_the_signing_test_suite() {
        let url = url::Url::parse("https://example.amazonaws.com/").unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::GET, url.clone());
        let service = Service::Other("service");
        sign_request(
            &suite_credentials(None),
            "us-east-1",
            service,
            &mut request,
            suite_time(),
        )
        .unwrap();
        assert_eq!(header(&request, "x-amz-date"), "20150830T123600Z");
        assert_eq!(
            header(&request, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );

        let presigned = presign_url(
            &suite_credentials(None),
            "us-east-1",
            service,
            &http::Method::GET,
            &url,
            Duration::from_hours(1),
            suite_time(),
        )
        .unwrap();
        let query: Vec<(String, String)> = presigned.query_pairs().into_owned().collect();
        let get = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            get("X-Amz-Credential"),
            Some("AKIDEXAMPLE/20150830/us-east-1/service/aws4_request")
        );
        assert_eq!(get("X-Amz-Expires"), Some("3600"));
        assert_eq!(
            get("X-Amz-Signature"),
            Some("e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d")
        );
    }

    #[test]
    fn s3_put_matches_botocore() {
        let url =
            url::Url::parse("https://s3.us-east-1.amazonaws.com/receipts/in%20box/r%C3%A9%2B1.pdf")
                .unwrap();
        let mut request = reqwest::Client::new()
            .put(url)
            .header("content-type", "application/pdf")
            .body(b"%PDF-1.4".to_vec())
            .build()
            .unwrap();
        let credentials = suite_credentials(Some("session/token+=="));
        sign_request(
            &credentials,
            "us-east-1",
            Service::S3,
            &mut request,
            suite_time(),
        )
        .unwrap();
        assert_eq!(
            header(&request, "x-amz-content-sha256"),
            "e16fa5d9b51928755db85b917f0297babaf22c7a47e97d9212adab56e61ba04e"
        );
        assert_eq!(header(&request, "x-amz-security-token"), "session/token+==");
        assert_eq!(
            header(&request, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, \
             SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, \
             Signature=ff9da70d980a4c53bbf0a1a4f1b8f17398404fe1972d336c37ac4a00a413466d"
        );
    }

    #[test]
    fn s3_presigned_get_matches_botocore() {
        let url = url::Url::parse("https://s3.us-east-1.amazonaws.com/receipts/out/r%C3%A9-p1.jpg")
            .unwrap();
        let presigned = presign_url(
            &suite_credentials(Some("session/token+==")),
            "us-east-1",
            Service::S3,
            &http::Method::GET,
            &url,
            Duration::from_mins(15),
            suite_time(),
        )
        .unwrap();
        let query: Vec<(String, String)> = presigned.query_pairs().into_owned().collect();
        let get = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("X-Amz-Security-Token"), Some("session/token+=="));
        assert_eq!(get("X-Amz-SignedHeaders"), Some("host"));
        assert_eq!(
            get("X-Amz-Signature"),
            Some("73e503762bd20eeede7f2409452e65f1e2dd0a4d462873995dc2f8857b21d340")
        );
        assert!(
            presigned
                .as_str()
                .contains("X-Amz-Security-Token=session%2Ftoken%2B%3D%3D")
        );
    }

    #[test]
    fn dynamodb_post_matches_botocore() {
        let url = url::Url::parse("https://dynamodb.us-east-1.amazonaws.com/").unwrap();
        let mut request = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", "DynamoDB_20120810.GetItem")
            .body(r#"{"TableName": "jobs"}"#)
            .build()
            .unwrap();
        let credentials = suite_credentials(Some("session/token+=="));
        sign_request(
            &credentials,
            "us-east-1",
            Service::DynamoDb,
            &mut request,
            suite_time(),
        )
        .unwrap();
        assert!(request.headers().get("x-amz-content-sha256").is_none());
        assert_eq!(
            header(&request, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, \
             Signature=e07b1b6b9008b70a644fb08ba535005a545eabd8daeeca5b67410b8ecab57d94"
        );
        assert!(request.headers()["authorization"].is_sensitive());
        assert!(request.headers()["x-amz-security-token"].is_sensitive());
    }
}
