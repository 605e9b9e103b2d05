//! Profile and config-file problems as sentences (the settings screen and the command
//! line say the same).

use super::{Lang, form};

/// A service URL's problem (profile settings, `--api-url`), in the person's language.
pub fn url_problem(problem: &crate::config::UrlProblem, lang: Lang) -> String {
    use crate::config::UrlProblem as P;
    match (problem, lang) {
        (P::NotUrl { text, detail }, Lang::En) => format!("\"{text}\" is not a URL ({detail})."),
        (P::NotUrl { text, detail }, Lang::Ja) => {
            format!("「{text}」は URL ではありません（{detail}）。")
        }
        (P::PlainHttp { text }, Lang::En) => {
            format!("\"{text}\" must use https (plain http is only for 127.0.0.1 or localhost).")
        }
        (P::PlainHttp { text }, Lang::Ja) => format!(
            "「{text}」は https にしてください（http が使えるのは 127.0.0.1 と localhost だけです）。"
        ),
        (P::Scheme { text, scheme }, Lang::En) => {
            format!("\"{text}\" has the scheme {scheme}; use https.")
        }
        (P::Scheme { text, scheme }, Lang::Ja) => {
            format!("「{text}」のスキームは {scheme} です。https を使ってください。")
        }
    }
}

/// Why a profile field is not valid, in the person's language (without the field name).
pub fn invalid_reason(reason: &crate::config::InvalidReason, lang: Lang) -> String {
    use crate::config::InvalidReason as R;
    match (reason, lang) {
        (R::ClientId(id), Lang::En) => format!(
            "\"{id}\" is not an app client id (letters and digits, up to 128; 26 in Cognito)."
        ),
        (R::ClientId(id), Lang::Ja) => format!(
            "「{id}」はアプリクライアント ID ではありません（英数字で 128 文字まで。Cognito では 26 文字）。"
        ),
        (R::Region(region), Lang::En) => {
            format!("\"{region}\" is not a region name like ap-northeast-1.")
        }
        (R::Region(region), Lang::Ja) => {
            format!("「{region}」は ap-northeast-1 のようなリージョン名ではありません。")
        }
        (R::NoRegion, _) => lang
            .pick(
                "The region is not set (nor a Cognito endpoint).",
                "リージョンが設定されていません（Cognito エンドポイントもありません）。",
            )
            .to_owned(),
        (R::LocalStackEndpoint, _) => lang
            .pick(
                "This profile's Cognito endpoint is filled in by the app, which runs its local stack; from the command line, run `receipt-desk serve` and point a profile at it.",
                "このプロファイルの Cognito エンドポイントは、ローカルスタックを動かすアプリが設定します。コマンドラインでは `receipt-desk serve` を実行し、プロファイルをそこに向けてください。",
            )
            .to_owned(),
        (R::IdentityPool(id), Lang::En) => format!(
            "\"{id}\" is not an identity pool id like ap-northeast-1:0c0c0c0c-1111-2222-3333-444455556666."
        ),
        (R::IdentityPool(id), Lang::Ja) => format!(
            "「{id}」は ap-northeast-1:0c0c0c0c-1111-2222-3333-444455556666 のような ID プール ID ではありません。"
        ),
        (R::UserPool(id), Lang::En) => {
            format!("\"{id}\" is not a user pool id like ap-northeast-1_AbCdEf123.")
        }
        (R::UserPool(id), Lang::Ja) => {
            format!("「{id}」は ap-northeast-1_AbCdEf123 のようなユーザープール ID ではありません。")
        }
        (R::Url(problem), _) => url_problem(problem, lang),
        (R::Field(problem), _) => form::problem(problem, lang),
    }
}

/// A config problem as a sentence with the next step.
pub fn config_error(error: &crate::config::ConfigError, lang: Lang) -> String {
    use crate::config::{CONFIG_ENV, ConfigError as E};
    if let E::Invalid {
        profile,
        field,
        reason,
    } = error
    {
        // The same sentence the settings screen shows under the field.
        return match lang {
            Lang::En => format!(
                "profile \"{profile}\", {field}: {}",
                invalid_reason(reason, lang)
            ),
            Lang::Ja => format!(
                "プロファイル「{profile}」の {field}: {}",
                invalid_reason(reason, lang)
            ),
        };
    }
    if lang == Lang::En {
        // The error's own text is the English sentence.
        return error.to_string();
    }
    match error {
        E::Read { path, source } => format!("{} を読み込めません: {source}", path.display()),
        E::Parse { path, message } => format!(
            "{} は正しい設定ファイルではありません: {message}",
            path.display()
        ),
        E::Write { path, source } => format!("{} に書き込めません: {source}", path.display()),
        E::UnknownProfile { name, known } => {
            let known = if known == "none" { "なし" } else { known };
            format!("「{name}」という名前のプロファイルはありません（あるもの: {known}）")
        }
        E::NoProfile => "プロファイルがまだありません。`receipt-desk profile set 名前 --region … --client-id …` で作成してください".to_owned(),
        E::Invalid { .. } => String::new(),
        E::NoConfigDir => format!(
            "このユーザーの設定フォルダーが見つかりません。{CONFIG_ENV} に設定ファイルのパスを指定してください"
        ),
    }
}
