fn main() {
    compile("src", "tree-sitter-ddlint-sql", &["parser.c", "scanner.c"]);
    compile("prisma/src", "tree-sitter-ddlint-prisma", &["parser.c"]);
}

fn compile(dir: &str, library: &str, files: &[&str]) {
    let dir = std::path::Path::new(dir);
    let mut build = cc::Build::new();
    build
        .std("c11")
        .include(dir)
        // The parser is hot in every build, tests included; an unoptimised parser is ~10x slower.
        .opt_level(2)
        .warnings(false);
    for file in files {
        build.file(dir.join(file));
        println!("cargo:rerun-if-changed={}", dir.join(file).display());
    }
    build.compile(library);
}
