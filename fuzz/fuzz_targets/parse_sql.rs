//! The SQL grammar and lowering: parsing never panics, and after any sequence of edits the
//! incremental reparse gives the syntax errors and statements a fresh parse gives.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

use ddlint::syntax::Language;

mod edit_check;

fuzz_target!(|data: &[u8]| edit_check::run(Language::Sql, data));
