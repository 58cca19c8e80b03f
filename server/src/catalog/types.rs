//! PostgreSQL's built-in types under every spelling, and the types well-known extensions create.
//!
//! [`builtin_type`] answers "is this a built-in type, and which one?" with the type's
//! `pg_type.typname`, so two columns compare equal exactly when PostgreSQL gives them the same
//! type: `integer`, `INT`, `int4` and `pg_catalog.int4` are all `int4`; `int[]`, `integer array`
//! and `_int4` are all `_int4` (an array is a type of its own, named after its element with a
//! leading underscore, and the internal array names are accepted as PostgreSQL accepts them).
//! Type modifiers do not change the type (`varchar(20)` is `varchar`), except that `float(p)`
//! picks `float4` or `float8`.
//!
//! The table covers `pg_catalog`'s base, range, multirange and pseudo types of PostgreSQL 15 to
//! 18. Not covered: the row types of system catalogs, and `information_schema`'s domains.

use crate::catalog::keywords::{KeywordCategory, keyword_category};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Base,
    Range,
    Multirange,
    /// Only valid in function signatures (`trigger`, `anyelement`, `void`...).
    Pseudo,
}

#[derive(Debug)]
struct Builtin {
    name: &'static str,
    kind: Kind,
    /// The typname of the array type, when the type has one.
    array: Option<&'static str>,
    /// Whether the type takes modifiers (`varchar(20)`, `numeric(10, 2)`, `time(3)`).
    typmod: bool,
}

const fn base(name: &'static str, array: Option<&'static str>) -> Builtin {
    Builtin {
        name,
        kind: Kind::Base,
        array,
        typmod: false,
    }
}

const fn base_with_typmod(name: &'static str, array: &'static str) -> Builtin {
    Builtin {
        name,
        kind: Kind::Base,
        array: Some(array),
        typmod: true,
    }
}

const fn range(name: &'static str, array: &'static str) -> Builtin {
    Builtin {
        name,
        kind: Kind::Range,
        array: Some(array),
        typmod: false,
    }
}

const fn multirange(name: &'static str, array: &'static str) -> Builtin {
    Builtin {
        name,
        kind: Kind::Multirange,
        array: Some(array),
        typmod: false,
    }
}

const fn pseudo(name: &'static str, array: Option<&'static str>) -> Builtin {
    Builtin {
        name,
        kind: Kind::Pseudo,
        array,
        typmod: false,
    }
}

/// `pg_catalog`'s types by typname, sorted for binary search.
static BUILTINS: &[Builtin] = &[
    base("aclitem", Some("_aclitem")),
    pseudo("any", None),
    pseudo("anyarray", None),
    pseudo("anycompatible", None),
    pseudo("anycompatiblearray", None),
    pseudo("anycompatiblemultirange", None),
    pseudo("anycompatiblenonarray", None),
    pseudo("anycompatiblerange", None),
    pseudo("anyelement", None),
    pseudo("anyenum", None),
    pseudo("anymultirange", None),
    pseudo("anynonarray", None),
    pseudo("anyrange", None),
    base_with_typmod("bit", "_bit"),
    base("bool", Some("_bool")),
    base("box", Some("_box")),
    base_with_typmod("bpchar", "_bpchar"),
    base("bytea", Some("_bytea")),
    base("char", Some("_char")),
    base("cid", Some("_cid")),
    base("cidr", Some("_cidr")),
    base("circle", Some("_circle")),
    pseudo("cstring", Some("_cstring")),
    base("date", Some("_date")),
    multirange("datemultirange", "_datemultirange"),
    range("daterange", "_daterange"),
    pseudo("event_trigger", None),
    pseudo("fdw_handler", None),
    base("float4", Some("_float4")),
    base("float8", Some("_float8")),
    base("gtsvector", Some("_gtsvector")),
    pseudo("index_am_handler", None),
    base("inet", Some("_inet")),
    base("int2", Some("_int2")),
    base("int2vector", Some("_int2vector")),
    base("int4", Some("_int4")),
    multirange("int4multirange", "_int4multirange"),
    range("int4range", "_int4range"),
    base("int8", Some("_int8")),
    multirange("int8multirange", "_int8multirange"),
    range("int8range", "_int8range"),
    pseudo("internal", None),
    base_with_typmod("interval", "_interval"),
    base("json", Some("_json")),
    base("jsonb", Some("_jsonb")),
    base("jsonpath", Some("_jsonpath")),
    pseudo("language_handler", None),
    base("line", Some("_line")),
    base("lseg", Some("_lseg")),
    base("macaddr", Some("_macaddr")),
    base("macaddr8", Some("_macaddr8")),
    base("money", Some("_money")),
    base("name", Some("_name")),
    base_with_typmod("numeric", "_numeric"),
    multirange("nummultirange", "_nummultirange"),
    range("numrange", "_numrange"),
    base("oid", Some("_oid")),
    base("oidvector", Some("_oidvector")),
    base("path", Some("_path")),
    base("pg_brin_bloom_summary", None),
    base("pg_brin_minmax_multi_summary", None),
    pseudo("pg_ddl_command", None),
    base("pg_dependencies", None),
    base("pg_lsn", Some("_pg_lsn")),
    base("pg_mcv_list", None),
    base("pg_ndistinct", None),
    base("pg_node_tree", None),
    base("pg_snapshot", Some("_pg_snapshot")),
    base("point", Some("_point")),
    base("polygon", Some("_polygon")),
    pseudo("record", Some("_record")),
    base("refcursor", Some("_refcursor")),
    base("regclass", Some("_regclass")),
    base("regcollation", Some("_regcollation")),
    base("regconfig", Some("_regconfig")),
    base("regdictionary", Some("_regdictionary")),
    base("regnamespace", Some("_regnamespace")),
    base("regoper", Some("_regoper")),
    base("regoperator", Some("_regoperator")),
    base("regproc", Some("_regproc")),
    base("regprocedure", Some("_regprocedure")),
    base("regrole", Some("_regrole")),
    base("regtype", Some("_regtype")),
    pseudo("table_am_handler", None),
    base("text", Some("_text")),
    base("tid", Some("_tid")),
    base_with_typmod("time", "_time"),
    base_with_typmod("timestamp", "_timestamp"),
    base_with_typmod("timestamptz", "_timestamptz"),
    base_with_typmod("timetz", "_timetz"),
    pseudo("trigger", None),
    pseudo("tsm_handler", None),
    multirange("tsmultirange", "_tsmultirange"),
    base("tsquery", Some("_tsquery")),
    range("tsrange", "_tsrange"),
    multirange("tstzmultirange", "_tstzmultirange"),
    range("tstzrange", "_tstzrange"),
    base("tsvector", Some("_tsvector")),
    base("txid_snapshot", Some("_txid_snapshot")),
    pseudo("unknown", None),
    base("uuid", Some("_uuid")),
    base_with_typmod("varbit", "_varbit"),
    base_with_typmod("varchar", "_varchar"),
    pseudo("void", None),
    base("xid", Some("_xid")),
    base("xid8", Some("_xid8")),
    base("xml", Some("_xml")),
];

/// The SQL-standard spellings the grammar turns into a `pg_catalog` type. They only work
/// unquoted and unqualified (`pg_catalog.integer` does not exist).
const ALIASES: &[(&str, &str)] = &[
    ("bigint", "int8"),
    ("bit varying", "varbit"),
    ("boolean", "bool"),
    ("char", "bpchar"),
    ("char varying", "varchar"),
    ("character", "bpchar"),
    ("character varying", "varchar"),
    ("dec", "numeric"),
    ("decimal", "numeric"),
    ("double precision", "float8"),
    ("int", "int4"),
    ("integer", "int4"),
    ("national char", "bpchar"),
    ("national char varying", "varchar"),
    ("national character", "bpchar"),
    ("national character varying", "varchar"),
    ("nchar", "bpchar"),
    ("nchar varying", "varchar"),
    ("real", "float4"),
    ("smallint", "int2"),
];

/// Column-only shorthands: an integer column with a sequence default.
const SERIALS: &[(&str, &str)] = &[
    ("bigserial", "int8"),
    ("serial", "int4"),
    ("serial2", "int2"),
    ("serial4", "int4"),
    ("serial8", "int8"),
    ("smallserial", "int2"),
];

/// The long spellings of the date-time types, for [`builtin_type_spellings`].
const ZONE_SPELLINGS: &[&str] = &[
    "time with time zone",
    "time without time zone",
    "timestamp with time zone",
    "timestamp without time zone",
];

/// The interval field lists PostgreSQL accepts after `interval`.
const INTERVAL_FIELDS: &[&[&str]] = &[
    &["year"],
    &["month"],
    &["day"],
    &["hour"],
    &["minute"],
    &["second"],
    &["year", "to", "month"],
    &["day", "to", "hour"],
    &["day", "to", "minute"],
    &["day", "to", "second"],
    &["hour", "to", "minute"],
    &["hour", "to", "second"],
    &["minute", "to", "second"],
];

/// The `pg_type.typname` of a built-in type written as `name`, or `None` when `name` is not a
/// built-in type PostgreSQL would accept.
///
/// `name` is a type as written in SQL: any ASCII case, any whitespace, with type modifiers
/// (`timestamp(3) with time zone`, `numeric(10, 2)`), array decorations (`int[]`,
/// `text array`), quotes (`"char"` is the one-byte `char`, `char` is `bpchar`) and the
/// `pg_catalog.` qualifier. The serial shorthands give the integer type they create.
pub fn builtin_type(name: &str) -> Option<&'static str> {
    resolve(name).map(|(typname, _)| typname)
}

/// Every spelling of a built-in type that [`builtin_type`] accepts as it is, without modifiers,
/// quotes or qualification: the typnames (arrays included), the SQL-standard names and the
/// serial shorthands. For completion and "did you mean" suggestions.
pub fn builtin_type_spellings() -> impl Iterator<Item = &'static str> {
    let typnames = BUILTINS
        .iter()
        .flat_map(|builtin| [Some(builtin.name), builtin.array])
        .flatten()
        // `any` needs quotes, and plain `char` means `bpchar` (listed with the aliases).
        .filter(|typname| !matches!(*typname, "any" | "char"));
    let keyword_spellings = ALIASES.iter().chain(SERIALS).map(|(spelling, _)| *spelling);
    typnames
        .chain(keyword_spellings)
        .chain(ZONE_SPELLINGS.iter().copied())
}

/// Whether `name` is a pseudo-type (or an array of one), valid in function signatures but
/// not as a column type: `trigger`, `void`, `anyelement`, `record`, `internal`...
pub fn is_pseudo_type(name: &str) -> bool {
    resolve(name).is_some_and(|(_, element)| element.kind == Kind::Pseudo)
}

/// Whether `name` is one of the serial shorthands (`serial`, `bigserial`, `smallserial`,
/// `serial2`, `serial4`, `serial8`), in any ASCII case.
pub fn is_serial(name: &str) -> bool {
    serial_type(&name.trim().to_ascii_lowercase()).is_some()
}

/// The type `float(p)` stands for: `float4` for 1 to 24 bits of precision, `float8` for 25 to
/// 53; `None` for precisions PostgreSQL rejects.
pub fn float_with_precision(p: u32) -> Option<&'static str> {
    match p {
        1..=24 => Some("float4"),
        25..=53 => Some("float8"),
        _ => None,
    }
}

/// The types (`pg_type.typname`, array types left out) that `CREATE EXTENSION extension`
/// creates, for the extensions this table knows (see [`is_known_extension`]); empty for the
/// others. The extension name is matched ignoring ASCII case. The types land in the schema the
/// extension is installed in (`postgis_topology` always uses `topology`).
pub fn extension_types(extension: &str) -> &'static [&'static str] {
    known_extension(extension).map_or(&[], |(_, types)| *types)
}

/// The extensions [`extension_types`] knows, by name.
pub fn known_extensions() -> impl Iterator<Item = &'static str> {
    EXTENSIONS.iter().map(|(name, _)| *name)
}

/// Whether [`extension_types`] knows `extension`, so an empty answer means "creates no types"
/// rather than "unknown".
pub fn is_known_extension(extension: &str) -> bool {
    known_extension(extension).is_some()
}

/// Extensions and the types they create, as of PostgreSQL's contrib modules 15 to 18,
/// PostGIS 3 and pgvector 0.7.
static EXTENSIONS: &[(&str, &[&str])] = &[
    ("btree_gin", &[]),
    (
        "btree_gist",
        &[
            "gbtreekey16",
            "gbtreekey2",
            "gbtreekey32",
            "gbtreekey4",
            "gbtreekey8",
            "gbtreekey_var",
        ],
    ),
    ("citext", &["citext"]),
    ("cube", &["cube"]),
    ("dblink", &["dblink_pkey_results"]),
    ("earthdistance", &["earth"]),
    ("fuzzystrmatch", &[]),
    ("hstore", &["ghstore", "hstore"]),
    ("intarray", &["intbig_gkey", "query_int"]),
    (
        "isn",
        &[
            "ean13", "isbn", "isbn13", "ismn", "ismn13", "issn", "issn13", "upc",
        ],
    ),
    ("lo", &["lo"]),
    ("ltree", &["lquery", "ltree", "ltree_gist", "ltxtquery"]),
    ("pg_trgm", &["gtrgm"]),
    ("pgcrypto", &[]),
    (
        "postgis",
        &[
            "box2d",
            "box2df",
            "box3d",
            "geography",
            "geometry",
            "geometry_dump",
            "gidx",
            "spheroid",
            "valid_detail",
        ],
    ),
    (
        "postgis_raster",
        &[
            "addbandarg",
            "agg_count",
            "agg_samealignment",
            "geomval",
            "rastbandarg",
            "raster",
            "reclassarg",
            "summarystats",
            "unionarg",
        ],
    ),
    ("postgis_sfcgal", &[]),
    (
        "postgis_topology",
        &[
            "getfaceedges_returntype",
            "topoelement",
            "topoelementarray",
            "topogeometry",
            "validatetopology_returntype",
        ],
    ),
    ("seg", &["seg"]),
    (
        "tablefunc",
        &[
            "tablefunc_crosstab_2",
            "tablefunc_crosstab_3",
            "tablefunc_crosstab_4",
        ],
    ),
    ("unaccent", &[]),
    ("uuid-ossp", &[]),
    ("vector", &["halfvec", "sparsevec", "vector"]),
];

fn known_extension(extension: &str) -> Option<&'static (&'static str, &'static [&'static str])> {
    EXTENSIONS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(extension))
}

/// The final typname and the element type it is built on (itself unless it is an array).
fn resolve(name: &str) -> Option<(&'static str, &'static Builtin)> {
    let mut tokens = tokenize(name)?;
    let array = strip_array_decoration(&mut tokens)?;
    let (typname, element) = match tokens.as_slice() {
        [Token::Quoted(_) | Token::Word(_), Token::Dot, ..] => qualified(&tokens)?,
        [Token::Quoted(quoted)] => by_typname(quoted)?,
        [Token::Quoted(quoted), Token::Parens(modifiers)] => {
            with_modifiers(by_typname(quoted)?, modifiers)?
        }
        _ => unquoted(&tokens, array)?,
    };
    if !array {
        return Some((typname, element));
    }
    // `_int4[]` is not a type: the array marker needs an element type that has an array.
    if typname != element.name {
        return None;
    }
    Some((element.array?, element))
}

/// `pg_catalog.name` with an optional modifier list; other schemas are not built-in.
fn qualified(tokens: &[Token]) -> Option<(&'static str, &'static Builtin)> {
    let (schema, rest) = match tokens {
        [
            Token::Word(schema) | Token::Quoted(schema),
            Token::Dot,
            rest @ ..,
        ] => (schema, rest),
        _ => return None,
    };
    if schema != "pg_catalog" {
        return None;
    }
    match rest {
        [Token::Word(name) | Token::Quoted(name)] => by_typname(name),
        [
            Token::Word(name) | Token::Quoted(name),
            Token::Parens(modifiers),
        ] => with_modifiers(by_typname(name)?, modifiers),
        _ => None,
    }
}

/// A type written with unquoted words: the grammar's special spellings, then plain typnames.
fn unquoted(tokens: &[Token], array: bool) -> Option<(&'static str, &'static Builtin)> {
    let mut words = Vec::with_capacity(tokens.len());
    let mut modifiers = None;
    for token in tokens {
        match token {
            Token::Word(word) => words.push(word.as_str()),
            Token::Parens(list) if modifiers.is_none() => modifiers = Some((words.len(), *list)),
            _ => return None,
        }
    }
    let (first, rest) = words.split_first()?;
    match (*first, rest) {
        ("float", []) => {
            let typname = match modifiers {
                None => "float8",
                Some((1, list)) => float_with_precision(single_number(list)?)?,
                Some(_) => return None,
            };
            by_typname(typname)
        }
        ("time" | "timestamp", zone) => {
            let with_zone = match zone {
                [] | ["without", "time", "zone"] => false,
                ["with", "time", "zone"] => true,
                _ => return None,
            };
            if let Some((position, list)) = modifiers
                && (position != 1 || !valid_modifiers(list))
            {
                return None;
            }
            by_typname(match (*first, with_zone) {
                ("time", false) => "time",
                ("time", true) => "timetz",
                ("timestamp", false) => "timestamp",
                _ => "timestamptz",
            })
        }
        ("interval", fields) => {
            if !fields.is_empty() && !INTERVAL_FIELDS.contains(&fields) {
                return None;
            }
            if let Some((position, list)) = modifiers {
                // `interval(3)`, or a precision on a trailing `second` field.
                let allowed = if fields.is_empty() {
                    position == 1
                } else {
                    position == words.len() && fields.last() == Some(&"second")
                };
                if !allowed || !valid_modifiers(list) {
                    return None;
                }
            }
            by_typname("interval")
        }
        _ => {
            let spelled = words.join(" ");
            let found = if let Some(typname) = serial_type(&spelled) {
                // Serial columns cannot be arrays or take modifiers.
                if array || modifiers.is_some() {
                    return None;
                }
                by_typname(typname)?
            } else if let Some((_, typname)) = ALIASES.iter().find(|(alias, _)| *alias == spelled) {
                by_typname(typname)?
            } else if rest.is_empty() && keyword_category(first) != Some(KeywordCategory::Reserved)
            {
                by_typname(first)?
            } else {
                return None;
            };
            match modifiers {
                None => Some(found),
                Some((position, list)) if position == words.len() => with_modifiers(found, list),
                Some(_) => None,
            }
        }
    }
}

fn serial_type(spelled: &str) -> Option<&'static str> {
    SERIALS
        .iter()
        .find(|(serial, _)| *serial == spelled)
        .map(|(_, typname)| *typname)
}

/// A typname, either a type of the table or the array of one (`_int4`).
fn by_typname(typname: &str) -> Option<(&'static str, &'static Builtin)> {
    if let Some(builtin) = builtin(typname) {
        return Some((builtin.name, builtin));
    }
    let element = builtin(typname.strip_prefix('_')?)?;
    let array = element.array.filter(|array| *array == typname)?;
    Some((array, element))
}

fn builtin(typname: &str) -> Option<&'static Builtin> {
    BUILTINS
        .binary_search_by(|builtin| builtin.name.cmp(typname))
        .ok()
        .map(|index| &BUILTINS[index])
}

/// Array types take the modifiers of their element (`_varchar(10)` is `varchar(10)[]`).
fn with_modifiers(
    found: (&'static str, &'static Builtin),
    list: &str,
) -> Option<(&'static str, &'static Builtin)> {
    (found.1.typmod && valid_modifiers(list)).then_some(found)
}

/// PostgreSQL accepts only unsigned integer constants as a built-in type's modifiers.
fn valid_modifiers(list: &str) -> bool {
    list.split(',').all(|item| is_number(item.trim()))
}

fn single_number(list: &str) -> Option<u32> {
    let item = list.trim();
    if is_number(item) {
        item.parse().ok()
    } else {
        None
    }
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Removes a trailing `[]`, `[n]`... or `array` / `array[n]`; tells whether there was one.
/// `None` when the decoration is malformed.
fn strip_array_decoration(tokens: &mut Vec<Token>) -> Option<bool> {
    let is_array_keyword = |token: &Token| matches!(token, Token::Word(word) if word == "array");
    match tokens.as_slice() {
        [.., keyword, Token::Brackets(bound)] if is_array_keyword(keyword) => {
            if !is_number(bound.trim()) {
                return None;
            }
            tokens.truncate(tokens.len() - 2);
            Some(true)
        }
        [.., keyword] if is_array_keyword(keyword) => {
            tokens.pop();
            Some(true)
        }
        _ => {
            let mut array = false;
            while let Some(Token::Brackets(bound)) = tokens.last() {
                let bound = bound.trim();
                if !bound.is_empty() && !is_number(bound) {
                    return None;
                }
                tokens.pop();
                array = true;
            }
            Some(array)
        }
    }
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    /// An unquoted identifier, ASCII-lowercased as PostgreSQL folds it.
    Word(String),
    /// A quoted identifier, kept exactly.
    Quoted(String),
    Dot,
    /// The text between `(` and `)`.
    Parens(&'a str),
    /// The text between `[` and `]`.
    Brackets(&'a str),
}

fn tokenize(text: &str) -> Option<Vec<Token<'_>>> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if is_space(c) {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        match c {
            '.' => {
                tokens.push(Token::Dot);
                rest = &rest[1..];
            }
            '(' | '[' => {
                let close = if c == '(' { ')' } else { ']' };
                let end = rest.find(close)?;
                let inner = &rest[1..end];
                if inner.contains(['(', '[']) {
                    return None;
                }
                tokens.push(if c == '(' {
                    Token::Parens(inner)
                } else {
                    Token::Brackets(inner)
                });
                rest = &rest[end + 1..];
            }
            '"' => {
                let (quoted, after) = quoted_identifier(rest)?;
                tokens.push(Token::Quoted(quoted));
                rest = after;
            }
            c if c.is_alphabetic() || c == '_' => {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .unwrap_or(rest.len());
                tokens.push(Token::Word(rest[..end].to_ascii_lowercase()));
                rest = &rest[end..];
            }
            _ => return None,
        }
    }
    Some(tokens)
}

/// Reads `"..."` (with `""` for a quote) at the start of `text`; empty names are invalid.
fn quoted_identifier(text: &str) -> Option<(String, &str)> {
    let mut name = String::new();
    let mut rest = &text[1..];
    loop {
        let end = rest.find('"')?;
        name.push_str(&rest[..end]);
        rest = &rest[end + 1..];
        match rest.strip_prefix('"') {
            Some(after) => {
                name.push('"');
                rest = after;
            }
            None if name.is_empty() => return None,
            None => return Some((name, rest)),
        }
    }
}

/// PostgreSQL's lexer treats these as whitespace.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(spelling: &str, expected: Option<&str>) {
        assert_eq!(
            builtin_type(spelling),
            expected,
            "builtin_type({spelling:?})"
        );
    }

    #[test]
    fn tables_are_sorted_and_consistent() {
        assert!(BUILTINS.windows(2).all(|pair| pair[0].name < pair[1].name));
        for builtin in BUILTINS {
            if let Some(array) = builtin.array {
                assert_eq!(array.strip_prefix('_'), Some(builtin.name));
            }
            assert_eq!(
                builtin_type(&format!("\"{}\"", builtin.name)),
                Some(builtin.name)
            );
        }
        for (alias, typname) in ALIASES.iter().chain(SERIALS) {
            assert!(
                builtin(typname).is_some(),
                "{alias} maps to unknown {typname}"
            );
        }
        assert!(EXTENSIONS.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }

    #[test]
    fn integer_spellings() {
        for spelling in [
            "int",
            "integer",
            "int4",
            "INT",
            "Integer",
            " int4 ",
            "pg_catalog.int4",
        ] {
            check(spelling, Some("int4"));
        }
        for spelling in ["bigint", "int8", "BIGINT", "bigserial", "serial8"] {
            check(spelling, Some("int8"));
        }
        for spelling in ["smallint", "int2", "smallserial", "serial2"] {
            check(spelling, Some("int2"));
        }
        check("serial", Some("int4"));
        check("serial4", Some("int4"));
    }

    #[test]
    fn floating_point_spellings() {
        check("real", Some("float4"));
        check("float4", Some("float4"));
        check("double precision", Some("float8"));
        check("DOUBLE\t  PRECISION", Some("float8"));
        check("float8", Some("float8"));
        check("float", Some("float8"));
        check("float(24)", Some("float4"));
        check("float (25)", Some("float8"));
        check("float(0)", None);
        check("float(54)", None);
        check("double", None);
        check("float4(3)", None);
        assert_eq!(float_with_precision(1), Some("float4"));
        assert_eq!(float_with_precision(24), Some("float4"));
        assert_eq!(float_with_precision(25), Some("float8"));
        assert_eq!(float_with_precision(53), Some("float8"));
        assert_eq!(float_with_precision(0), None);
        assert_eq!(float_with_precision(54), None);
    }

    #[test]
    fn character_spellings() {
        for spelling in [
            "varchar",
            "character varying",
            "char varying",
            "varchar(20)",
        ] {
            check(spelling, Some("varchar"));
        }
        for spelling in [
            "national character varying(3)",
            "nchar varying",
            "national char varying",
        ] {
            check(spelling, Some("varchar"));
        }
        for spelling in [
            "char",
            "character",
            "bpchar",
            "char(3)",
            "nchar",
            "national character",
        ] {
            check(spelling, Some("bpchar"));
        }
        check("\"char\"", Some("char"));
        check("pg_catalog.\"char\"", Some("char"));
        check("pg_catalog.char", Some("char"));
        check("text", Some("text"));
        check("national varchar", None);
        check("char(3) varying", None);
    }

    #[test]
    fn date_and_time_spellings() {
        check("timestamp", Some("timestamp"));
        check("timestamp without time zone", Some("timestamp"));
        check("timestamp(3) without time zone", Some("timestamp"));
        check("timestamptz", Some("timestamptz"));
        check("timestamp with time zone", Some("timestamptz"));
        check("TIMESTAMP(6) WITH TIME ZONE", Some("timestamptz"));
        check("time", Some("time"));
        check("time without time zone", Some("time"));
        check("timetz", Some("timetz"));
        check("time(3) with time zone", Some("timetz"));
        check("time with time zone(3)", None);
        check("timestamp with zone", None);
        check("date", Some("date"));
        check("interval", Some("interval"));
        check("interval(3)", Some("interval"));
        check("interval day to second(3)", Some("interval"));
        check("interval year to month", Some("interval"));
        check("interval second(3)", Some("interval"));
        check("interval year to second", None);
        check("interval day(3)", None);
        check("interval(3) day", None);
    }

    #[test]
    fn other_standard_spellings() {
        check("boolean", Some("bool"));
        check("bool", Some("bool"));
        check("decimal", Some("numeric"));
        check("dec(10, 2)", Some("numeric"));
        check("numeric(10,2)", Some("numeric"));
        check("bit varying", Some("varbit"));
        check("bit varying(5)", Some("varbit"));
        check("bit(3)", Some("bit"));
        check("numeric(+10)", None);
        check("numeric()", None);
        check("varchar(a)", None);
        check("bool(3)", None);
    }

    #[test]
    fn arrays_are_types_of_their_own() {
        for spelling in [
            "int[]",
            "integer[]",
            "int4 []",
            "int[3]",
            "int[][]",
            "integer array",
        ] {
            check(spelling, Some("_int4"));
        }
        check("int array[3]", Some("_int4"));
        check("_int4", Some("_int4"));
        check("pg_catalog._int4", Some("_int4"));
        check("varchar(3)[]", Some("_varchar"));
        check("timestamp with time zone array", Some("_timestamptz"));
        check("double precision[]", Some("_float8"));
        check("_int4[]", None);
        check("_int4 array", None);
        check("int array[]", None);
        check("int[3] array", None);
        check("int[-1]", None);
        check("serial[]", None);
        check("void[]", None);
        check("pg_node_tree[]", None);
        check("record[]", Some("_record"));
    }

    #[test]
    fn quoting_and_qualification() {
        check("\"int4\"", Some("int4"));
        check("\"timestamp\"", Some("timestamp"));
        check("\"integer\"", None);
        check("\"Int4\"", None);
        check("\"TIMESTAMP\"", None);
        check("\"pg_catalog\".int4", Some("int4"));
        check("pg_catalog . int4", Some("int4"));
        check("PG_CATALOG.INT4", Some("int4"));
        check("pg_catalog.integer", None);
        check("pg_catalog.serial", None);
        check("public.int4", None);
        check("db.pg_catalog.int4", None);
        check("pg_catalog.varchar(10)", Some("varchar"));
        check("\"varchar\"(10)", Some("varchar"));
        check("\"\"", None);
        check("\"int4", None);
    }

    #[test]
    fn pseudo_types() {
        for spelling in [
            "trigger",
            "void",
            "anyelement",
            "record",
            "internal",
            "\"any\"",
        ] {
            assert!(is_pseudo_type(spelling), "{spelling} is a pseudo-type");
        }
        assert!(is_pseudo_type("_record"));
        assert!(is_pseudo_type("cstring[]"));
        check("any", None);
        check("event_trigger", Some("event_trigger"));
        for spelling in ["int", "text[]", "geometry", "nonsense"] {
            assert!(!is_pseudo_type(spelling), "{spelling} is not a pseudo-type");
        }
    }

    #[test]
    fn not_builtin() {
        for spelling in [
            "timestmap",
            "varchr(20)",
            "citext",
            "geometry",
            "users",
            "",
            "  ",
        ] {
            check(spelling, None);
        }
        for spelling in [
            "int;", "int -- x", "int)", "(int)", "int4.", ".int4", "[]", "text[",
        ] {
            check(spelling, None);
        }
    }

    #[test]
    fn every_listed_spelling_is_accepted() {
        let spellings: Vec<_> = builtin_type_spellings().collect();
        for spelling in &spellings {
            assert!(
                builtin_type(spelling).is_some(),
                "{spelling} is listed but not accepted"
            );
        }
        for spelling in [
            "integer",
            "_int4",
            "timestamp with time zone",
            "bigserial",
            "text",
        ] {
            assert!(spellings.contains(&spelling), "{spelling} is missing");
        }
        assert!(!spellings.contains(&"any"));
    }

    #[test]
    fn serials() {
        for spelling in [
            "serial",
            "SERIAL",
            "bigserial",
            "smallserial",
            "serial2",
            "serial4",
        ] {
            assert!(is_serial(spelling), "{spelling} is serial");
        }
        assert!(is_serial(" serial8 "));
        for spelling in ["int", "serial[]", "serial16", "pg_catalog.serial", ""] {
            assert!(!is_serial(spelling), "{spelling} is not serial");
        }
    }

    #[test]
    fn extensions() {
        assert_eq!(extension_types("citext"), ["citext"]);
        assert_eq!(extension_types("CITEXT"), ["citext"]);
        assert!(extension_types("postgis").contains(&"geography"));
        assert!(extension_types("postgis_topology").contains(&"topogeometry"));
        assert_eq!(
            extension_types("vector"),
            ["halfvec", "sparsevec", "vector"]
        );
        assert!(extension_types("isn").contains(&"isbn13"));
        assert!(extension_types("uuid-ossp").is_empty());
        assert!(is_known_extension("uuid-ossp"));
        assert!(extension_types("no_such_extension").is_empty());
        assert!(!is_known_extension("no_such_extension"));
        assert!(known_extensions().all(is_known_extension));
        for (_, types) in EXTENSIONS {
            assert!(types.windows(2).all(|pair| pair[0] < pair[1]));
            assert!(types.iter().all(|typname| builtin_type(typname).is_none()));
        }
    }
}
