//! The Cognito client against a misbehaving server on 127.0.0.1: HTML pages, empty and
//! truncated bodies, dropped and silent connections, oversized answers. Each must become
//! a typed error; none may panic or hang past the configured timeout.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use receipt_desk::cognito::{CognitoClient, CognitoError, ErrorKind, Operation, Timeouts};
use receipt_desk::credentials::Password;
use reqwest::Url;

/// What the server does after reading one request.
enum Reply {
    Raw(Vec<u8>),
    /// Close the connection without answering.
    Drop,
    /// Keep the connection open and never answer (until the client gives up).
    Silence,
}

struct Request {
    head: String,
    body: String,
}

/// Serves exactly one connection; returns the URL and a receiver for what was asked.
fn serve_once(reply: Reply) -> (Url, mpsc::Receiver<Request>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url =
        Url::parse(&format!("http://{}/", listener.local_addr().expect("addr"))).expect("url");
    let (sender, receiver) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("hostile-server".to_owned())
        .spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let request = read_request(&stream);
            let _ = sender.send(request);
            let mut stream = stream;
            match reply {
                Reply::Raw(bytes) => {
                    let _ = stream.write_all(&bytes);
                    let _ = stream.flush();
                }
                Reply::Drop => drop(stream),
                Reply::Silence => {
                    // Wait until the client closes its side.
                    let mut sink = [0_u8; 64];
                    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
                }
            }
        })
        .expect("spawn server");
    (url, receiver)
}

fn read_request(stream: &TcpStream) -> Request {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("read head") == 0 || line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().expect("length");
        }
        head.push_str(&line);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("read body");
    Request {
        head,
        body: String::from_utf8(body).expect("utf-8 body"),
    }
}

fn response(status: &str, headers: &[&str], body: &[u8]) -> Reply {
    let mut text = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    text.push_str("Connection: close\r\n\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Raw(bytes)
}

fn client(url: Url, timeouts: Timeouts) -> CognitoClient {
    CognitoClient::new(url, "clientid123", None, timeouts).expect("client")
}

async fn sign_in_against(reply: Reply) -> CognitoError {
    let (url, _) = serve_once(reply);
    client(url, Timeouts::default())
        .sign_in("alice", &Password::new("a-password-123"))
        .await
        .expect_err("the server misbehaves")
}

#[tokio::test]
async fn requests_carry_the_json_protocol_headers_and_body() {
    let body =
        br#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#;
    let (url, asked) = serve_once(response(
        "400 Bad Request",
        &[
            "Content-Type: application/x-amz-json-1.1",
            "x-amzn-RequestId: req-42",
        ],
        body,
    ));
    let err = client(url, Timeouts::default())
        .sign_in(" alice ", &Password::new("a-password-123"))
        .await
        .expect_err("refused");
    let request = asked.recv().expect("request");
    let head = request.head.to_ascii_lowercase();
    assert!(head.starts_with("post / http/1.1\r\n"), "{head}");
    assert!(
        head.contains("content-type: application/x-amz-json-1.1\r\n"),
        "{head}"
    );
    assert!(
        head.contains("x-amz-target: awscognitoidentityproviderservice.initiateauth\r\n"),
        "{head}"
    );
    let sent: serde_json::Value = serde_json::from_str(&request.body).expect("json body");
    assert_eq!(
        sent,
        serde_json::json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "clientid123",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "a-password-123"}})
    );
    match err {
        CognitoError::Service(e) => {
            assert_eq!(e.kind, ErrorKind::IncorrectCredentials);
            assert_eq!(e.request_id.as_deref(), Some("req-42"));
            assert_eq!(e.operation, Operation::InitiateAuth);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_prefixed_error_type_is_read() {
    let body = br#"{"__type":"com.amazonaws.cognito#UserNotFoundException","message":"User does not exist."}"#;
    let err = sign_in_against(response("400 Bad Request", &[], body)).await;
    assert_eq!(err.kind(), Some(ErrorKind::UserNotFound), "{err}");
}

#[tokio::test]
async fn the_error_type_header_serves_when_the_body_is_empty() {
    let err = sign_in_against(response(
        "400 Bad Request",
        &[
            "x-amzn-ErrorType: TooManyRequestsException:",
            "x-amzn-ErrorMessage: Rate exceeded",
        ],
        b"",
    ))
    .await;
    assert_eq!(err.kind(), Some(ErrorKind::TooManyRequests), "{err}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn an_html_error_page_is_an_unexpected_response() {
    let err = sign_in_against(response(
        "502 Bad Gateway",
        &["Content-Type: text/html"],
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    ))
    .await;
    match &err {
        CognitoError::UnexpectedResponse { status, detail, .. } => {
            assert_eq!(*status, 502);
            assert!(detail.contains("502 Bad Gateway"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_network() && err.is_transient());
}

#[tokio::test]
async fn an_empty_refusal_is_an_unexpected_response() {
    let err = sign_in_against(response("400 Bad Request", &[], b"")).await;
    assert!(
        matches!(&err, CognitoError::UnexpectedResponse { detail, .. } if detail.contains("empty")),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_json_on_success_is_an_unexpected_response() {
    let err = sign_in_against(response("200 OK", &[], br#"{"AuthenticationResult": {"#)).await;
    assert!(
        matches!(err, CognitoError::UnexpectedResponse { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn success_with_neither_tokens_nor_challenge_is_an_unexpected_response() {
    let err = sign_in_against(response("200 OK", &[], br#"{"ChallengeParameters":{}}"#)).await;
    assert!(
        matches!(&err, CognitoError::UnexpectedResponse { detail, .. } if detail.contains("neither")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_internal_error_is_a_transient_service_failure() {
    let body = br#"{"__type":"InternalErrorException","message":"Internal error"}"#;
    let err = sign_in_against(response("500 Internal Server Error", &[], body)).await;
    assert_eq!(err.kind(), Some(ErrorKind::ServiceFailure));
    assert!(err.is_transient());
}

#[tokio::test]
async fn a_dropped_connection_is_a_network_error() {
    let err = sign_in_against(Reply::Drop).await;
    assert!(matches!(err, CognitoError::Network { .. }), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn a_truncated_body_is_a_network_error() {
    let mut bytes = b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\nConnection: close\r\n\r\n".to_vec();
    bytes.extend_from_slice(br#"{"AuthenticationResult":"#);
    let err = sign_in_against(Reply::Raw(bytes)).await;
    assert!(matches!(err, CognitoError::Network { .. }), "{err:?}");
}

#[tokio::test]
async fn an_oversized_answer_is_refused() {
    let body = vec![b' '; 2 * 1024 * 1024];
    let err = sign_in_against(response("200 OK", &[], &body)).await;
    assert!(
        matches!(&err, CognitoError::UnexpectedResponse { detail, .. } if detail.contains("larger")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let (url, _) = serve_once(Reply::Silence);
    let timeouts = Timeouts {
        connect: Duration::from_secs(10),
        call: Duration::from_millis(300),
    };
    let err = client(url, timeouts)
        .sign_in("alice", &Password::new("a-password-123"))
        .await
        .expect_err("timeout");
    assert!(
        matches!(
            err,
            CognitoError::Timeout {
                while_connecting: false,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_closed_port_is_connection_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url =
        Url::parse(&format!("http://{}/", listener.local_addr().expect("addr"))).expect("url");
    drop(listener);
    let err = client(url, Timeouts::default())
        .sign_in("alice", &Password::new("a-password-123"))
        .await
        .expect_err("refused");
    assert!(
        matches!(err, CognitoError::ConnectionRefused { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_password_never_appears_in_an_echoing_error() {
    // A server that echoes the request into its error message.
    let body = br#"{"__type":"NotAuthorizedException","message":"bad a-password-123 eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}"#;
    let err = sign_in_against(response("400 Bad Request", &[], body)).await;
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("a-password-123"), "{shown}");
    assert!(!shown.contains("eyJ"), "{shown}");
}
