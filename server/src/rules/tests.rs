//! The fixture harness, and checks that hold for every rule.

use crate::fixture::{self, Fixture};
use crate::rules::Safety;

/// Checks every fixture of `rule`: the annotated diagnostics and nothing else are reported, and
/// every fix of the rule resolves its diagnostic without breaking the syntax.
#[track_caller]
pub(crate) fn check_rule_fixtures(rule: &str) {
    let fixtures = fixture::rule_fixtures(rule).unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    let mut fires = false;
    let mut quiet = false;
    for fixture in &fixtures {
        if fixture.expected.iter().any(|e| e.rule == rule) {
            fires = true;
        } else {
            quiet = true;
        }
        if let Err(failure) = check_fixture(fixture, rule) {
            failures.push(failure);
        }
    }
    assert!(fires, "rule `{rule}` has no fixture where it fires");
    assert!(quiet, "rule `{rule}` has no fixture where it does not fire");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The fixes of `rule`'s findings in its fixture whose name ends with `fixture`, by finding in
/// position order: each fix's title and safety.
#[track_caller]
pub(crate) fn fixes_in_fixture(rule: &str, fixture: &str) -> Vec<Vec<(String, Safety)>> {
    let fixtures = fixture::rule_fixtures(rule).unwrap_or_else(|e| panic!("{e}"));
    let Some(fixture) = fixtures.iter().find(|f| f.name.ends_with(fixture)) else {
        panic!("rule `{rule}` has no fixture `{fixture}`");
    };
    let checked = fixture
        .check(&fixture.files, &fixture.rules_under_test(rule), None)
        .unwrap_or_else(|e| panic!("{e}"));
    checked
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| {
            d.fixes
                .iter()
                .map(|f| (f.title.clone(), f.safety))
                .collect()
        })
        .collect()
}

fn check_fixture(fixture: &Fixture, rule: &str) -> Result<(), String> {
    let rules = fixture.rules_under_test(rule);
    let checked = fixture.check(&fixture.files, &rules, None)?;
    fixture.compare(&checked)?;
    let count = |checked: &crate::analysis::Checked, id: &str| {
        checked.diagnostics.iter().filter(|d| d.rule == id).count()
    };
    for diagnostic in fixture::fixable(&checked, rule) {
        for fix in &diagnostic.fixes {
            let fixed = fixture.apply(&fixture.files, &checked, fix);
            let after = fixture.check(&fixed, &rules, Some(&checked))?;
            let show = || fixture::show(&fixed);
            if count(&after, "syntax-error") > count(&checked, "syntax-error") {
                return Err(format!(
                    "fixture {}: fix \"{}\" produced a syntax error:\n{}",
                    fixture.name,
                    fix.title,
                    show()
                ));
            }
            // A dump keeps its finding: its fix is a migration to write, checked for syntax
            // here and run on PostgreSQL after the dump by the PostgreSQL tests.
            if fix.is_applicable() && count(&after, rule) >= count(&checked, rule) {
                return Err(format!(
                    "fixture {}: fix \"{}\" for `{}` did not resolve it:\n{}",
                    fixture.name,
                    fix.title,
                    diagnostic.message,
                    show()
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn every_rule_has_fixtures_and_documentation() {
    const SECTIONS: &[&str] = &[
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Fix safety",
        "## Options",
    ];
    for rule in super::all() {
        let doc = rule.doc();
        for section in SECTIONS {
            assert!(
                doc.contains(section),
                "rule `{}` lacks the doc section `{section}`",
                rule.id
            );
        }
        assert!(
            doc.contains("Use instead:"),
            "rule `{}` lacks a \"Use instead:\" example",
            rule.id
        );
        let dir = fixture::fixtures_dir().join(rule.id);
        assert!(
            dir.is_dir(),
            "rule `{}` has no fixtures directory {}",
            rule.id,
            dir.display()
        );
    }
}

#[test]
fn rule_ids_are_unique_kebab_case() {
    let mut seen = std::collections::HashSet::new();
    for rule in super::all() {
        assert!(seen.insert(rule.id), "duplicate rule id `{}`", rule.id);
        assert!(
            rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "`{}` is not kebab-case",
            rule.id
        );
    }
}

/// The text of a doc section, up to the next `## ` heading.
fn doc_section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let Some(start) = doc.find(heading) else {
        return "";
    };
    let body = &doc[start + heading.len()..];
    body.find("\n## ").map_or(body, |end| &body[..end])
}

/// The fix titles a "Fix safety" section names: its double-quoted phrases, with `<...>`
/// placeholders and `...` as wildcards (`"Create index on <table>(<cols>)"`).
fn documented_titles(section: &str) -> Vec<String> {
    let mut titles = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find('"') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else { break };
        let mut pattern = String::new();
        let mut in_placeholder = false;
        for c in after[..close].replace("...", "*").chars() {
            match c {
                '<' => in_placeholder = true,
                '>' if in_placeholder => {
                    in_placeholder = false;
                    pattern.push('*');
                }
                _ if in_placeholder => {}
                _ => pattern.push(c),
            }
        }
        // A phrase may wrap across lines of the doc comment.
        titles.push(pattern.split_whitespace().collect::<Vec<_>>().join(" "));
        rest = &after[close + 1..];
    }
    titles
}

#[test]
fn every_fix_states_its_safety_in_its_rule_doc() {
    let has_word = |text: &str, word: &str| {
        text.split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    let mut failures = Vec::new();
    for rule in super::all() {
        let section = doc_section(rule.doc(), "## Fix safety");
        let fixtures = fixture::rule_fixtures(rule.id).unwrap_or_else(|e| panic!("{e}"));
        let mut fixes: Vec<(String, Safety)> = Vec::new();
        for fixture in &fixtures {
            let Ok(checked) =
                fixture.check(&fixture.files, &fixture.rules_under_test(rule.id), None)
            else {
                continue;
            };
            for diagnostic in checked.diagnostics.iter().filter(|d| d.rule == rule.id) {
                // A fix moved out of history keeps its title with where it went appended.
                fixes.extend(diagnostic.fixes.iter().map(|f| {
                    let title = f
                        .title
                        .trim_end_matches(crate::rules::placement::IN_A_NEW_MIGRATION)
                        .trim_end_matches(crate::rules::placement::IN_A_MIGRATION_YOU_WRITE);
                    (title.to_owned(), f.safety)
                }));
            }
        }
        if rule.fixable == fixes.is_empty() {
            failures.push(format!(
                "`{}` is {}fixable but its fixtures show {} fixes",
                rule.id,
                if rule.fixable { "" } else { "not " },
                fixes.len()
            ));
        }
        let documented = documented_titles(section);
        for (title, safety) in &fixes {
            if !documented
                .iter()
                .any(|pattern| crate::rules::common::glob_match(pattern, title))
            {
                failures.push(format!(
                    "`{}`: \"Fix safety\" does not name the fix \"{title}\"",
                    rule.id
                ));
            }
            if !has_word(section, safety.as_str()) {
                failures.push(format!(
                    "`{}`: \"Fix safety\" never says \"{}\", the safety of \"{title}\"",
                    rule.id,
                    safety.as_str()
                ));
            }
        }
    }
    failures.sort();
    failures.dedup();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
