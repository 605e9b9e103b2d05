//! The API's answers and the converter's failure reasons as sentences.

use super::{Lang, cognito_error};

/// Why a listing or the results from S3 could not be read, with the next step.
pub fn browse_error(error: &crate::storage::BrowseError, lang: Lang) -> String {
    use crate::identity::IdentityError as I;
    use crate::storage::BrowseError as B;
    use backend::storage::StorageError as S;
    match error {
        B::Api(e) => api_error(e, lang),
        B::Session(e) => e.to_string(),
        B::NoIdentityPool => lang
            .pick(
                "The profile has no identity pool to read the upload prefix with: set one in Settings (or `receipt-desk profile set NAME --identity-pool-id REGION:GUID`).",
                "アップロード先を読むための ID プールがプロファイルにありません。設定画面（または `receipt-desk profile set NAME --identity-pool-id REGION:GUID`）で設定してください。",
            )
            .to_owned(),
        B::Identity(I::Refused { kind, message }) => format!(
            "{} ({kind}: {message})",
            lang.pick(
                "The identity pool refused this user: check the identity pool id and that the pool trusts this user pool and app client.",
                "ID プールがこのユーザーを拒否しました。ID プール ID と、そのプールがこのユーザープールとアプリクライアントを信頼しているかを確認してください。",
            )
        ),
        B::Identity(e) => format!(
            "{} ({e})",
            lang.pick(
                "The identity pool could not be asked for credentials.",
                "ID プールに認証情報を求められませんでした。",
            )
        ),
        B::Storage(S::Denied(what)) => format!(
            "{} ({what})",
            lang.pick(
                "S3 refused the identity pool's credentials: its role may not allow this bucket or prefix.",
                "S3 が ID プールの認証情報を拒否しました。ロールがこのバケットかプレフィックスを許可していない可能性があります。",
            )
        ),
        B::Storage(S::NoSuchBucket(bucket)) => match lang {
            Lang::En => format!("There is no bucket \"{bucket}\" (check the name and the region)."),
            Lang::Ja => format!("バケット「{bucket}」はありません（名前とリージョンを確認してください）。"),
        },
        B::Storage(e) => format!(
            "{} ({e})",
            lang.pick("S3 could not be read.", "S3 を読めませんでした。")
        ),
    }
}

/// A converter's reason for a failed PDF or page: the known `reason` codes of the
/// `/convert` contract in the person's language (keeping a leading "page N: "), else the
/// server's English text as it came.
pub fn failure_reason(code: Option<&str>, english: &str, lang: Lang) -> String {
    let sentence = match code {
        Some("not_pdf") => lang.pick(
            "Not a PDF (the file has no %PDF- header).",
            "PDF ではありません（%PDF- ヘッダーがありません）。",
        ),
        Some("encrypted_pdf") => lang.pick(
            "The PDF is encrypted or password-protected: save an unprotected copy and upload it again.",
            "PDF が暗号化されているか、パスワードで保護されています。保護のないコピーを保存してアップロードし直してください。",
        ),
        Some("damaged_pdf") => lang.pick(
            "The PDF is damaged and cannot be read: scan or export it again.",
            "PDF が壊れていて読み込めません。スキャンまたは書き出しをやり直してください。",
        ),
        Some("no_pages") => lang.pick("The PDF has no pages.", "PDF にページがありません。"),
        Some("too_large") => lang.pick(
            "The page is larger than the converter allows.",
            "ページが変換できる大きさを超えています。",
        ),
        Some("unreadable") => lang.pick(
            "The file could not be read from the bucket.",
            "バケットからファイルを読み込めませんでした。",
        ),
        Some("render_timeout") => lang.pick(
            "Rendering took too long and was stopped.",
            "描画に時間がかかりすぎたため中止しました。",
        ),
        Some("render_failed") => lang.pick(
            "The page could not be rendered.",
            "ページを描画できませんでした。",
        ),
        Some("encode_failed") => lang.pick(
            "The page could not be encoded as JPEG.",
            "ページを JPEG に変換できませんでした。",
        ),
        Some("write_failed") => lang.pick(
            "The JPEG could not be written to the bucket.",
            "JPEG をバケットに書き込めませんでした。",
        ),
        _ => return english.to_owned(),
    };
    // "page 3: …" from the server keeps its page number.
    let page = english
        .strip_prefix("page ")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(n, _)| n.parse::<u32>().ok());
    match (page, lang) {
        (Some(n), Lang::En) => format!("Page {n}: {sentence}"),
        (Some(n), Lang::Ja) => format!("{n} ページ目: {sentence}"),
        (None, _) => sentence.to_owned(),
    }
}

/// What an API that took the connection and never answered means, and what to do.
pub fn api_timeout(lang: Lang) -> &'static str {
    lang.pick(
        "The API accepted the connection but did not answer in time. API Gateway stops waiting after 29 seconds, so the conversion may still be running: look at the upload prefix in a minute, or retry.",
        "API は接続を受け付けましたが、時間内に応答しませんでした。API Gateway は 29 秒で応答待ちをやめるため、変換はまだ実行中の可能性があります。少し待ってアップロード先を確認するか、再実行してください。",
    )
}

/// An API failure as a sentence with the next step; details (status, ids) last.
pub fn api_error(error: &crate::api::ApiError, lang: Lang) -> String {
    use crate::api::ApiError as E;
    use crate::session::SessionError;
    let ids = |d: &crate::api::Diagnostics| {
        let mut parts = vec![format!("HTTP {}", d.status)];
        if let Some(id) = &d.request_id {
            parts.push(format!("x-amzn-RequestId {id}"));
        }
        if let Some(id) = &d.apigw_id {
            parts.push(format!("x-amz-apigw-id {id}"));
        }
        parts.join("; ")
    };
    match error {
        E::Unauthorized {
            message,
            sent,
            diagnostics,
        } => format!(
            "{} ({message}; {sent}; {})",
            lang.pick(
                "The API's authorizer refused the token, even after a refresh and with the other token kind. The API probably trusts another user pool or app client: check the profile's client id and API URL.",
                "API のオーソライザーがトークンを拒否しました（更新後も、もう一方の種類のトークンでも）。API が別のユーザープールまたはアプリクライアントを信頼している可能性があります。プロファイルのクライアント ID と API の URL を確認してください。",
            ),
            ids(diagnostics)
        ),
        E::Refused {
            message,
            diagnostics,
        } => {
            let sentence = match diagnostics.status {
                403 => lang.pick(
                    "API Gateway refused the request. \"Missing Authentication Token\" means the URL or stage is wrong (the API URL ends with the stage, e.g. /Prod); otherwise the authorizer denied access.",
                    "API Gateway がリクエストを拒否しました。「Missing Authentication Token」は URL かステージの誤りです（API の URL は /Prod などのステージで終わります）。それ以外はオーソライザーによるアクセス拒否です。",
                ),
                504 => lang.pick(
                    "API Gateway stops waiting at 29 s; the conversion may still finish: check the upload prefix.",
                    "API Gateway は 29 秒で待つのをやめます。変換は完了している可能性があるので、アップロード先を確認してください。",
                ),
                _ => lang.pick("The API refused the request.", "API がリクエストを拒否しました。"),
            };
            format!("{sentence} ({message}; {})", ids(diagnostics))
        }
        E::Unreadable {
            detail,
            diagnostics,
            ..
        } => format!(
            "{} ({detail}; {})",
            lang.pick(
                "The API answered, but not in the form of the /convert contract (version 1).",
                "API は応答しましたが、/convert の取り決め（バージョン 1）の形式ではありません。",
            ),
            ids(diagnostics)
        ),
        E::NotOurContract { diagnostics, .. } => format!(
            "{} ({})",
            lang.pick(
                "The API answered, but not with Receipt Desk's /convert contract (no converted or failed pages): a backend that isn't ours. The conversion may have run: look under the upload prefix (receipt-desk ls), or deploy the reference backend (README).",
                "API は応答しましたが、Receipt Desk の /convert の取り決め（変換・失敗したページの一覧）ではありません。別のバックエンドです。変換は実行された可能性があるので、アップロード先を確認するか（receipt-desk ls）、リファレンスのバックエンドを配備してください（README）。",
            ),
            ids(diagnostics)
        ),
        E::Network(detail) => format!(
            "{} ({detail})",
            lang.pick(
                "The API could not be reached. Check the network (VPN, proxy) and the API URL, then retry.",
                "API に接続できませんでした。ネットワーク（VPN、プロキシ）と API の URL を確認して再実行してください。",
            )
        ),
        E::Timeout { seconds } => format!("{} ({seconds} s)", api_timeout(lang)),
        E::ForeignStatusUrl { url } => format!(
            "{} ({url})",
            lang.pick(
                "The API sent a job status address on another server; your sign-in token was not sent there. Check that the API URL is your own backend.",
                "API が別のサーバーのジョブ状態アドレスを返しました。サインインのトークンはそこへ送っていません。API の URL が自分のバックエンドか確認してください。",
            )
        ),
        E::Session(SessionError::Cognito(e)) => cognito_error(e, lang),
        E::Session(SessionError::SignedOut) => lang
            .pick(
                "You are not signed in: sign in again.",
                "サインインしていません。もう一度サインインしてください。",
            )
            .to_owned(),
    }
}
