//! `receipt-desk convert`: the convert form for scripts. Validates as the form does,
//! follows a 202 job to its end (a progress bar on a terminal, plain lines otherwise),
//! prints a table or the contract's JSON, downloads the pages if asked, and says with its
//! exit code what happened.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::login::{self, Ready};
use super::{
    CliError, Context, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_NETWORK, EXIT_PARTIAL, EXIT_REFUSED,
    EXIT_USAGE, SignInArgs, print_line,
};
use crate::api::{ApiClient, ApiError, ConvertOutcome, ConvertRequest, ConvertResult, JobState};
use crate::config::{self, Config};
use crate::i18n::Lang;
use crate::session::{Session, SessionError};
use crate::thumbs::{self, Thumbnailer};
use crate::validate;

#[derive(Debug, Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each bool is a command-line flag"
)]
pub struct ConvertArgs {
    /// The S3 bucket (default: the profile's).
    #[arg(long)]
    pub bucket: Option<String>,
    /// The prefix the PDFs are under, e.g. api/receipts/r6/pdf/ (default: the profile's).
    #[arg(long)]
    pub pdf_prefix: Option<String>,
    /// Where the JPEG pages go, e.g. api/receipts/r6/jpeg/ (default: the profile's).
    #[arg(long)]
    pub upload_prefix: Option<String>,
    /// Also download every page into DIR (existing files are kept unless --overwrite).
    #[arg(long, value_name = "DIR")]
    pub download: Option<PathBuf>,
    /// Replace files that already exist in the --download folder.
    #[arg(long, requires = "download")]
    pub overwrite: bool,
    /// Print the contract's JSON (`converted`, `failed`) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Follow a long (202) job to its end (the default).
    #[arg(long, overrides_with = "no_wait")]
    pub wait: bool,
    /// Do not follow a long job: print its id and status URL and exit.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

fn failure(code: u8, message: impl Into<String>) -> CliError {
    CliError {
        code,
        message: message.into(),
    }
}

/// The request from the arguments and the profile's defaults, checked as the form checks.
fn request(
    args: &ConvertArgs,
    profile: &config::Profile,
    lang: Lang,
) -> Result<ConvertRequest, CliError> {
    let pick = |given: &Option<String>, default: &Option<String>, flag: &str| {
        given.clone().or_else(|| default.clone()).ok_or_else(|| {
            failure(
                EXIT_USAGE,
                match lang {
                    Lang::En => format!("--{flag} is missing (and the profile has no default)"),
                    Lang::Ja => {
                        format!("--{flag} がありません（プロファイルにも既定値がありません）")
                    }
                },
            )
        })
    };
    let request = ConvertRequest {
        source_bucket: pick(&args.bucket, &profile.bucket, "bucket")?
            .trim()
            .to_owned(),
        pdf_prefix: pick(&args.pdf_prefix, &profile.pdf_prefix, "pdf-prefix")?,
        upload_prefix: pick(&args.upload_prefix, &profile.upload_prefix, "upload-prefix")?,
    };
    let bad = |flag: &str, problem: &validate::Problem| {
        failure(EXIT_USAGE, format!("--{flag}: {}", problem.sentence(lang)))
    };
    validate::bucket(&request.source_bucket).map_err(|p| bad("bucket", &p))?;
    for (flag, value) in [
        ("pdf-prefix", &request.pdf_prefix),
        ("upload-prefix", &request.upload_prefix),
    ] {
        if let Some(hint) = validate::prefix(value).map_err(|p| bad(flag, &p))? {
            tracing::warn!("--{flag}: {}", hint.sentence(lang));
        }
    }
    validate::prefix_pair(&request.pdf_prefix, &request.upload_prefix)
        .map_err(|p| bad("upload-prefix", &p))?;
    Ok(request)
}

fn from_api(error: &ApiError, lang: Lang) -> CliError {
    match error {
        ApiError::Network(_) | ApiError::Unreadable { .. } => {
            failure(EXIT_NETWORK, error.to_string())
        }
        ApiError::Session(SessionError::Cognito(e)) => CliError::from_cognito(e, lang),
        ApiError::Session(SessionError::SignedOut) => failure(super::EXIT_AUTH, error.to_string()),
        ApiError::Unauthorized { .. } | ApiError::Refused { .. } => {
            let mut message = error.to_string();
            if let ApiError::Refused { diagnostics, .. } = error
                && diagnostics.status == 504
            {
                message.push_str(lang.pick(
                    " — API Gateway stops waiting at 29 s; the conversion may still finish: check the upload prefix.",
                    " — API Gateway は 29 秒で待つのをやめます。変換は完了している可能性があるので、アップロード先を確認してください。",
                ));
            }
            failure(EXIT_REFUSED, message)
        }
    }
}

/// Progress on stderr: a bar on a terminal, a line per change otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    last: Option<(u64, u64)>,
}

impl Progress {
    fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {msg} [{bar:30}] {pos}/{len} pages",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Self { bar, last: None }
    }

    fn show(&mut self, job_id: &str, done: u64, total: u64) {
        if self.last == Some((done, total)) {
            return;
        }
        self.last = Some((done, total));
        match &self.bar {
            Some(bar) => {
                bar.set_message(job_id.to_owned());
                bar.set_length(total);
                bar.set_position(done);
            }
            None => say(&format!("job {job_id}: {done}/{total} pages")),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn say(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

pub(super) async fn convert(context: &Context, args: &ConvertArgs) -> Result<(), CliError> {
    tokio::select! {
        result = run(context, args) => result,
        _ = tokio::signal::ctrl_c() => Err(failure(
            EXIT_INTERRUPTED,
            context.lang.pick(
                "stopped. A job the API already accepted may still finish on the server: check the upload prefix.",
                "中止しました。API が受け付けたジョブはサーバー側で完了する可能性があります。アップロード先を確認してください。",
            ),
        )),
    }
}

async fn run(context: &Context, args: &ConvertArgs) -> Result<(), CliError> {
    let lang = context.lang;
    let config = context.load_config()?;
    let (_, profile) = config
        .profile(context.profile.as_deref())
        .map_err(|e| CliError::from_config(&e))?;
    // Checked before any password is asked for.
    let request = request(args, profile, lang)?;
    let api_url = profile.api_url.clone().ok_or_else(|| {
        failure(
            EXIT_USAGE,
            lang.pick(
                "the profile has no api_url: set it with `receipt-desk profile set NAME --api-url https://…/Prod`",
                "プロファイルに api_url がありません。`receipt-desk profile set NAME --api-url https://…/Prod` で設定してください",
            ),
        )
    })?;
    let api_url = config::check_service_url(&api_url).map_err(|e| failure(EXIT_USAGE, e))?;
    let Ready {
        name,
        profile,
        client,
        tokens,
    } = login::ready(context, &args.sign_in).await?;
    let session = Session::new(client);
    session.begin(tokens).await;
    let api = ApiClient::new(
        api_url,
        Arc::clone(&session),
        profile.token_kind,
        profile.header_style,
    )
    .map_err(|e| from_api(&e, lang))?;

    let (outcome, diagnostics) = api
        .convert(&request)
        .await
        .map_err(|e| from_api(&e, lang))?;
    if let Some(kind) = diagnostics.switched_to
        && let Err(e) = Config::remember_token_kind(&context.config_path, &name, kind)
    {
        tracing::warn!(error = %e, "could not keep the token kind that worked");
    }
    let result = match outcome {
        ConvertOutcome::Done(result) => result,
        ConvertOutcome::Accepted { job_id, status_url } => {
            if args.no_wait {
                if args.json {
                    print_line(
                        &serde_json::json!({"job_id": job_id, "status_url": status_url})
                            .to_string(),
                    );
                } else {
                    print_line(&format!("job {job_id} accepted; status: {status_url}"));
                }
                return Ok(());
            }
            follow(&api, &job_id, &status_url)
                .await
                .map_err(|e| from_api(&e, lang))?
        }
    };

    if args.json {
        print_line(&serde_json::to_string_pretty(&result).unwrap_or_default());
    } else {
        print_table(&result, &request, lang);
    }
    if let Some(dir) = &args.download {
        download(&result, dir, args.overwrite, lang).await?;
    }
    if result.failed.is_empty() {
        Ok(())
    } else {
        let names: Vec<String> = result
            .failed
            .iter()
            .map(|f| format!("{} ({})", f.source_key, f.error))
            .collect();
        Err(failure(
            EXIT_PARTIAL,
            match lang {
                Lang::En => format!(
                    "{} PDF(s) failed: {}",
                    result.failed.len(),
                    names.join(", ")
                ),
                Lang::Ja => format!(
                    "{} 件の PDF が失敗しました: {}",
                    result.failed.len(),
                    names.join("、")
                ),
            },
        ))
    }
}

async fn follow(
    api: &ApiClient,
    job_id: &str,
    status_url: &str,
) -> Result<ConvertResult, ApiError> {
    let mut progress = Progress::new();
    loop {
        let status = api.job_status(status_url, true).await;
        let status = match status {
            Ok(status) => status,
            Err(e) => {
                progress.finish();
                return Err(e);
            }
        };
        progress.show(job_id, status.done, status.total);
        if status.state != JobState::Running {
            progress.finish();
            return Ok(status.results);
        }
    }
}

fn print_table(result: &ConvertResult, request: &ConvertRequest, lang: Lang) {
    let width = result
        .converted
        .iter()
        .map(|p| p.key.chars().count())
        .max()
        .unwrap_or(3)
        .max(3);
    print_line(&format!(
        "{:<width$}  {:>6}  {:>11}  {:>9}",
        "key", "page", "size", "bytes"
    ));
    for page in &result.converted {
        let size = match (page.width, page.height) {
            (Some(w), Some(h)) => format!("{w}×{h}"),
            _ => "-".to_owned(),
        };
        print_line(&format!(
            "{:<width$}  {:>6}  {:>11}  {:>9}",
            page.key,
            page.page.map_or_else(|| "-".to_owned(), |p| p.to_string()),
            size,
            page.bytes.map_or_else(|| "-".to_owned(), |b| b.to_string()),
        ));
    }
    for failed in &result.failed {
        print_line(&format!("FAILED {}: {}", failed.source_key, failed.error));
    }
    print_line(&match lang {
        Lang::En => format!(
            "{} page(s) written under s3://{}/{}; {} PDF(s) failed.",
            result.converted.len(),
            request.source_bucket,
            request.upload_prefix,
            result.failed.len()
        ),
        Lang::Ja => format!(
            "{} ページを s3://{}/{} に書き出しました。失敗した PDF: {} 件。",
            result.converted.len(),
            request.source_bucket,
            request.upload_prefix,
            result.failed.len()
        ),
    });
}

/// Downloads every page into `dir`: the file names the app's Save all uses.
async fn download(
    result: &ConvertResult,
    dir: &std::path::Path,
    overwrite: bool,
    lang: Lang,
) -> Result<(), CliError> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| failure(EXIT_FAILURE, format!("{}: {e}", dir.display())))?;
    let thumbnailer = Thumbnailer::new(None);
    let mut tasks = tokio::task::JoinSet::new();
    let (mut saved, mut kept) = (0, 0);
    for page in &result.converted {
        let Some(url) = page.url.clone() else {
            continue;
        };
        let path = dir.join(thumbs::file_name(&page.key));
        if !overwrite && tokio::fs::try_exists(&path).await.unwrap_or(false) {
            kept += 1;
            continue;
        }
        let thumbnailer = Arc::clone(&thumbnailer);
        tasks.spawn(async move {
            let outcome = thumbnailer.save(&url, &path).await;
            (path, outcome)
        });
    }
    let mut problems = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((_, Ok(()))) => saved += 1,
            Ok((path, Err(e))) => problems.push(format!("{}: {e}", path.display())),
            Err(e) => problems.push(e.to_string()),
        }
    }
    say(&match lang {
        Lang::En => format!(
            "Downloaded {saved} page(s) to {}; {kept} already there were kept.",
            dir.display()
        ),
        Lang::Ja => format!(
            "{saved} ページを {} にダウンロードしました。既存の {kept} 件はそのままです。",
            dir.display()
        ),
    });
    if problems.is_empty() {
        Ok(())
    } else {
        Err(failure(EXIT_NETWORK, problems.join("; ")))
    }
}
