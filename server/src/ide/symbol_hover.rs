//! Hover on a name that is not a table: a column's type, nullability, default, keys, foreign
//! keys in and out, the indexes that lead with it and its comment; for an index, constraint,
//! type, domain, function, trigger, policy, view or sequence, the statement that created it.

use crate::ide::inlay_hints::referenced_columns;
use crate::ide::names::{Symbol, definition_loc, symbol_at};
use crate::lower::ConstraintKind;
use crate::model::{Loc, Model, Table, TableId};
use crate::text::TextRange;
use crate::workspace::host::{FileView, Snapshot};

/// Lines of a definition a hover shows before it cuts the rest.
const MAX_LINES: usize = 16;

/// The hover for the name at `offset`, unless it is a table (the ERD hover's) or unknown.
pub fn symbol_hover(
    snapshot: &Snapshot,
    file: &FileView,
    offset: u32,
) -> Option<(String, TextRange)> {
    let model = &file.source.as_ref()?.model;
    let (symbol, range) = symbol_at(file, offset)?;
    let markdown = match &symbol {
        Symbol::Table(_) => return None,
        Symbol::Column(table, position) => column_markdown(snapshot, model, *table, *position),
        other => definition_markdown(snapshot, model, other)?,
    };
    Some((markdown, range))
}

fn text_of(snapshot: &Snapshot, loc: Loc) -> Option<&str> {
    let file = snapshot.file_by_id(loc.file)?;
    file.data
        .text
        .get(loc.range.start() as usize..loc.range.end() as usize)
}

fn column_markdown(snapshot: &Snapshot, model: &Model, id: TableId, position: usize) -> String {
    let table = model.table(id);
    let column = &table.columns[position];
    let mut head = format!("column `{}.{}`", table.name, column.name);
    let ty = column
        .ty
        .as_ref()
        .and_then(|ty| text_of(snapshot, ty.loc(ty.value.range)));
    if let Some(ty) = ty {
        head.push_str(&format!(" `{ty}`"));
    }
    let mut facts = Vec::new();
    facts.push(if column.is_nullable() {
        "nullable".to_owned()
    } else {
        "NOT NULL".to_owned()
    });
    if let Some(default) = &column.default
        && let Some(text) = text_of(snapshot, default.loc(default.value.range))
    {
        facts.push(format!("DEFAULT `{}`", text.trim()));
    }
    if column.identity {
        facts.push("identity".to_owned());
    }
    if column.generated {
        facts.push("generated".to_owned());
    }
    let mut lines = vec![format!("**{head}**: {}", facts.join(", "))];
    lines.extend(key_lines(model, table, &column.name));
    lines.extend(referenced_by(model, id, &column.name));
    let indexes: Vec<String> = model
        .indexes_of(id)
        .filter(|index| index.columns().first() == Some(&Some(column.name.as_str())))
        .map(|index| {
            let unique = if index.def.value.unique {
                "unique "
            } else {
                ""
            };
            match &index.name {
                Some(name) => format!("{unique}`{name}`"),
                None => format!("{unique}index"),
            }
        })
        .collect();
    if !indexes.is_empty() {
        lines.push(format!("- leads the index {}", indexes.join(", ")));
    }
    if let Some(comment) = &column.comment {
        lines.push(String::new());
        lines.push(format!("> {}", comment.replace('\n', "\n> ")));
    }
    lines.join("\n")
}

/// The primary key, unique constraints and foreign keys of `table` on `column`.
fn key_lines(model: &Model, table: &Table, column: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for constraint in &table.constraints {
        if !constraint.columns().contains(&column) {
            continue;
        }
        let columns = constraint.columns().join(", ");
        match constraint.kind() {
            ConstraintKind::PrimaryKey { .. } => lines.push(format!("- primary key ({columns})")),
            ConstraintKind::Unique { .. } => lines.push(format!("- unique ({columns})")),
            ConstraintKind::ForeignKey { references, .. } => {
                let target = constraint.target.map_or_else(
                    || references.table.name.name.clone(),
                    |target| model.table(target).name.to_string(),
                );
                let on_delete = references
                    .on_delete
                    .as_ref()
                    .map_or(String::new(), |(action, _)| {
                        format!(", ON DELETE {action:?}").to_uppercase()
                    });
                lines.push(format!("- references `{target}`{on_delete}"));
            }
            _ => {}
        }
    }
    lines
}

/// The foreign keys of other tables that reference `column` of table `id`.
fn referenced_by(model: &Model, id: TableId, column: &str) -> Vec<String> {
    let target = model.table(id);
    let mut referencing: Vec<String> = Vec::new();
    for table in model.live_tables() {
        for fk in table.foreign_keys() {
            let ConstraintKind::ForeignKey {
                columns,
                references,
            } = fk.kind()
            else {
                continue;
            };
            if fk.target != Some(id) {
                continue;
            }
            if let Some(at) = referenced_columns(target, &references.columns)
                .iter()
                .position(|c| c == column)
                && let Some(from) = columns.get(at)
            {
                referencing.push(format!("`{}.{}`", table.name, from.name));
            }
        }
    }
    if referencing.is_empty() {
        return Vec::new();
    }
    let count = referencing.len();
    referencing.truncate(8);
    let more = if count > 8 {
        format!(" and {} more", count - 8)
    } else {
        String::new()
    };
    vec![format!("- referenced by {}{more}", referencing.join(", "))]
}

/// The statement that created the symbol, cut after a few lines.
fn definition_markdown(snapshot: &Snapshot, model: &Model, symbol: &Symbol) -> Option<String> {
    let loc = *definition_loc(model, symbol).first()?;
    let file = snapshot.file_by_id(loc.file)?;
    let statement = file.data.statement_at(loc.range.start())?;
    let text = file.data.slice(statement.range());
    let mut shown: Vec<&str> = text.lines().take(MAX_LINES).collect();
    if text.lines().count() > MAX_LINES {
        shown.push("...");
    }
    let kind = match symbol {
        Symbol::Table(_) | Symbol::Column(..) => return None,
        Symbol::Constraint(..) => "constraint",
        Symbol::Index(_) => "index",
        Symbol::Type(_) => "type",
        Symbol::Domain(_) => "domain",
        Symbol::Function(_) => "function",
        Symbol::Trigger(_) => "trigger",
        Symbol::Policy(_) => "policy",
        Symbol::Relation(_) => "relation",
    };
    let fence = match file.data.language {
        crate::syntax::Language::Sql => "sql",
        crate::syntax::Language::Prisma => "prisma",
    };
    Some(format!(
        "**{kind}** `{}`\n\n```{fence}\n{}\n```",
        text_of(snapshot, loc)?,
        shown.join("\n").trim_end()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn hover_at(text: &str) -> String {
        let fixture = Fixture::new(text);
        let (file, offset) = fixture.cursor();
        symbol_hover(&fixture.snapshot, file, offset)
            .map(|(markdown, _)| markdown)
            .unwrap_or_default()
    }

    #[test]
    fn a_column_shows_its_type_keys_references_and_indexes() {
        let markdown = hover_at(
            "CREATE TABLE customers (id bigint PRIMARY KEY);\n\
             CREATE TABLE orders (\n\
                 id bigint PRIMARY KEY,\n\
                 customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE,\n\
                 placed_at timestamptz DEFAULT now()\n\
             );\n\
             CREATE INDEX orders_customer_id_idx ON orders (customer_id$0);\n\
             COMMENT ON COLUMN orders.customer_id IS 'Who ordered';\n",
        );
        assert!(
            markdown.starts_with("**column `orders.customer_id` `bigint`**: NOT NULL"),
            "{markdown}"
        );
        assert!(
            markdown.contains("- references `customers`, ON DELETE CASCADE"),
            "{markdown}"
        );
        assert!(
            markdown.contains("- leads the index `orders_customer_id_idx`"),
            "{markdown}"
        );
        assert!(markdown.contains("> Who ordered"), "{markdown}");
    }

    #[test]
    fn a_key_lists_the_columns_that_reference_it() {
        let markdown = hover_at(
            "CREATE TABLE customers (id$0 bigint PRIMARY KEY);\n\
             CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);\n",
        );
        assert!(markdown.contains("- primary key (id)"), "{markdown}");
        assert!(
            markdown.contains("- referenced by `orders.customer_id`"),
            "{markdown}"
        );
    }

    #[test]
    fn an_index_or_type_shows_the_statement_that_created_it() {
        let markdown = hover_at(
            "CREATE TYPE mood AS ENUM ('sad', 'happy');\n\
             CREATE TABLE people (id bigint PRIMARY KEY, feeling mood$0);\n",
        );
        assert!(markdown.starts_with("**type** `mood`"), "{markdown}");
        assert!(
            markdown.contains("CREATE TYPE mood AS ENUM ('sad', 'happy');"),
            "{markdown}"
        );
    }
}
