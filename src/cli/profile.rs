//! `receipt-desk profile …`: the settings screen's job, for scripts and terminals.

use clap::{Args, Subcommand};

use super::{CliError, Context, header_style_name, print_line, token_kind_name};
use crate::config::{AuthFlow, HeaderStyle, Profile, TokenKind};
use crate::i18n::Lang;
use crate::i18n::cli::profile as t;
use crate::secrets::{self, Secrets};

#[derive(Debug, Subcommand)]
pub enum ProfileAction {
    /// Create a profile or change some of its fields; the result is validated.
    Set(Box<SetArgs>),
    /// List the profiles; `*` marks the default.
    List,
    /// Show a profile's fields.
    Show {
        /// The profile (default: --profile, or the default one).
        name: Option<String>,
    },
    /// Remove a profile.
    Remove { name: String },
}

#[derive(Debug, Args)]
pub struct SetArgs {
    pub name: String,
    /// The user pool's AWS region, like ap-northeast-1.
    #[arg(long)]
    pub region: Option<String>,
    /// The app client id.
    #[arg(long)]
    pub client_id: Option<String>,
    /// The user pool id (`REGION_ID`), which SRP sign-in needs; "" removes it.
    #[arg(long, value_name = "ID")]
    pub user_pool_id: Option<String>,
    /// How the password reaches Cognito: `auto` tries SRP (with a pool id) and falls
    /// back to the password flow once, remembering what worked.
    #[arg(long, value_parser = ["auto", "srp", "password"])]
    pub auth_flow: Option<String>,
    /// Managed login's domain (`https://NAME.auth.REGION.amazoncognito.com`) for
    /// `login --browser` and the window's "Sign in with browser"; "" removes it.
    #[arg(long, value_name = "URL")]
    pub hosted_ui_domain: Option<String>,
    /// The loopback ports registered as callback URLs (`http://127.0.0.1:PORT/callback`),
    /// comma-separated; "" goes back to 47615,47616,47617.
    #[arg(long, value_name = "PORTS")]
    pub callback_ports: Option<String>,
    /// A Cognito endpoint instead of the region's (moto, the local stack); "" removes it.
    #[arg(long, value_name = "URL")]
    pub cognito_endpoint: Option<String>,
    /// The API stage URL, like `https://abc.execute-api.ap-northeast-1.amazonaws.com/Prod`.
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// A Cognito identity pool (REGION:GUID) whose credentials read S3 directly: `ls`
    /// without the API, and the pages of a backend that isn't Receipt Desk's; "" removes it.
    #[arg(long, value_name = "ID")]
    pub identity_pool_id: Option<String>,
    /// One endpoint for the identity pool and S3 instead of AWS's (moto, LocalStack); ""
    /// removes it.
    #[arg(long, value_name = "URL")]
    pub aws_endpoint: Option<String>,
    /// Which token the API takes.
    #[arg(long, value_parser = ["id", "access"])]
    pub token_kind: Option<String>,
    /// `bearer` sends `Authorization: Bearer <token>`, `bare` the token alone.
    #[arg(long, value_parser = ["bearer", "bare"])]
    pub header_style: Option<String>,
    /// Default S3 bucket for conversions.
    #[arg(long)]
    pub bucket: Option<String>,
    /// Default PDF prefix.
    #[arg(long)]
    pub pdf_prefix: Option<String>,
    /// Default upload (JPEG) prefix.
    #[arg(long)]
    pub upload_prefix: Option<String>,
    /// Make this the default profile.
    #[arg(long)]
    pub default: bool,
    /// Read the app client secret from stdin and keep it in the OS keyring (never in
    /// the config file). An empty line deletes it.
    #[arg(long)]
    pub client_secret_stdin: bool,
}

/// Reads the secret from stdin and files it in the keyring under the profile.
fn profile_client_id(config: &crate::config::Config, name: &str) -> String {
    config
        .profiles
        .get(name)
        .map(|p| p.client_id.clone())
        .unwrap_or_default()
}

async fn store_client_secret(owner: &secrets::Owner, lang: Lang) -> Result<(), CliError> {
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut line)
        .map_err(|e| CliError::usage(t::cannot_read_client_secret(&e, lang)))?;
    let secret = line.trim().to_owned();
    zeroize::Zeroize::zeroize(&mut line);
    let account = owner.client_secret().name;
    let result = if secret.is_empty() {
        Secrets::Keyring.delete(account).await
    } else {
        Secrets::Keyring.set(account, secret.into_bytes()).await
    };
    result.map_err(|e| {
        CliError::failure(t::client_secret_not_saved(
            &e,
            super::login::CLIENT_SECRET_ENV,
            lang,
        ))
    })
}

pub(super) async fn run(context: &Context, action: ProfileAction) -> Result<(), CliError> {
    let lang = context.lang;
    let mut config = context.load_config()?;
    match action {
        ProfileAction::Set(args) => {
            let mut profile = config.profiles.get(&args.name).cloned().unwrap_or_default();
            apply(&mut profile, &args);
            profile
                .validate(&args.name)
                .map_err(|e| CliError::from_config(&e, lang))?;
            config.profiles.insert(args.name.clone(), profile);
            if args.default || config.default_profile.is_none() {
                config.default_profile = Some(args.name.clone());
            }
            if args.client_secret_stdin {
                let owner =
                    secrets::Owner::new(&args.name, &profile_client_id(&config, &args.name));
                store_client_secret(&owner, lang).await?;
            }
            config
                .save(&context.config_path)
                .map_err(|e| CliError::from_config(&e, lang))?;
            print_line(&t::saved(&args.name, &context.config_path, lang));
        }
        ProfileAction::List => {
            for name in config.profiles.keys() {
                let mark = if config.default_profile.as_ref() == Some(name) {
                    "*"
                } else {
                    " "
                };
                print_line(&format!("{mark} {name}"));
            }
        }
        ProfileAction::Show { name } => {
            let (name, profile) = config
                .profile(name.as_deref().or(context.profile.as_deref()))
                .map_err(|e| CliError::from_config(&e, lang))?;
            print_line(&format!("[{name}]"));
            for (field, value) in fields(profile, lang) {
                print_line(&format!("{field} = {value}"));
            }
        }
        ProfileAction::Remove { name } => {
            if config.profiles.remove(&name).is_none() {
                return Err(CliError::usage(t::no_such_profile(&name, lang)));
            }
            if config.default_profile.as_ref() == Some(&name) {
                config.default_profile = None;
            }
            config
                .save(&context.config_path)
                .map_err(|e| CliError::from_config(&e, lang))?;
            print_line(&t::removed(&name, lang));
        }
    }
    Ok(())
}

fn apply(profile: &mut Profile, args: &SetArgs) {
    let optional = |value: &Option<String>, field: &mut Option<String>| {
        if let Some(value) = value {
            let value = value.trim();
            *field = (!value.is_empty()).then(|| value.to_owned());
        }
    };
    optional(&args.region, &mut profile.region);
    if let Some(id) = &args.client_id {
        id.trim().clone_into(&mut profile.client_id);
    }
    optional(&args.user_pool_id, &mut profile.user_pool_id);
    optional(&args.hosted_ui_domain, &mut profile.hosted_ui_domain);
    if let Some(ports) = &args.callback_ports {
        profile.callback_ports = ports
            .split(',')
            .filter_map(|p| p.trim().parse().ok())
            .collect();
    }
    optional(&args.cognito_endpoint, &mut profile.cognito_endpoint);
    optional(&args.api_url, &mut profile.api_url);
    optional(&args.identity_pool_id, &mut profile.identity_pool_id);
    optional(&args.aws_endpoint, &mut profile.aws_endpoint);
    optional(&args.bucket, &mut profile.bucket);
    optional(&args.pdf_prefix, &mut profile.pdf_prefix);
    optional(&args.upload_prefix, &mut profile.upload_prefix);
    match args.token_kind.as_deref() {
        Some("access") => profile.token_kind = TokenKind::Access,
        Some("id") => profile.token_kind = TokenKind::Id,
        _ => {}
    }
    let flow = match args.auth_flow.as_deref() {
        Some("auto") => Some(AuthFlow::Auto),
        Some("srp") => Some(AuthFlow::Srp),
        Some("password") => Some(AuthFlow::Password),
        _ => None,
    };
    if let Some(flow) = flow
        && flow != profile.auth_flow
    {
        profile.auth_flow = flow;
        profile.learned_auth_flow = None;
    }
    match args.header_style.as_deref() {
        Some("bare") => profile.header_style = HeaderStyle::Bare,
        Some("bearer") => profile.header_style = HeaderStyle::Bearer,
        _ => {}
    }
}

fn fields(profile: &Profile, lang: Lang) -> Vec<(&'static str, String)> {
    let unset = lang.text(t::NOT_SET);
    let or_unset = |v: &Option<String>| v.clone().unwrap_or_else(|| unset.to_owned());
    vec![
        ("region", or_unset(&profile.region)),
        ("client_id", profile.client_id.clone()),
        ("user_pool_id", or_unset(&profile.user_pool_id)),
        ("hosted_ui_domain", or_unset(&profile.hosted_ui_domain)),
        (
            "auth_flow",
            match profile.auth_flow {
                AuthFlow::Auto => "auto",
                AuthFlow::Srp => "srp",
                AuthFlow::Password => "password",
            }
            .to_owned(),
        ),
        ("cognito_endpoint", or_unset(&profile.cognito_endpoint)),
        ("api_url", or_unset(&profile.api_url)),
        ("identity_pool_id", or_unset(&profile.identity_pool_id)),
        ("aws_endpoint", or_unset(&profile.aws_endpoint)),
        ("token_kind", token_kind_name(profile.token_kind).to_owned()),
        (
            "header_style",
            header_style_name(profile.header_style).to_owned(),
        ),
        ("bucket", or_unset(&profile.bucket)),
        ("pdf_prefix", or_unset(&profile.pdf_prefix)),
        ("upload_prefix", or_unset(&profile.upload_prefix)),
        ("username", or_unset(&profile.username)),
    ]
}
