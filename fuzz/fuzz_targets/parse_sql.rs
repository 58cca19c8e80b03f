//! The SQL grammar and lowering: parsing never panics, and after any edit the incremental
//! reparse gives the statements a fresh parse gives (for texts without syntax errors, where
//! chunked error recovery cannot differ).

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

use ddlint::syntax::Language;

mod edit_check;

fuzz_target!(|data: &[u8]| edit_check::run(Language::Sql, data));
