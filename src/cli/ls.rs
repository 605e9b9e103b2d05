//! `receipt-desk ls [PREFIX]`: one level of a bucket through the API's `GET /prefixes` —
//! the folders below the prefix with the PDFs (and converted JPEGs) under each, and the
//! PDFs at that level — as a table or JSON, so scripts and people can pick prefixes.

use clap::Args;

use super::connect::{connect, from_browse};
use super::{CliError, Context, EXIT_USAGE, SignInArgs, print_line};
use crate::api::Prefixes;
use crate::i18n::cli::ls as t;
use crate::i18n::size;

#[derive(Debug, Args)]
pub struct LsArgs {
    /// The prefix to list, e.g. api/receipts/ (default: the bucket's top level).
    pub prefix: Option<String>,
    /// The S3 bucket (default: the profile's).
    #[arg(long)]
    pub bucket: Option<String>,
    /// Print the API's JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

pub(super) async fn ls(context: &Context, args: &LsArgs) -> Result<(), CliError> {
    let lang = context.lang;
    let config = context.load_config()?;
    let (_, profile) = config
        .profile(context.profile.as_deref())
        .map_err(|e| CliError::from_config(&e, lang))?;
    let bucket = args
        .bucket
        .clone()
        .or_else(|| profile.bucket.clone())
        .ok_or_else(|| CliError {
            code: EXIT_USAGE,
            message: crate::i18n::cli::convert::missing_flag("bucket", lang),
        })?;
    let prefix = args.prefix.clone().unwrap_or_default();
    // Checked before any password is asked for, with the rules the server applies.
    backend::files::check_bucket(&bucket).map_err(|e| CliError {
        code: EXIT_USAGE,
        message: format!("--bucket: {e}"),
    })?;
    backend::files::check_prefix(&prefix).map_err(|e| CliError {
        code: EXIT_USAGE,
        message: format!("PREFIX: {e}"),
    })?;
    let Some(source) = connect(context, profile, &args.sign_in).await?.source else {
        return Err(CliError {
            code: EXIT_USAGE,
            message: lang.text(t::NO_SOURCE).to_owned(),
        });
    };
    let mut listing = Prefixes::default();
    let mut next: Option<String> = None;
    loop {
        let page = source
            .prefixes(&bucket, &prefix, next.as_deref())
            .await
            .map_err(|e| from_browse(&e, lang))?;
        next.clone_from(&page.next);
        listing.bucket = page.bucket;
        listing.prefix = page.prefix;
        listing.folders.extend(page.folders);
        listing.pdfs.extend(page.pdfs);
        listing.other_objects += page.other_objects;
        if next.is_none() {
            break;
        }
    }
    if args.json {
        print_line(&serde_json::to_string_pretty(&listing).unwrap_or_default());
        return Ok(());
    }
    for line in table(&listing, lang) {
        print_line(&line);
    }
    Ok(())
}

/// The listing's lines: a heading, folders first, then PDFs, columns aligned by width.
fn table(listing: &Prefixes, lang: crate::i18n::Lang) -> Vec<String> {
    let strip = |key: &str| key.strip_prefix(&listing.prefix).unwrap_or(key).to_owned();
    // Folders: name, PDFs, their size, converted JPEGs. PDFs: name, size, date.
    let mut rows: Vec<[String; 3]> = Vec::new();
    for folder in &listing.folders {
        let mut last = size(folder.bytes);
        if folder.jpegs > 0 {
            last.push_str("  ");
            last.push_str(&t::jpegs(folder.jpegs, lang));
        }
        rows.push([
            strip(&folder.prefix),
            t::folder_counts(folder.pdfs, folder.counted_partly, lang),
            last,
        ]);
    }
    for pdf in &listing.pdfs {
        rows.push([
            strip(&pdf.key),
            size(pdf.bytes),
            pdf.last_modified
                .as_deref()
                .map(|d| d.chars().take(10).collect())
                .unwrap_or_default(),
        ]);
    }
    let width = |i: usize| {
        rows.iter()
            .map(|r| unicode_width::UnicodeWidthStr::width(r[i].as_str()))
            .max()
            .unwrap_or(0)
    };
    let (first, second) = (width(0), width(1));
    let mut lines = vec![format!("s3://{}/{}", listing.bucket, listing.prefix)];
    for [name, count, last] in &rows {
        let pad = |text: &str, to: usize| {
            " ".repeat(to.saturating_sub(unicode_width::UnicodeWidthStr::width(text)))
        };
        lines.push(
            format!(
                "  {name}{}  {}{count}  {last}",
                pad(name, first),
                pad(count, second)
            )
            .trim_end()
            .to_owned(),
        );
    }
    if rows.is_empty() {
        lines.push(format!("  {}", lang.text(t::EMPTY)));
    }
    if listing.other_objects > 0 {
        lines.push(format!("  {}", t::others(listing.other_objects, lang)));
    }
    lines
}
