//! Conversions between LSP types and the server's own: paths for URIs, byte offsets for
//! positions. The only place positions change encoding (through `text/`).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::text::{LineCol, LineIndex, PositionEncoding, TextRange};

/// The encoding of an LSP `positionEncoding` value.
pub(crate) fn encoding(kind: &lsp::PositionEncodingKind) -> Option<PositionEncoding> {
    match kind.as_str() {
        "utf-8" => Some(PositionEncoding::Utf8),
        "utf-16" => Some(PositionEncoding::Utf16),
        "utf-32" => Some(PositionEncoding::Utf32),
        _ => None,
    }
}

pub(crate) fn encoding_kind(encoding: PositionEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

pub(crate) mod from_proto {
    use super::*;
    use crate::workspace::host::{DiskChange, DiskEvent, TextChange};

    /// The host's key for a document: the file's path, or for a document that is not a file (an
    /// unsaved buffer) its URI as a relative path, which no file on disk can have.
    pub(crate) fn path(uri: &Uri) -> Option<PathBuf> {
        if uri.scheme().as_str().eq_ignore_ascii_case("file") {
            return uri
                .to_file_path()
                .map(|path| path.into_owned())
                .filter(|path| path.is_absolute());
        }
        Some(PathBuf::from(uri.as_str()))
    }

    pub(crate) fn line_col(position: lsp::Position) -> LineCol {
        LineCol::new(position.line, position.character)
    }

    pub(crate) fn offset(
        lines: &LineIndex,
        position: lsp::Position,
        encoding: PositionEncoding,
    ) -> u32 {
        lines.offset(line_col(position), encoding)
    }

    /// A range; an inverted one is read as the empty range at its start.
    pub(crate) fn range(
        lines: &LineIndex,
        range: lsp::Range,
        encoding: PositionEncoding,
    ) -> TextRange {
        let start = offset(lines, range.start, encoding);
        let end = offset(lines, range.end, encoding);
        TextRange::new(start, end.max(start))
    }

    pub(crate) fn text_change(change: lsp::TextDocumentContentChangeEvent) -> TextChange {
        TextChange {
            range: change
                .range
                .map(|range| (line_col(range.start), line_col(range.end))),
            text: change.text,
        }
    }

    pub(crate) fn disk_event(event: &lsp::FileEvent) -> Option<DiskEvent> {
        let change = match event.typ {
            lsp::FileChangeType::CREATED => DiskChange::Created,
            lsp::FileChangeType::DELETED => DiskChange::Deleted,
            _ => DiskChange::Changed,
        };
        let path = path(&event.uri).filter(|path| path.is_absolute())?;
        Some(DiskEvent { path, change })
    }
}

pub(crate) mod to_proto {
    use super::*;
    use crate::ide;
    use crate::rules::{self, Severity};
    use crate::workspace::host::{FileView, Snapshot};

    /// The URI of a host key (see [`from_proto::path`]).
    pub(crate) fn uri(path: &Path) -> Option<Uri> {
        if path.is_absolute() {
            Uri::from_file_path(path)
        } else {
            Uri::from_str(path.to_str()?).ok()
        }
    }

    pub(crate) fn position(
        lines: &LineIndex,
        offset: u32,
        encoding: PositionEncoding,
    ) -> lsp::Position {
        let at = lines.line_col(offset, encoding);
        lsp::Position::new(at.line, at.col)
    }

    pub(crate) fn range(
        lines: &LineIndex,
        range: TextRange,
        encoding: PositionEncoding,
    ) -> lsp::Range {
        lsp::Range::new(
            position(lines, range.start(), encoding),
            position(lines, range.end(), encoding),
        )
    }

    pub(crate) fn completion_item(
        item: ide::CompletionItem,
        range: lsp::Range,
        markdown: bool,
    ) -> lsp::CompletionItem {
        use ide::CompletionKind as Kind;
        let kind = match item.kind {
            Kind::Table => lsp::CompletionItemKind::CLASS,
            Kind::Column => lsp::CompletionItemKind::FIELD,
            Kind::Type => lsp::CompletionItemKind::TYPE_PARAMETER,
            Kind::Enum => lsp::CompletionItemKind::ENUM,
            Kind::Keyword => lsp::CompletionItemKind::KEYWORD,
            Kind::Snippet => lsp::CompletionItemKind::SNIPPET,
            Kind::Attribute => lsp::CompletionItemKind::PROPERTY,
            Kind::Function => lsp::CompletionItemKind::FUNCTION,
        };
        let documentation = item.documentation.map(|value| {
            let kind = if markdown {
                lsp::MarkupKind::Markdown
            } else {
                lsp::MarkupKind::PlainText
            };
            lsp::Documentation::MarkupContent(lsp::MarkupContent { kind, value })
        });
        let format = if item.snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        };
        let new_text = item.insert.unwrap_or_else(|| item.label.clone());
        lsp::CompletionItem {
            // The typed prefix may start with a quote or `@`, which clients filter by.
            filter_text: Some(new_text.clone()),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                range, new_text,
            ))),
            label: item.label,
            kind: Some(kind),
            detail: item.detail,
            documentation,
            sort_text: Some(item.sort),
            insert_text_format: Some(format),
            ..lsp::CompletionItem::default()
        }
    }

    pub(crate) fn symbol_kind(kind: ide::SymbolKind) -> lsp::SymbolKind {
        use ide::SymbolKind::*;
        match kind {
            Table => lsp::SymbolKind::STRUCT,
            Column => lsp::SymbolKind::FIELD,
            Constraint => lsp::SymbolKind::PROPERTY,
            Index => lsp::SymbolKind::KEY,
            View => lsp::SymbolKind::INTERFACE,
            Sequence => lsp::SymbolKind::NUMBER,
            Function => lsp::SymbolKind::FUNCTION,
            Trigger => lsp::SymbolKind::EVENT,
            Policy => lsp::SymbolKind::OBJECT,
            Type => lsp::SymbolKind::CLASS,
            Enum => lsp::SymbolKind::ENUM,
            EnumLabel => lsp::SymbolKind::ENUM_MEMBER,
            Domain => lsp::SymbolKind::TYPE_PARAMETER,
            Extension => lsp::SymbolKind::PACKAGE,
            Schema => lsp::SymbolKind::NAMESPACE,
        }
    }

    // `deprecated` is a field the protocol still requires to be settable.
    #[allow(deprecated)]
    pub(crate) fn document_symbol(
        lines: &LineIndex,
        symbol: &ide::DocumentSymbol,
        encoding: PositionEncoding,
    ) -> lsp::DocumentSymbol {
        let children: Vec<lsp::DocumentSymbol> = symbol
            .children
            .iter()
            .map(|child| document_symbol(lines, child, encoding))
            .collect();
        lsp::DocumentSymbol {
            name: symbol.name.clone(),
            detail: symbol.detail.clone(),
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            range: range(lines, symbol.range, encoding),
            selection_range: range(lines, symbol.selection, encoding),
            children: (!children.is_empty()).then_some(children),
        }
    }

    #[allow(deprecated)]
    pub(crate) fn symbol_information(
        name: &str,
        kind: ide::SymbolKind,
        container: Option<&str>,
        location: lsp::Location,
    ) -> lsp::SymbolInformation {
        lsp::SymbolInformation {
            name: name.to_string(),
            kind: symbol_kind(kind),
            tags: None,
            deprecated: None,
            location,
            container_name: container.map(String::from),
        }
    }

    fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
        match severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        }
    }

    /// A diagnostic of `file`. It carries no `data`: a code action finds the diagnostic (with its
    /// fixes) again in the snapshot of the document's version.
    pub(crate) fn diagnostic(
        snapshot: &Snapshot,
        file: &FileView,
        diagnostic: &rules::Diagnostic,
        encoding: PositionEncoding,
    ) -> lsp::Diagnostic {
        let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
            .related
            .iter()
            .filter_map(|related| {
                let other = snapshot.file_by_id(related.loc.file)?;
                Some(lsp::DiagnosticRelatedInformation {
                    location: lsp::Location::new(
                        uri(&other.data.path)?,
                        range(&other.data.lines, related.loc.range, encoding),
                    ),
                    message: related.message.clone(),
                })
            })
            .collect();
        let unnecessary = diagnostic.rule == "unused-suppression";
        lsp::Diagnostic {
            range: range(&file.data.lines, diagnostic.range, encoding),
            severity: Some(severity(diagnostic.severity)),
            code: Some(lsp::NumberOrString::String(diagnostic.rule.to_string())),
            code_description: None,
            source: Some("ddlint".to_string()),
            message: diagnostic.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: unnecessary.then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
            data: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_uris_round_trip() {
        let uri = Uri::from_str("file:///srv/a%20b/schema.sql").unwrap();
        let path = from_proto::path(&uri).unwrap();
        assert_eq!(path, Path::new("/srv/a b/schema.sql"));
        assert_eq!(
            to_proto::uri(&path).unwrap().as_str(),
            "file:///srv/a%20b/schema.sql"
        );

        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        let key = from_proto::path(&untitled).unwrap();
        assert!(key.is_relative());
        assert_eq!(to_proto::uri(&key).unwrap(), untitled);
    }

    #[test]
    fn positions_convert_in_the_negotiated_encoding() {
        let text = "é中😀x\r\nab";
        let lines = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        let utf16 = to_proto::position(&lines, x, PositionEncoding::Utf16);
        assert_eq!(utf16, lsp::Position::new(0, 4));
        let utf8 = to_proto::position(&lines, x, PositionEncoding::Utf8);
        assert_eq!(utf8, lsp::Position::new(0, 9));
        assert_eq!(
            from_proto::offset(&lines, utf16, PositionEncoding::Utf16),
            x
        );
        assert_eq!(from_proto::offset(&lines, utf8, PositionEncoding::Utf8), x);
        let b = text.find('b').unwrap() as u32;
        assert_eq!(
            to_proto::position(&lines, b, PositionEncoding::Utf16),
            lsp::Position::new(1, 1)
        );
        let inverted = lsp::Range::new(lsp::Position::new(1, 1), lsp::Position::new(0, 0));
        assert_eq!(
            from_proto::range(&lines, inverted, PositionEncoding::Utf16),
            TextRange::empty(b)
        );
    }
}
