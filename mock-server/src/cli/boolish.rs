//! Boolean flags and variables: `true/false`, `1/0`, `yes/no`, `on/off` in any
//! case (clap's [`BoolishValueParser`]), and empty meaning false; a bad value
//! is an error that names the variable and the flag.

use std::ffi::OsStr;

use clap::builder::{BoolishValueParser, TypedValueParser};
use clap::error::{Error, ErrorKind};
use clap::{Arg, Command};

/// Parses a boolean flag value or environment variable.
#[derive(Debug, Clone, Copy, Default)]
pub struct Boolish;

impl TypedValueParser for Boolish {
    type Value = bool;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<bool, Error> {
        let text = value.to_string_lossy();
        let text = text.trim();
        if text.is_empty() {
            return Ok(false);
        }
        BoolishValueParser::new().parse_ref(cmd, arg, OsStr::new(text)).map_err(|_| {
            let flag = arg.and_then(Arg::get_long).map(|l| format!("--{l}")).unwrap_or_else(|| "a flag".into());
            let name = match arg.and_then(Arg::get_env) {
                Some(env) => format!("{} (or {flag})", env.to_string_lossy()),
                None => flag,
            };
            cmd.clone().error(
                ErrorKind::InvalidValue,
                format!(
                    "invalid value '{text}' for {name}: expected true/false, 1/0, yes/no or on/off \
                     (any case), or empty for false"
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::ArgAction;

    use super::*;

    fn parse(value: &str) -> Result<bool, String> {
        let arg = Arg::new("rate_limit")
            .long("rate-limit")
            .env("HARVEST_MOCK_TEST_ONLY_BOOLEAN")
            .action(ArgAction::Set)
            .value_parser(Boolish);
        let matches = Command::new("t").arg(arg).try_get_matches_from(["t", "--rate-limit", value]);
        matches.map(|m| m.get_one::<bool>("rate_limit").copied().unwrap_or_default()).map_err(|e| e.to_string())
    }

    #[test]
    fn words_digits_and_empty() {
        for yes in ["true", "TRUE", "1", "yes", "Yes", "on", "ON", " on "] {
            assert_eq!(parse(yes), Ok(true), "{yes}");
        }
        for no in ["false", "False", "0", "no", "NO", "off", "Off", "", "  "] {
            assert_eq!(parse(no), Ok(false), "{no:?}");
        }
    }

    #[test]
    fn a_bad_value_names_the_variable_and_the_value() {
        let err = parse("maybe").err().unwrap_or_default();
        assert!(err.contains("HARVEST_MOCK_TEST_ONLY_BOOLEAN") && err.contains("'maybe'"), "{err}");
        assert!(err.contains("--rate-limit"), "{err}");
    }
}
