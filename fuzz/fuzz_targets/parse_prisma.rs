//! The Prisma grammar and lowering, as `parse_sql` checks the SQL ones.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

use ddlint::syntax::Language;

mod edit_check;

fuzz_target!(|data: &[u8]| edit_check::run(Language::Prisma, data));
