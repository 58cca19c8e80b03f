//! Find references and document highlights: every place the schema source names the object at
//! the cursor, through renames and across files.

use super::names::{self, Role};
use crate::model::Loc;
use crate::text::TextRange;
use crate::workspace::host::{FileView, Snapshot};

/// Every place naming the object at `offset`, in migration order; the creating name only with
/// `include_definition`.
pub fn references(
    snapshot: &Snapshot,
    file: &FileView,
    offset: u32,
    include_definition: bool,
) -> Vec<Loc> {
    let Some((symbol, _)) = names::symbol_at(file, offset) else {
        return Vec::new();
    };
    names::occurrences(snapshot, file, &symbol, None)
        .into_iter()
        .filter(|o| include_definition || o.role != Role::Create)
        .map(|o| o.loc)
        .collect()
}

/// A name to highlight in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    /// The statement creates, alters, renames or drops the object there.
    pub write: bool,
}

/// The names in `file` of the object at `offset`.
pub fn highlights(snapshot: &Snapshot, file: &FileView, offset: u32) -> Vec<Highlight> {
    let Some((symbol, _)) = names::symbol_at(file, offset) else {
        return Vec::new();
    };
    names::occurrences(snapshot, file, &symbol, Some(file.data.id))
        .into_iter()
        .map(|o| Highlight {
            range: o.loc.range,
            write: o.role != Role::Use,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::ide::fixture::Fixture;

    const MIGRATIONS: &str = "\
//- db/001_customers.sql
CREATE TABLE customers (id bigint PRIMARY KEY, name text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);
//- db/002_rename.sql
ALTER TABLE customers RENAME TO clients;
ALTER TABLE clients RENAME COLUMN name TO full_name;
//- db/003_index.sql
CREATE INDEX clients_name ON clients (full_name);
COMMENT ON COLUMN clients.full_name IS 'as written';
//- other/schema.sql
CREATE TABLE clients (full_name text);
";

    #[track_caller]
    fn check(fixture: &str, include_definition: bool, expected: &[&str]) {
        let fixture = Fixture::new(fixture);
        let (file, offset) = fixture.cursor();
        let found: Vec<String> =
            super::references(&fixture.snapshot, file, offset, include_definition)
                .into_iter()
                .map(|loc| fixture.describe(loc))
                .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn references_follow_renames_across_migrations_and_stay_in_their_source() {
        let table = MIGRATIONS.replacen("ON clients", "ON cli$0ents", 1);
        check(
            &table,
            true,
            &[
                "db/001_customers.sql:1 customers",
                "db/001_customers.sql:2 customers",
                "db/002_rename.sql:1 customers",
                "db/002_rename.sql:1 clients",
                "db/002_rename.sql:2 clients",
                "db/003_index.sql:1 clients",
                "db/003_index.sql:2 clients",
            ],
        );
        let column = MIGRATIONS.replacen(
            "text);\nCREATE TABLE orders",
            "te$0xt);\nCREATE TABLE orders",
            1,
        );
        check(&column, false, &[]);
        let column = MIGRATIONS.replacen("name text", "na$0me text", 1);
        check(
            &column,
            false,
            &[
                "db/002_rename.sql:2 name",
                "db/002_rename.sql:2 full_name",
                "db/003_index.sql:1 full_name",
                "db/003_index.sql:2 full_name",
            ],
        );
    }

    #[test]
    fn highlights_are_the_names_in_the_file() {
        let fixture =
            Fixture::new(&MIGRATIONS.replacen("RENAME TO clients", "RENAME TO cl$0ients", 1));
        let (file, offset) = fixture.cursor();
        let found: Vec<(String, bool)> = super::highlights(&fixture.snapshot, file, offset)
            .into_iter()
            .map(|h| (fixture.describe_in(file, h.range), h.write))
            .collect();
        assert_eq!(
            found,
            [
                ("1 customers".to_string(), true),
                ("1 clients".to_string(), true),
                ("2 clients".to_string(), true),
            ]
        );
        let other = fixture.file("other/schema.sql");
        let found = super::highlights(&fixture.snapshot, other, 15);
        let found: Vec<_> = found
            .iter()
            .map(|h| (fixture.describe_in(other, h.range), h.write))
            .collect();
        assert_eq!(found, [("1 clients".to_string(), true)]);
    }

    #[test]
    fn types_indexes_and_functions_through_their_renames() {
        let folder = "\
//- db/001_types.sql
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE people (id bigint PRIMARY KEY, feeling mood NOT NULL);
CREATE INDEX people_feeling ON people (feeling);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER people_touch BEFORE UPDATE ON people FOR EACH ROW EXECUTE FUNCTION touch();
//- db/002_rename.sql
ALTER TYPE mood RENAME TO feeling;
ALTER INDEX people_feeling RENAME TO people_by_feeling;
ALTER TABLE people ADD COLUMN mood_then feeling[];
//- db/003_more.sql
DROP INDEX people_by_feeling;
";
        check(
            &folder.replacen("feeling mood", "feeling mo$0od", 1),
            true,
            &[
                "db/001_types.sql:1 mood",
                "db/001_types.sql:2 mood",
                "db/002_rename.sql:1 mood",
                "db/002_rename.sql:1 feeling",
                "db/002_rename.sql:3 feeling",
            ],
        );
        check(
            &folder.replacen("touch();", "tou$0ch();", 1),
            false,
            &["db/001_types.sql:5 touch"],
        );
        // An index dropped at the end is gone from the schema: nothing to find.
        check(
            &folder.replacen("people_feeling ON", "people_$0feeling ON", 1),
            true,
            &[],
        );
        let kept = folder.replace(
            "DROP INDEX people_by_feeling;\n",
            "COMMENT ON INDEX people_by_feeling IS 'x';\n",
        );
        check(
            &kept.replacen("people_feeling ON", "people_$0feeling ON", 1),
            true,
            &[
                "db/001_types.sql:3 people_feeling",
                "db/002_rename.sql:2 people_feeling",
                "db/002_rename.sql:2 people_by_feeling",
                "db/003_more.sql:1 people_by_feeling",
            ],
        );
    }

    #[test]
    fn prisma_references_include_the_map_names() {
        let schema = "\
//- prisma/schema.prisma
model Benutzer {
  id      Int       @id
  groesse Int       @map(\"körper_größe\")
  orders  Bestellung[]
  @@index([groesse])
  @@map(\"benutzer\")
}

model Bestellung {
  id      Int      @id
  kunde   Benutzer @relation(fields: [kundeId], references: [id])
  kundeId Int      @map(\"kunde_id\")
}
";
        check(
            &schema.replacen("Benutzer @relation", "Benu$0tzer @relation", 1),
            true,
            &[
                "prisma/schema.prisma:1 Benutzer",
                "prisma/schema.prisma:6 benutzer",
                "prisma/schema.prisma:11 Benutzer",
            ],
        );
        check(
            &schema.replacen("\"körper", "\"kö$0rper", 1),
            false,
            &[
                "prisma/schema.prisma:3 körper_größe",
                "prisma/schema.prisma:5 groesse",
            ],
        );
    }

    #[test]
    fn derived_constraint_names_lead_to_the_clause_that_creates_them() {
        let folder = "\
//- db/001_users.sql
CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
CREATE TABLE \"Größe\" (\"maß\" int CHECK (\"maß\" > 0));
//- db/002_drop.sql
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER INDEX users_email_key RENAME TO users_mail_key;
ALTER TABLE users DROP CONSTRAINT users_pkey;
ALTER TABLE \"Größe\" DROP CONSTRAINT \"Größe_maß_check\";
";
        let defined = |from: &str| {
            let fixture =
                Fixture::new(&folder.replacen(from, &format!("{}$0{}", &from[..3], &from[3..]), 1));
            let (file, offset) = fixture.cursor();
            crate::ide::definition::definition(&fixture.snapshot, file, offset)
                .map(|n| fixture.describe(n.targets[0]))
        };
        assert_eq!(
            defined("orders_user_id_fkey").as_deref(),
            Some("db/001_users.sql:2 REFERENCES users")
        );
        assert_eq!(
            defined("users_email_key").as_deref(),
            Some("db/001_users.sql:1 UNIQUE")
        );
        assert_eq!(
            defined("users_pkey").as_deref(),
            Some("db/001_users.sql:1 PRIMARY KEY")
        );
        assert_eq!(
            defined("\"Größe_maß_check\"").as_deref(),
            Some("db/001_users.sql:3 CHECK (\"maß\" > 0)")
        );
        // References of a constraint the schema still has.
        let kept = "\
//- db/001_users.sql
CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);
//- db/002_more.sql
COMMENT ON CONSTRAINT users_pkey ON users IS 'the key';
ALTER INDEX users_email_key SET (fillfactor = 90);
";
        check(
            &kept.replacen("users_pkey", "users_p$0key", 1),
            true,
            &[
                "db/001_users.sql:1 PRIMARY KEY",
                "db/002_more.sql:1 users_pkey",
            ],
        );
        check(
            &kept.replacen("users_email_key", "users_e$0mail_key", 1),
            false,
            &["db/002_more.sql:2 users_email_key"],
        );
        // From the clause, which stands for the derived name.
        check(
            &kept.replacen("PRIMARY KEY", "PRI$0MARY KEY", 1),
            false,
            &["db/002_more.sql:1 users_pkey"],
        );
    }

    #[test]
    fn renaming_a_key_constraint_s_index_renames_the_constraint() {
        let folder = "\
//- db/001_users.sql
CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);
//- db/002_rename.sql
ALTER INDEX users_email_key RENAME TO \"users_e_mail_schlüssel\";
COMMENT ON CONSTRAINT \"users_e_mail_schlüssel\" ON users IS 'x';
";
        let expected = [
            "db/001_users.sql:1 UNIQUE",
            "db/002_rename.sql:1 users_email_key",
            "db/002_rename.sql:1 \"users_e_mail_schlüssel\"",
            "db/002_rename.sql:2 \"users_e_mail_schlüssel\"",
        ];
        check(
            &folder.replacen("users_email_key", "users_$0email_key", 1),
            true,
            &expected,
        );
        check(
            &folder.replacen(
                "\"users_e_mail_schlüssel\" ON",
                "\"users_$0e_mail_schlüssel\" ON",
                1,
            ),
            true,
            &expected,
        );
    }

    #[test]
    fn a_renamed_constraint_keeps_its_first_name() {
        let schema = "\
CREATE TABLE t (id bigint, CONSTRAINT t_pk PRIMARY KEY (id));
ALTER TABLE t RENAME CONSTRAINT t_pk TO t_key;
COMMENT ON CONSTRAINT t_k$0ey ON t IS 'the key';
";
        check(
            schema,
            true,
            &[
                "schema.sql:1 t_pk",
                "schema.sql:2 t_pk",
                "schema.sql:2 t_key",
                "schema.sql:3 t_key",
            ],
        );
    }
}
