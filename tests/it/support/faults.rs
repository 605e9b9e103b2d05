//! A small fault-injecting proxy for HTTP/1.1 on 127.0.0.1: each request it takes gets
//! the next fault from a queue the test fills (or passes through when it is empty) —
//! a delay, a reset connection, an answer cut short, a 500/503/429 of its own, a body
//! dribbled out slowly. One request per connection (it answers `Connection: close`), so
//! every request meets its own fault. URLs of the server in its answers (a job's status
//! URL, signed page URLs) are rewritten to the proxy's, so they meet the faults too.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long, then pass the request through.
    Delay(Duration),
    /// Close the connection at once, without a byte of answer.
    Reset,
    /// Pass it through, then send only the first half of the answer and close.
    Truncate,
    /// Answer this status with a JSON message, without asking the server.
    Status(u16),
    /// Pass it through and send the answer a few bytes at a time, with pauses.
    SlowBody,
}

#[derive(Clone)]
pub struct FaultProxy {
    pub address: SocketAddr,
    faults: Arc<Mutex<VecDeque<Fault>>>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (host:port) on a free port of 127.0.0.1.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let proxy = Self {
            address: listener.local_addr().expect("address"),
            faults: Arc::default(),
        };
        let shared = proxy.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let proxy = shared.clone();
                tokio::spawn(async move { proxy.serve(client, upstream).await });
            }
        });
        proxy
    }

    /// The next requests meet these faults, in order.
    pub fn inject(&self, faults: impl IntoIterator<Item = Fault>) {
        self.faults.lock().expect("lock").extend(faults);
    }

    /// Faults not yet met.
    pub fn pending(&self) -> usize {
        self.faults.lock().expect("lock").len()
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    async fn serve(&self, mut client: TcpStream, upstream: SocketAddr) {
        let Some(request) = read_request(&mut client).await else {
            return;
        };
        let fault = self.faults.lock().expect("lock").pop_front();
        match fault {
            Some(Fault::Reset) => {
                let _ = client.set_zero_linger();
                drop(client);
                return;
            }
            Some(Fault::Status(status)) => {
                let body = format!(r#"{{"message":"injected {status}"}}"#);
                let answer = format!(
                    "HTTP/1.1 {status} Injected\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = client.write_all(answer.as_bytes()).await;
                let _ = client.shutdown().await;
                return;
            }
            Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
            _ => {}
        }
        let Some(answer) = forward(&request, upstream).await else {
            return;
        };
        let answer = rewrite(
            answer,
            &format!("http://{upstream}"),
            &format!("http://{}", self.address),
        );
        match fault {
            Some(Fault::Truncate) => {
                let _ = client.write_all(&answer[..answer.len() / 2]).await;
                let _ = client.set_zero_linger();
            }
            Some(Fault::SlowBody) => {
                for chunk in answer.chunks(answer.len().div_ceil(8).max(1)) {
                    if client.write_all(chunk).await.is_err() {
                        return;
                    }
                    let _ = client.flush().await;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                let _ = client.shutdown().await;
            }
            _ => {
                let _ = client.write_all(&answer).await;
                let _ = client.shutdown().await;
            }
        }
    }
}

/// Reads one request: the head, then `Content-Length` bytes of body. The head is sent
/// on with `Connection: close`, so the server ends the answer by closing.
async fn read_request(client: &mut TcpStream) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut buffer = [0_u8; 8192];
    let head_end = loop {
        let n = client.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        bytes.extend_from_slice(&buffer[..n]);
        if let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while bytes.len() < head_end + length {
        let n = client.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        bytes.extend_from_slice(&buffer[..n]);
    }
    let mut out: Vec<u8> = head
        .trim_end()
        .lines()
        .filter(|l| {
            !l.to_ascii_lowercase().starts_with("connection:")
                && !l.to_ascii_lowercase().starts_with("keep-alive:")
        })
        .flat_map(|l| format!("{l}\r\n").into_bytes())
        .collect();
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out.extend_from_slice(&bytes[head_end..head_end + length]);
    Some(out)
}

/// Sends the request to the server and reads the whole answer (it closes at the end).
async fn forward(request: &[u8], upstream: SocketAddr) -> Option<Vec<u8>> {
    let mut server = TcpStream::connect(upstream).await.ok()?;
    server.write_all(request).await.ok()?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).await.ok()?;
    Some(answer)
}

/// The answer with `from` replaced by `to` in its body, and its length set to match.
fn rewrite(answer: Vec<u8>, from: &str, to: &str) -> Vec<u8> {
    let Some(head_end) = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
    else {
        return answer;
    };
    let head = String::from_utf8_lossy(&answer[..head_end]).into_owned();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return answer;
    }
    let Ok(body) = String::from_utf8(answer[head_end..].to_vec()) else {
        return answer;
    };
    if !body.contains(from) {
        return answer;
    }
    let body = body.replace(from, to);
    let mut out = String::new();
    for line in head.trim_end().lines() {
        if line.to_ascii_lowercase().starts_with("content-length:") {
            out.push_str("content-length: ");
            out.push_str(&body.len().to_string());
            out.push_str("\r\n");
        } else {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}
