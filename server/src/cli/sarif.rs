//! `--format sarif`: a SARIF 2.1.0 log for code-scanning upload.
//!
//! Columns are UTF-16 code units (`run.columnKind = "utf16CodeUnits"`), the unit of the
//! JavaScript consumers that display SARIF (GitHub code scanning, the VS Code SARIF viewer);
//! regions are 1-based and their end column is exclusive. Artifact URIs are relative to the
//! directory ddlint ran in, which `originalUriBaseIds` names as `%SRCROOT%`.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use crate::analysis::{Checked, FileData};
use crate::config::{Config, Level};
use crate::rules::{self, Diagnostic, Severity};
use crate::text::{PositionEncoding, TextRange};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

pub(crate) fn write(
    out: &mut impl Write,
    checked: &Checked,
    config: &Config,
    cwd: &Path,
) -> io::Result<()> {
    let all: Vec<&rules::Rule> = rules::all().collect();
    let descriptors: Vec<Value> = all.iter().map(|rule| descriptor(rule, config)).collect();
    let mut results = Vec::new();
    for (file, diagnostic) in super::render::ordered(checked) {
        let rule_index = all.iter().position(|rule| rule.id == diagnostic.rule);
        results.push(result(checked, file, diagnostic, rule_index, cwd));
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ddlint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "invocations": [{ "executionSuccessful": true }],
            "originalUriBaseIds": { SRCROOT: { "uri": directory_uri(cwd) } },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn descriptor(rule: &rules::Rule, config: &Config) -> Value {
    let doc = rule.doc();
    let level = match config.level(rule.id, rule.default_level(&config.policy)) {
        Level::Off => "none",
        Level::Info => "note",
        Level::Warning => "warning",
        Level::Error => "error",
    };
    let what = section(doc, "## What it does");
    json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": super::rule_docs::first_sentence(doc) },
        "fullDescription": { "text": what },
        "help": { "text": doc, "markdown": doc },
        "defaultConfiguration": { "level": level },
    })
}

/// The paragraph text of a `## ...` section of a rule's documentation, on one line.
fn section(doc: &str, heading: &str) -> String {
    doc.lines()
        .skip_while(|line| !line.starts_with(heading))
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result(
    checked: &Checked,
    file: &FileData,
    diagnostic: &Diagnostic,
    rule_index: Option<usize>,
    cwd: &Path,
) -> Value {
    let mut result = json!({
        "ruleId": diagnostic.rule,
        "level": level(diagnostic.severity),
        "message": { "text": diagnostic.message },
        "locations": [{ "physicalLocation": physical(file, diagnostic.range, cwd) }],
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    let related: Vec<Value> = diagnostic
        .related
        .iter()
        .enumerate()
        .filter_map(|(id, related)| {
            let other = checked.files.iter().find(|f| f.id == related.loc.file)?;
            Some(json!({
                "id": id,
                "physicalLocation": physical(other, related.loc.range, cwd),
                "message": { "text": related.message },
            }))
        })
        .collect();
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    let fixes: Vec<Value> = diagnostic.fixes.iter().filter(|fix| fix.is_applicable()).filter_map(|fix| {
        let mut by_file: BTreeMap<_, Vec<Value>> = BTreeMap::new();
        for edit in &fix.edits {
            let Some(target) = checked.files.iter().find(|f| f.id == edit.file) else { continue };
            by_file.entry(edit.file).or_default().push(json!({
                "deletedRegion": region(target, edit.range),
                "insertedContent": { "text": edit.text },
            }));
        }
        let mut changes: Vec<Value> = by_file
            .into_iter()
            .filter_map(|(id, replacements)| {
                let target = checked.files.iter().find(|f| f.id == id)?;
                Some(json!({ "artifactLocation": artifact(target, cwd), "replacements": replacements }))
            })
            .collect();
        // A new migration: its text inserted at the start of a file that does not exist yet.
        for file in super::check::new_migration_files(checked, diagnostic, fix, now_utc()) {
            let relative = file.path.strip_prefix(cwd).unwrap_or(&file.path);
            changes.push(json!({
                "artifactLocation": { "uri": encode_path(relative), "uriBaseId": SRCROOT },
                "replacements": [{
                    "deletedRegion": { "startLine": 1, "startColumn": 1, "endColumn": 1 },
                    "insertedContent": { "text": file.text },
                }],
            }));
        }
        (!changes.is_empty())
            .then(|| json!({ "description": { "text": fix.title }, "artifactChanges": changes }))
    }).collect();
    if !fixes.is_empty() {
        result["fixes"] = json!(fixes);
    }
    result
}

fn physical(file: &FileData, range: TextRange, cwd: &Path) -> Value {
    json!({ "artifactLocation": artifact(file, cwd), "region": region(file, range) })
}

fn now_utc() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

fn region(file: &FileData, range: TextRange) -> Value {
    let start = file.lines.line_col(range.start(), PositionEncoding::Utf16);
    let end = file.lines.line_col(range.end(), PositionEncoding::Utf16);
    json!({
        "startLine": start.line + 1,
        "startColumn": start.col + 1,
        "endLine": end.line + 1,
        "endColumn": end.col + 1,
    })
}

/// A relative URI under `%SRCROOT%` where the file is under the working directory, else an
/// absolute `file:` URI.
fn artifact(file: &FileData, cwd: &Path) -> Value {
    let absolute = if file.path.is_absolute() {
        file.path.clone()
    } else {
        cwd.join(&file.path)
    };
    match absolute.strip_prefix(cwd) {
        Ok(relative) => json!({ "uri": encode_path(relative), "uriBaseId": SRCROOT }),
        Err(_) => json!({ "uri": format!("file://{}", encode_path(&absolute)) }),
    }
}

fn directory_uri(dir: &Path) -> String {
    let mut uri = format!("file://{}", encode_path(dir));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// A path as a URI path: components joined by `/`, percent-encoding everything but RFC 3986's
/// unreserved characters.
fn encode_path(path: &Path) -> String {
    let mut out = String::new();
    for (index, component) in path.components().enumerate() {
        use std::path::Component;
        let part = match component {
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::Prefix(prefix) => {
                out.push_str(&prefix.as_os_str().to_string_lossy().replace('\\', "/"));
                continue;
            }
            Component::CurDir => continue,
            Component::ParentDir => "..".to_string(),
            Component::Normal(name) => name.to_string_lossy().into_owned(),
        };
        if index > 0 && !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        for byte in part.bytes() {
            // `:` is encoded too: a relative URI must not look like it has a scheme.
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                out.push(byte as char);
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_path;
    use std::path::Path;

    #[test]
    fn paths_become_uri_paths() {
        assert_eq!(
            encode_path(Path::new("db/migrations/0001 init.sql")),
            "db/migrations/0001%20init.sql"
        );
        assert_eq!(
            encode_path(Path::new("/srv/db/schéma.sql")),
            "/srv/db/sch%C3%A9ma.sql"
        );
        assert_eq!(encode_path(Path::new("./a/../b.sql")), "a/../b.sql");
        assert_eq!(encode_path(Path::new("v1:init.sql")), "v1%3Ainit.sql");
    }
}
