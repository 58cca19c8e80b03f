//! Edit builders for Prisma blocks (`model X { ... }`): members are lines, no separators.

use super::{indentation_in, line_ending, start_of_line};
use crate::diagnostic::Edit;
use crate::file::FileData;
use crate::text::TextRange;

/// The members' indentation (that of the first member), or two spaces.
fn member_indent<'a>(file: &'a FileData, members: &[TextRange]) -> &'a str {
    members
        .first()
        .map_or("  ", |first| indentation_in(file, first.start()))
}

/// Inserts `line` as the first member of the block whose braces are at `body`.
pub fn insert_first_member(
    file: &FileData,
    body: TextRange,
    members: &[TextRange],
    line: &str,
) -> Edit {
    let newline = line_ending(&file.text);
    let indent = member_indent(file, members);
    match members.first() {
        Some(first) => {
            let line_start = start_of_line(&file.text, first.start());
            Edit::insert(file.id, line_start, format!("{indent}{line}{newline}"))
        }
        None => Edit::insert(
            file.id,
            body.start() + 1,
            format!("{newline}{indent}{line}{newline}"),
        ),
    }
}

/// Appends `line` as the last member, just before the closing brace.
pub fn append_member(file: &FileData, body: TextRange, members: &[TextRange], line: &str) -> Edit {
    let newline = line_ending(&file.text);
    let indent = member_indent(file, members);
    let closing = body.end() - 1;
    let line_start = start_of_line(&file.text, closing);
    if file.text[line_start as usize..closing as usize]
        .trim()
        .is_empty()
    {
        Edit::insert(file.id, line_start, format!("{indent}{line}{newline}"))
    } else {
        Edit::insert(
            file.id,
            closing,
            format!("{newline}{indent}{line}{newline}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::fix::apply_edits;
    use crate::lower::Fact;
    use crate::model::FileId;
    use crate::syntax::Language;

    /// The file and the body of its model.
    fn model(text: &str) -> (FileData, TextRange) {
        let file = FileData::new(
            FileId(0),
            PathBuf::from("schema.prisma"),
            Language::Prisma,
            Arc::new(text.to_string()),
        );
        let body = file
            .statements
            .iter()
            .flat_map(|statement| &statement.lowered.facts)
            .find_map(|fact| match fact {
                Fact::CreateTable(table) => table.elements_range,
                _ => None,
            })
            .expect("a model");
        (file, body)
    }

    #[test]
    fn member_goes_after_a_last_line_comment() {
        let (file, body) = model("model Post {\n  id Int @id\n  // é\n}\n");
        let edit = append_member(&file, body, &[], "@@index([id])");
        assert_eq!(
            apply_edits(&file.text, file.id, &[edit]).0,
            "model Post {\n  id Int @id\n  // é\n  @@index([id])\n}\n"
        );
    }
}
