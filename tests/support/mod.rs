//! Test fixtures: moto (an independent Cognito implementation) on a free loopback port,
//! seeded through its unsigned admin calls in Cognito's own JSON protocol.
// Each test binary uses a different part of the fixtures.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;

use receipt_desk::cognito::{CognitoClient, Timeouts};
use receipt_desk::credentials::ClientSecret;
use reqwest::Url;
use serde_json::{Value, json};

/// A moto server process. Dropping it kills the process by its PID; a shared one (see
/// [`moto`]) stops when the test process ends and closes its stdin.
pub struct Moto {
    pub url: Url,
    child: Child,
    _stdin: ChildStdin,
    pub log: PathBuf,
}

static SHARED: OnceLock<Moto> = OnceLock::new();

/// One moto per test binary; each test seeds a pool of its own in it.
pub fn moto() -> &'static Moto {
    SHARED.get_or_init(Moto::start)
}

fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .to_owned()
}

/// The venv's Python, installing moto first when it is missing. Never skips: a test
/// that cannot reach its peer fails loudly.
fn moto_python() -> PathBuf {
    if let Some(python) = std::env::var_os("MOTO_PYTHON") {
        return PathBuf::from(python);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/setup-moto");
    let status = Command::new("bash")
        .arg(&script)
        .env("CARGO_TARGET_DIR", target_dir())
        .status()
        .expect("run scripts/setup-moto");
    assert!(
        status.success(),
        "scripts/setup-moto failed ({status}): moto[server] is needed for these tests"
    );
    target_dir().join("moto-venv/bin/python")
}

impl Moto {
    pub fn start() -> Self {
        let python = moto_python();
        let launcher = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/moto_launcher.py");
        let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "moto-{}-{}.log",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_nanos()
        ));
        let log_file = std::fs::File::create(&log).expect("moto log file");
        let mut child = Command::new(&python)
            .arg(&launcher)
            .arg("0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("start moto with {}: {e}", python.display()));
        let stdin = child.stdin.take().expect("moto stdin");
        let stdout = child.stdout.take().expect("moto stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read moto's port");
        let Some(port) = line.trim().strip_prefix("PORT=") else {
            let _ = child.kill();
            panic!(
                "moto did not start: {line:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        let url = Url::parse(&format!("http://127.0.0.1:{port}/")).expect("moto url");
        Self {
            url,
            child,
            _stdin: stdin,
            log,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// An unsigned call in Cognito's JSON protocol; panics with the body on failure.
    pub async fn call(&self, operation: &str, body: Value) -> Value {
        let (status, value) = self.try_call(operation, body).await;
        assert!(status < 300, "{operation} failed: {status} {value}");
        value
    }

    pub async fn try_call(&self, operation: &str, body: Value) -> (u16, Value) {
        let response = reqwest::Client::new()
            .post(self.url.clone())
            .header("Content-Type", "application/x-amz-json-1.1")
            .header(
                "X-Amz-Target",
                format!("AWSCognitoIdentityProviderService.{operation}"),
            )
            .body(body.to_string())
            .send()
            .await
            .expect("moto answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("moto body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A new user pool with a public app client and one with a secret, both allowing
    /// `USER_PASSWORD_AUTH` and refresh.
    pub async fn pool(&self) -> Pool {
        let created = self
            .call("CreateUserPool", json!({"PoolName": "receipt-desk-test"}))
            .await;
        let pool_id = created["UserPool"]["Id"]
            .as_str()
            .expect("pool id")
            .to_owned();
        let flows = json!(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
        let public = self
            .call(
                "CreateUserPoolClient",
                json!({"UserPoolId": pool_id, "ClientName": "desktop", "ExplicitAuthFlows": flows}),
            )
            .await;
        let confidential = self
            .call(
                "CreateUserPoolClient",
                json!({"UserPoolId": pool_id, "ClientName": "confidential",
                       "GenerateSecret": true, "ExplicitAuthFlows": flows}),
            )
            .await;
        Pool {
            moto_url: self.url.clone(),
            id: pool_id,
            client_id: public["UserPoolClient"]["ClientId"]
                .as_str()
                .expect("client id")
                .to_owned(),
            secret_client_id: confidential["UserPoolClient"]["ClientId"]
                .as_str()
                .expect("client id")
                .to_owned(),
            client_secret: confidential["UserPoolClient"]["ClientSecret"]
                .as_str()
                .expect("secret")
                .to_owned(),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A seeded user pool in moto.
#[derive(Debug, Clone)]
pub struct Pool {
    pub moto_url: Url,
    pub id: String,
    pub client_id: String,
    pub secret_client_id: String,
    pub client_secret: String,
}

pub const PASSWORD: &str = "Corr3ct-Horse!";
pub const TEMPORARY_PASSWORD: &str = "Temp-Pass1!";

impl Pool {
    pub fn client(&self) -> CognitoClient {
        CognitoClient::new(
            self.moto_url.clone(),
            &self.client_id,
            None,
            Timeouts::default(),
        )
        .expect("client")
    }

    pub fn secret_client(&self) -> CognitoClient {
        CognitoClient::new(
            self.moto_url.clone(),
            &self.secret_client_id,
            Some(ClientSecret::new(self.client_secret.clone())),
            Timeouts::default(),
        )
        .expect("client")
    }

    /// A user who must choose a new password at first sign-in (`FORCE_CHANGE_PASSWORD`).
    pub async fn new_user(&self, username: &str, attributes: Value) {
        moto()
            .call(
                "AdminCreateUser",
                json!({"UserPoolId": self.id, "Username": username,
                       "TemporaryPassword": TEMPORARY_PASSWORD, "MessageAction": "SUPPRESS",
                       "UserAttributes": attributes}),
            )
            .await;
    }

    /// A confirmed user with the permanent password [`PASSWORD`].
    pub async fn confirmed_user(&self, username: &str, attributes: Value) {
        self.new_user(username, attributes).await;
        moto()
            .call(
                "AdminSetUserPassword",
                json!({"UserPoolId": self.id, "Username": username,
                       "Password": PASSWORD, "Permanent": true}),
            )
            .await;
    }

    /// A user who signed up and never confirmed.
    pub async fn unconfirmed_user(&self, username: &str) {
        moto()
            .call(
                "SignUp",
                json!({"ClientId": self.client_id, "Username": username, "Password": PASSWORD}),
            )
            .await;
    }

    pub async fn disable(&self, username: &str) {
        moto()
            .call(
                "AdminDisableUser",
                json!({"UserPoolId": self.id, "Username": username}),
            )
            .await;
    }

    pub async fn allow_mfa(&self) {
        moto()
            .call(
                "SetUserPoolMfaConfig",
                json!({"UserPoolId": self.id,
                       "SoftwareTokenMfaConfiguration": {"Enabled": true},
                       "SmsMfaConfiguration": {"SmsConfiguration":
                           {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"}},
                       "MfaConfiguration": "OPTIONAL"}),
            )
            .await;
    }

    pub async fn prefer_sms_mfa(&self, username: &str) {
        moto()
            .call(
                "AdminSetUserMFAPreference",
                json!({"UserPoolId": self.id, "Username": username,
                       "SMSMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
            )
            .await;
    }
}
