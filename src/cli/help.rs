//! `--help` in the person's language. The English text is the doc comments (clap derive);
//! for Japanese, the built command tree is walked and every about and help text replaced
//! from the table in `i18n::cli::help`, with clap's own headings and the defaults and
//! possible values put into the sentences, so no line is left in English but names.

use std::ffi::OsString;

use clap::{Arg, Command, CommandFactory as _};

use super::Cli;
use crate::i18n::Lang;
use crate::i18n::cli::help as t;

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
    if let Some(about) = t::ja_about(&here) {
        command = command.about(about).long_about(None::<&str>);
    }
    if here.is_empty() {
        command = command
            .after_help(t::EXIT_CODES.ja)
            .after_long_help(None::<&str>);
    }
    command = command
        .help_template(t::TEMPLATE_JA)
        .subcommand_help_heading(t::COMMANDS_JA);
    let ids: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().as_str().to_owned())
        .collect();
    for id in ids {
        let help = t::ja_help(&here, &id);
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
        t::ARGUMENTS_JA
    } else {
        t::OPTIONS_JA
    };
    let text = help.map_or_else(
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
    // Flags (`--json`, `-v`) have defaults clap never shows; only values are worth a note.
    let defaults: Vec<String> =
        if arg.is_hide_default_value_set() || !arg.get_action().takes_values() {
            Vec::new()
        } else {
            arg.get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect()
        };
    let text = t::with_notes_ja(text, &values, &defaults);
    arg.help(text)
        .long_help(None::<&str>)
        .help_heading(heading)
        .hide_possible_values(true)
        .hide_default_value(true)
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
            if t::ja_about(path).is_none() {
                missing.push(format!("about of \"{path}\""));
            }
            for arg in command.get_arguments() {
                if !arg.is_hide_set() && t::ja_help(path, arg.get_id().as_str()).is_none() {
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
