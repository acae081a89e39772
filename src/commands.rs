//! Subcommands that describe winlint itself: the rule list, a rule's doc, the config
//! schema, shell completions.

use std::io::Write;

use clap::CommandFactory;

use crate::app::{RunError, EXIT_CLEAN};
use crate::cli::{Args, Command, RulesFormat};
use crate::error::Error;
use crate::rules::{self, RULES};

/// The JSON Schema of `.winlint.yaml`.
pub const CONFIG_SCHEMA: &str = include_str!("../schemas/winlint-config.schema.json");

pub(crate) fn run(command: &Command, out: &mut dyn Write) -> Result<i32, RunError> {
    match command {
        Command::Rules { format } => {
            let text = match format {
                RulesFormat::Markdown => rules::markdown_table(),
                RulesFormat::Json => {
                    let list: Vec<serde_json::Value> = RULES
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "name": r.name(),
                                "category": r.category().as_str(),
                                "severity": r.default_severity().as_str(),
                                "summary": rules::summary(*r),
                            })
                        })
                        .collect();
                    serde_json::to_string_pretty(&list).map_err(std::io::Error::other)? + "\n"
                }
                RulesFormat::Text => {
                    let width = RULES.iter().map(|r| r.name().len()).max().unwrap_or(0);
                    RULES
                        .iter()
                        .map(|r| {
                            format!(
                                "{:width$}  {:11}  {:7}  {}\n",
                                r.name(),
                                r.category().as_str(),
                                r.default_severity().as_str(),
                                rules::summary(*r)
                            )
                        })
                        .collect()
                }
            };
            out.write_all(text.as_bytes())?;
        }
        Command::Rule { name } => match rules::find(name) {
            Some(r) => out.write_all(r.doc().as_bytes())?,
            None => {
                let hint = crate::settings::check_selector(name, true)
                    .err()
                    .and_then(|u| u.suggestion)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(Error::Usage(format!("no rule named `{name}`{hint}")).into());
            }
        },
        Command::ConfigSchema => out.write_all(CONFIG_SCHEMA.as_bytes())?,
        Command::Profile { config } => {
            out.write_all(crate::profile::render(config.as_deref())?.as_bytes())?
        }
        Command::Completions { shell } => {
            let mut cmd = Args::command();
            clap_complete::generate(*shell, &mut cmd, "winlint", out);
        }
    }
    out.flush()?;
    Ok(EXIT_CLEAN)
}
