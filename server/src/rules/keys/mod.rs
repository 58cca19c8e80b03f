//! Section 2 of the catalog: keys and relationships.

pub(crate) mod circular_foreign_keys;
pub(crate) mod foreign_key_target_not_unique;
pub(crate) mod foreign_key_type_mismatch;
pub(crate) mod foreign_key_unknown_target;
pub(crate) mod foreign_key_without_index;
pub(crate) mod foreign_key_without_on_delete;
pub(crate) mod junction_table_without_unique;
pub(crate) mod many_to_many_as_array;
pub(crate) mod missing_primary_key;

use crate::lower::ConstraintKind;
use crate::model::{Model, TableId};

use super::Rule;

pub(super) const RULES: &[&Rule] = &[
    &missing_primary_key::RULE,
    &foreign_key_without_index::RULE,
    &foreign_key_without_on_delete::RULE,
    &foreign_key_type_mismatch::RULE,
    &foreign_key_unknown_target::RULE,
    &foreign_key_target_not_unique::RULE,
    &circular_foreign_keys::RULE,
    &many_to_many_as_array::RULE,
    &junction_table_without_unique::RULE,
];

/// The columns of foreign keys that reference `table.column`.
pub(crate) fn referencing_columns(
    model: &Model,
    table: TableId,
    column: &str,
) -> Vec<(TableId, String)> {
    let mut found = Vec::new();
    for other in model.live_tables() {
        for fk in other.foreign_keys().filter(|fk| fk.target == Some(table)) {
            let ConstraintKind::ForeignKey { columns, .. } = fk.kind() else {
                continue;
            };
            let referenced = model.referenced_columns(fk);
            for (fk_column, referenced) in columns.iter().zip(&referenced) {
                if referenced == column {
                    found.push((other.id, fk_column.name.clone()));
                }
            }
        }
    }
    found
}
