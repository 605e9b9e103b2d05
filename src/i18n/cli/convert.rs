//! Sentences of `receipt-desk convert`: progress, the result table and summary, and why
//! it stopped.

use std::path::Path;

use crate::i18n::{Lang, Text};

/// indicatif's template for the progress bar on a terminal.
pub const PROGRESS_TEMPLATE: Text = Text {
    en: "{spinner} {msg} [{bar:30}] {pos}/{len} PDFs",
    ja: "{spinner} {msg} [{bar:30}] {pos}/{len} 件の PDF",
};

/// Ctrl+C while a job runs.
pub const STOPPED: Text = Text {
    en: "stopped. A job the API already accepted may still finish on the server: check the upload prefix.",
    ja: "中止しました。API が受け付けたジョブはサーバー側で完了する可能性があります。アップロード先を確認してください。",
};

pub const NO_API_URL: Text = Text {
    en: "the profile has no api_url: set it with `receipt-desk profile set NAME --api-url https://…/Prod`",
    ja: "プロファイルに api_url がありません。`receipt-desk profile set NAME --api-url https://…/Prod` で設定してください",
};

/// The result table's column headings.
pub const KEY: Text = Text {
    en: "key",
    ja: "キー",
};
pub const PAGE: Text = Text {
    en: "page",
    ja: "ページ",
};
pub const SIZE: Text = Text {
    en: "size",
    ja: "サイズ",
};
pub const BYTES: Text = Text {
    en: "bytes",
    ja: "バイト",
};

/// Neither the flag nor the profile gives a bucket or prefix.
pub fn missing_flag(flag: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("--{flag} is missing (and the profile has no default)"),
        Lang::Ja => format!("--{flag} がありません（プロファイルにも既定値がありません）"),
    }
}

/// A progress line on stderr when it is not a terminal.
pub fn job_progress(job_id: &str, done: u64, total: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("job {job_id}: {done}/{total} PDFs"),
        Lang::Ja => format!("ジョブ {job_id}: {done}/{total} 件の PDF"),
    }
}

/// `--no-wait` and a 202: where to follow the job.
pub fn job_accepted(job_id: &str, status_url: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("job {job_id} accepted; status: {status_url}"),
        Lang::Ja => format!("ジョブ {job_id} を受け付けました。状態: {status_url}"),
    }
}

/// After following a job failed: the job itself goes on, and where to see it.
pub fn job_goes_on(job_id: &str, status_url: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "the job {job_id} goes on on the server; see it later with its status URL {status_url} (receipt-desk convert --no-wait prints it too)"
        ),
        Lang::Ja => format!(
            "ジョブ {job_id} はサーバーで続いています。後で状態 URL {status_url} で確認できます"
        ),
    }
}

/// The exit-6 message: how many PDFs failed, each as `key (reason)`.
pub fn pdfs_failed(names: &[String], lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} PDF(s) failed: {}", names.len(), names.join(", ")),
        Lang::Ja => format!(
            "{} 件の PDF が失敗しました: {}",
            names.len(),
            names.join("、")
        ),
    }
}

/// A failed PDF's row under the table.
pub fn failed_row(source_key: &str, reason: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("FAILED {source_key}: {reason}"),
        Lang::Ja => format!("失敗 {source_key}: {reason}"),
    }
}

/// The line after the table: pages written where, and how many PDFs failed.
pub fn summary(pages: usize, bucket: &str, prefix: &str, failed: usize, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("{pages} page(s) written under s3://{bucket}/{prefix}; {failed} PDF(s) failed.")
        }
        Lang::Ja => format!(
            "{pages} ページを s3://{bucket}/{prefix} に書き出しました。失敗した PDF: {failed} 件。"
        ),
    }
}

/// `--download`'s report on stderr.
pub fn downloaded(saved: usize, folder: &Path, kept: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Downloaded {saved} page(s) to {}; {kept} already there were kept.",
            folder.display()
        ),
        Lang::Ja => format!(
            "{saved} ページを {} にダウンロードしました。既存の {kept} 件はそのままです。",
            folder.display()
        ),
    }
}

/// A backend that isn't ours answered; its pages were read from the upload prefix.
pub fn read_from_upload_prefix(pages: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "read {pages} pages written since the job started from the upload prefix, with the identity pool's credentials"
        ),
        Lang::Ja => format!(
            "ジョブ開始以降にアップロード先へ書かれた {pages} ページを、ID プールの認証情報で読みました"
        ),
    }
}

/// `convert --dry-run`: what a conversion would take in.
pub fn dry_run(
    pdfs: u64,
    bytes: u64,
    partly: bool,
    request: &crate::api::ConvertRequest,
    lang: Lang,
) -> String {
    let (bucket, from, to) = (
        &request.source_bucket,
        &request.pdf_prefix,
        &request.upload_prefix,
    );
    let size = crate::i18n::size(bytes);
    let more = if partly {
        match lang {
            Lang::En => " (at least: some folders were counted partly)",
            Lang::Ja => "（以上。一部のフォルダーは途中までしか数えていません）",
        }
    } else {
        ""
    };
    match lang {
        Lang::En => format!(
            "would convert {pdfs} PDFs ({size}){more} from s3://{bucket}/{from} to s3://{bucket}/{to}; nothing was converted"
        ),
        Lang::Ja => format!(
            "s3://{bucket}/{from} の PDF {pdfs} 件（{size}）{more}を s3://{bucket}/{to} に変換します。まだ何も変換していません"
        ),
    }
}
