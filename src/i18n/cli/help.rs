//! The command line's `--help` in Japanese, as data: the exit codes, clap's headings, and
//! an about or help text for every command and argument by command path. The English is
//! the doc comments (clap derive); `cli::help` walks the command tree and puts these in.

use crate::i18n::Text;

/// The exit codes and environment, after the program's help.
pub const EXIT_CODES: Text = Text {
    en: "\
Exit codes:
  0  success
  1  an unexpected failure (a file could not be written, for example)
  2  usage: bad arguments, an unknown or invalid profile
  3  authentication: Cognito refused the sign-in or a challenge answer, or a remembered sign-in cannot be used
  4  network: Cognito or the API could not be reached, timed out or answered with something unreadable
  5  refused: the API refused the conversion (401 after a refresh, 403, 4xx, 5xx, 504)
  6  partial: the job ran but some PDFs failed (they are named on stderr)
  7  not this contract: the API answered 2xx without converted/failed (a backend that isn't Receipt Desk's; the conversion may have run)
  130  stopped with Ctrl+C (the job may still finish on the server)

Without a command, the desktop window opens.

Environment:
  RECEIPT_DESK_CONFIG         the config file (instead of the platform config dir)
  RECEIPT_DESK_CLIENT_SECRET  the app client secret, for app clients that have one
  LANG / LC_ALL               messages in Japanese for ja_* locales",
    ja: "\
終了コード:
  0  成功
  1  予期しない失敗（ファイルを書き込めなかったなど）
  2  使い方: 引数の誤り、存在しないか正しくないプロファイル
  3  認証: Cognito がサインインかチャレンジへの回答を拒否した、または記憶されたサインインを使えない
  4  ネットワーク: Cognito か API に接続できない、時間切れ、または読めない応答
  5  拒否: API が変換を拒否した（更新後の 401、403、4xx、5xx、504）
  6  一部失敗: ジョブは実行されたが一部の PDF が失敗した（名前は stderr に表示）
  7  取り決め外: API が converted/failed のない 2xx を返した（Receipt Desk のものでないバックエンド。変換は実行された可能性があります）
  130  Ctrl+C で中止した（ジョブはサーバーで完了する可能性があります）

コマンドを指定しないと、デスクトップのウィンドウが開きます。

環境変数:
  RECEIPT_DESK_CONFIG         設定ファイル（プラットフォームの設定フォルダーの代わりに使います）
  RECEIPT_DESK_CLIENT_SECRET  シークレットのあるアプリクライアントのクライアントシークレット
  LANG / LC_ALL               ja_* ロケールではメッセージが日本語になります",
};

/// clap's help template with the usage heading in Japanese.
pub const TEMPLATE_JA: &str =
    "{before-help}{about-with-newline}\n使い方: {usage}\n\n{all-args}{after-help}";
/// The heading over the subcommands.
pub const COMMANDS_JA: &str = "コマンド";
/// The heading over positional arguments.
pub const ARGUMENTS_JA: &str = "引数";
/// The heading over options.
pub const OPTIONS_JA: &str = "オプション";

/// An argument's help with its possible values and default put into the sentence, as
/// clap's own `[possible values: …]` and `[default: …]` would be left in English.
pub fn with_notes_ja(text: String, values: &[String], defaults: &[String]) -> String {
    let mut notes = Vec::new();
    if !values.is_empty() {
        notes.push(format!("値: {}", values.join("、")));
    }
    if !defaults.is_empty() {
        notes.push(format!("既定値: {}", defaults.join("、")));
    }
    if notes.is_empty() {
        text
    } else {
        format!("{text}（{}）", notes.join("。"))
    }
}

/// Japanese about texts by command path ("" is the program, "profile set" a nested one).
pub fn ja_about(path: &str) -> Option<&'static str> {
    Some(match path {
        "" => {
            "Amazon Cognito にサインインし、スキャンした領収書の PDF を JPEG に変換してプレビューします。"
        }
        "login" => {
            "サインインし（新しいパスワードや MFA コードなどのチャレンジにはプロンプトで答えます）、誰がいつまでサインインしているかを表示します。"
        }
        "token" => {
            "curl 用に新しいトークンを標準出力に出します。記憶されたサインインがあればそれを使い、なければサインインします。トークンを出力する唯一のコマンドです。"
        }
        "logout" => {
            "すべての端末からサインアウトし、記憶されたサインインを削除します（オフラインでも、このコンピューターでの削除は必ず行います）。"
        }
        "convert" => {
            "プレフィックスの下のすべての PDF をページごとの JPEG に変換し（指定のない値はプロファイルの既定値）、ジョブを終わりまで追って、概要か JSON を出力します。ページをダウンロードすることもできます。"
        }
        "ls" => {
            "API を通してバケットを 1 階層ずつ一覧します。フォルダーと、その下の PDF の数、その階層の PDF を表示するので、プレフィックスを選べます。"
        }
        "serve" => {
            "ローカルスタック（Cognito、JWKS、オーソライザー、変換）を 127.0.0.1 で Ctrl+C まで動かします。--pool のファイルがなければデモユーザーを表示します。"
        }
        "password" => "忘れたパスワードをリセットする、またはパスワードを変更します。",
        "password forgot" => {
            "リセット用のコードをユーザーのメールか電話に送ってもらい、そのコードと新しいパスワードを入力します。"
        }
        "password change" => {
            "サインインして（記憶されたサインインがあればそれを使い）、現在のパスワードと新しいパスワードを入力します。"
        }
        "profile" => "プロファイルを作成・変更・一覧表示・削除します。",
        "profile set" => "プロファイルを作成するか、項目の一部を変更します。結果は検証されます。",
        "profile list" => "プロファイルを一覧表示します。* は既定のプロファイルです。",
        "profile show" => "プロファイルの項目を表示します。",
        "profile remove" => "プロファイルを削除します。",
        "help" | "profile help" | "password help" => {
            "このメッセージ、または指定したコマンドのヘルプを表示します。"
        }
        _ => return None,
    })
}

/// Japanese help for an argument: the command's own entry first, then the shared ones.
pub fn ja_help(path: &str, id: &str) -> Option<&'static str> {
    let own = match (path, id) {
        ("logout", "username") => {
            Some("ユーザー（既定: このプロファイルで最後にサインインしたユーザー）。")
        }
        ("convert" | "ls", "bucket") => Some("S3 バケット（既定: プロファイルのもの）。"),
        ("convert", "pdf_prefix") => {
            Some("PDF があるプレフィックス。例: api/receipts/r6/pdf/（既定: プロファイルのもの）。")
        }
        ("convert", "upload_prefix") => Some(
            "JPEG のページを書き出すプレフィックス。例: api/receipts/r6/jpeg/（既定: プロファイルのもの）。",
        ),
        ("ls", "prefix") => {
            Some("一覧するプレフィックス。例: api/receipts/（既定: バケットの最上位）。")
        }
        ("ls", "json") => Some("表の代わりに、API の JSON を出力します。"),
        ("profile set", "name") => Some("プロファイルの名前。"),
        ("profile set", "bucket") => Some("変換に使う既定の S3 バケット。"),
        ("profile set", "pdf_prefix") => Some("既定の PDF プレフィックス。"),
        ("profile set", "upload_prefix") => Some("既定のアップロード先（JPEG）プレフィックス。"),
        ("profile show", "name") => {
            Some("プロファイル（既定: --profile、または既定のプロファイル）。")
        }
        ("profile remove", "name") => Some("削除するプロファイル。"),
        _ => None,
    };
    if own.is_some() {
        return own;
    }
    Some(match id {
        // Everywhere (global options and clap's own).
        "config" => "既定の代わりに使う設定ファイル。",
        "profile" => "使うプロファイル（既定: 設定ファイルの既定のプロファイル）。",
        "lang" => "メッセージの言語（既定: ロケールから）。",
        "theme" => "ウィンドウのテーマ（既定: 設定、なければシステムのもの）。",
        "verbose" => "標準エラー出力のログを詳しくします（-v、-vv、-vvv）。秘密は記録しません。",
        "help" => "ヘルプを表示します。",
        "version" => "バージョンを表示します。",
        "subcommand" => "ヘルプを表示するコマンド。",
        // Signing in.
        "username" => "ユーザー名（既定: このプロファイルで最後に使ったもの、なければ尋ねます）。",
        "password_stdin" => {
            "パスワード（とチャレンジへの回答を 1 行ずつ）を端末ではなく標準入力から読みます。標準入力が端末でないときも同じです。"
        }
        "browser" => {
            "プロファイルのマネージドログインのページでシステムのブラウザからサインインします（--hosted-ui-domain が必要）。ブラウザが開かないとき（SSH）はリンクを表示します。"
        }
        "hosted_ui_domain" => {
            "login --browser とウィンドウの「ブラウザでサインイン」に使うマネージドログインのドメイン（https://NAME.auth.REGION.amazoncognito.com）。\"\" で削除します。"
        }
        "callback_ports" => {
            "コールバック URL として登録したループバックのポート（http://127.0.0.1:PORT/callback）。カンマ区切り。\"\" で 47615,47616,47617 に戻します。"
        }
        "remember_device" => {
            "デバイスを記録するプールで、このデバイスを記憶します。以後このデバイスからのサインインでは MFA コードを尋ねません（キーとパスワードは OS のキーリングに保存します）。"
        }
        "remember" => {
            "サインインを OS のキーリングに記憶します（ファイルには書きません）。期限切れかログアウトまで、以後のコマンドにパスワードは要りません。"
        }
        "id" => {
            "ID トークンを出力します（スコープなしの REST API の Cognito オーソライザーが受け付けるもの）。"
        }
        "access" => "アクセストークンを出力します。",
        // convert
        "download" => {
            "すべてのページを DIR にもダウンロードします（既存のファイルは --overwrite がなければそのままです）。"
        }
        "overwrite" => "--download のフォルダーにある既存のファイルを置き換えます。",
        "json" => "表の代わりに、取り決めどおりの JSON（converted、failed）を出力します。",
        "wait" => "長い（202 の）ジョブを終わりまで追います（既定）。",
        "no_wait" => "長いジョブを追わず、ジョブ ID と状態の URL を出力して終了します。",
        "dry_run" => "何も変換せず、プレフィックスの下にある PDF の数（とバイト数）を表示します。",
        // serve
        "port" => "127.0.0.1 のポート。0 なら空いているポートを選びます。",
        "data" => {
            "データフォルダー: 鍵と、バケットごとのサブフォルダー（既定: プラットフォームのデータフォルダー）。"
        }
        "pool" => {
            "ユーザーとアプリクライアントを書いた TOML（既定: デモユーザーが 1 人のデモプール）。"
        }
        "stage" => "パスに入る API のステージ（/{stage}/convert）。",
        "accept" => {
            "オーソライザーが受け付けるトークン（シードの curl はアクセストークンを送ります）。"
        }
        "bearer" => "トークンの前の「Bearer 」を任意・必須・拒否のどれにするか。",
        "strict" => {
            "OAuth スコープなしの API Gateway の規則どおり、ID トークンだけを受け付けます。"
        }
        "issuer" => {
            "スタック自身の代わりに、この発行者のトークンを信頼します（moto や実際のプール）。"
        }
        "jwks" => "--issuer の JWKS。",
        "dpi" => "JPEG のページの解像度。",
        "quality" => "JPEG の品質（1〜100）。",
        "async_threshold" => {
            "これより多いページ（または 10 を超える PDF）のジョブは 202 を返し、ジョブの状態で追います。"
        }
        "s3_endpoint" => {
            "データフォルダーの代わりに、この S3 API（moto、MinIO、AWS）で PDF を読みページを書きます。リージョンと認証情報は AWS_* 環境変数から。"
        }
        "issuer_client_ids" => {
            "--issuer と一緒に使い、受け付けるアプリクライアント ID を指定します（複数可。既定: すべて）。"
        }
        // profile set
        "region" => "ユーザープールの AWS リージョン（ap-northeast-1 など）。",
        "client_id" => "アプリクライアント ID。",
        "user_pool_id" => {
            "SRP サインインに必要なユーザープール ID（REGION_ID）。\"\" で削除します。"
        }
        "auth_flow" => {
            "パスワードを Cognito に渡す方式。auto は（プール ID があれば）SRP を試し、アプリクライアントが許可していなければ一度だけパスワード方式に切り替え、うまくいった方を覚えます。"
        }
        "cognito_endpoint" => {
            "リージョンのものの代わりに使う Cognito エンドポイント（moto、ローカルスタック）。\"\" で削除します。"
        }
        "api_url" => {
            "API のステージ URL（https://abc.execute-api.ap-northeast-1.amazonaws.com/Prod など）。"
        }
        "token_kind" => "API が受け付けるトークンの種類。",
        "identity_pool_id" => {
            "S3 を直接読むための Cognito ID プール（REGION:GUID）。API なしの ls と、Receipt Desk のものでないバックエンドが書いたページに使います。\"\" で削除します。"
        }
        "aws_endpoint" => {
            "ID プールと S3 に、AWS のものの代わりに使うエンドポイント（moto、LocalStack）。\"\" で削除します。"
        }
        "header_style" => {
            "bearer は「Authorization: Bearer <トークン>」、bare はトークンだけを送ります。"
        }
        "default" => "このプロファイルを既定にします。",
        "client_secret_stdin" => {
            "アプリクライアントシークレットを標準入力から読み、OS のキーリングに保存します（設定ファイルには書きません）。空行で削除します。"
        }
        _ => return None,
    })
}
