//! Test fixtures: moto (an independent Cognito implementation) on a free loopback port,
//! seeded through its unsigned admin calls in Cognito's own JSON protocol; the local
//! stack; the sandboxed command line (`cli`); files left behind (`files`); a clock the
//! test moves (`clock`).

pub mod aws;
pub mod cli;
pub mod clock;
pub mod faults;
pub mod files;

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

/// One moto for the whole test binary; each test seeds a pool of its own in it.
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

/// The venv's Python (moto and pycognito), installing them first when missing. Never skips: a test
/// that cannot reach its peer fails loudly.
pub fn moto_python() -> PathBuf {
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
        let launcher =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/moto_launcher.py");
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

    /// An unsigned call in Cognito's JSON protocol; panics with the body on failure.
    pub async fn call(&self, operation: &str, body: Value) -> Value {
        let (status, value) = self.try_call(operation, body).await;
        assert!(
            status < 300,
            "{operation} failed: {status} {value} (moto's log: {})",
            self.log.display()
        );
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
    /// SRP, `USER_PASSWORD_AUTH` and refresh.
    pub async fn pool(&self) -> Pool {
        let created = self
            .call("CreateUserPool", json!({"PoolName": "receipt-desk-test"}))
            .await;
        let pool_id = created["UserPool"]["Id"]
            .as_str()
            .expect("pool id")
            .to_owned();
        let flows = json!([
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH"
        ]);
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

/// The standard cast every Cognito peer is seeded with.
pub mod cast {
    /// Confirmed, with an e-mail.
    pub const ALICE: &str = "alice";
    /// Must choose a new password (signs in with the temporary one).
    pub const BOB: &str = "bob";
    /// Signed up, never confirmed.
    pub const CAROL: &str = "carol";
    /// Disabled by an administrator.
    pub const DAVE: &str = "dave";
    /// Confirmed, with an authenticator app (moto's fixed TOTP secret).
    pub const TINA: &str = "tina";
    /// moto's `AssociateSoftwareToken` secret; the local stack is configured with it too.
    pub const TOTP_SECRET: &str = "asdfasdfasdf";
}

/// Which implementation of Cognito a scenario runs against.
pub enum PeerKind {
    Moto,
    Local {
        stack: Box<receipt_desk::local::RunningStack>,
        /// The stack's data folder, removed when the peer goes.
        _data: tempfile::TempDir,
    },
}

/// A seeded pool in one peer: a public and a confidential app client, and the cast.
pub struct Peer {
    pub kind: PeerKind,
    pub pool: Pool,
}

impl Peer {
    pub fn name(&self) -> &'static str {
        match self.kind {
            PeerKind::Moto => "moto",
            PeerKind::Local { .. } => "local stack",
        }
    }

    pub fn is_moto(&self) -> bool {
        matches!(self.kind, PeerKind::Moto)
    }

    /// The local stack, when that is the peer.
    pub fn stack(&self) -> Option<&receipt_desk::local::RunningStack> {
        match &self.kind {
            PeerKind::Local { stack, .. } => Some(stack),
            PeerKind::Moto => None,
        }
    }

    pub async fn moto() -> Self {
        let moto = moto();
        let pool = moto.pool().await;
        pool.confirmed_user(
            cast::ALICE,
            json!([{"Name": "email", "Value": "alice@example.com"}]),
        )
        .await;
        pool.new_user(cast::BOB, json!([])).await;
        pool.unconfirmed_user(cast::CAROL).await;
        pool.confirmed_user(cast::DAVE, json!([])).await;
        pool.disable(cast::DAVE).await;
        pool.confirmed_user(cast::TINA, json!([])).await;
        pool.allow_mfa().await;
        enrol_totp_in_moto(&pool, cast::TINA).await;
        Self {
            kind: PeerKind::Moto,
            pool,
        }
    }

    pub async fn local() -> Self {
        Self::local_with(|_| {}).await
    }

    /// The local stack with the cast, after `adjust` has changed the pool file.
    pub async fn local_with(adjust: impl FnOnce(&mut String)) -> Self {
        let mut pool_toml = format!(
            r#"
pool_id = "ap-northeast-1_TestPool"
sign_in_aliases = ["email"]

# moto answers an unknown user with UserNotFoundException, as pools without
# PreventUserExistenceErrors do; these clients match it.
[[clients]]
id = "desktoppublicclient0000001"
prevent_user_existence_errors = false

[[clients]]
id = "confidentialclient00000001"
secret = "local-client-secret-value-0001"
prevent_user_existence_errors = false

[[users]]
username = "alice"
password = "{PASSWORD}"
email = "alice@example.com"

[[users]]
username = "bob"
password = "{TEMPORARY_PASSWORD}"
status = "force_change_password"

[[users]]
username = "carol"
password = "{PASSWORD}"
status = "unconfirmed"

[[users]]
username = "dave"
password = "{PASSWORD}"
status = "disabled"

[[users]]
username = "tina"
password = "{PASSWORD}"
totp_secret = "{}"
"#,
            cast::TOTP_SECRET
        );
        adjust(&mut pool_toml);
        let data = tempfile::tempdir().expect("tempdir");
        let file = data.path().join("pool.toml");
        std::fs::write(&file, &pool_toml).expect("pool file");
        let config = receipt_desk::local::idp::PoolConfig::load(&file).expect("pool config");
        let stack = start_local(data.path().join("data"), Some(config)).await;
        let pool = Pool {
            moto_url: stack.cognito_endpoint(),
            id: stack.pool_id.clone(),
            client_id: "desktoppublicclient0000001".to_owned(),
            secret_client_id: "confidentialclient00000001".to_owned(),
            client_secret: "local-client-secret-value-0001".to_owned(),
        };
        Self {
            kind: PeerKind::Local {
                stack: Box::new(stack),
                _data: data,
            },
            pool,
        }
    }
}

/// An authenticator code the peer has not taken yet. The local stack takes each code
/// once, as Cognito does, so its clock moves on one step first (tokens stay valid for
/// an hour); moto takes any current code.
pub fn unused_code(peer: &Peer, secret: &str) -> String {
    let now = match peer.stack() {
        Some(stack) => {
            stack
                .clock
                .advance(receipt_desk::totp::STEP_SECONDS.cast_signed());
            u64::try_from(stack.clock.now()).expect("after 1970")
        }
        None => now_seconds(),
    };
    let key = receipt_desk::totp::base32_decode(secret).expect("base32");
    receipt_desk::totp::code(&key, now, 6)
}

/// Starts a local stack on a free port with `data_dir`.
pub async fn start_local(
    data_dir: PathBuf,
    pool: Option<receipt_desk::local::idp::PoolConfig>,
) -> receipt_desk::local::RunningStack {
    let mut options = receipt_desk::local::StackOptions::new(data_dir);
    options.pool = pool;
    receipt_desk::local::start(options)
        .await
        .expect("local stack")
}

pub fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// Enrols a user's authenticator in moto, whose TOTP codes are checked for real.
async fn enrol_totp_in_moto(pool: &Pool, username: &str) {
    let moto = moto();
    let signed_in = moto
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": pool.client_id,
                   "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD}}),
        )
        .await;
    let access = signed_in["AuthenticationResult"]["AccessToken"]
        .as_str()
        .expect("access token")
        .to_owned();
    let associated = moto
        .call("AssociateSoftwareToken", json!({"AccessToken": access}))
        .await;
    let secret =
        receipt_desk::totp::base32_decode(associated["SecretCode"].as_str().expect("secret"))
            .expect("base32");
    // A code is valid for its 30-second step only; if the step turned over between
    // computing and checking, compute again.
    for _ in 0..3 {
        let now = now_seconds();
        let (status, body) = moto
            .try_call(
                "VerifySoftwareToken",
                json!({"AccessToken": access,
                       "UserCode": receipt_desk::totp::code(&secret, now, 6)}),
            )
            .await;
        if status == 200 {
            moto.call(
                "SetUserMFAPreference",
                json!({"AccessToken": access,
                       "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
            )
            .await;
            return;
        }
        assert_ne!(
            now / 30,
            now_seconds() / 30,
            "a fresh code was refused: {body}"
        );
    }
    panic!("VerifySoftwareToken never accepted a code");
}

/// A Cognito client for the local stack's demo app client.
pub fn demo_client(stack: &receipt_desk::local::RunningStack) -> CognitoClient {
    CognitoClient::new(
        stack.cognito_endpoint(),
        receipt_desk::local::idp::DEMO_CLIENT_ID,
        None,
        Timeouts::default(),
    )
    .expect("client")
}

/// Signs the local stack's demo user in through its Cognito endpoint.
pub async fn demo_tokens(
    stack: &receipt_desk::local::RunningStack,
) -> receipt_desk::cognito::Tokens {
    use receipt_desk::local::idp::{DEMO_PASSWORD, DEMO_USERNAME};
    match demo_client(stack)
        .sign_in(
            DEMO_USERNAME,
            &receipt_desk::credentials::Password::new(DEMO_PASSWORD),
        )
        .await
        .expect("demo sign-in")
    {
        receipt_desk::cognito::AuthStep::SignedIn(tokens) => tokens,
        receipt_desk::cognito::AuthStep::Challenge(c) => panic!("unexpected challenge {}", c.name),
    }
}
