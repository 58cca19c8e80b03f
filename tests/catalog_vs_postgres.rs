//! The static catalog (`ddlint::catalog`) against a real PostgreSQL server: its keywords, its
//! built-in types under every spelling, and the types extensions create.

mod support;

use ddlint::catalog::keywords::keyword_category;
use ddlint::catalog::types::{
    builtin_type, builtin_type_spellings, extension_types, is_pseudo_type, is_serial,
    known_extensions,
};
use support::postgres::{Database, postgres_or_skip};

/// Keywords whose category in servers older than the table's PostgreSQL 18 differs from the
/// table: (word, first major version that agrees with the table, the `catcode` before it).
const CHANGED_KEYWORDS: &[(&str, u32, Option<char>)] = &[
    // RECHECK, a no-op option of CREATE OPERATOR CLASS, stopped being a keyword in 16.
    ("recheck", 16, Some('U')),
    // JSON became a keyword in 16 (unreserved, for IS JSON) and a column-name keyword in 17
    // (for the JSON() constructor).
    ("json", 17, Some('U')),
];

#[test]
fn keywords_agree_with_pg_get_keywords() {
    let Some(cluster) = postgres_or_skip("keywords_agree_with_pg_get_keywords") else {
        return;
    };
    let major = cluster.major_version().unwrap();
    let db = cluster.fresh_database().unwrap();
    let rows = db
        .query("SELECT word, catcode FROM pg_get_keywords()")
        .unwrap();
    assert!(
        rows.len() > 400,
        "pg_get_keywords() returned only {} rows",
        rows.len()
    );
    let mut disagreements = Vec::new();
    for row in &rows {
        let [word, catcode] = row.as_slice() else {
            panic!("unexpected row {row:?}");
        };
        let server = catcode.chars().next();
        let expected = match CHANGED_KEYWORDS
            .iter()
            .find(|(changed, _, _)| changed == word)
        {
            Some((_, since, before)) if major < *since => *before,
            _ => keyword_category(word).map(|category| category.code()),
        };
        if expected != server {
            disagreements.push(format!("{word}: server {server:?}, table {expected:?}"));
        }
    }
    assert!(
        disagreements.is_empty(),
        "PostgreSQL {major} disagrees with the keyword table (regenerate it with \
         scripts/gen-keywords.py, or list a known change):\n{}",
        disagreements.join("\n")
    );
}

/// Defines `pg_temp`-free helpers in `db` that report what PostgreSQL makes of a type spelling:
/// as a type name anywhere (`regtype`) and as a column type.
fn install_probes(db: &Database) {
    db.run_sql(
        r#"
CREATE FUNCTION probe_type(spelling text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT typname FROM pg_type WHERE oid = spelling::regtype);
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

CREATE FUNCTION probe_column(spelling text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    found text;
BEGIN
    EXECUTE format('CREATE TEMP TABLE ddlint_probe (c %s)', spelling);
    SELECT t.typname INTO found
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
    WHERE a.attrelid = 'ddlint_probe'::regclass AND a.attname = 'c';
    DROP TABLE ddlint_probe;
    RETURN found;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;
"#,
    )
    .unwrap();
}

fn sql_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Spellings beyond the plain ones: modifiers, arrays, quotes, schemas, and near misses that
/// PostgreSQL rejects.
const VARIANTS: &[&str] = &[
    "INTEGER",
    "Int4",
    " int4 ",
    "DOUBLE\t PRECISION",
    "float(1)",
    "float(24)",
    "float (25)",
    "float(53)",
    "float(0)",
    "float(54)",
    "float4(3)",
    "double precision(3)",
    "varchar(20)",
    "character varying (20)",
    "national character varying(3)",
    "national varchar",
    "char(3)",
    "char(3) varying",
    "bit(3)",
    "bit varying(5)",
    "numeric(10, 2)",
    "dec(10,2)",
    "numeric()",
    "numeric(+10)",
    "varchar(a)",
    "bool(3)",
    "timestamp(3) with time zone",
    "timestamp(6) without time zone",
    "time(3) with time zone",
    "time with time zone(3)",
    "timestamptz(3)",
    "timestamp with zone",
    "interval(3)",
    "interval day to second(3)",
    "interval year to month",
    "interval second(3)",
    "interval hour to minute",
    "interval year to second",
    "interval day(3)",
    "interval(3) day",
    "int[]",
    "int4 [ ]",
    "int[3]",
    "int[][]",
    "int[3][4]",
    "integer array",
    "int array[3]",
    "int array[]",
    "int[3] array",
    "int[-1]",
    "varchar(3)[]",
    "timestamp with time zone array",
    "double precision[]",
    "interval day[]",
    "_int4[]",
    "_int4 array",
    "_varchar(3)",
    "_float8(3)",
    "serial[]",
    "void[]",
    "pg_node_tree[]",
    "record[]",
    "cstring[]",
    "\"char\"",
    "\"int4\"",
    "\"timestamp\"",
    "\"varchar\"(10)",
    "\"integer\"",
    "\"Int4\"",
    "\"TIMESTAMP\"",
    "\"any\"",
    "any",
    "pg_catalog.int4",
    "pg_catalog.char",
    "pg_catalog.\"char\"",
    "\"pg_catalog\".int4",
    "pg_catalog . int4",
    "PG_CATALOG.INT4",
    "pg_catalog._int4",
    "pg_catalog.varchar(10)",
    "pg_catalog.int4[]",
    "pg_catalog.any",
    "pg_catalog.integer",
    "pg_catalog.serial",
    "public.int4",
    "timestmap",
    "varchr(20)",
    "double",
];

#[test]
fn builtin_type_spellings_agree_with_postgres() {
    let Some(cluster) = postgres_or_skip("builtin_type_spellings_agree_with_postgres") else {
        return;
    };
    let db = cluster.fresh_database().unwrap();
    install_probes(&db);
    let spellings: Vec<&str> = builtin_type_spellings()
        .chain(VARIANTS.iter().copied())
        .collect();
    let list = spellings
        .iter()
        .map(|s| sql_string(s))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = db
        .query(&format!(
            "SELECT coalesce(probe_type(s), '-'), coalesce(probe_column(s), '-') \
             FROM unnest(ARRAY[{list}]) WITH ORDINALITY AS u(s, n) ORDER BY n"
        ))
        .unwrap();
    assert_eq!(rows.len(), spellings.len());
    let mut disagreements = Vec::new();
    for (spelling, row) in spellings.iter().zip(&rows) {
        let answer = |text: &String| (text != "-").then(|| text.clone());
        let (as_type, as_column) = (answer(&row[0]), answer(&row[1]));
        let ours = builtin_type(spelling).map(str::to_owned);
        // Serial shorthands exist only for columns; pseudo-types only outside them.
        let expected = if ours.is_none() {
            (None, None)
        } else if is_serial(spelling) {
            (None, ours.clone())
        } else if is_pseudo_type(spelling) {
            (ours.clone(), None)
        } else {
            (ours.clone(), ours.clone())
        };
        if (as_type.clone(), as_column.clone()) != expected {
            disagreements.push(format!(
                "{spelling:?}: builtin_type says {ours:?}; PostgreSQL says {as_type:?} as a type, \
                 {as_column:?} as a column type"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn every_pg_catalog_type_is_known() {
    let Some(cluster) = postgres_or_skip("every_pg_catalog_type_is_known") else {
        return;
    };
    let db = cluster.fresh_database().unwrap();
    // Base, range, multirange and pseudo types, and the arrays of those; not the row types of
    // system catalogs (typtype 'c').
    let rows = db
        .query(
            "SELECT t.typname FROM pg_type t \
             LEFT JOIN pg_type e ON e.oid = t.typelem AND e.typarray = t.oid \
             WHERE t.typnamespace = 'pg_catalog'::regnamespace \
             AND coalesce(e.typtype, t.typtype) IN ('b', 'r', 'm', 'p') \
             ORDER BY 1",
        )
        .unwrap();
    assert!(rows.len() > 150, "only {} types found", rows.len());
    let unknown: Vec<&str> = rows
        .iter()
        .map(|row| row[0].as_str())
        .filter(|typname| builtin_type(&format!("\"{typname}\"")) != Some(*typname))
        .collect();
    assert!(
        unknown.is_empty(),
        "types missing from the table: {unknown:?}"
    );
    let known: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    let extra: Vec<&str> = builtin_type_spellings()
        .filter(|spelling| !known.contains(spelling))
        .filter(|spelling| builtin_type(spelling) == Some(*spelling))
        .collect();
    assert!(
        extra.is_empty(),
        "typnames this server does not have: {extra:?}"
    );
}

#[test]
fn extension_types_agree_with_create_extension() {
    let Some(cluster) = postgres_or_skip("extension_types_agree_with_create_extension") else {
        return;
    };
    let admin = cluster.fresh_database().unwrap();
    let available: Vec<String> = admin
        .query("SELECT name FROM pg_available_extensions")
        .unwrap()
        .into_iter()
        .map(|row| row[0].clone())
        .collect();
    let mut skipped = Vec::new();
    let mut disagreements = Vec::new();
    for extension in known_extensions() {
        if !available.iter().any(|name| name == extension) {
            skipped.push(extension);
            continue;
        }
        let db = cluster.fresh_database().unwrap();
        db.run_sql(&format!("CREATE EXTENSION \"{extension}\" CASCADE;"))
            .unwrap_or_else(|error| panic!("CREATE EXTENSION {extension}: {error}"));
        // Array types belong to their element type, not to the extension.
        let created: Vec<String> = db
            .query(&format!(
                "SELECT t.typname FROM pg_depend d \
                 JOIN pg_type t ON d.classid = 'pg_type'::regclass AND d.objid = t.oid \
                 JOIN pg_extension x ON d.refclassid = 'pg_extension'::regclass \
                 AND d.refobjid = x.oid \
                 WHERE x.extname = {} AND d.deptype = 'e' ORDER BY 1",
                sql_string(extension)
            ))
            .unwrap()
            .into_iter()
            .map(|row| row[0].clone())
            .collect();
        if created != extension_types(extension) {
            disagreements.push(format!(
                "{extension}: creates {created:?}, the table says {:?}",
                extension_types(extension)
            ));
        }
    }
    if !skipped.is_empty() {
        support::notice(&format!(
            "extension_types_agree_with_create_extension: not installed on this server, \
             not checked: {}",
            skipped.join(", ")
        ));
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
