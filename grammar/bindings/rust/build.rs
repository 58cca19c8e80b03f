fn main() {
    let sql = std::path::Path::new("src");
    let mut build = cc::Build::new();
    build
        .std("c11")
        .include(sql)
        // The parser is hot in every build, tests included; an unoptimised parser is ~10x slower.
        .opt_level(2)
        .warnings(false)
        .file(sql.join("parser.c"))
        .file(sql.join("scanner.c"));
    build.compile("tree-sitter-ddlint-sql");
    for file in ["parser.c", "scanner.c"] {
        println!("cargo:rerun-if-changed=src/{file}");
    }
}
