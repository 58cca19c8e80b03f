//! Presets: how loud the checklist is by default. A rule reports at `warning` by default only if
//! a reviewer would agree with nearly every hit on real schemas. The rules below are the
//! checklist's judgement calls: sound advice for a new schema, but on an existing one many hits
//! are deliberate choices. By default (`preset = "recommended"`) they report at `info` or not at
//! all; `preset = "strict"` (what a design review of a new schema wants) reports every one of
//! them at `warning`.

use crate::config::{Level, Preset};

/// An opinion rule: its level under the recommended preset (at most; a house-style policy may
/// lower it further) and under the strict one, and why it is an opinion.
struct Opinion {
    rule: &'static str,
    recommended: Level,
    strict: Level,
    /// The rule is off by its own level: the catalog makes it opt-in, not a house-style policy,
    /// so the strict preset turns it on.
    opt_in: bool,
}

const fn opinion(rule: &'static str, recommended: Level) -> Opinion {
    Opinion {
        rule,
        recommended,
        strict: Level::Warning,
        opt_in: false,
    }
}

const fn opt_in(rule: &'static str) -> Opinion {
    Opinion {
        rule,
        recommended: Level::Off,
        strict: Level::Warning,
        opt_in: true,
    }
}

const OPINIONS: &[Opinion] = &[
    // Documentation: worth writing, but most tables of real schemas have none.
    opinion("missing-table-comment", Level::Off),
    // Lookup and join tables, append-only logs and imported data do not need both columns.
    opinion("missing-timestamps", Level::Info),
    // NO ACTION is a valid choice; the finding asks to decide, not to fix a defect.
    opinion("foreign-key-without-on-delete", Level::Info),
    // A naming convention: camelCase schemas (Prisma's default) are consistent too.
    opinion("identifier-not-snake-case", Level::Info),
    // Small lookup tables never outgrow an integer key.
    opinion("integer-primary-key", Level::Info),
    // A length limit may be the data's own (codes, fixed formats).
    opinion("varchar-arbitrary-length", Level::Info),
    // A nullable boolean may mean "not answered yet".
    opinion("nullable-boolean", Level::Off),
    // Guessed from names; the application may validate the values.
    opinion("enum-like-column-unconstrained", Level::Info),
    // Arrays of ids serve as caches or ordered lists on purpose.
    opinion("many-to-many-as-array", Level::Info),
    // Width is a design trade-off (wide fact tables, denormalised reads).
    opinion("table-too-wide", Level::Info),
    // Guessed from numbered names.
    opinion("repeating-column-group", Level::Info),
    // Guessed from names (code, slug, email); the key may be unique elsewhere.
    opinion("natural-key-not-unique", Level::Info),
    // A status may have no sensible default.
    opinion("status-column-without-default", Level::Off),
    // Cycles between foreign keys can be intended (a current row, a parent).
    opinion("circular-foreign-keys", Level::Info),
    // Applications often set updated_at themselves.
    opinion("updated-at-without-trigger", Level::Info),
    // A nullable or default-less audit column may mean "never updated" or be set by the
    // application.
    opinion("nullable-audit-column", Level::Info),
    // Keeping a key unique across deleted rows can be intended (slugs never reused).
    opinion("soft-delete-unique-not-partial", Level::Info),
    // The application may normalise case before it writes.
    opinion("unique-email-case-sensitive", Level::Info),
    // A redundant index may serve a covering or ordered scan the wider one does not.
    opinion("redundant-index", Level::Info),
    // Only queries that test containment need a GIN index.
    opt_in("jsonb-without-gin-index"),
    // `data` and `value` are fine in a key-value table.
    opt_in("generic-column-name"),
];

/// The level of `rule` under `preset`, given the rule's own level (its level under the strict
/// checklist, after the house-style policy).
pub(crate) fn level(rule: &str, own: Level, preset: Preset) -> Level {
    let Some(opinion) = OPINIONS.iter().find(|opinion| opinion.rule == rule) else {
        return own;
    };
    match preset {
        Preset::Recommended => own.min(opinion.recommended),
        // A rule the house style turns off stays off.
        Preset::Strict if own == Level::Off && !opinion.opt_in => own,
        Preset::Strict => opinion.strict.max(own),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opinions_name_rules_and_strict_reports_every_rule() {
        for opinion in OPINIONS {
            assert!(
                super::super::find(opinion.rule).is_some(),
                "unknown rule {}",
                opinion.rule
            );
            assert!(opinion.recommended < opinion.strict, "{}", opinion.rule);
        }
        let policy = crate::config::Policy {
            preset: Preset::Strict,
            ..Default::default()
        };
        // These apply only under a house-style policy (`keys`, `strings`) other than the default.
        let by_policy = ["prefer-identity", "text-for-bounded-string"];
        for rule in super::super::all().filter(|rule| !by_policy.contains(&rule.id)) {
            assert_ne!(
                rule.default_level(&policy),
                Level::Off,
                "`{}` is off under the strict preset: the checklist must stay complete",
                rule.id
            );
        }
    }

    #[test]
    fn recommended_quiets_opinions_and_keeps_the_rest() {
        assert_eq!(
            level("missing-table-comment", Level::Info, Preset::Recommended),
            Level::Off
        );
        assert_eq!(
            level("missing-timestamps", Level::Warning, Preset::Recommended),
            Level::Info
        );
        assert_eq!(
            level("missing-timestamps", Level::Warning, Preset::Strict),
            Level::Warning
        );
        assert_eq!(
            level(
                "timestamp-without-time-zone",
                Level::Warning,
                Preset::Recommended
            ),
            Level::Warning
        );
    }
}
