//! The layers of `server/src` (docs/architecture.md, "Layers"), checked in the sources: a module
//! may use modules of its own layer and of the layers below, never one above. Every `crate::`,
//! `self::` and `super::` path counts (a `use`, or a path written in the code), group imports
//! (`crate::{a, b::{c, d}}`) path by path. Test code is exempt: `#[cfg(test)]` items and the
//! modules they declare (the `tests.rs` files, this file).

use std::path::{Path, PathBuf};

/// Lowest first, numbered from 1 in messages and the docs. A module path belongs to the entry that
/// is its longest prefix, so a part of a module may sit in another layer than the rest (the host of
/// `workspace` runs the analysis that uses the workspace's sources, linking and history).
const LAYERS: &[&[&str]] = &[
    &[
        "allocator",
        "text",
        "suggest",
        "catalog",
        "config",
        "baseline",
        "chores",
        "parallel",
    ],
    &["syntax"],
    &["lower"],
    &["model"],
    &["diagnostic", "suppression"],
    // A design document's blocks are part of its file's analysis; `confine_fixes` reads both.
    &["file", "markdown"],
    &["fix"],
    &["erd"],
    &["mermaid"],
    &["rules"],
    &["workspace"],
    &["analysis"],
    // The rules' fixtures, read by tests.
    &["fixture"],
    &["workspace::host"],
    &["ide"],
    &["lsp"],
    &["cli"],
];

fn layer_of(path: &[String]) -> Option<(usize, String)> {
    let mut best: Option<(usize, usize, &str)> = None;
    for (layer, names) in LAYERS.iter().enumerate() {
        for name in *names {
            let parts: Vec<&str> = name.split("::").collect();
            let matches = parts.len() <= path.len() && parts.iter().zip(path).all(|(a, b)| a == b);
            if matches && best.is_none_or(|(_, len, _)| parts.len() > len) {
                best = Some((layer, parts.len(), name));
            }
        }
    }
    best.map(|(layer, _, name)| (layer, name.to_owned()))
}

/// The text with comments, string and character literals blanked (line breaks kept), so that
/// what is left is code and braces balance.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 1;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 1;
                }
                blank(&mut out, chars[i]);
                i += 1;
                if depth == 0 {
                    break;
                }
            }
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && (!ident_char(&chars, i) || (chars[i - 1] == 'b' && !ident_char(&chars, i - 1)))
        {
            let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            i += 2 + hashes;
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while i < chars.len() && !chars[i..].starts_with(&close) {
                blank(&mut out, chars[i]);
                i += 1;
            }
            i += close.len();
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if let Some(&c) = chars.get(i) {
                    blank(&mut out, c);
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal; `'a` without a closing quote is a lifetime.
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether the character before `i` continues an identifier (`for"` is not a raw string).
fn ident_char(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// `code` without its `#[cfg(test)]` items, and the names of the modules those declare.
fn without_tests(code: &str) -> (String, Vec<String>) {
    const ATTRIBUTE: &str = "#[cfg(test)]";
    let mut out = String::with_capacity(code.len());
    let mut test_modules = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(ATTRIBUTE) {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        let mut depth = 0;
        let mut end = item.len();
        let mut opened = false;
        for (i, c) in item.char_indices().skip(ATTRIBUTE.len()) {
            match c {
                '{' | '[' | '(' => {
                    depth += 1;
                    opened |= c == '{';
                }
                '}' | ']' | ')' => {
                    depth -= 1;
                    if depth == 0 && c == '}' && opened {
                        end = i + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        let skipped = &item[..end];
        let words: Vec<&str> = skipped
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        if let Some(position) = words.iter().position(|w| *w == "mod")
            && !opened
            && let Some(name) = words.get(position + 1)
        {
            test_modules.push((*name).to_owned());
        }
        out.extend(skipped.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        rest = &item[end..];
    }
    out.push_str(rest);
    (out, test_modules)
}

/// The paths at `text`'s start, `prefix` before each: `a::b`, `a::{b, c::{d}}`.
fn paths(text: &str, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    let mut i = 0;
    loop {
        i += text[i..].len() - text[i..].trim_start().len();
        if text[i..].starts_with('{') {
            i += 1;
            loop {
                i += text[i..].len() - text[i..].trim_start().len();
                if text[i..].starts_with('}') {
                    return i + 1;
                }
                i += paths(&text[i..], &path, out);
                i += text[i..].len() - text[i..].trim_start().len();
                match text[i..].chars().next() {
                    Some(',') => i += 1,
                    Some('}') => return i + 1,
                    _ => return i,
                }
            }
        }
        let word: String = text[i..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        i += word.len();
        if !word.is_empty() && word != "self" {
            path.push(word);
        }
        if text[i..].starts_with("::") {
            i += 2;
        } else {
            out.push(path);
            return i;
        }
    }
}

/// The paths `code` (of `module`) names, from the crate root, with their lines.
fn used_paths(code: &str, module: &[String]) -> Vec<(usize, Vec<String>)> {
    let mut used = Vec::new();
    for (at, _) in code.match_indices("::") {
        let before = &code[..at];
        let Some(keyword) = ["crate", "self", "super"].into_iter().find(|k| {
            before.strip_suffix(k).is_some_and(|head| {
                // `super::super::x` is read once, from its first `super`.
                !head.ends_with("::")
                    && !head
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        }) else {
            continue;
        };
        let mut base = match keyword {
            "crate" => Vec::new(),
            _ => module.to_vec(),
        };
        let mut rest = &code[at + 2..];
        if keyword == "super" {
            base.pop();
            while let Some(more) = rest.strip_prefix("super::") {
                base.pop();
                rest = more;
            }
        }
        let mut found = Vec::new();
        paths(rest, &base, &mut found);
        let line = code[..at].matches('\n').count() + 1;
        used.extend(found.into_iter().map(|path| (line, path)));
    }
    used
}

/// A source file's module path: `rules/keys/mod.rs` is `rules::keys`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    parts
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_uses_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files.sort();
    let mut test_modules: Vec<Vec<String>> = Vec::new();
    let mut scanned = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = module_path(relative);
        let text = std::fs::read_to_string(file).unwrap();
        let (code, tests) = without_tests(&code_only(&text));
        let parent = if matches!(module[..], [ref root] if root == "lib" || root == "main") {
            Vec::new()
        } else {
            module.clone()
        };
        test_modules.extend(tests.into_iter().map(|name| {
            let mut path = parent.clone();
            path.push(name);
            path
        }));
        scanned.push((relative.to_path_buf(), module, code));
    }
    let mut problems = Vec::new();
    for (relative, module, code) in &scanned {
        if test_modules.iter().any(|test| module.starts_with(test))
            || matches!(module[..], [ref root] if root == "lib" || root == "main")
        {
            continue;
        }
        let Some((own, own_name)) = layer_of(module) else {
            problems.push(format!(
                "src/{}: module `{}` has no layer: add it to LAYERS in src/layering.rs and to docs/architecture.md",
                relative.display(),
                module.join("::")
            ));
            continue;
        };
        for (line, path) in used_paths(code, module) {
            let Some((layer, name)) = layer_of(&path) else {
                continue;
            };
            if layer > own {
                problems.push(format!(
                    "src/{}:{line}: `{}` (layer {}, `{own_name}`) uses `crate::{}` (layer {}, `{name}`): a module may use only its own layer and those below",
                    relative.display(),
                    module.join("::"),
                    own + 1,
                    path.join("::"),
                    layer + 1,
                ));
            }
        }
    }
    problems.dedup();
    assert!(
        problems.is_empty(),
        "layering broken (see LAYERS in src/layering.rs and docs/architecture.md):\n{}",
        problems.join("\n")
    );
}

/// The reading of the sources itself: groups expanded, `super` resolved, comments, strings and
/// test items skipped.
#[test]
fn paths_read_from_a_source() {
    let text = "use crate::{a, b::{self, c, d::e}};\n// crate::x\nlet s = \"crate::y\"; let b = br\"crate::q\\\";\n\
                #[cfg(test)]\nmod tests;\n#[cfg(test)]\nmod inline {\n    use crate::z;\n}\n\
                fn f() { super::super::w::f(); let c = '{'; self::v(); }\n";
    let (code, tests) = without_tests(&code_only(text));
    assert_eq!(tests, ["tests"]);
    let module = ["m".to_owned(), "n".to_owned()];
    let used: Vec<(usize, String)> = used_paths(&code, &module)
        .into_iter()
        .map(|(line, path)| (line, path.join("::")))
        .collect();
    let expected = [
        (1, "a"),
        (1, "b"),
        (1, "b::c"),
        (1, "b::d::e"),
        (10, "w::f"),
        (10, "m::n::v"),
    ];
    assert_eq!(used, expected.map(|(line, path)| (line, path.to_owned())));
}
