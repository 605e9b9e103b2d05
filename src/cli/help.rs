//! `--help` in the person's language. The English text is the doc comments (clap derive);
//! for Japanese, the built command tree is walked and every about and help text replaced
//! from the table below, with clap's own headings and the defaults and possible values
//! put into the sentences, so no line is left in English but names.

use std::ffi::OsString;

use clap::{Arg, Command, CommandFactory as _};

use super::Cli;
use crate::i18n::Lang;

/// The language for this run, before clap parses anything (clap prints `--help` itself):
/// `--lang ja` / `--lang=ja` anywhere on the line, else the locale.
pub fn lang_from_args(args: &[OsString]) -> Lang {
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        let value = match word.strip_prefix("--lang") {
            Some("") => words.next().map(std::borrow::Cow::into_owned),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        };
        match value.as_deref() {
            Some("ja") => return Lang::Ja,
            Some("en") => return Lang::En,
            _ => {}
        }
    }
    Lang::from_env()
}

/// The command line's definition, with its help in `lang`.
pub fn command(lang: Lang) -> Command {
    let mut command = Cli::command();
    if lang == Lang::En {
        return command;
    }
    // Built first, so the generated --help, --version and `help` exist and the global
    // options are copied into every subcommand; then each can be translated.
    command.build();
    localize(command, "")
}

fn localize(mut command: Command, path: &str) -> Command {
    let here = path.to_owned();
    if let Some(about) = ja_about(&here) {
        command = command.about(about).long_about(None::<&str>);
    }
    if here.is_empty() {
        command = command
            .after_help(EXIT_CODES_JA)
            .after_long_help(None::<&str>);
    }
    command = command
        .help_template(
            "{before-help}{about-with-newline}\n使い方: {usage}\n\n{all-args}{after-help}",
        )
        .subcommand_help_heading("コマンド");
    let ids: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().as_str().to_owned())
        .collect();
    for id in ids {
        let help = ja_help(&here, &id);
        command = command.mut_arg(id.as_str(), |arg| localize_arg(arg, help));
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        let child = if here.is_empty() {
            name.clone()
        } else {
            format!("{here} {name}")
        };
        command = command.mut_subcommand(name.as_str(), |sub| localize(sub, &child));
    }
    command
}

fn localize_arg(arg: Arg, help: Option<&str>) -> Arg {
    let heading = if arg.is_positional() {
        "引数"
    } else {
        "オプション"
    };
    let mut text = help.map_or_else(
        || arg.get_help().map(ToString::to_string).unwrap_or_default(),
        str::to_owned,
    );
    let values: Vec<String> = if arg.is_hide_possible_values_set() {
        Vec::new()
    } else {
        arg.get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_owned())
            .collect()
    };
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    let mut notes = Vec::new();
    if !values.is_empty() {
        notes.push(format!("値: {}", values.join("、")));
    }
    // Flags (`--json`, `-v`) have defaults clap never shows; only values are worth a note.
    if !defaults.is_empty() && !arg.is_hide_default_value_set() && arg.get_action().takes_values() {
        notes.push(format!("既定値: {}", defaults.join("、")));
    }
    if !notes.is_empty() {
        text = format!("{text}（{}）", notes.join("。"));
    }
    arg.help(text)
        .long_help(None::<&str>)
        .help_heading(heading)
        .hide_possible_values(true)
        .hide_default_value(true)
}

const EXIT_CODES_JA: &str = "\
終了コード:
  0  成功
  1  予期しない失敗（ファイルを書き込めなかったなど）
  2  使い方: 引数の誤り、存在しないか正しくないプロファイル
  3  認証: Cognito がサインインかチャレンジへの回答を拒否した、または記憶されたサインインを使えない
  4  ネットワーク: Cognito か API に接続できない、時間切れ、または読めない応答
  5  拒否: API が変換を拒否した（更新後の 401、403、4xx、5xx、504）
  6  一部失敗: ジョブは実行されたが一部の PDF が失敗した（名前は stderr に表示）
  130  Ctrl+C で中止した（ジョブはサーバーで完了する可能性があります）

コマンドを指定しないと、デスクトップのウィンドウが開きます。

環境変数:
  RECEIPT_DESK_CONFIG         設定ファイル（プラットフォームの設定フォルダーの代わりに使います）
  RECEIPT_DESK_CLIENT_SECRET  シークレットのあるアプリクライアントのクライアントシークレット
  LANG / LC_ALL               ja_* ロケールではメッセージが日本語になります";

/// Japanese about texts by command path ("" is the program, "profile set" a nested one).
fn ja_about(path: &str) -> Option<&'static str> {
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
        "serve" => {
            "ローカルスタック（Cognito、JWKS、オーソライザー、変換）を 127.0.0.1 で Ctrl+C まで動かします。--pool のファイルがなければデモユーザーを表示します。"
        }
        "profile" => "プロファイルを作成・変更・一覧表示・削除します。",
        "profile set" => "プロファイルを作成するか、項目の一部を変更します。結果は検証されます。",
        "profile list" => "プロファイルを一覧表示します。* は既定のプロファイルです。",
        "profile show" => "プロファイルの項目を表示します。",
        "profile remove" => "プロファイルを削除します。",
        "help" | "profile help" => "このメッセージ、または指定したコマンドのヘルプを表示します。",
        _ => return None,
    })
}

/// Japanese help for an argument: the command's own entry first, then the shared ones.
fn ja_help(path: &str, id: &str) -> Option<&'static str> {
    let own = match (path, id) {
        ("logout", "username") => {
            Some("ユーザー（既定: このプロファイルで最後にサインインしたユーザー）。")
        }
        ("convert", "bucket") => Some("S3 バケット（既定: プロファイルのもの）。"),
        ("convert", "pdf_prefix") => {
            Some("PDF があるプレフィックス。例: api/receipts/r6/pdf/（既定: プロファイルのもの）。")
        }
        ("convert", "upload_prefix") => Some(
            "JPEG のページを書き出すプレフィックス。例: api/receipts/r6/jpeg/（既定: プロファイルのもの）。",
        ),
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
        "async_threshold" => "これより多いページのジョブは 202 を返し、ジョブの状態で追います。",
        "issuer_client_ids" => {
            "--issuer と一緒に使い、受け付けるアプリクライアント ID を指定します（複数可。既定: すべて）。"
        }
        // profile set
        "region" => "ユーザープールの AWS リージョン（ap-northeast-1 など）。",
        "client_id" => "アプリクライアント ID。",
        "cognito_endpoint" => {
            "リージョンのものの代わりに使う Cognito エンドポイント（moto、ローカルスタック）。\"\" で削除します。"
        }
        "api_url" => {
            "API のステージ URL（https://abc.execute-api.ap-northeast-1.amazonaws.com/Prod など）。"
        }
        "token_kind" => "API が受け付けるトークンの種類。",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &[&str]) -> Vec<OsString> {
        line.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_language_is_found_before_parsing() {
        assert_eq!(
            lang_from_args(&args(&["rd", "--lang", "ja", "convert", "--help"])),
            Lang::Ja
        );
        assert_eq!(
            lang_from_args(&args(&["rd", "convert", "--lang=ja", "--help"])),
            Lang::Ja
        );
        assert_eq!(
            lang_from_args(&args(&["rd", "--lang", "en", "--help"])),
            Lang::En
        );
        // A value after `--` is not an option.
        assert_ne!(
            lang_from_args(&args(&["rd", "--", "--lang", "ja"])),
            Lang::Ja,
            "unless the locale says so"
        );
    }

    /// Every command and argument has a Japanese text: a new option without one fails here.
    #[test]
    fn every_command_and_option_has_japanese_help() {
        fn walk(command: &Command, path: &str, missing: &mut Vec<String>) {
            if ja_about(path).is_none() {
                missing.push(format!("about of \"{path}\""));
            }
            for arg in command.get_arguments() {
                if !arg.is_hide_set() && ja_help(path, arg.get_id().as_str()).is_none() {
                    missing.push(format!("{path}: {}", arg.get_id()));
                }
            }
            // clap's `help` lists the commands again inside itself; nothing to translate.
            for sub in command
                .get_subcommands()
                .filter(|_| command.get_name() != "help")
            {
                let child = if path.is_empty() {
                    sub.get_name().to_owned()
                } else {
                    format!("{path} {}", sub.get_name())
                };
                walk(sub, &child, missing);
            }
        }
        let mut command = Cli::command();
        command.build();
        let mut missing = Vec::new();
        walk(&command, "", &mut missing);
        assert!(missing.is_empty(), "no Japanese for: {missing:#?}");
    }
}
