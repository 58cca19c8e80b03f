//! ## What it does
//! Reports `CREATE RULE`, on the rule's name. The `_RETURN` rules pg_dump writes to define
//! views are not reported.
//!
//! ## Why is this bad?
//! Rules rewrite queries before they run, and listed in PostgreSQL's "Don't Do This" for good
//! reason: a rule runs once per statement, not per row, its conditions see the query rather than
//! the rows, volatile expressions run several times, and `RETURNING`, `COPY` and `INSERT ... ON
//! CONFLICT` behave in surprising ways or not at all. Triggers do what most rules are written for,
//! with the semantics people expect.
//!
//! ## Example
//! ```sql
//! CREATE RULE log_insert AS ON INSERT TO orders
//!     DO ALSO INSERT INTO order_log (order_id) VALUES (NEW.id);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE FUNCTION log_order() RETURNS trigger LANGUAGE plpgsql AS $$
//! BEGIN
//!     INSERT INTO order_log (order_id) VALUES (NEW.id);
//!     RETURN NEW;
//! END
//! $$;
//! CREATE TRIGGER log_insert AFTER INSERT ON orders
//!     FOR EACH ROW EXECUTE FUNCTION log_order();
//! ```
//!
//! ## Fix safety
//! No automatic fix: a rule's action has to be rewritten as a trigger function.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "create-rule",
    level: |_| Level::Warning,
    options: &[],
    fixable: false,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for rule in &cx.model.rewrite_rules {
        // pg_dump defines some views as a table plus an ON SELECT rule named `_RETURN`.
        if rule.name == "_RETURN" {
            continue;
        }
        // A table by its name now (a later RENAME included); a view as the rule named it.
        let relation = match rule.table {
            Some(table) => &cx.model.table(table).name,
            None => &rule.relation,
        };
        let message = format!(
            "rule `{}` on `{relation}` rewrites queries: rules run per statement and interact badly with RETURNING, COPY and ON CONFLICT; use a trigger",
            rule.name
        );
        out.push(Diagnostic::new(rule.name_loc, message));
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
