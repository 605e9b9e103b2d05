//! Sentences of the jobs screen, in English and Japanese.

use crate::i18n::{Lang, Text};

pub const RUNNING: Text = Text {
    en: "Running",
    ja: "実行中",
};
pub const DONE: Text = Text {
    en: "Done",
    ja: "完了",
};
pub const PARTLY_FAILED: Text = Text {
    en: "Partly failed",
    ja: "一部失敗",
};
pub const FAILED: Text = Text {
    en: "Failed",
    ja: "失敗",
};
pub const INTERRUPTED: Text = Text {
    en: "Interrupted",
    ja: "中断",
};
pub const CANCELLED: Text = Text {
    en: "Cancelled",
    ja: "取り消し",
};
pub const N_401_THE_API_S_AUTHORIZER_REFUSED: Text = Text {
    en: "401: the API's authorizer refused the token, even after a refresh and with the other token kind. The API probably trusts another user pool or app client: check the profile's client id and API URL.",
    ja: "401: API のオーソライザーがトークンを拒否しました（更新後も、もう一方の種類のトークンでも）。API が別のユーザープールまたはアプリクライアントを信頼している可能性があります。プロファイルのクライアント ID と API の URL を確認してください。",
};
pub const N_403_API_GATEWAY_REFUSED_THE_REQUEST: Text = Text {
    en: "403: API Gateway refused the request. \"Missing Authentication Token\" means the URL or stage is wrong (the API URL must end with the stage, e.g. /Prod); otherwise the authorizer denied access.",
    ja: "403: API Gateway がリクエストを拒否しました。「Missing Authentication Token」は URL かステージの誤りです（API の URL は /Prod などのステージで終わります）。それ以外はオーソライザーによるアクセス拒否です。",
};
pub const N_504_API_GATEWAY_STOPS_WAITING_AFTER: Text = Text {
    en: "504: API Gateway stops waiting after 29 seconds, but the conversion may still finish in the background. Look at the upload prefix in a minute, or retry (pages are overwritten, not duplicated).",
    ja: "504: API Gateway は 29 秒で応答待ちをやめますが、変換はバックグラウンドで完了している可能性があります。少し待ってアップロード先を確認するか、再実行してください（ページは上書きされ、重複しません）。",
};
pub const THE_API_ANSWERED_WITH_AN_ERROR: Text = Text {
    en: "The API answered with an error; its message is below.",
    ja: "API がエラーを返しました。メッセージは下にあります。",
};
pub const THE_API_ANSWERED_BUT_NOT_IN: Text = Text {
    en: "The API answered, but not in the form of the /convert contract (version 1). Its raw answer is below.",
    ja: "API は応答しましたが、/convert の取り決め（バージョン 1）の形式ではありません。受け取った内容をそのまま下に示します。",
};
pub const NOT_OUR_CONTRACT: Text = Text {
    en: "The API answered, but not with Receipt Desk's /convert contract: a backend that isn't ours, so no pages are listed and this is not counted as a success. The conversion may have run: its pages would be under the upload prefix (Browse the bucket… on the convert form, or `receipt-desk ls`). Its raw answer is below.",
    ja: "API は応答しましたが、Receipt Desk の /convert の取り決めではありません。別のバックエンドなのでページは一覧できず、成功とは数えません。変換は実行された可能性があり、ページはアップロード先にあるはずです（変換フォームの「バケットを参照…」、または `receipt-desk ls`）。受け取った内容をそのまま下に示します。",
};
pub const READING_THE_UPLOAD_PREFIX: Text = Text {
    en: "Reading the pages written under the upload prefix…",
    ja: "アップロード先に書かれたページを読んでいます…",
};
pub const LOOK_IN_THE_UPLOAD_PREFIX: Text = Text {
    en: "Look for the pages under the upload prefix",
    ja: "アップロード先でページを探す",
};
pub const SHOW_EVERY_PAGE_THERE: Text = Text {
    en: "Show every page under the upload prefix (older ones too)",
    ja: "アップロード先のすべてのページを表示（以前のものも）",
};
pub const SET_AN_IDENTITY_POOL: Text = Text {
    en: "To see this backend's pages here, set the profile's identity pool in Settings: the app then reads the upload prefix from S3 with the signed-in user's credentials.",
    ja: "このバックエンドのページをここで見るには、設定でプロファイルの ID プールを指定してください。サインインしたユーザーの認証情報で、アプリが S3 のアップロード先を読みます。",
};

/// The pages a backend that isn't ours wrote, found under the upload prefix.
pub fn read_from_upload_prefix(pages: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "The API's answer listed no pages; these {pages} were read from the upload prefix with the identity pool's credentials."
        ),
        Lang::Ja => format!(
            "API の応答にはページの一覧がありませんでした。このページ {pages} 件は、アップロード先から ID プールの認証情報で読みました。"
        ),
    }
}

pub const THE_API_COULD_NOT_BE_REACHED: Text = Text {
    en: "The API could not be reached. Check the network (VPN, proxy) and the API URL, then retry.",
    ja: "API に接続できませんでした。ネットワーク（VPN、プロキシ）と API の URL を確認して再実行してください。",
};
pub const YOU_WERE_NOT_SIGNED_IN_WHEN: Text = Text {
    en: "You were not signed in when the job ran. Sign in and retry.",
    ja: "ジョブの実行時にサインインしていませんでした。サインインして再実行してください。",
};
pub const NO_PDF_COULD_BE_CONVERTED_EACH: Text = Text {
    en: "No PDF could be converted; each file's reason is listed below.",
    ja: "どの PDF も変換できませんでした。ファイルごとの理由を下に示します。",
};
pub const OF_JPEG_PAGES: Text = Text {
    en: "of JPEG pages",
    ja: "の JPEG ページ",
};
pub const JOBS: Text = Text {
    en: "Jobs",
    ja: "ジョブ",
};
pub const NO_CONVERSIONS_YET_START_ONE_FROM: Text = Text {
    en: "No conversions yet. Start one from the Convert tab.",
    ja: "まだ変換していません。「変換」タブから開始してください。",
};
pub const CANCEL: Text = Text {
    en: "Cancel",
    ja: "キャンセル",
};
pub const DETAILS: Text = Text {
    en: "Details",
    ja: "詳細",
};
pub const PROFILE: Text = Text {
    en: "Profile",
    ja: "プロファイル",
};
pub const BUCKET: Text = Text {
    en: "Bucket",
    ja: "バケット",
};
pub const PDF_PREFIX: Text = Text {
    en: "PDF prefix",
    ja: "PDF プレフィックス",
};
pub const UPLOAD_PREFIX: Text = Text {
    en: "Upload prefix",
    ja: "アップロード先プレフィックス",
};
pub const STARTED: Text = Text {
    en: "Started",
    ja: "開始",
};
pub const DURATION: Text = Text {
    en: "Duration",
    ja: "所要時間",
};
pub const CONVERTED_PAGES: Text = Text {
    en: "Converted pages",
    ja: "変換したページ",
};
pub const FAILED_PDFS: Text = Text {
    en: "Failed PDFs",
    ja: "失敗した PDF",
};
pub const HTTP_STATUS: Text = Text {
    en: "HTTP status",
    ja: "HTTP ステータス",
};
pub const SERVER_JOB: Text = Text {
    en: "Server job",
    ja: "サーバーのジョブ",
};
pub const THE_APP_CLOSED_WHILE_THIS_JOB: Text = Text {
    en: "The app closed while this job ran. The server may have finished it: look at the upload prefix, or retry.",
    ja: "このジョブの実行中にアプリが終了しました。サーバー側では完了している可能性があります。アップロード先を確認するか、再実行してください。",
};
pub const YOU_STOPPED_WAITING_FOR_THIS_JOB: Text = Text {
    en: "You stopped waiting for this job. The server may still finish it: look at the upload prefix, or retry.",
    ja: "このジョブの待機を取り消しました。サーバー側では完了する可能性があります。アップロード先を確認するか、再実行してください。",
};
pub const RAW_ANSWER: Text = Text {
    en: "Raw answer",
    ja: "受け取った内容",
};
pub const FAILED_FILES: Text = Text {
    en: "Failed files",
    ja: "失敗したファイル",
};
pub const NO_PDF_WAS_FOUND_UNDER_THE: Text = Text {
    en: "No PDF was found under the PDF prefix.",
    ja: "PDF プレフィックスの下に PDF がありませんでした。",
};
pub const RETRY: Text = Text {
    en: "Retry",
    ja: "再実行",
};
pub const COPY_DIAGNOSTICS: Text = Text {
    en: "Copy diagnostics",
    ja: "診断情報をコピー",
};
pub const THIS_JOB_RAN_WITH_ANOTHER_PROFILE: Text = Text {
    en: "This job ran with another profile; switch to it to retry.",
    ja: "このジョブは別のプロファイルで実行されました。再実行するにはそのプロファイルに切り替えてください。",
};
pub const ID: Text = Text {
    en: "ID",
    ja: "ID トークン",
};
pub const ACCESS: Text = Text {
    en: "access",
    ja: "アクセストークン",
};

pub fn job_summary(pages: usize, failed: usize, took: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{pages} pages, {failed} failed, {took}"),
        Lang::Ja => format!("{pages} ページ、失敗 {failed} 件、{took}"),
    }
}

pub fn copy_named(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Copy {name}"),
        Lang::Ja => format!("{name} をコピー"),
    }
}

pub fn token_switched(kind: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The API took the {kind} token; the profile now uses it."),
        Lang::Ja => {
            format!("API は{kind}を受け付けました。このプロファイルでは以後それを使います。")
        }
    }
}

pub fn waiting_for_api(seconds: i64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Waiting for the API… {seconds} s"),
        Lang::Ja => format!("API の応答を待っています… {seconds} 秒"),
    }
}
