//! `receipt-desk serve`: the local stack in the foreground until Ctrl+C.

use std::path::PathBuf;

use clap::Args;
use reqwest::Url;

use super::{CliError, print_line};
use crate::i18n::Lang;
use crate::i18n::cli::serve as t;
use crate::local::authorizer::{Accept, AuthorizerMode, BearerPrefix};
use crate::local::{self, ExternalIssuer, StackOptions, demo, idp};
use backend::ConvertSettings;

/// How long Ctrl+C waits for requests in flight: `serve` stops within 2 s.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The data folder: keys, and one subfolder per bucket (default: the platform data dir).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Users and app clients as TOML (default: the demo pool with one demo user).
    #[arg(long, value_name = "FILE")]
    pub pool: Option<PathBuf>,
    /// The API stage in the path (`/{stage}/convert`).
    #[arg(long, default_value = "Prod")]
    pub stage: String,
    /// Which token the authorizer takes (the seed's curl sends the access token).
    #[arg(long, value_parser = ["access", "id", "any"], default_value = "access")]
    pub accept: String,
    /// Whether `Bearer ` before the token is optional, required or refused.
    #[arg(long, value_parser = ["optional", "required", "refused"], default_value = "optional")]
    pub bearer: String,
    /// API Gateway's documented rule without OAuth scopes: ID tokens only.
    #[arg(long, conflicts_with = "accept")]
    pub strict: bool,
    /// Trust this issuer's tokens instead of the stack's own (moto or a real pool).
    #[arg(long, requires = "jwks", value_name = "URL")]
    pub issuer: Option<String>,
    /// The JWKS of --issuer.
    #[arg(long, requires = "issuer", value_name = "URL")]
    pub jwks: Option<Url>,
    /// Resolution of the JPEG pages.
    #[arg(long, default_value_t = 150.0)]
    pub dpi: f32,
    /// JPEG quality, 1 to 100.
    #[arg(long, default_value_t = 85, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: u8,
    /// Jobs with more pages than this (or more than 10 PDFs) answer 202 and are followed
    /// by their job status.
    #[arg(long, default_value_t = 20)]
    pub async_threshold: usize,
    /// Read PDFs and write pages through this S3 API (moto, MinIO, AWS) instead of the
    /// data folder; region and credentials from the AWS_* environment.
    #[arg(long, value_name = "URL")]
    pub s3_endpoint: Option<Url>,
    /// With --issuer: an accepted app client id (repeatable; default any).
    #[arg(long = "issuer-client-id", requires = "issuer", value_name = "ID")]
    pub issuer_client_ids: Vec<String>,
}

pub(super) async fn serve(args: ServeArgs, lang: Lang) -> Result<(), CliError> {
    let data_dir = args
        .data
        .or_else(StackOptions::default_data_dir)
        .ok_or_else(|| CliError::usage(lang.text(t::NO_DATA_FOLDER)))?;
    let pool = args
        .pool
        .as_deref()
        .map(idp::PoolConfig::load)
        .transpose()
        .map_err(CliError::usage)?;
    let demo_pool = pool.is_none();
    let mode = if args.strict {
        AuthorizerMode::STRICT
    } else {
        AuthorizerMode {
            accept: match args.accept.as_str() {
                "id" => Accept::Id,
                "any" => Accept::Any,
                _ => Accept::Access,
            },
            bearer: match args.bearer.as_str() {
                "required" => BearerPrefix::Required,
                "refused" => BearerPrefix::Refused,
                _ => BearerPrefix::Optional,
            },
        }
    };
    let external_issuer = match (args.issuer, args.jwks) {
        (Some(issuer), Some(jwks_url)) => Some(ExternalIssuer {
            issuer,
            jwks_url,
            client_ids: args.issuer_client_ids,
        }),
        _ => None,
    };
    let options = StackOptions {
        port: args.port,
        data_dir,
        pool,
        stage: args.stage,
        mode,
        external_issuer,
        convert: ConvertSettings {
            dpi: args.dpi.clamp(10.0, 600.0),
            quality: args.quality,
            async_threshold_pages: args.async_threshold,
            ..ConvertSettings::default()
        },
        leeway_seconds: local::authorizer::LEEWAY_SECONDS,
        demo_data: args.s3_endpoint.is_none(),
        s3_endpoint: args.s3_endpoint,
        limits: local::HttpLimits::default(),
    };
    let stack = local::start(options)
        .await
        .map_err(|e| CliError::failure(e.to_string()))?;
    print_line(&format!("Receipt Desk local stack on {}", stack.url));
    print_line(&format!("  Cognito endpoint  {}", stack.cognito_endpoint()));
    print_line(&format!("  User pool         {}", stack.pool_id));
    print_line(&format!("  JWKS              {}", stack.jwks_url()));
    print_line(&format!(
        "  App client ids    {}",
        stack.client_ids.join(", ")
    ));
    print_line(&format!("  Convert API       {}/convert", stack.api_url()));
    if demo_pool {
        print_line(&format!(
            "  Demo user         {} / {}",
            idp::DEMO_USERNAME,
            idp::DEMO_PASSWORD
        ));
    }
    print_line(&format!(
        "  Demo receipts     bucket {}, pdf_prefix {}, upload_prefix {}",
        demo::BUCKET,
        demo::PDF_PREFIX,
        demo::UPLOAD_PREFIX
    ));
    print_line("  Mail              reset codes the pool would e-mail are printed here");
    print_line("Press Ctrl+C to stop.");
    tokio::spawn(print_mail(std::sync::Arc::clone(&stack.mailbox)));
    let _ = tokio::signal::ctrl_c().await;
    // Requests in flight get a moment to finish; then they are dropped with the runtime,
    // and their render processes are killed with them (`kill_on_drop`).
    if tokio::time::timeout(STOP_GRACE, stack.stop())
        .await
        .is_err()
    {
        tracing::info!("stopped without waiting for the requests in flight");
    }
    Ok(())
}

/// Prints each code the pool "e-mails", as it is sent: the local stack's inbox.
async fn print_mail(mailbox: std::sync::Arc<idp::Mailbox>) {
    let mut printed = 0;
    loop {
        // Listening before reading, so a mail sent in between is not missed.
        let arrived = mailbox.arrived.notified();
        tokio::pin!(arrived);
        arrived.as_mut().enable();
        let all = mailbox.all();
        for mail in all.iter().skip(printed) {
            print_line(&format!(
                "Mail to {} ({}): password reset code {}",
                mail.username, mail.destination, mail.code
            ));
        }
        printed = all.len();
        arrived.await;
    }
}
