//! A build resumed from what the last build of the source left equals a build from scratch.

use std::path::PathBuf;
use std::sync::Arc;

use super::{BuildCache, FileId, FileInput, History, Model};
use crate::analysis::FileData;
use crate::edits::{Numbers, edited};
use crate::syntax::Language;
use crate::text::{Document, TextRange};

/// A schema of a few hundred statements: tables that reference later ones, a search path that
/// changes, renames, drops, comments and type changes, so that a statement's effect depends on
/// the statements before it.
fn schema(tables: usize, prefix: &str) -> String {
    let mut sql = String::from("CREATE SCHEMA app;\nCREATE TYPE mood AS ENUM ('calm', 'angry');\n");
    for i in 0..tables {
        let next = (i + 1) % tables;
        if i % 40 == 20 {
            sql.push_str("SET search_path TO app, public;\n");
        }
        sql.push_str(&format!(
            "CREATE TABLE {prefix}{i} (id bigint PRIMARY KEY, next_id bigint, name text, feeling mood, at timestamp);\n\
             CREATE INDEX {prefix}{i}_name ON {prefix}{i} (name);\n\
             ALTER TABLE {prefix}{i} ADD CONSTRAINT {prefix}{i}_next FOREIGN KEY (next_id) REFERENCES {prefix}{next} (id);\n"
        ));
        sql.push_str(&match i % 8 {
            0 => format!("ALTER TABLE {prefix}{i} RENAME TO {prefix}{i}_old;\n"),
            1 => format!("ALTER TABLE {prefix}{i} RENAME COLUMN name TO title;\n"),
            2 => format!("DROP INDEX {prefix}{i}_name;\n"),
            3 => format!("COMMENT ON COLUMN {prefix}{i}.name IS 'shown';\n"),
            4 => format!("ALTER TABLE {prefix}{i} ALTER COLUMN at TYPE timestamptz;\n"),
            5 => format!("ALTER TABLE {prefix}{i} DROP COLUMN feeling;\n"),
            6 => format!("ALTER INDEX {prefix}{i}_name RENAME TO {prefix}{i}_by_name;\n"),
            _ => format!("DROP TABLE {prefix}{}_old;\n", i - 7),
        });
    }
    sql
}

/// Everything a build produces, with the maps in a stable order.
fn normalized(model: &Model) -> String {
    let mut live: Vec<String> = model
        .live
        .iter()
        .map(|(name, id)| format!("{name}={id:?}"))
        .collect();
    live.sort();
    let mut statement_tables: Vec<_> = model.statement_tables.iter().collect();
    statement_tables.sort();
    format!(
        "{:#?}\n{:#?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{live:?}\n{statement_tables:?}\n{:?}\n{:?}",
        model.tables,
        model.indexes,
        model.types,
        model.domains,
        model.extensions,
        model.schemas,
        model.functions,
        model.triggers,
        model.policies,
        model.rewrite_rules,
        model.other_relations,
        model.events,
        model.files,
        model.indexes_by_table,
        model.search_path_readers,
    )
}

fn inputs<'a>(edited: &'a FileData, fixed: &'a FileData, edited_first: bool) -> [FileInput<'a>; 2] {
    let input = |data: &'a FileData| FileInput {
        file: data.id,
        language: Language::Sql,
        history: History::Schema,
        statements: &data.statements,
    };
    match edited_first {
        true => [input(edited), input(fixed)],
        false => [input(fixed), input(edited)],
    }
}

/// Bursts of edits at one place (typing there, then deleting), at places spread over the file,
/// some inserting or removing whole statements; after each, the resumed build of `[edited,
/// fixed]` (in `order`) must equal a fresh one.
fn check_edits(edited_first: bool, seed: u64) {
    let mut file = FileData::new(
        FileId(1),
        PathBuf::from("edited.sql"),
        Language::Sql,
        Arc::new(schema(90, "t")),
    );
    let fixed = FileData::new(
        FileId(2),
        PathBuf::from("fixed.sql"),
        Language::Sql,
        Arc::new(schema(10, "u").replace("REFERENCES u0", "REFERENCES t3")),
    );
    let mut document = Document::new(&file.text, 0);
    let mut numbers = Numbers(seed);
    let mut cache = BuildCache::default();
    for burst in 0..30 {
        let len = file.text.len();
        let at = numbers.below(len) as u32;
        let steps: Vec<(TextRange, &str)> = match burst % 3 {
            0 => vec![
                (TextRange::empty(at), "x"),
                (TextRange::empty(at + 1), "y"),
                (TextRange::new(at, at + 2), ""),
            ],
            1 => {
                let line = file.text[..at as usize].rfind('\n').map_or(0, |i| i + 1) as u32;
                vec![
                    (
                        TextRange::empty(line),
                        "CREATE TABLE extra (id int REFERENCES t5);\n",
                    ),
                    (TextRange::new(line, line + 43), ""),
                ]
            }
            _ => vec![(TextRange::new(at, (at + 1).min(len as u32)), "")],
        };
        for (range, text) in steps {
            file = edited(&file, &mut document, range, text);
            let resumed = Model::build_resuming(&inputs(&file, &fixed, edited_first), &mut cache);
            let fresh = Model::build(&inputs(&file, &fixed, edited_first));
            assert_eq!(
                normalized(&resumed),
                normalized(&fresh),
                "burst {burst} at {at}: {range:?} -> {text:?}"
            );
            // Half the bursts resume from the copy made between edits.
            if burst % 2 == 0 {
                cache.prepare();
            }
        }
    }
}

#[test]
fn a_resumed_build_equals_a_fresh_one() {
    for seed in 1..=3 {
        check_edits(true, seed);
    }
}

#[test]
fn a_resumed_build_equals_a_fresh_one_when_the_edited_file_comes_second() {
    check_edits(false, 7);
}

/// One schema file's model, resumed from `cache`.
fn build(file: &FileData, cache: &mut BuildCache) -> Model {
    let input = FileInput {
        file: file.id,
        language: Language::Sql,
        history: History::Schema,
        statements: &file.statements,
    };
    Model::build_resuming(&[input], cache)
}

/// A statement reads the search path when it names a table, view, sequence, type or domain
/// without a schema, to find it or to create it; a qualified name reads none.
#[test]
fn the_statements_that_name_something_without_a_schema_read_the_search_path() {
    let text = "SET search_path TO app, public;\n\
        CREATE TABLE public.a (id int);\n\
        CREATE TABLE b (id int);\n\
        CREATE INDEX a_id ON public.a (id);\n\
        ALTER TABLE a ADD COLUMN x int;\n\
        CREATE VIEW public.v AS SELECT * FROM b;\n\
        CREATE SEQUENCE s;\n\
        ALTER TABLE public.a ADD CONSTRAINT a_b FOREIGN KEY (id) REFERENCES b (id);\n\
        CREATE TYPE public.mood AS ENUM ('calm');\n";
    let file = FileData::new(
        FileId(1),
        PathBuf::from("schema.sql"),
        Language::Sql,
        Arc::new(text.to_string()),
    );
    let model = build(&file, &mut BuildCache::default());
    let readers: Vec<&str> = model
        .search_path_readers
        .iter()
        .map(|&(_, start)| {
            let line = &text[start as usize..];
            &line[..line.find('\n').unwrap()]
        })
        .collect();
    assert_eq!(
        readers,
        [
            "CREATE TABLE b (id int);",
            "ALTER TABLE a ADD COLUMN x int;",
            "CREATE SEQUENCE s;",
            "ALTER TABLE public.a ADD CONSTRAINT a_b FOREIGN KEY (id) REFERENCES b (id);",
        ]
    );
    let set = text.find("CREATE TABLE public.a").unwrap() as u32;
    assert!(model.reads_search_path_after(FileId(1), set));
    let last_reader = text.find("ALTER TABLE public.a").unwrap() as u32;
    assert!(!model.reads_search_path_after(FileId(1), last_reader));
}

#[test]
fn typing_in_one_statement_resumes_from_a_checkpoint() {
    let mut file = FileData::new(
        FileId(1),
        PathBuf::from("edited.sql"),
        Language::Sql,
        Arc::new(schema(120, "t")),
    );
    let mut document = Document::new(&file.text, 0);
    let at = file.text.rfind("CREATE INDEX").unwrap() as u32 + 15;
    let mut cache = BuildCache::default();
    build(&file, &mut cache);
    assert!(cache.checkpoint.is_none(), "nothing changed yet");
    file = edited(&file, &mut document, TextRange::empty(at), "x");
    build(&file, &mut cache);
    assert!(
        cache.checkpoint.is_none(),
        "a build copies no builder itself"
    );
    cache.prepare();
    let position = |cache: &BuildCache| cache.checkpoint.as_ref().map(|c| c.position);
    let edited_statement = file.statements.partition_point(|s| s.start <= at) - 1;
    assert_eq!(position(&cache), Some(edited_statement));
    assert!(cache.checkpoint.as_ref().is_some_and(|c| c.spare.is_some()));
    file = edited(&file, &mut document, TextRange::empty(at + 1), "y");
    build(&file, &mut cache);
    assert_eq!(position(&cache), Some(edited_statement));
    assert!(
        cache.checkpoint.as_ref().is_some_and(|c| c.spare.is_none()),
        "the build took the spare"
    );
    cache.prepare();
    assert!(cache.checkpoint.as_ref().is_some_and(|c| c.spare.is_some()));
    file = edited(&file, &mut document, TextRange::new(at, at + 2), "");
    let resumed = build(&file, &mut cache);
    assert!(
        cache.checkpoint.as_ref().is_some_and(|c| c.spare.is_none()),
        "the build took the spare"
    );
    let fresh = Model::build(&[FileInput {
        file: file.id,
        language: Language::Sql,
        history: History::Schema,
        statements: &file.statements,
    }]);
    assert_eq!(normalized(&resumed), normalized(&fresh));
}

#[test]
fn the_copy_for_the_next_build_shares_the_tables_no_later_statement_changes() {
    let mut text: String = (0..300)
        .map(|n| format!("CREATE TABLE t{n} (id int);\n"))
        .collect();
    text.push_str("ALTER TABLE t1 ADD COLUMN before_edit int;\n");
    let at = text.len() as u32 + "CREATE TABLE edited".len() as u32;
    text.push_str("CREATE TABLE edited (id int);\nALTER TABLE t2 ADD COLUMN after_edit int;\n");
    let mut file = FileData::new(
        FileId(1),
        PathBuf::from("edited.sql"),
        Language::Sql,
        Arc::new(text),
    );
    let mut document = Document::new(&file.text, 0);
    let mut cache = BuildCache::default();
    build(&file, &mut cache);
    file = edited(&file, &mut document, TextRange::empty(at), "x");
    build(&file, &mut cache);
    cache.prepare();
    let checkpoint = cache.checkpoint.as_ref().unwrap();
    assert_eq!(checkpoint.position, 301, "before the edited statement");
    let (state, spare) = (
        &checkpoint.state.model,
        &checkpoint.spare.as_ref().unwrap().model,
    );
    let (t1, t2) = (1, 2);
    assert!(Arc::ptr_eq(&state.tables[t1], &spare.tables[t1]));
    assert!(
        !Arc::ptr_eq(&state.tables[t2], &spare.tables[t2]),
        "t2 changes after the checkpoint: copied ahead of the build"
    );
    assert_eq!(Arc::strong_count(&spare.tables[t2]), 1);
    let spare_t2 = Arc::as_ptr(&spare.tables[t2]);

    file = edited(&file, &mut document, TextRange::empty(at + 1), "y");
    let model = build(&file, &mut cache);
    let state = &cache.checkpoint.as_ref().unwrap().state.model;
    assert!(Arc::ptr_eq(&state.tables[t1], &model.tables[t1]));
    assert_eq!(
        Arc::as_ptr(&model.tables[t2]),
        spare_t2,
        "the build changed the spare's own copy"
    );
    assert!(
        model.tables[t2]
            .columns
            .iter()
            .any(|c| c.name == "after_edit")
    );
    assert!(
        !state.tables[t2]
            .columns
            .iter()
            .any(|c| c.name == "after_edit")
    );
}
