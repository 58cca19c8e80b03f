//! Extracts each rule's documentation (its file's `//!` comment) into `rule_docs.rs`, so that
//! `ddlint rules <id>` and the hover on a diagnostic show the text the code carries.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let rules_dir = Path::new("src/rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut docs: Vec<(String, String)> = Vec::new();
    collect(rules_dir, &mut docs);
    docs.sort();
    let mut out =
        String::from("pub(crate) fn doc(id: &str) -> Option<&'static str> {\n    match id {\n");
    for (id, doc) in &docs {
        writeln!(out, "        {id:?} => Some({doc:?}),").unwrap();
    }
    out.push_str("        _ => None,\n    }\n}\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rule_docs.rs");
    std::fs::write(target, out).unwrap();
}

fn collect(dir: &Path, docs: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, docs);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(id) = rule_id(&text) else { continue };
        let doc: Vec<&str> = text
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .map(|line| {
                line.strip_prefix("//! ")
                    .unwrap_or(line.trim_start_matches("//!"))
            })
            .collect();
        docs.push((id, doc.join("\n")));
    }
}

/// The `id` of the `const RULE: Rule = Rule { id: "...", ... }` in a rule file.
fn rule_id(text: &str) -> Option<String> {
    let rule = text.find("const RULE: Rule = Rule {")?;
    let rest = &text[rule..];
    let id = rest.find("id: \"")? + "id: \"".len();
    let end = rest[id..].find('"')?;
    Some(rest[id..id + end].to_string())
}
