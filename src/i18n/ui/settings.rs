//! Sentences of the settings screen, in English and Japanese.

use crate::i18n::{Lang, Text};

pub const REQUIRED: Text = Text {
    en: "Required.",
    ja: "入力してください。",
};
pub const ANOTHER_PROFILE_HAS_THIS_NAME: Text = Text {
    en: "Another profile has this name.",
    ja: "同じ名前のプロファイルがあります。",
};
pub const AN_APP_CLIENT_ID_IS_LETTERS: Text = Text {
    en: "An app client id is letters and digits (26 in Cognito), from the pool's \"App clients\" page.",
    ja: "アプリクライアント ID は英数字です（Cognito では 26 文字）。ユーザープールの「アプリクライアント」画面にあります。",
};
pub const REQUIRED_OR_A_COGNITO_ENDPOINT_BELOW: Text = Text {
    en: "Required (or a Cognito endpoint below).",
    ja: "入力してください（または下の Cognito エンドポイント）。",
};
pub const NOT_A_REGION_NAME_LIKE_AP: Text = Text {
    en: "Not a region name like ap-northeast-1.",
    ja: "ap-northeast-1 のようなリージョン名ではありません。",
};
pub const SETTINGS: Text = Text {
    en: "Settings",
    ja: "設定",
};
pub const COPY_DIAGNOSTICS: Text = Text {
    en: "Copy diagnostics",
    ja: "診断情報をコピー",
};
pub const VERSION_SYSTEM_THE_PROFILE_NO_SECRETS: Text = Text {
    en: "Version, system, the profile (no secrets) and the last problems, for a bug report.",
    ja: "バージョン、システム、プロファイル（秘密情報なし）、最近の問題。不具合の報告用です。",
};
pub const DIAGNOSTICS_COPIED: Text = Text {
    en: "Diagnostics copied.",
    ja: "診断情報をコピーしました。",
};
pub const PROFILES: Text = Text {
    en: "Profiles",
    ja: "プロファイル",
};
pub const NEW_PROFILE: Text = Text {
    en: "New profile",
    ja: "新しいプロファイル",
};
pub const IMPORT: Text = Text {
    en: "Import…",
    ja: "読み込む…",
};
pub const CLICK_A_PROFILE_TO_EDIT_IT: Text = Text {
    en: "Click a profile to edit it.",
    ja: "プロファイルをクリックすると編集できます。",
};
pub const LANGUAGE: Text = Text {
    en: "Language",
    ja: "言語",
};
pub const SYSTEM: Text = Text {
    en: "System",
    ja: "システムに従う",
};
pub const THUMBNAIL_CACHE_MB: Text = Text {
    en: "Thumbnail cache on disk (MB)",
    ja: "サムネイルのディスクキャッシュ (MB)",
};
pub const THUMBNAIL_CACHE_EXPLAINED: Text = Text {
    en: "Thumbnails seen least recently are removed when the cache grows past this size.",
    ja: "この大きさを超えると、最近見ていないサムネイルから削除します。",
};
pub const THEME: Text = Text {
    en: "Theme",
    ja: "テーマ",
};
pub const LIGHT: Text = Text {
    en: "Light",
    ja: "ライト",
};
pub const DARK: Text = Text {
    en: "Dark",
    ja: "ダーク",
};
pub const PROFILE_NAME: Text = Text {
    en: "Profile name",
    ja: "プロファイル名",
};
pub const THE_APP_RUNS_THIS_PROFILE_S: Text = Text {
    en: "The app runs this profile's user pool and API on this computer and fills in their URLs.",
    ja: "このプロファイルのユーザープールと API はアプリがこのパソコン上で動かし、URL も自動で設定します。",
};
pub const REGION: Text = Text {
    en: "Region",
    ja: "リージョン",
};
pub const KNOWN_REGIONS: Text = Text {
    en: "Known regions…",
    ja: "リージョン一覧…",
};
pub const NOT_A_REGION_THIS_APP_KNOWS: Text = Text {
    en: "Not a region this app knows Cognito in; check the spelling.",
    ja: "Cognito が使えるリージョンとして登録されていません。綴りを確認してください。",
};
pub const APP_CLIENT_ID: Text = Text {
    en: "App client id",
    ja: "アプリクライアント ID",
};
pub const CLIENT_SECRET_OPTIONAL: Text = Text {
    en: "Client secret (optional)",
    ja: "クライアントシークレット（任意）",
};
pub const KEPT_IN_THE_SYSTEM_KEYRING_LEAVE: Text = Text {
    en: "kept in the system keyring; leave empty to keep the current one",
    ja: "システムのキーリングに保存。空欄なら現在のまま",
};
pub const COGNITO_ENDPOINT_OPTIONAL: Text = Text {
    en: "Cognito endpoint (optional)",
    ja: "Cognito エンドポイント（任意）",
};
pub const USER_POOL_ID: Text = Text {
    en: "User pool id (for SRP)",
    ja: "ユーザープール ID（SRP 用）",
};
pub const MANAGED_LOGIN_DOMAIN: Text = Text {
    en: "Managed login domain (optional)",
    ja: "マネージドログインのドメイン（任意）",
};
pub const SIGN_IN_METHOD: Text = Text {
    en: "Sign-in method",
    ja: "サインイン方式",
};
pub const FLOW_AUTO: Text = Text {
    en: "Automatic",
    ja: "自動",
};
pub const FLOW_SRP: Text = Text {
    en: "SRP",
    ja: "SRP",
};
pub const FLOW_PASSWORD: Text = Text {
    en: "Password (USER_PASSWORD_AUTH)",
    ja: "パスワード（USER_PASSWORD_AUTH）",
};
pub const IDENTITY_POOL_OPTIONAL: Text = Text {
    en: "Identity pool (optional)",
    ja: "ID プール（任意）",
};
pub const AWS_ENDPOINT_OPTIONAL: Text = Text {
    en: "AWS endpoint (optional)",
    ja: "AWS エンドポイント（任意）",
};
pub const API_URL_WITH_STAGE: Text = Text {
    en: "API URL (with stage)",
    ja: "API の URL（ステージまで）",
};
pub const TOKEN_SENT_TO_THE_API: Text = Text {
    en: "Token sent to the API",
    ja: "API に送るトークン",
};
pub const ID_TOKEN: Text = Text {
    en: "ID token",
    ja: "ID トークン",
};
pub const ACCESS_TOKEN: Text = Text {
    en: "Access token",
    ja: "アクセストークン",
};
pub const AUTHORIZATION_HEADER: Text = Text {
    en: "Authorization header",
    ja: "Authorization ヘッダー",
};
pub const DEFAULT_BUCKET: Text = Text {
    en: "Default bucket",
    ja: "既定のバケット",
};
pub const DEFAULT_PDF_PREFIX: Text = Text {
    en: "Default PDF prefix",
    ja: "既定の PDF プレフィックス",
};
pub const DEFAULT_UPLOAD_PREFIX: Text = Text {
    en: "Default upload prefix",
    ja: "既定のアップロード先",
};
pub const SAVE_PROFILE: Text = Text {
    en: "Save profile",
    ja: "プロファイルを保存",
};
pub const USE_THIS_PROFILE: Text = Text {
    en: "Use this profile",
    ja: "このプロファイルを使う",
};
pub const EXPORT: Text = Text {
    en: "Export…",
    ja: "書き出す…",
};
pub const DELETE_PROFILE: Text = Text {
    en: "Delete profile",
    ja: "プロファイルを削除",
};
pub const FIX_THE_FIELDS_MARKED_IN_RED: Text = Text {
    en: "Fix the fields marked in red to save.",
    ja: "赤で示した欄を直すと保存できます。",
};
pub const SAVED: Text = Text {
    en: "Saved.",
    ja: "保存しました。",
};
pub fn secrets_not_moved(to: &str, error: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Saved as “{to}”, but the keyring entries (client secret, remembered sign-ins) could not be moved to the new name: {error}. Sign in again, and enter the client secret again if the profile has one."
        ),
        Lang::Ja => format!(
            "「{to}」として保存しましたが、キーリングの項目（クライアントシークレット、記憶したサインイン）を新しい名前に移せませんでした: {error}。もう一度サインインし、クライアントシークレットがあれば入力し直してください。"
        ),
    }
}
pub const SAVED_THE_CLIENT_SECRET_IS_IN: Text = Text {
    en: "Saved; the client secret is in the keyring.",
    ja: "保存しました。クライアントシークレットはキーリングにあります。",
};
pub const EXPORT_CANCELLED: Text = Text {
    en: "Export cancelled.",
    ja: "書き出しを取り消しました。",
};

pub fn imported(names: &[String], lang: Lang) -> String {
    match lang {
        Lang::En => format!("Imported: {}", names.join(", ")),
        Lang::Ja => format!("読み込みました: {}", names.join("、")),
    }
}

pub fn logs_at(dir: &std::path::Path, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Logs: {}", dir.display()),
        Lang::Ja => format!("ログ: {}", dir.display()),
    }
}

/// A profile's name in the list, marked when it is the one in use.
pub fn in_use(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{name} (in use)"),
        Lang::Ja => format!("{name}（使用中）"),
    }
}

pub fn exported_to(path: &std::path::Path, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Exported to {}", path.display()),
        Lang::Ja => format!("{} に書き出しました", path.display()),
    }
}
