//! The editor's settings, from `initializationOptions` and `workspace/didChangeConfiguration`:
//!
//! ```json
//! { "hover": { "erd": "mermaid" },
//!   "rules": { "missing-table-comment": "warning", "identifier-too-long": "off" },
//!   "baseline": "ddlint-baseline.json" }
//! ```
//!
//! `didChangeConfiguration` may wrap them in `{ "ddlint": ... }` (VS Code sends its settings
//! section that way). Unknown rules and levels are reported, not fatal.

use std::path::PathBuf;

use serde_json::Value;

use crate::config::{EditorOverrides, ErdHover, Level};
use crate::rules;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) erd_hover: Option<ErdHover>,
    pub(crate) overrides: EditorOverrides,
    /// What could not be used, in words for the user.
    pub(crate) problems: Vec<String>,
}

/// Whether `value` holds ddlint's settings at all.
pub(crate) fn concerns_ddlint(value: &Value) -> bool {
    let value = value.get("ddlint").unwrap_or(value);
    ["hover", "rules", "baseline"]
        .iter()
        .any(|key| value.get(key).is_some())
}

pub(crate) fn read(value: Option<&Value>) -> Settings {
    let mut settings = Settings::default();
    let Some(value) = value else {
        return settings;
    };
    let value = value.get("ddlint").unwrap_or(value);
    for (key, example) in [
        ("hover", r#"{ "erd": "mermaid" }"#),
        ("rules", r#"{ "rule-id": "warning" }"#),
    ] {
        match value.get(key) {
            None | Some(Value::Null | Value::Object(_)) => {}
            Some(other) => settings.problems.push(format!(
                "{key} must be an object such as {example}, not {other}"
            )),
        }
    }
    if let Some(erd) = value.pointer("/hover/erd") {
        settings.erd_hover = match erd.as_str() {
            Some("text") => Some(ErdHover::Text),
            Some("mermaid") => Some(ErdHover::Mermaid),
            Some("both") => Some(ErdHover::Both),
            Some("off") => Some(ErdHover::Off),
            _ => {
                settings.problems.push(format!(
                    "hover.erd must be \"text\", \"mermaid\", \"both\" or \"off\", not {erd}"
                ));
                None
            }
        };
    }
    if let Some(levels) = value.get("rules").and_then(Value::as_object) {
        let known = rules::specs();
        for (rule, level) in levels {
            if !known.iter().any(|spec| spec.id == rule) {
                settings.problems.push(format!(
                    "rules: there is no rule `{rule}` (`ddlint rules` lists them)"
                ));
                continue;
            }
            let level = match level.as_str() {
                Some("off") => Level::Off,
                Some("info") => Level::Info,
                Some("warning") => Level::Warning,
                Some("error") => Level::Error,
                _ => {
                    settings.problems.push(format!(
                        "rules.{rule} must be \"off\", \"info\", \"warning\" or \"error\", not {level}"
                    ));
                    continue;
                }
            };
            settings.overrides.rule_levels.insert(rule.clone(), level);
        }
    }
    match value.get("baseline") {
        None | Some(Value::Null) => {}
        Some(Value::String(path)) if path.is_empty() => {}
        Some(Value::String(path)) => settings.overrides.baseline = Some(PathBuf::from(path)),
        Some(other) => settings
            .problems
            .push(format!("baseline must be a file path, not {other}")),
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_levels_hover_and_baseline() {
        let settings = read(Some(&json!({ "ddlint": {
            "hover": { "erd": "mermaid" },
            "rules": { "missing-table-comment": "warning", "no-such-rule": "off", "char-type": "loud" },
            "baseline": "ci/baseline.json",
        } })));
        assert_eq!(settings.erd_hover, Some(ErdHover::Mermaid));
        assert_eq!(
            settings
                .overrides
                .rule_levels
                .into_iter()
                .collect::<Vec<_>>(),
            [("missing-table-comment".to_owned(), Level::Warning)]
        );
        assert_eq!(
            settings.overrides.baseline,
            Some(PathBuf::from("ci/baseline.json"))
        );
        assert_eq!(
            settings.problems,
            [
                "rules.char-type must be \"off\", \"info\", \"warning\" or \"error\", not \"loud\"",
                "rules: there is no rule `no-such-rule` (`ddlint rules` lists them)",
            ]
        );
        assert_eq!(
            read(Some(&json!({ "hover": { "erd": "pie" } }))).erd_hover,
            None
        );
        // Written as a value where an object belongs, a setting is reported, not dropped unseen.
        assert_eq!(
            read(Some(&json!({ "hover": "mermaid", "rules": ["char-type"] }))).problems,
            [
                r#"hover must be an object such as { "erd": "mermaid" }, not "mermaid""#,
                r#"rules must be an object such as { "rule-id": "warning" }, not ["char-type"]"#,
            ]
        );
        assert_eq!(read(None), Settings::default());
        assert_eq!(
            read(Some(&json!({ "baseline": null }))),
            Settings::default()
        );
    }
}
