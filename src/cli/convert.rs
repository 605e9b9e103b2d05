//! `receipt-desk convert`: the convert form for scripts. Validates as the form does,
//! follows a 202 job to its end (a progress bar on a terminal, plain lines otherwise),
//! prints a table or the contract's JSON, downloads the pages if asked, and says with its
//! exit code what happened.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::Args;

use super::connect::{connect, from_api};
use super::{
    CliError, Context, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_NETWORK, EXIT_PARTIAL, EXIT_USAGE,
    SignInArgs, print_line,
};
use crate::api::{ApiClient, ApiError, ConvertOutcome, ConvertRequest, ConvertResult};
use crate::config::{self, Config};
use crate::i18n::cli::convert as t;
use crate::i18n::{self, Lang};
use crate::thumbs::{Item, Thumbnailer};
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
    /// Convert nothing: say how many PDFs (and how many bytes) are under the prefix.
    #[arg(long)]
    pub dry_run: bool,
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
    let given_or_default = |given: &Option<String>, default: &Option<String>, flag: &str| {
        given
            .clone()
            .or_else(|| default.clone())
            .ok_or_else(|| failure(EXIT_USAGE, t::missing_flag(flag, lang)))
    };
    let draft = crate::drafts::ConvertDraft {
        bucket: given_or_default(&args.bucket, &profile.bucket, "bucket")?,
        pdf_prefix: given_or_default(&args.pdf_prefix, &profile.pdf_prefix, "pdf-prefix")?,
        upload_prefix: given_or_default(
            &args.upload_prefix,
            &profile.upload_prefix,
            "upload-prefix",
        )?,
    };
    // The form's own rules (`ConvertDraft::check`): what the window refuses is refused.
    let checked = draft.check();
    for (flag, hint) in [
        ("pdf-prefix", &checked.pdf_hint),
        ("upload-prefix", &checked.upload_hint),
    ] {
        if let Some(hint) = hint {
            tracing::warn!("--{flag}: {}", crate::i18n::form::hint(hint, lang));
        }
    }
    if let Some(request) = checked.request() {
        return Ok(request.clone());
    }
    // No request means a field has a problem.
    let (field, problem) = checked
        .first_problem()
        .unwrap_or(("bucket", &validate::Problem::Empty));
    let flag = field.replace('_', "-");
    Err(failure(
        EXIT_USAGE,
        format!("--{flag}: {}", crate::i18n::form::problem(problem, lang)),
    ))
}

/// `--dry-run`: the PDFs under the prefix, counted through `GET /prefixes`.
async fn dry_run(
    api: &ApiClient,
    request: &ConvertRequest,
    json: bool,
    lang: Lang,
) -> Result<(), CliError> {
    let (mut pdfs, mut bytes) = (0_u64, 0_u64);
    let mut partly = false;
    let mut next: Option<String> = None;
    loop {
        let level = api
            .prefixes(&request.source_bucket, &request.pdf_prefix, next.as_deref())
            .await
            .map_err(|e| from_api(&e, lang))?;
        pdfs += level.pdfs.len() as u64 + level.folders.iter().map(|f| f.pdfs).sum::<u64>();
        bytes += level.pdfs.iter().map(|p| p.bytes).sum::<u64>()
            + level.folders.iter().map(|f| f.bytes).sum::<u64>();
        partly |= level.folders.iter().any(|f| f.counted_partly);
        match level.next {
            Some(token) => next = Some(token),
            None => break,
        }
    }
    if json {
        print_line(
            &serde_json::json!({
                "source_bucket": request.source_bucket,
                "pdf_prefix": request.pdf_prefix,
                "upload_prefix": request.upload_prefix,
                "pdfs": pdfs,
                "bytes": bytes,
                "counted_partly": partly,
            })
            .to_string(),
        );
    } else {
        print_line(&t::dry_run(pdfs, bytes, partly, request, lang));
    }
    Ok(())
}

/// Progress on stderr: a bar on a terminal, a line per change otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    last: Option<(u64, u64)>,
    lang: Lang,
}

impl Progress {
    fn new(lang: Lang) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            let template = lang.text(t::PROGRESS_TEMPLATE);
            bar.set_style(
                indicatif::ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Self {
            bar,
            last: None,
            lang,
        }
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
            None => say(&t::job_progress(job_id, done, total, self.lang)),
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
            context.lang.text(t::STOPPED),
        )),
    }
}

async fn run(context: &Context, args: &ConvertArgs) -> Result<(), CliError> {
    let lang = context.lang;
    let config = context.load_config()?;
    let (_, profile) = config
        .profile(context.profile.as_deref())
        .map_err(|e| CliError::from_config(&e, lang))?;
    // Checked before any password is asked for.
    let request = request(args, profile, lang)?;
    let started = jiff::Timestamp::now().as_second();
    if profile.api_url.is_none() {
        return Err(failure(EXIT_USAGE, lang.text(t::NO_API_URL)));
    }
    let connected = connect(context, profile, &args.sign_in).await?;
    let Some(api) = connected.api else {
        return Err(failure(EXIT_USAGE, lang.text(t::NO_API_URL)));
    };
    let name = connected.name;
    if args.dry_run {
        return dry_run(&api, &request, args.json, lang).await;
    }
    let (outcome, diagnostics) = match api.convert(&request).await {
        Ok(answer) => answer,
        // A backend that isn't ours: its pages are read from S3 when the profile can.
        Err(error @ ApiError::NotOurContract { .. }) => match &connected.source {
            Some(source) if source.is_identity_pool() => {
                say(&i18n::api_error(&error, lang));
                let result = source
                    .results(
                        &request.source_bucket,
                        &request.upload_prefix,
                        Some(started),
                    )
                    .await
                    .map_err(|e| super::connect::from_browse(&e, lang))?;
                if result.converted.is_empty() {
                    return Err(from_api(&error, lang));
                }
                say(&t::read_from_upload_prefix(result.converted.len(), lang));
                (
                    ConvertOutcome::Done(result),
                    crate::api::Diagnostics::default(),
                )
            }
            _ => return Err(from_api(&error, lang)),
        },
        Err(error) => return Err(from_api(&error, lang)),
    };
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
                    print_line(&t::job_accepted(&job_id, &status_url, lang));
                }
                return Ok(());
            }
            let mut shown = Progress::new(lang);
            let result = crate::jobs::follow(&api, &status_url, |p| {
                shown.show(&job_id, p.done, p.total);
            })
            .await;
            shown.finish();
            result.map_err(|e| {
                let mut error = from_api(&e, lang);
                error.message = format!(
                    "{}\n{}",
                    error.message,
                    t::job_goes_on(&job_id, &status_url, lang)
                );
                error
            })?
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
            .map(|f| {
                format!(
                    "{} ({})",
                    f.source_key,
                    i18n::failure_reason(f.reason.as_deref(), &f.error, lang)
                )
            })
            .collect();
        Err(failure(EXIT_PARTIAL, t::pdfs_failed(&names, lang)))
    }
}

/// How many terminal columns `text` takes: CJK characters take two.
fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` padded with spaces to `width` columns (left-aligned) or right-aligned.
fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(display_width(text)));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// The result table's lines: columns aligned by display width, so Japanese file names
/// line up with ASCII ones.
fn table_lines(result: &ConvertResult, lang: Lang) -> Vec<String> {
    let headers = [t::KEY, t::PAGE, t::SIZE, t::BYTES].map(|header| lang.text(header));
    let rows: Vec<[String; 4]> = result
        .converted
        .iter()
        .map(|page| {
            [
                page.key.clone(),
                page.page.map_or_else(|| "-".to_owned(), |p| p.to_string()),
                match (page.width, page.height) {
                    (Some(w), Some(h)) => format!("{w}×{h}"),
                    _ => "-".to_owned(),
                },
                page.bytes.map_or_else(|| "-".to_owned(), |b| b.to_string()),
            ]
        })
        .collect();
    let mut widths = [3, 6, 11, 9];
    for (i, header) in headers.iter().enumerate() {
        widths[i] = widths[i].max(display_width(header));
    }
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(display_width(cell));
        }
    }
    let line = |cells: [&str; 4]| {
        let text = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| pad(cell, widths[i], i > 0))
            .collect::<Vec<_>>()
            .join("  ");
        text.trim_end().to_owned()
    };
    let mut lines = vec![line(headers)];
    for row in &rows {
        lines.push(line([&row[0], &row[1], &row[2], &row[3]]));
    }
    for failed in &result.failed {
        let reason = i18n::failure_reason(failed.reason.as_deref(), &failed.error, lang);
        lines.push(t::failed_row(&failed.source_key, &reason, lang));
    }
    lines
}

fn print_table(result: &ConvertResult, request: &ConvertRequest, lang: Lang) {
    for line in table_lines(result, lang) {
        print_line(&line);
    }
    print_line(&t::summary(
        result.converted.len(),
        &request.source_bucket,
        &request.upload_prefix,
        result.failed.len(),
        lang,
    ));
}

/// Downloads every page into `dir`: the window's Save all (`crate::save`), so the same
/// names, the same rule (existing files kept unless `--overwrite`).
async fn download(
    result: &ConvertResult,
    dir: &std::path::Path,
    overwrite: bool,
    lang: Lang,
) -> Result<(), CliError> {
    crate::save::create_folder(dir.to_owned())
        .await
        .map_err(|e| failure(EXIT_FAILURE, e))?;
    let items: Vec<Item> = crate::save::result_pages(result)
        .into_iter()
        .map(|(item, _)| item)
        .collect();
    let report = crate::save::pages_into_folder(
        Thumbnailer::new(None),
        items,
        dir.to_owned(),
        overwrite,
        crate::save::SaveProgress::default(),
        || {},
    )
    .await;
    say(&t::downloaded(report.saved, dir, report.skipped, lang));
    if report.failed.is_empty() {
        Ok(())
    } else {
        let problems: Vec<String> = report
            .failed
            .iter()
            .map(|(name, e)| format!("{}: {e}", dir.join(name).display()))
            .collect();
        Err(failure(EXIT_NETWORK, problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ConvertedPage, FailedPdf};

    fn page(key: &str) -> ConvertedPage {
        ConvertedPage {
            source_key: format!("{key}.pdf"),
            page: Some(1),
            key: key.to_owned(),
            url: None,
            width: Some(1240),
            height: Some(1754),
            bytes: Some(123_456),
        }
    }

    #[test]
    fn the_table_aligns_japanese_file_names_by_display_width() {
        let result = ConvertResult {
            converted: vec![
                page("r6/jpeg/領収書-タクシー-p1.jpg"),
                page("r6/jpeg/taxi-p1.jpg"),
            ],
            failed: vec![],
        };
        for lang in [Lang::En, Lang::Ja] {
            let lines = table_lines(&result, lang);
            assert_eq!(lines.len(), 3);
            // The last column is right-aligned, so aligned columns make lines of one width
            // on screen (counting characters would make the Japanese row two short per kanji).
            let widths: Vec<usize> = lines.iter().map(|l| display_width(l)).collect();
            assert!(
                widths.windows(2).all(|w| w[0] == w[1]),
                "{lang:?}: {lines:#?}"
            );
            assert!(lines[1].contains("領収書") && lines[1].ends_with("123456"));
        }
    }

    #[test]
    fn failed_files_show_the_reason_in_the_persons_language() {
        let result = ConvertResult {
            converted: vec![],
            failed: vec![FailedPdf {
                source_key: "r6/pdf/broken.pdf".to_owned(),
                error: "the PDF is damaged and cannot be read".to_owned(),
                reason: Some("damaged_pdf".to_owned()),
            }],
        };
        let ja = table_lines(&result, Lang::Ja).join("\n");
        assert!(
            ja.contains("失敗 r6/pdf/broken.pdf: PDF が壊れていて"),
            "{ja}"
        );
        assert!(!ja.contains("damaged"), "{ja}");
        let en = table_lines(&result, Lang::En).join("\n");
        assert!(
            en.contains("FAILED r6/pdf/broken.pdf: The PDF is damaged"),
            "{en}"
        );
    }
}
