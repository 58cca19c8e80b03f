//! Go to definition: from a name to where its object was created; in a migration folder also
//! the statements that altered or renamed it, up to the place of the name (as the schema stood
//! there). An object a later statement dropped is found by its name among the statements before.

use super::names::{self, Role};
use crate::model::Loc;
use crate::text::TextRange;
use crate::workspace::host::{FileView, Snapshot};

/// Where a name leads.
#[derive(Debug)]
pub struct Navigation {
    /// The name at the cursor.
    pub origin: TextRange,
    /// The creating name first, then later alterations in workspace order.
    pub targets: Vec<Loc>,
}

pub fn definition(snapshot: &Snapshot, file: &FileView, offset: u32) -> Option<Navigation> {
    let Some((symbol, origin)) = names::symbol_at(file, offset) else {
        let (origin, created) = names::created_before(snapshot, file, offset)?;
        return Some(Navigation {
            origin,
            targets: vec![created],
        });
    };
    let model = &file.source.as_ref()?.model;
    let mut targets = names::definition_loc(model, &symbol);
    let in_migrations = targets
        .first()
        .and_then(|created| model.file_meta(created.file))
        .is_some_and(|meta| meta.is_migration);
    if in_migrations {
        let used = Loc {
            file: file.data.id,
            range: origin,
        };
        let mut statements: Vec<Loc> = Vec::new();
        for occurrence in names::occurrences(snapshot, file, &symbol, None) {
            let statement = Loc {
                file: occurrence.loc.file,
                range: occurrence.statement,
            };
            let counts = occurrence.role == Role::Alter
                && !model.precedes(used, occurrence.loc)
                && !targets.contains(&occurrence.loc)
                && !statements.contains(&statement);
            if counts {
                statements.push(statement);
                targets.push(occurrence.loc);
            }
        }
    }
    Some(Navigation { origin, targets })
}

#[cfg(test)]
mod tests {
    use crate::ide::fixture::Fixture;

    #[track_caller]
    fn check(fixture: &str, expected: &[&str]) {
        let fixture = Fixture::new(fixture);
        let (file, offset) = fixture.cursor();
        let found = super::definition(&fixture.snapshot, file, offset);
        let targets: Vec<String> = found
            .iter()
            .flat_map(|n| &n.targets)
            .map(|loc| fixture.describe(*loc))
            .collect();
        assert_eq!(targets, expected);
    }

    const SCHEMA: &str = "\
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE users (id bigint PRIMARY KEY, mail email, feeling mood);
CREATE TABLE posts (
    id bigint PRIMARY KEY,
    author_id bigint NOT NULL,
    CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id)
);
CREATE INDEX posts_author ON posts (author_id);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION touch();
";

    fn at(marker: &str) -> String {
        let at = SCHEMA.find(marker).expect("marker in the schema");
        format!("{}$0{}", &SCHEMA[..at], &SCHEMA[at..])
    }

    #[test]
    fn sql_names_lead_to_where_they_are_created() {
        check(&at("users (id)"), &["schema.sql:3 users"]);
        check(&at("id)\n"), &["schema.sql:3 id"]);
        check(&at("author_id);"), &["schema.sql:6 author_id"]);
        check(&at("mood)"), &["schema.sql:1 mood"]);
        check(&at("email,"), &["schema.sql:2 email"]);
        check(&at("touch();\n"), &["schema.sql:10 touch"]);
        check(&at("posts FOR"), &["schema.sql:4 posts"]);
        check(&at("posts_author_fk"), &["schema.sql:7 posts_author_fk"]);
        // A name leads to itself where it is created.
        check(&at("posts_author ON"), &["schema.sql:9 posts_author"]);
        // Keywords and built-in types lead nowhere.
        check(&at("bigint NOT"), &[]);
    }

    #[test]
    fn migrations_add_the_statements_that_altered_it_up_to_the_use() {
        let fixture = "\
//- db/001_customers.sql
CREATE TABLE customers (id bigint PRIMARY KEY, name text);
//- db/002_rename.sql
ALTER TABLE customers RENAME TO clients;
ALTER TABLE clients RENAME COLUMN name TO full_name;
//- db/003_index.sql
CREATE INDEX clients_name ON clie$0nts (full_name);
ALTER TABLE clients ADD COLUMN email text;
";
        check(
            fixture,
            &[
                "db/001_customers.sql:1 customers",
                "db/002_rename.sql:1 customers",
                "db/002_rename.sql:2 clients",
            ],
        );
        let column = fixture.replace("clie$0nts (full_name)", "clients (full$0_name)");
        check(
            &column,
            &["db/001_customers.sql:1 name", "db/002_rename.sql:2 name"],
        );
        // From the old name, before the rename.
        let old = fixture.replace("$0", "").replace(
            "CREATE TABLE customers",
            "CREATE TABLE customers (id bigint);\nCOMMENT ON TABLE cust$0omers IS 'x';\nCREATE TABLE t",
        );
        check(&old, &["db/001_customers.sql:1 customers"]);
    }

    #[test]
    fn prisma_relations_lead_to_models_and_fields() {
        let schema = "\
//- prisma/schema.prisma
model User {
  id    Int    @id
  posts Post[]
  mood  Mood
}

enum Mood {
  OK
}

model Post {
  id       Int  @id
  author   User @relation(fields: [authorId], references: [id])
  authorId Int
}
";
        let with = |from: &str, to: &str| schema.replacen(from, to, 1);
        check(
            &with("Post[]", "Po$0st[]"),
            &["prisma/schema.prisma:11 Post"],
        );
        check(
            &with("User @rel", "Us$0er @rel"),
            &["prisma/schema.prisma:1 User"],
        );
        check(
            &with("Mood\n}", "Mo$0od\n}"),
            &["prisma/schema.prisma:7 Mood"],
        );
        check(
            &with("references: [id]", "references: [i$0d]"),
            &["prisma/schema.prisma:2 id"],
        );
        check(
            &with("[authorId]", "[author$0Id]"),
            &["prisma/schema.prisma:14 authorId"],
        );
    }

    #[test]
    fn prisma_map_names_lead_to_their_field_or_model() {
        let schema = "\
//- prisma/schema.prisma
model Benutzer {
  id     Int    @id
  groesse  Int  @map(\"körper_größe\")
  email  String @unique @map(name: \"e_mail\")
  @@map(\"benutzer_tabelle\")
}

enum Stimmung {
  GUT @map(\"gut\")
  @@map(\"stimmung\")
}
";
        let with = |from: &str, to: &str| schema.replacen(from, to, 1);
        check(
            &with("\"körper_", "\"kör$0per_"),
            &["prisma/schema.prisma:3 groesse"],
        );
        check(
            &with("\"e_mail", "\"e_m$0ail"),
            &["prisma/schema.prisma:4 email"],
        );
        check(
            &with("\"benutzer_tabelle", "\"$0benutzer_tabelle"),
            &["prisma/schema.prisma:1 Benutzer"],
        );
        check(
            &with("\"stimmung\"", "\"stimmung$0\""),
            &["prisma/schema.prisma:8 Stimmung"],
        );
        // An enum value's map names no object of the schema.
        check(&with("\"gut", "\"g$0ut"), &[]);
    }

    #[test]
    fn non_ascii_names_and_crlf_line_ends() {
        let fixture = "CREATE TABLE \"Größe\" (\"Maß\" bigint PRIMARY KEY);\r\n\r\nCREATE TABLE b (g bigint REFERENCES \"Größe\" (\"M$0aß\"));\r\n";
        check(fixture, &["schema.sql:1 \"Maß\""]);
        check(
            &fixture
                .replace("$0", "")
                .replace("\"Größe\" (\"M", "\"Gr$0öße\" (\"M"),
            &["schema.sql:1 \"Größe\""],
        );
    }

    #[test]
    fn pg_dump_statements_and_multi_file_prisma() {
        let dump = "\
CREATE TABLE public.users (id bigint NOT NULL, email text);
CREATE TABLE public.posts (id bigint NOT NULL, author_id bigint, title text);
CREATE VIEW public.titles AS SELECT title FROM public.posts;
ALTER TABLE ONLY public.posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES public.users(id);
CREATE INDEX index_posts_on_author_id ON public.posts USING btree (author_id);
COMMENT ON COLUMN public.posts.title IS 'shown';
ALTER TABLE ONLY public.posts ADD CONSTRAINT posts_title CHECK (char_length(title) < 200);
COMMENT ON VIEW public.titles IS 'x';
";
        let at = |marker: &str, inside: usize| {
            let at = dump.find(marker).expect("marker") + inside;
            format!("{}$0{}", &dump[..at], &dump[at..])
        };
        check(&at("users(id)", 1), &["schema.sql:1 users"]);
        check(&at("users(id)", 5), &["schema.sql:1 users"]);
        check(&at("(id);", 1), &["schema.sql:1 id"]);
        check(&at("(author_id) REF", 1), &["schema.sql:2 author_id"]);
        check(&at("btree (author_id)", 8), &["schema.sql:2 author_id"]);
        check(&at("title IS", 0), &["schema.sql:2 title"]);
        check(&at("title) < 200", 2), &["schema.sql:2 title"]);
        // Views and sequences are known by their whole written name.
        check(&at("titles IS", 2), &["schema.sql:3 public.titles"]);
        // The cursor right after a name.
        check(&at("users(id)", 5), &["schema.sql:1 users"]);

        let prisma = "\
//- prisma/schema/user.prisma
model User {
  id    Int    @id
  posts Post[]
}
//- prisma/schema/post.prisma
model Post {
  id       Int  @id
  author   Us$0er @relation(fields: [authorId], references: [id])
  authorId Int
}
//- prisma/schema/base.prisma
datasource db {
  provider = \"postgresql\"
  url      = env(\"DATABASE_URL\")
}
";
        check(prisma, &["prisma/schema/user.prisma:1 User"]);
    }

    #[test]
    fn what_a_later_statement_dropped_is_found_by_name() {
        let folder = "\
//- db/001_index.sql
CREATE TABLE t (id bigint PRIMARY KEY, a text);
CREATE INDEX t_a ON t (a);
CREATE VIEW v AS SELECT a FROM t;
//- db/002_drop.sql
DROP INDEX t_$0a;
DROP VIEW v;
";
        check(folder, &["db/001_index.sql:2 t_a"]);
        check(
            &folder
                .replace("t_$0a", "t_a")
                .replace("VIEW v;", "VIEW $0v;"),
            &["db/001_index.sql:3 v"],
        );
        // The creating statement itself.
        check(
            &folder
                .replace("t_$0a;", "t_a;")
                .replace("INDEX t_a ON", "INDEX t$0_a ON"),
            &["db/001_index.sql:2 t_a"],
        );
    }

    #[test]
    fn derived_index_names_lead_to_the_index() {
        let schema = "\
CREATE TABLE \"Größe\" (id bigint, \"maß\" int);
CREATE INDEX ON \"Größe\" (\"maß\");
ALTER INDEX \"Größe_m$0aß_idx\" SET (fillfactor = 90);
";
        check(schema, &["schema.sql:2 INDEX"]);
        let fixture = crate::ide::fixture::Fixture::new(schema);
        let (file, offset) = fixture.cursor();
        let found: Vec<String> =
            crate::ide::references::references(&fixture.snapshot, file, offset, true)
                .into_iter()
                .map(|loc| fixture.describe(loc))
                .collect();
        assert_eq!(
            found,
            ["schema.sql:2 INDEX", "schema.sql:3 \"Größe_maß_idx\""]
        );
        // A constraint written with a name never had the derived one.
        let named = "CREATE TABLE t (id bigint, CONSTRAINT t_pk PRIMARY KEY (id));\nALTER INDEX t_pk$0ey SET (fillfactor = 90);\nALTER INDEX t_pk SET (fillfactor = 90);\n";
        check(named, &[]);
        check(
            &named
                .replace("$0", "")
                .replace("INDEX t_pk SET", "INDEX t_$0pk SET"),
            &["schema.sql:1 t_pk"],
        );
    }

    #[test]
    fn parents_partitions_types_policies_and_sequences() {
        let schema = "\
CREATE TYPE address AS (street text, city text);
CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE places OF address;
CREATE TABLE archived (LIKE events);
CREATE SEQUENCE event_ids;
ALTER SEQUENCE event_ids OWNED BY events.id;
CREATE POLICY own_events ON events USING (id > 0);
COMMENT ON POLICY own_events ON events IS 'x';
";
        let at = |marker: &str, inside: usize| {
            let at = schema.find(marker).expect("marker") + inside;
            format!("{}$0{}", &schema[..at], &schema[at..])
        };
        check(&at("events FOR", 2), &["schema.sql:2 events"]);
        check(&at("address;", 2), &["schema.sql:1 address"]);
        check(&at("events);", 2), &["schema.sql:2 events"]);
        check(&at("event_ids OWNED", 2), &["schema.sql:6 event_ids"]);
        check(
            &at("own_events ON events IS", 2),
            &["schema.sql:8 own_events"],
        );
        check(&at("id > 0", 0), &["schema.sql:2 id"]);
    }
}
