//! ## What it does
//! Reports `CREATE INDEX` without `CONCURRENTLY` in a migration not yet applied, on a table
//! that an earlier migration created. Tables created in the same migration and partitioned
//! tables (which cannot be indexed concurrently) are not reported; nor are standalone schema
//! files, nor migrations that already ran.
//!
//! ## Why is this bad?
//! A plain `CREATE INDEX` takes a SHARE lock on the table for the whole build: inserts, updates
//! and deletes wait until the index is complete, which on a large table means minutes of
//! downtime. `CREATE INDEX CONCURRENTLY` builds the index while writes go on.
//!
//! ## Example
//! ```sql
//! -- migrations/0002_index_orders.sql (orders was created by 0001)
//! CREATE INDEX orders_customer_id_idx ON orders (customer_id);
//! ```
//!
//! Use instead:
//! ```sql
//! CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
//! ```
//!
//! ## Fix safety
//! "Create the index concurrently" inserts `CONCURRENTLY` after `INDEX`. It is unsafe because
//! `CREATE INDEX CONCURRENTLY` cannot run inside a transaction block: the migration must run
//! outside one (goose `-- +goose NO TRANSACTION`, sqlx `-- no-transaction`, a Diesel
//! `metadata.toml` with `run_in_transaction = false`, one statement per Prisma migration), and
//! a failed concurrent build leaves an INVALID index to drop before retrying.
//!
//! ## Options
//! None.

use crate::config::Level;
use crate::fix::keyword_case;
use crate::lower::Fact;
use crate::model::Loc;
use crate::rules::migrations::on_tables_with_rows;
use crate::rules::{Diagnostic, Edit, Fix, Rule, RuleCx, RuleScope};
use crate::text::TextRange;

pub(crate) const RULE: Rule = Rule {
    id: "index-not-concurrent",
    level: |_| Level::Warning,
    options: &[],
    fixable: true,
    scope: RuleScope::Schema,
    check: Some(check),
};

fn check(cx: &RuleCx, out: &mut Vec<Diagnostic>) {
    for found in on_tables_with_rows(cx) {
        let Fact::CreateIndex(index) = found.fact else {
            continue;
        };
        if index.concurrently || found.table.partitioned {
            continue;
        }
        let statement = found.statement;
        let head = Loc {
            file: found.file.id,
            range: statement.absolute(TextRange::new(0, index.index_keyword.end())),
        };
        let message = format!(
            "`CREATE INDEX` on existing table `{}` blocks its writes until the index is built; use `CREATE INDEX CONCURRENTLY`",
            found.table.name_at(cx.model, head)
        );
        let after_index = statement.absolute(index.index_keyword).end();
        let word = keyword_case(&found.file.text, statement.range(), " CONCURRENTLY");
        let fix = Fix::unsafe_(
            "Create the index concurrently",
            vec![Edit::insert(found.file.id, after_index, word)],
        );
        out.push(Diagnostic::new(head, message).with_fix(fix));
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
