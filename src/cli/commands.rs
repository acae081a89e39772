//! Subcommands other than the lint: the rule list, a rule's doc, the config schema, shell
//! completions, the cluster profile, and `images` (its own module).

use std::io::Write;

use clap::CommandFactory;

use super::{RunError, EXIT_CLEAN};
use crate::cli::args::{Args, Command, RulesFormat};
use crate::engine::error::Error;
use crate::rules::{self, RULES};
use crate::suggest::did_you_mean;

pub(crate) fn run(
    command: &Command,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, RunError> {
    match command {
        Command::Images(a) => return crate::cli::images::run(a, out, err),
        Command::Explain(a) => return crate::cli::explain::run(a, out, err),
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
                                "severities": std::iter::once(&r.meta().severity)
                                    .chain(r.meta().also)
                                    .map(|s| s.as_str())
                                    .collect::<Vec<_>>(),
                                "summary": rules::summary(*r),
                                "fix": r.meta().fix.map(|a| a.as_str()),
                            })
                        })
                        .collect();
                    serde_json::to_string_pretty(&list).map_err(std::io::Error::other)? + "\n"
                }
                RulesFormat::Text => {
                    let width = RULES.iter().map(|r| r.name().len()).max().unwrap_or(0);
                    let sev_width = RULES
                        .iter()
                        .map(|r| r.meta().severities().len())
                        .max()
                        .unwrap_or(0);
                    RULES
                        .iter()
                        .map(|r| {
                            format!(
                                "{:width$}  {:11}  {:sev_width$}  {}\n",
                                r.name(),
                                r.category().as_str(),
                                r.meta().severities(),
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
                let hint = crate::engine::settings::check_selector(name, true)
                    .err()
                    .and_then(|u| u.suggestion)
                    .map(|s| format!("; {}", did_you_mean(s)))
                    .unwrap_or_default();
                return Err(Error::Usage(format!("no rule named `{name}`{hint}")).into());
            }
        },
        Command::ConfigSchema => out.write_all(crate::engine::config::schema().as_bytes())?,
        Command::Profile { config } => {
            out.write_all(crate::cli::profile::render(config.as_deref())?.as_bytes())?
        }
        Command::Completions { shell } => {
            let mut cmd = completion_command();
            clap_complete::generate(*shell, &mut cmd, "winlint", out);
            if *shell == clap_complete::Shell::Fish {
                fish_rule_names(out)?;
            }
        }
    }
    out.flush()?;
    Ok(EXIT_CLEAN)
}

/// The command line as completions describe it: `winlint rule NAME` takes rule names and
/// `--select`/`--ignore` rule names, categories and `all`, so shells offer those (with each
/// rule's summary where the shell shows one) instead of file names. Only the completions see
/// these lists: parsing keeps plain strings, so a comma-separated `--select a,b` works and an
/// unknown name gets a did-you-mean.
fn completion_command() -> clap::Command {
    use clap::builder::{PossibleValue, PossibleValuesParser};
    let names: Vec<PossibleValue> = RULES
        .iter()
        .map(|r| PossibleValue::new(r.name()).help(rules::summary(*r)))
        .collect();
    let selectors: Vec<PossibleValue> = names
        .iter()
        .cloned()
        .chain(crate::engine::settings::CATEGORIES.map(|c| PossibleValue::new(c).help("category")))
        .chain([PossibleValue::new("all").help("every rule")])
        .collect();
    Args::command()
        .mut_arg("select", |a| {
            a.value_parser(PossibleValuesParser::new(selectors.clone()))
        })
        .mut_arg("ignore", |a| {
            a.value_parser(PossibleValuesParser::new(selectors.clone()))
        })
        .mut_subcommand("rule", |c| {
            c.mut_arg("name", |a| a.value_parser(PossibleValuesParser::new(names)))
        })
}

/// clap_complete's fish script completes no positional argument: offer the rule names after
/// `winlint rule` in its own line, and no file names there.
fn fish_rule_names(out: &mut dyn Write) -> std::io::Result<()> {
    let names: Vec<&str> = RULES.iter().map(|r| r.name()).collect();
    writeln!(
        out,
        "complete -c winlint -n \"__fish_winlint_using_subcommand rule\" -f -a \"{}\"",
        names.join(" ")
    )
}
