//! A check after an edit that visits only the affected tables finds exactly what a check of
//! everything finds.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::RuleCache;
use crate::analysis::FileData;
use crate::config::Config;
use crate::edits::{Numbers, edited};
use crate::model::{FileId, FileInput, History, Model, TableId};
use crate::rules::scope::{Owners, TableSet, Visit};
use crate::rules::{self, Diagnostic, RuleScope, Selection};
use crate::syntax::Language;
use crate::text::{Document, TextRange};

/// Every rule, whatever its default level.
fn every_rule() -> Selection {
    Selection {
        select: Some(rules::all().map(|rule| rule.id.to_string()).collect()),
        ignore: Vec::new(),
        force_selected: true,
    }
}

/// A schema where tables depend on each other every way the rules look: foreign keys both
/// ways, partitions and inheritance, indexes and constraints named after each other, audit
/// columns, enum-like and money columns, comments, triggers and policies.
fn linked_schema() -> String {
    let mut sql = String::from(
        "CREATE TYPE status AS ENUM ('active', 'closed');\n\
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;\n\
         CREATE TABLE accounts (id integer PRIMARY KEY, email varchar(255), created_at timestamp, updated_at timestamptz);\n\
         CREATE TABLE events (id bigint, at timestamptz NOT NULL, kind text) PARTITION BY RANGE (at);\n\
         CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n\
         CREATE TABLE base (id bigint PRIMARY KEY, note text);\n\
         CREATE TABLE derived (extra text) INHERITS (base);\n",
    );
    for i in 0..12 {
        let next = (i + 1) % 12;
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, account_id integer, next_id bigint, price float, status text, is_open boolean, created_at timestamptz NOT NULL DEFAULT now(), deleted_at timestamptz);\n\
             CREATE INDEX t{i}_account ON t{i} (account_id);\n\
             CREATE INDEX t{i}_account_next ON t{i} (account_id, next_id);\n\
             ALTER TABLE t{i} ADD CONSTRAINT t{i}_next FOREIGN KEY (next_id) REFERENCES t{next} (id);\n\
             ALTER TABLE ONLY t{i} ADD CONSTRAINT t{i}_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;\n"
        ));
        sql.push_str(&match i % 4 {
            0 => format!("CREATE UNIQUE INDEX t{i}_status ON t{i} (status);\n"),
            1 => format!("COMMENT ON TABLE t{i} IS 'rows';\n"),
            2 => format!(
                "CREATE TRIGGER t{i}_touch BEFORE UPDATE ON t{i} FOR EACH ROW EXECUTE FUNCTION touch();\n"
            ),
            _ => format!(
                "ALTER TABLE t{i} ENABLE ROW LEVEL SECURITY;\nCREATE POLICY t{i}_own ON t{i} USING (true);\n"
            ),
        });
    }
    sql
}

/// A schema where tables depend on statements of no table every way the rules look: columns of
/// an enum and of domains over domains, a sequence a default calls, a view that reads tables and
/// one a foreign key names, tables dropped and created again, a trigger dropped.
const REACHED_SCHEMA: &str = "-- statements of no table\n\
    CREATE TYPE mood AS ENUM ('calm', 'busy');\n\
    CREATE DOMAIN email AS varchar(255) CHECK (VALUE LIKE '%@%');\n\
    CREATE DOMAIN work_email AS email;\n\
    CREATE DOMAIN stamp AS timestamp;\n\
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;\n\
    CREATE TABLE people (id bigint PRIMARY KEY, feeling mood, contact work_email, seen stamp, status text, updated_at timestamptz);\n\
    CREATE TRIGGER people_touch BEFORE UPDATE ON people FOR EACH ROW EXECUTE FUNCTION touch();\n\
    CREATE TABLE others (id bigint PRIMARY KEY, note varchar(255), created_at timestamp);\n\
    CREATE SEQUENCE ticket_seq;\n\
    CREATE TABLE tickets (id bigint DEFAULT nextval('ticket_seq') PRIMARY KEY, person_id bigint REFERENCES people (id), opened timestamp, price float);\n\
    CREATE VIEW open_tickets AS SELECT id, opened FROM tickets;\n\
    CREATE TABLE watchers (id bigint PRIMARY KEY, ticket_id bigint REFERENCES open_tickets (id), kind mood);\n\
    CREATE TABLE lonely (id bigint PRIMARY KEY, price float, at timestamp, label varchar(255));\n\
    CREATE INDEX lonely_at ON lonely (at);\n\
    DROP TABLE IF EXISTS gone;\n\
    CREATE TABLE gone (id int, at timestamp);\n\
    DROP TRIGGER people_touch ON people;\n";

/// A schema as pg_dump writes it, every name qualified, in two schemas whose tables share names.
const DUMPED_SCHEMA: &str = "SELECT pg_catalog.set_config('search_path', '', false);\n\
    CREATE SCHEMA app;\n\
    CREATE TABLE public.accounts (id bigint NOT NULL, email varchar(255), created_at timestamp);\n\
    CREATE TABLE app.accounts (id bigint NOT NULL, price float, created_at timestamp);\n\
    CREATE TABLE public.orders (id bigint NOT NULL, account_id bigint, total float);\n\
    CREATE SEQUENCE public.orders_id_seq;\n\
    ALTER TABLE ONLY public.orders ALTER COLUMN id SET DEFAULT nextval('public.orders_id_seq'::regclass);\n\
    ALTER TABLE ONLY public.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);\n\
    ALTER TABLE ONLY app.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);\n\
    CREATE INDEX orders_total ON public.orders USING btree (total);\n\
    ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id);\n\
    CREATE TABLE public.notes (id bigint NOT NULL, body text);\n";

/// A statement that reads the search path: its table has no schema.
const READS_SEARCH_PATH: &str =
    "CREATE INDEX accounts_created ON accounts USING btree (created_at);\n";

/// Search paths pasted between the statements of `DUMPED_SCHEMA`, all but the last changing the
/// path it sets.
const SEARCH_PATHS: [&str; 4] = [
    "SET search_path TO app;\n",
    "SET search_path = app, public;\n",
    "SELECT pg_catalog.set_config('search_path', 'app', false);\n",
    "SET search_path TO public;\n",
];

/// Statements of no table pasted between the statements of `REACHED_SCHEMA`.
const REACHING_PIECES: [&str; 18] = [
    "DROP TYPE mood CASCADE;\n",
    "DROP DOMAIN email CASCADE;\n",
    "DROP DOMAIN stamp;\n",
    "DROP VIEW open_tickets;\n",
    "DROP SEQUENCE ticket_seq;\n",
    "DROP TABLE lonely;\n",
    "DROP TABLE people CASCADE;\n",
    "DROP INDEX lonely_at;\n",
    "CREATE VIEW lonely_prices AS SELECT price FROM lonely JOIN others USING (id);\n",
    "CREATE TYPE unused AS ENUM ('a');\n",
    "CREATE TYPE others AS (a int);\n",
    "ALTER TYPE mood ADD VALUE 'sad';\n",
    "CREATE DOMAIN stamp AS timestamptz;\n",
    "CREATE SEQUENCE lonely_at;\n",
    "COMMENT ON VIEW open_tickets IS 'open';\n",
    "DROP TRIGGER people_touch ON people;\n",
    "SET search_path TO public;\n",
    "SET search_path TO elsewhere, public;\n",
];

/// The SQL the tests edit: the schemas above, the example schema and every SQL fixture.
fn texts() -> Vec<(PathBuf, String)> {
    let mut texts = vec![
        (PathBuf::from("linked.sql"), linked_schema()),
        (PathBuf::from("reached.sql"), REACHED_SCHEMA.to_string()),
        (PathBuf::from("dumped.sql"), DUMPED_SCHEMA.to_string()),
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = vec![root.join("examples/schema.sql")];
    let fixtures = crate::fixture::fixtures_dir();
    for rule in rules::all() {
        let Ok(entries) = std::fs::read_dir(fixtures.join(rule.id)) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "sql"))
            .collect();
        found.sort();
        paths.extend(found);
    }
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        texts.push((path, text));
    }
    texts
}

fn analysed(path: &Path, text: &str) -> FileData {
    FileData::new(
        FileId(0),
        path.to_path_buf(),
        Language::Sql,
        Arc::new(String::from(text)),
    )
}

fn model_of(file: &FileData) -> Model {
    Model::build(&[FileInput {
        file: file.id,
        language: file.language,
        history: History::Schema,
        statements: &file.statements,
    }])
}

/// In a stable order, for comparing.
fn sorted(mut found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    found.sort_by(|a, b| {
        (a.range.start(), a.range.end(), a.rule, &a.message).cmp(&(
            b.range.start(),
            b.range.end(),
            b.rule,
            &b.message,
        ))
    });
    found
}

/// A rule of `RuleScope::Table` run on some tables finds what it finds on all of them in the
/// statements of those tables and of no table.
fn check_scoped_runs(path: &Path, text: &str, numbers: &mut Numbers) {
    let config = Config::default();
    let enabled = rules::enabled(&config, &every_rule());
    let file = analysed(path, text);
    let model = model_of(&file);
    let files = [&file];
    let owners = Owners::new(&model, &files);
    let everything = rules::run(&enabled, &model, &files, &config, None);
    for _ in 0..4 {
        let mut tables = TableSet::default();
        for table in &model.tables {
            if numbers.below(3) == 0 {
                tables.insert(table.id);
            }
        }
        owners.close(&mut tables);
        let visited = |found: &[Diagnostic]| {
            sorted(
                found
                    .iter()
                    .filter(|d| {
                        owners
                            .at(&model, &file, d.range.start())
                            .is_none_or(|t: TableId| tables.contains(t))
                    })
                    .cloned()
                    .collect(),
            )
        };
        let visit = Visit {
            tables: &tables,
            changed: None,
            names_changed: false,
        };
        let some = rules::run(&enabled, &model, &files, &config, Some(&visit));
        for (((rule, _), all), some) in enabled.iter().zip(&everything).zip(&some) {
            if matches!(rule.scope, RuleScope::Table | RuleScope::TableAndNames) {
                assert_eq!(
                    visited(some),
                    visited(all),
                    "{}: {}",
                    path.display(),
                    rule.id
                );
            }
        }
    }
}

#[test]
fn a_rule_run_on_some_tables_finds_what_it_finds_there_on_all() {
    let mut numbers = Numbers(7);
    for (path, text) in texts() {
        check_scoped_runs(&path, &text, &mut numbers);
    }
}

/// The same on every SQL schema of the corpus, when it is at hand.
#[test]
fn a_rule_run_on_some_tables_finds_what_it_finds_there_on_all_on_the_corpus() {
    let Some(corpus) = std::env::var_os("DDLINT_CORPUS").map(PathBuf::from) else {
        println!("DDLINT_CORPUS is not set; skipping the corpus test");
        return;
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus.join("sql"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    let mut numbers = Numbers(3);
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        check_scoped_runs(&path, &text, &mut numbers);
    }
}

/// Edits spread over the file: typing and deleting characters, a table renamed and back, and
/// whole statements of the file copied elsewhere, then removed. After each, the check that reuses
/// the last one's findings equals a check of everything.
fn check_edits(path: &Path, text: &str, bursts: usize, numbers: &mut Numbers) {
    let config = Arc::new(Config::default());
    let selection = every_rule();
    let mut file = analysed(path, text);
    let mut document = Document::new(&file.text, 0);
    let mut cache = RuleCache::default();
    for burst in 0..bursts {
        let len = file.text.len() as u32;
        let mut at = numbers.below(len as usize + 1);
        while !file.text.is_char_boundary(at) {
            at -= 1;
        }
        let at = at as u32;
        let renamed = file
            .text
            .match_indices("CREATE TABLE ")
            .map(|(at, keyword)| (at + keyword.len() + 1) as u32)
            .nth(numbers.below(file.text.matches("CREATE TABLE ").count()));
        let steps: Vec<(TextRange, String)> = match (burst % 5, renamed) {
            (4, Some(name)) => vec![
                (TextRange::empty(name), "r".to_string()),
                (TextRange::new(name, name + 1), String::new()),
            ],
            (0, _) => vec![
                (TextRange::empty(at), "x".to_string()),
                (TextRange::empty(at + 1), "_".to_string()),
                (TextRange::new(at, at + 2), String::new()),
            ],
            (1, _) if !file.statements.is_empty() => {
                let copied = &file.statements[numbers.below(file.statements.len())];
                let copy = format!("{}\n", file.slice(copied.range()));
                let line = file.text[..at as usize].rfind('\n').map_or(0, |i| i + 1) as u32;
                let end = line + copy.len() as u32;
                vec![
                    (TextRange::empty(line), copy),
                    (TextRange::new(line, end), String::new()),
                ]
            }
            (2, _) => vec![(TextRange::new(at, (at + 1).min(len)), String::new())],
            // A character typed over itself: the edit's span covers text that did not change.
            (3, _) if at < len => {
                let same = file.text[at as usize..].chars().next().map(String::from);
                let end = at + same.as_ref().map_or(0, |c| c.len() as u32);
                vec![(TextRange::new(at, end), same.unwrap_or_default())]
            }
            _ => vec![(TextRange::empty(at), " ".to_string())],
        };
        for (range, inserted) in steps {
            if !file.text.is_char_boundary(range.start() as usize)
                || !file.text.is_char_boundary(range.end() as usize)
            {
                continue;
            }
            file = edited(&file, &mut document, range, &inserted);
            // Some edits are checked with the next: the check then compares the texts instead
            // of taking the edit's span.
            if numbers.below(4) == 0 {
                continue;
            }
            let model = Arc::new(model_of(&file));
            let again = cache.check(&model, &[&file], &config, &selection);
            let everything = rules::check(&model, &[&file], &config, &selection);
            assert_eq!(
                again,
                everything,
                "{}: burst {burst}: {range:?} -> {inserted:?}",
                path.display()
            );
        }
    }
}

#[test]
fn a_check_after_an_edit_equals_a_check_of_everything() {
    let mut numbers = Numbers(11);
    for (path, text) in texts() {
        let bursts = if path.ends_with("linked.sql") || path.ends_with("reached.sql") {
            150
        } else {
            10
        };
        check_edits(&path, &text, bursts, &mut numbers);
    }
}

/// The same on real schemas, when the corpus is at hand.
#[test]
fn a_check_after_an_edit_equals_a_check_of_everything_on_the_corpus() {
    let Some(corpus) = std::env::var_os("DDLINT_CORPUS").map(PathBuf::from) else {
        println!("DDLINT_CORPUS is not set; skipping the corpus test");
        return;
    };
    let mut numbers = Numbers(5);
    for name in [
        "sql/pagila-schema.sql",
        "sql/adventureworks-install.sql",
        "sql/openstreetmap-website-structure.sql",
        "sql/hatchet-schema-v1-core.sql",
        "sql/danbooru-structure.sql",
    ] {
        let path = corpus.join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        check_edits(&path, &text, 12, &mut numbers);
    }
}

/// A file edited step by step; after each step the check that reuses the last one must equal
/// a check of everything.
struct Stepped {
    file: FileData,
    document: Document,
    cache: RuleCache,
    config: Arc<Config>,
    selection: Selection,
}

impl Stepped {
    fn new(path: &str, text: &str) -> Stepped {
        let file = analysed(Path::new(path), text);
        let mut steps = Stepped {
            document: Document::new(&file.text, 0),
            file,
            cache: RuleCache::default(),
            config: Arc::new(Config::default()),
            selection: every_rule(),
        };
        steps.apply(TextRange::empty(0), "");
        steps
    }

    fn apply(&mut self, range: TextRange, inserted: &str) -> Vec<Diagnostic> {
        self.file = edited(&self.file, &mut self.document, range, inserted);
        let (file, config, selection) = (&self.file, &self.config, &self.selection);
        let model = Arc::new(model_of(file));
        let again = self.cache.check(&model, &[file], config, selection);
        let everything = rules::check(&model, &[file], config, selection);
        assert_eq!(
            again, everything,
            "{range:?} -> {inserted:?} in:\n{}",
            file.text
        );
        again
    }

    /// Inserts `piece` at `at`, then removes it again, checking after each step.
    fn insert_and_remove(&mut self, at: u32, piece: &str) {
        self.apply(TextRange::empty(at), piece);
        self.apply(TextRange::new(at, at + piece.len() as u32), "");
    }

    /// Pastes each piece after each statement's line, then removes it again.
    fn paste_between_statements(&mut self, pieces: &[&str]) {
        let boundaries: Vec<u32> = self
            .file
            .statements
            .iter()
            .map(|s| s.range().end() + 1)
            .collect();
        for piece in pieces {
            for &at in &boundaries {
                self.insert_and_remove(at, piece);
            }
        }
    }
}

/// When a check begins, the cache lets go of the model two checks back, not when the server is
/// next idle (a 49 MB schema typed into without pause held three models at once).
#[test]
fn a_check_lets_go_of_the_model_two_checks_back() {
    let mut steps = Stepped::new("models.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n");
    let model = Arc::new(model_of(&steps.file));
    let (config, selection) = (Arc::clone(&steps.config), steps.selection.clone());
    steps
        .cache
        .check(&model, &[&steps.file], &config, &selection);
    let first = Arc::downgrade(&model);
    drop(model);
    let second = Arc::new(model_of(&steps.file));
    steps
        .cache
        .check(&second, &[&steps.file], &config, &selection);
    assert!(first.upgrade().is_some(), "kept for when there is time");
    steps.cache.let_go();
    // Dropped on another thread: wait for it, a minute at most.
    let mut waited = 0;
    while first.upgrade().is_some() && waited < 6_000 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        waited += 1;
    }
    assert!(first.upgrade().is_none(), "the first model is still held");
    assert_eq!(
        Arc::strong_count(&second),
        2,
        "the cache holds the last model"
    );
}

/// A framework's bookkeeping table makes `timestamp` columns in every table a lesser problem:
/// creating, renaming or dropping it checks every table again.
#[test]
fn a_framework_bookkeeping_table_rechecks_every_table() {
    let text = "CREATE TABLE events (id bigint PRIMARY KEY, at timestamp);\n\
                CREATE TABLE notes (id bigint PRIMARY KEY);\n";
    let mut steps = Stepped::new("framework.sql", text);
    let demoted = |found: &[Diagnostic]| {
        found
            .iter()
            .find(|d| d.rule == "timestamp-without-time-zone")
            .map(|d| d.demoted)
    };
    let end = text.len() as u32;
    let created = "CREATE TABLE django_migrations (id bigint PRIMARY KEY);\n";
    assert_eq!(
        demoted(&steps.apply(TextRange::empty(end), created)),
        Some(true)
    );
    let name = end + "CREATE TABLE django".len() as u32;
    assert_eq!(
        demoted(&steps.apply(TextRange::empty(name), "x")),
        Some(false)
    );
    assert_eq!(
        demoted(&steps.apply(TextRange::new(name, name + 1), "")),
        Some(true)
    );
    let dropped = "DROP TABLE django_migrations;\n";
    let after = end + created.len() as u32;
    assert_eq!(
        demoted(&steps.apply(TextRange::empty(after), dropped)),
        Some(false)
    );
}

/// A finding's message may name a relation that does not exist (`reserved-keyword-identifier`
/// suggests renaming `order` to `orders`, or to `app_orders` once `orders` is taken): creating
/// a relation of that name, of any kind, checks the finding again.
#[test]
fn a_relation_named_in_a_message_rechecks_its_finding() {
    let text = "CREATE TABLE \"order\" (id bigint PRIMARY KEY);\n\
                CREATE TABLE notes (id bigint PRIMARY KEY);\n";
    let mut steps = Stepped::new("named.sql", text);
    let suggestion = |found: &[Diagnostic]| {
        let message = &found
            .iter()
            .find(|d| d.rule == "reserved-keyword-identifier")
            .expect("`order` is reserved")
            .message;
        message.rsplit('`').nth(1).unwrap_or_default().to_string()
    };
    assert_eq!(suggestion(&steps.apply(TextRange::empty(0), "")), "orders");
    let end = text.len() as u32;
    for relation in [
        "CREATE TABLE orders (id bigint PRIMARY KEY);\n",
        "CREATE VIEW orders AS SELECT 1;\n",
        "CREATE SEQUENCE orders;\n",
        "CREATE INDEX orders ON notes (id);\n",
    ] {
        let added = steps.apply(TextRange::empty(end), relation);
        assert_eq!(suggestion(&added), "app_orders", "after {relation:?}");
        let removed = steps.apply(TextRange::new(end, end + relation.len() as u32), "");
        assert_eq!(
            suggestion(&removed),
            "orders",
            "after removing {relation:?}"
        );
    }
}

/// Statements of no table typed into, pasted between the statements and removed again: after
/// each step the check that reuses the last one equals a check of everything.
#[test]
fn an_edit_of_a_statement_of_no_table_finds_what_a_check_of_everything_finds() {
    let mut steps = Stepped::new("reached.sql", REACHED_SCHEMA);
    let file = &steps.file;
    let owned = ["CREATE TABLE", "CREATE TRIGGER", "CREATE INDEX"];
    let typed: Vec<u32> = file
        .statements
        .iter()
        .filter(|s| !owned.iter().any(|o| file.slice(s.range()).starts_with(o)))
        .flat_map(|s| (s.start..s.range().end()).step_by(3))
        .collect();
    for at in typed {
        steps.insert_and_remove(at, "x");
    }
    steps.paste_between_statements(&REACHING_PIECES);
}

/// Search paths pasted between the statements of a dumped schema and removed again: after each
/// step the check that reuses the last one equals a check of everything, whether the statements
/// after the path read it or not.
#[test]
fn a_search_path_pasted_finds_what_a_check_of_everything_finds() {
    for text in [
        DUMPED_SCHEMA.to_string(),
        DUMPED_SCHEMA.to_string() + READS_SEARCH_PATH,
    ] {
        Stepped::new("dumped.sql", &text).paste_between_statements(&SEARCH_PATHS);
    }
}

/// Rules read the comment lines above a statement and the rest of its last line
/// (`prefer-jsonb` takes `jsonb` named there as a reason to keep `json`).
const COMMENTED_SCHEMA: &str = "CREATE TABLE a (id bigint PRIMARY KEY);\n\
    -- json, not jsonb: clients compare the text\n\
    -- as received\n\
    CREATE TABLE p (id bigint PRIMARY KEY, config json NOT NULL);\n\
    CREATE TABLE q (id bigint PRIMARY KEY, body json); -- jsonb reorders keys\n\
    -- not jsonb, for size\n\
    CREATE TABLE r (id bigint PRIMARY KEY); CREATE TABLE s (id bigint PRIMARY KEY, doc json);\n\
    CREATE TABLE u (id bigint PRIMARY KEY, tags json -- jsonb would do\n\
    ); CREATE TABLE v (id bigint PRIMARY KEY);\n";

/// Characters typed into the comments and blanks around statements, and comment lines added
/// between them: after each step the check that reuses the last one equals a check of
/// everything.
#[test]
fn an_edit_of_the_comments_around_a_statement_finds_what_a_check_of_everything_finds() {
    let mut steps = Stepped::new("commented.sql", COMMENTED_SCHEMA);
    let file = &steps.file;
    let first_line_end = file.text.find('\n').unwrap() as u32 + 1;
    let between: Vec<u32> = (first_line_end..file.text.len() as u32)
        .filter(|&at| !file.statements.iter().any(|s| s.range().contains(at)))
        .collect();
    assert!(!between.is_empty());
    for at in between {
        steps.insert_and_remove(at, "x");
    }
    let line_starts: Vec<u32> = steps
        .file
        .text
        .match_indices('\n')
        .map(|(at, _)| at as u32 + 1)
        .filter(|&at| (at as usize) < COMMENTED_SCHEMA.len())
        .collect();
    for at in line_starts {
        steps.insert_and_remove(at, "-- jsonb\n");
    }
}

/// The tables a check after `edit` (text inserted at the first occurrence of `at`, offset by
/// `shift`) visits again, by name; `None` when it checks everything.
fn visited_after(at: &str, shift: usize, inserted: &str) -> Option<Vec<String>> {
    visited_in(&linked_schema(), at, shift, inserted)
}

/// The same in `text`.
fn visited_in(text: &str, at: &str, shift: usize, inserted: &str) -> Option<Vec<String>> {
    let config = Arc::new(Config::default());
    let selection = every_rule();
    let file = analysed(Path::new("edited.sql"), text);
    let mut cache = RuleCache::default();
    let model = Arc::new(model_of(&file));
    cache.check(&model, &[&file], &config, &selection);
    let offset = (file.text.find(at).unwrap() + shift) as u32;
    let mut document = Document::new(&file.text, 0);
    let file = edited(&file, &mut document, TextRange::empty(offset), inserted);
    let model = model_of(&file);
    let owners = Owners::new(&model, &[&file]);
    let next = super::Next {
        model: &model,
        owners: &owners,
        families: &OnceLock::new(),
        files: &[&file],
    };
    let ids: Vec<&'static str> = rules::enabled(&config, &selection)
        .iter()
        .map(|(rule, _)| rule.id)
        .collect();
    let last = cache.last.as_ref().unwrap();
    match super::plan(last, &next, &config, &selection, &ids) {
        super::Plan::Everything => None,
        super::Plan::Tables { tables, .. } => {
            let mut names: Vec<String> = tables
                .iter()
                .map(|id| model.table(id).name.name.clone())
                .collect();
            names.sort();
            Some(names)
        }
    }
}

#[test]
fn an_edit_visits_the_tables_it_can_affect() {
    let names = |names: &[&str]| Some(names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    // A foreign key's name: its table, the tables it references, the one referencing it.
    assert_eq!(
        visited_after("CONSTRAINT t5_next", 13, "x"),
        names(&["accounts", "t4", "t5", "t6"])
    );
    // A table's comment.
    assert_eq!(
        visited_after("COMMENT ON TABLE t1 IS 'rows'", 25, "x"),
        names(&["accounts", "t0", "t1", "t2"])
    );
    // A function body: only rules on the whole schema read functions.
    assert_eq!(visited_after("NEW.updated_at", 0, " "), names(&[]));
    // A table renamed (`t7` to `tx7`): its neighbours by the old name and by the new one.
    assert_eq!(
        visited_after("CREATE TABLE t7 ", 14, "x"),
        names(&["accounts", "t6", "t8", "tx7"])
    );
    // A partition's parent: the whole family, and the table before it, whose fixes insert
    // statements right after it.
    assert_eq!(
        visited_after("kind text) PARTITION", 4, "x"),
        names(&["accounts", "events", "events_2024"])
    );
    // A new table pasted before another: the new one only, the other's text only moved (the
    // edit's span says so, where comparing the texts would see `CREATE TABLE ` kept).
    assert_eq!(
        visited_after("CREATE TABLE base", 0, "CREATE TABLE extra (id int);\n"),
        names(&["extra"])
    );
    // A table no longer created (`CREATEx TABLE t3`): the tables it linked with.
    assert_eq!(
        visited_after("CREATE TABLE t3 ", 6, "x"),
        names(&["accounts", "t2", "t4"])
    );
    // A new enum label can change what every column of the type may hold.
    assert_eq!(visited_after("'closed'", 0, "'open', "), None);
}

#[test]
fn an_edit_of_a_statement_of_no_table_visits_the_tables_that_name_what_it_defines() {
    let visited =
        |at: &str, shift: usize, inserted: &str| visited_in(REACHED_SCHEMA, at, shift, inserted);
    let names = |names: &[&str]| Some(names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    // A domain: the table of a column of a domain over it, and that table's neighbours.
    assert_eq!(visited("LIKE '%@%'", 5, "x"), names(&["people", "tickets"]));
    // An enum: the tables of its columns.
    assert_eq!(
        visited("'busy'", 0, "'sad', "),
        names(&["people", "tickets", "watchers"])
    );
    // A view's query: the tables it reads before and after, the table whose foreign key names
    // the view, and their neighbours.
    assert_eq!(
        visited("FROM tickets", 12, " JOIN lonely USING (id)"),
        names(&["lonely", "people", "tickets", "watchers"])
    );
    // A sequence: the table whose default calls it, and the table before, whose fixes insert
    // statements right after it.
    assert_eq!(
        visited("CREATE SEQUENCE ticket_seq", 17, "x"),
        names(&["others", "people", "tickets"])
    );
    // Pasted before `lonely`, after `watchers`, whose fixes insert statements right after it:
    let before_lonely = |piece: &str| visited("CREATE TABLE lonely", 0, piece);
    // a type nothing uses (`lonely` only moved);
    assert_eq!(
        before_lonely("CREATE TYPE unused AS ENUM ('a');\n"),
        names(&["watchers"])
    );
    // a table dropped: it and its neighbours;
    assert_eq!(
        before_lonely("DROP TABLE people;\n"),
        names(&["people", "tickets", "watchers"])
    );
    // a search path, which changes how every later name reads.
    assert_eq!(before_lonely("SET search_path TO elsewhere;\n"), None);
}

/// A search path changes only how names without a schema read: pasted where every later name
/// has one, it changes no table but the neighbours of the place it is pasted in.
#[test]
fn a_search_path_no_later_statement_reads_visits_only_its_neighbours() {
    let visited = |at: &str, inserted: &str| visited_in(DUMPED_SCHEMA, at, 0, inserted);
    let names = |names: &[&str]| Some(names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    let read = DUMPED_SCHEMA.to_string() + READS_SEARCH_PATH;
    for path in &SEARCH_PATHS[..3] {
        // Before the orders' sequence: the orders, whose fixes insert statements after them.
        assert_eq!(
            visited("CREATE SEQUENCE", path),
            names(&["orders"]),
            "{path}"
        );
        // Before the last table, after a foreign key of the orders.
        assert_eq!(
            visited("CREATE TABLE public.notes", path),
            names(&["orders"]),
            "{path}"
        );
        // Before an index whose table the path decides: everything.
        assert_eq!(
            visited_in(&read, "CREATE TABLE public.notes", 0, path),
            None,
            "{path}"
        );
        assert_eq!(
            visited_in(&read, "CREATE INDEX accounts_created", 0, path),
            None
        );
    }
}

/// Rules that read other tables' names (a list of ids in a string named after a table, "did you
/// mean" for an unknown foreign-key target) run on everything when a table's name changes.
#[test]
fn renaming_a_table_rechecks_what_names_it() {
    let config = Arc::new(Config::default());
    let selection = every_rule();
    // `tags` becomes `tagxs`: `tag_ids` no longer names a table, and `taxgxsq` is now close
    // enough to a table's name to be reported with a suggestion.
    let text = "CREATE TABLE accounts (id bigint PRIMARY KEY);\n\
                CREATE TABLE tags (id bigint PRIMARY KEY);\n\
                CREATE TABLE posts (id bigint PRIMARY KEY, tag_ids text);\n\
                CREATE TABLE notes (id bigint PRIMARY KEY, tag_id bigint REFERENCES taxgxsq (id));\n";
    let mut file = analysed(Path::new("names.sql"), text);
    let mut document = Document::new(&file.text, 0);
    let mut cache = RuleCache::default();
    let at = text.find("tags").unwrap() as u32 + 3;
    let mut rules_seen = Vec::new();
    for (range, inserted) in [
        (TextRange::empty(at), "x"),
        (TextRange::new(at, at + 1), ""),
        (TextRange::empty(at), "x"),
    ] {
        let model = Arc::new(model_of(&file));
        cache.check(&model, &[&file], &config, &selection);
        file = edited(&file, &mut document, range, inserted);
        let model = Arc::new(model_of(&file));
        let again = cache.check(&model, &[&file], &config, &selection);
        let everything = rules::check(&model, &[&file], &config, &selection);
        assert_eq!(again, everything, "{range:?} -> {inserted:?}");
        rules_seen.extend(everything.iter().map(|d| d.rule));
    }
    assert!(rules_seen.contains(&"many-to-many-as-array"));
    assert!(rules_seen.contains(&"foreign-key-unknown-target"));
}
