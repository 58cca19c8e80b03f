//! What PostgreSQL itself defines, as static tables: its keywords and their categories, its
//! built-in types with every spelling of them, and the types well-known extensions create.
//!
//! Pure data and lookups: no I/O, nothing about the workspace. The tables are checked against a
//! real server by the `catalog_vs_postgres` test.

pub mod keywords;
pub mod types;
