//! The JSON Schema of `.winlint.yaml` that `winlint config-schema` prints: the hand-written
//! schema file with its rule-name and selector enums filled in from the rule registry, so an
//! editor offers, and a validator accepts, exactly the names winlint does. A test keeps
//! schemas/winlint-config.schema.json equal to this output; after adding a rule, refresh it
//! with `winlint config-schema > schemas/winlint-config.schema.json`.

use serde_json::{json, Value};

use crate::engine::settings::CATEGORIES;
use crate::rules::RULES;

const FILE: &str = include_str!("../../../schemas/winlint-config.schema.json");

/// The schema, pretty-printed (two-space indent, keys sorted), ending with a newline.
pub fn schema() -> String {
    let mut schema: Value =
        serde_json::from_str(FILE).expect("the checked-in schema is JSON (a test reads it)");
    let names: Vec<&str> = RULES.iter().map(|r| r.name()).collect();
    let selectors: Vec<&str> = names
        .iter()
        .copied()
        .chain(CATEGORIES)
        .chain(["all"])
        .collect();
    let definitions = &mut schema["definitions"];
    definitions["ruleName"] = json!({
        "type": "string",
        "description": "A rule name (`winlint rules` lists them).",
        "enum": names,
    });
    definitions["ruleSelector"] = json!({
        "type": "string",
        "description": "A rule name, a category (correctness, suspicious, pedantic) or all.",
        "enum": selectors,
    });
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
