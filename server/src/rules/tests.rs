//! The fixture harness, and checks that hold for every rule.

use crate::fixture::{self, Fixture};

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
