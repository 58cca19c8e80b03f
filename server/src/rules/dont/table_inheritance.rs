//! ## What it does
//! Reports `CREATE TABLE ... INHERITS (parent)`, on the INHERITS clause. Declarative partitions
//! (`PARTITION OF`) are not inheritance and are not reported.
//!
//! ## Why is this bad?
//! Table inheritance predates declarative partitioning and is listed in PostgreSQL's "Don't Do
//! This": indexes, primary keys, unique constraints and foreign keys of the parent do not apply
//! to the children, so uniqueness across the hierarchy cannot be enforced and a foreign key to
//! the parent does not see the children's rows. Queries on the parent silently include the
//! children unless written with ONLY.
//!
//! ## Example
//! ```sql
//! CREATE TABLE vehicles (id bigint PRIMARY KEY, name text NOT NULL);
//! CREATE TABLE trucks (payload_kg integer) INHERITS (vehicles);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE TABLE vehicles (id bigint PRIMARY KEY, name text NOT NULL);
//! CREATE TABLE trucks (
//!     vehicle_id bigint PRIMARY KEY REFERENCES vehicles (id),
//!     payload_kg integer
//! );
//! ```
//!
//! ## Fix safety
//! No automatic fix: replacing inheritance with a foreign key or partitioning changes the
//! schema and the queries.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::rules::{Diagnostic, Rule, RuleCx, RuleScope};

pub(crate) const RULE: Rule = Rule {
    id: "table-inheritance",
    level: |_| Level::Warning,
    options: &[],
    fixable: false,
    scope: RuleScope::Table,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for table in cx.live_tables() {
        let Some(clause) = table.inherits_loc else {
            continue;
        };
        let parents: Vec<String> = table.inherits.iter().map(|p| format!("`{p}`")).collect();
        let message = format!(
            "`{}` inherits from {}: inherited tables do not share indexes, unique constraints or foreign keys; use a foreign key to the parent or declarative partitioning",
            table.name,
            parents.join(", ")
        );
        out.push(Diagnostic::new(clause, message));
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
