//! ## What it does
//! Reports attempts to remove a value from an enum type, in migrations not yet applied and in
//! schema files: `ALTER TYPE ... DROP VALUE`, which PostgreSQL does not have (it rejects the
//! statement), and `DELETE FROM pg_enum`, which removes the label behind PostgreSQL's back.
//!
//! ## Why is this bad?
//! PostgreSQL can add and rename enum values but never remove one: rows may still hold it, and
//! indexes order by it. `ALTER TYPE ... DROP VALUE` fails, so the migration does not run.
//! Deleting the `pg_enum` row "works", but rows that still hold the value can no longer be
//! read (`invalid internal value for enum`), and btree indexes on such columns can be corrupt.
//! The supported way is to build a new type and move the columns to it.
//!
//! ## Example
//! ```sql
//! -- migrations/0007_drop_mood_sad.sql
//! ALTER TYPE mood DROP VALUE 'sad';
//! ```
//!
//! Use instead:
//! ```sql
//! UPDATE people SET current_mood = 'ok' WHERE current_mood = 'sad';
//! CREATE TYPE mood_new AS ENUM ('happy', 'ok');
//! ALTER TABLE people ALTER COLUMN current_mood TYPE mood_new
//!     USING current_mood::text::mood_new;
//! DROP TYPE mood;
//! ALTER TYPE mood_new RENAME TO mood;
//! ```
//!
//! ## Fix safety
//! No automatic fix: the rows holding the value must first get another one, which only the
//! author can choose, and moving a column to the new type rewrites its table.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::lower::{AlterTypeAction, CommandVerb, Fact};
use crate::model::Loc;
use crate::rules::migrations::command_of;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "alter-enum-remove-value",
    level: |_| Level::Error,
    options: &[],
    fixable: false,
    scope: RuleScope::Schema,
    check: Some(check),
};

const NEW_TYPE: &str = "create a new type without it, move the columns to it with `ALTER COLUMN ... TYPE ... USING col::text::new_type`, then drop the old type and rename the new one";

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for file in cx.files() {
        let editable = cx
            .model
            .file_meta(file.id)
            .is_some_and(|meta| meta.history.is_editable());
        if !editable {
            continue;
        }
        for statement in file.statements.iter() {
            for fact in &statement.lowered.facts {
                if let Fact::AlterType {
                    name,
                    action: AlterTypeAction::DropValue { value, range },
                } = fact
                {
                    let at = Loc {
                        file: file.id,
                        range: statement.absolute(*range),
                    };
                    let type_name = cx.text(Loc {
                        file: file.id,
                        range: statement.absolute(name.range),
                    });
                    out.push(Diagnostic::new(
                        at,
                        format!(
                            "PostgreSQL cannot remove a value from an enum and rejects `ALTER TYPE ... DROP VALUE`; to remove '{value}' from `{type_name}`, {NEW_TYPE}"
                        ),
                    ));
                }
            }
            let Some(command) = command_of(statement) else {
                continue;
            };
            let from_pg_enum = command.targets.first().is_some_and(|target| {
                target.name.name == "pg_enum"
                    && target
                        .schema
                        .as_ref()
                        .is_none_or(|s| s.name == "pg_catalog")
            });
            if command.verb == CommandVerb::Delete && from_pg_enum {
                let at = Loc {
                    file: file.id,
                    range: statement.absolute(command.head),
                };
                out.push(Diagnostic::new(
                    at,
                    format!(
                        "deleting from `pg_enum` removes an enum value behind PostgreSQL's back: rows still holding it can no longer be read, and indexes on them break; {NEW_TYPE}"
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check_rule_fixtures;

    #[test]
    fn fixtures() {
        check_rule_fixtures(super::RULE.id);
    }
}
