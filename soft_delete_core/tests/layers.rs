//! The layer rule of `ARCHITECTURE.md`, checked on the sources: every `crate::` path a module
//! names points at its own layer or one below, the modules do not import each other in a
//! circle, and the tools never import each other. A failure names the file, the line and the
//! path that breaks the rule.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// One layer of the table: its rank (`L0` is 0) and whether it is the tools' row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layer {
    rank: u32,
    tool: bool,
}

/// The layer table of `ARCHITECTURE.md`: each module with its layer.
fn layers() -> BTreeMap<String, Layer> {
    let text = fs::read_to_string(crate_dir().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mut layers = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, label, modules, ..] = cells[..] else {
            continue;
        };
        let Some(rank) = label.strip_prefix('L').and_then(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        }) else {
            continue;
        };
        let layer = Layer {
            rank,
            tool: label.ends_with("tools"),
        };
        for module in modules.split(',') {
            let module = module.trim().trim_matches('`');
            if !module.is_empty() {
                layers.insert(module.to_owned(), layer);
            }
        }
    }
    assert!(!layers.is_empty(), "ARCHITECTURE.md has no layer table");
    layers
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A source file's path from the crate's directory: `src/render/model.rs`.
fn shown(file: &Path) -> String {
    file.strip_prefix(crate_dir())
        .unwrap_or(file)
        .display()
        .to_string()
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to: `cascade` for `src/cascade/check.rs` and
/// `src/cascade/mod.rs`, `api` for `src/api.rs`, `lib` for the crate root.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let first = relative
        .components()
        .next()
        .expect("a component")
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The names `lib.rs` re-exports at the crate root, with the module each comes from:
/// `pub use api::SoftDelete;` makes `crate::SoftDelete` a path into `api`.
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let code = without_comments(lib);
    let mut rest = code.as_str();
    while let Some(at) = rest.find("pub use ") {
        rest = &rest[at + "pub use ".len()..];
        let end = rest.find(';').unwrap_or(rest.len());
        let item = rest[..end].trim().trim_start_matches("crate::");
        rest = &rest[end..];
        let Some((module, tail)) = item.split_once("::") else {
            continue;
        };
        let tail = tail.trim();
        let listed: Vec<&str> = match tail.strip_prefix('{') {
            Some(group) => group.trim_end_matches('}').split(',').collect(),
            None => vec![tail],
        };
        for name in listed {
            let name = name.rsplit(" as ").next().unwrap_or(name).trim();
            let name = name.rsplit("::").next().unwrap_or(name).trim();
            if !name.is_empty() {
                names.insert(name.to_owned(), module.to_owned());
            }
        }
    }
    names
}

/// `text` with `//` comments blanked and the unit tests at the end of a file (`#[cfg(test)]
/// mod tests`) left out, line for line.
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut in_tests = false;
    let lines: Vec<&str> = text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        if line.trim() == "#[cfg(test)]"
            && lines
                .get(index + 1)
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            in_tests = true;
        }
        if !in_tests {
            out.push_str(line.split("//").next().unwrap_or(""));
        }
        out.push('\n');
    }
    out
}

/// One `crate::` path in a file: the line it is on and the first two segments.
struct Use {
    line: usize,
    path: String,
    first: String,
}

fn identifier_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Every `crate::` path of `code`, group imports (`use crate::{a::X, b::Y}`) taken apart.
fn uses(code: &str) -> Vec<Use> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let line = code[..at].matches('\n').count() + 1;
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find("};").unwrap_or(group.len());
            let mut offset = 0;
            for item in group[..end].split(',') {
                let lead = item.len() - item.trim_start().len();
                let item_line = line + group[..offset + lead].matches('\n').count();
                offset += item.len() + 1;
                let first = identifier_at(item.trim()).to_owned();
                if !first.is_empty() {
                    found.push(Use {
                        line: item_line,
                        path: format!("crate::{}", item.trim()),
                        first,
                    });
                }
            }
            continue;
        }
        let first = identifier_at(rest).to_owned();
        let path_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        found.push(Use {
            line,
            path: format!("crate::{}", &rest[..path_end]),
            first,
        });
    }
    found
}

#[test]
fn every_module_imports_only_from_its_layer_or_below() {
    let layers = layers();
    let src = crate_dir().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let lib = fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let roots = root_names(&lib);

    let mut modules: BTreeSet<String> = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut broken = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        modules.insert(module.clone());
        if module == "lib" {
            continue;
        }
        let Some(&from) = layers.get(&module) else {
            broken.push(format!(
                "{}: module `{module}` is in no layer of ARCHITECTURE.md",
                shown(file)
            ));
            continue;
        };
        let code = without_comments(&fs::read_to_string(file).expect("source"));
        for used in uses(&code) {
            let target = if layers.contains_key(&used.first) {
                used.first.clone()
            } else if let Some(module) = roots
                .get(&used.first)
                .filter(|module| layers.contains_key(*module))
            {
                module.clone()
            } else {
                continue;
            };
            if target == module {
                continue;
            }
            edges
                .entry(module.clone())
                .or_default()
                .insert(target.clone());
            let to = layers[&target];
            let place = format!("{}:{}", shown(file), used.line);
            if to.rank > from.rank {
                broken.push(format!(
                    "{place}: `{module}` (L{}) imports `{}` from `{target}`, a layer above (L{})",
                    from.rank, used.path, to.rank
                ));
            } else if from.tool && to.tool {
                broken.push(format!(
                    "{place}: the tool `{module}` imports `{}` from the tool `{target}`; tools never import each other",
                    used.path
                ));
            }
        }
    }
    for module in layers.keys() {
        if !modules.contains(module) {
            broken.push(format!(
                "ARCHITECTURE.md names `{module}`, which is not a module of src/"
            ));
        }
    }
    if let Some(circle) = circle(&edges) {
        broken.push(format!(
            "modules import each other in a circle: {}",
            circle.join(" -> ")
        ));
    }
    assert!(
        broken.is_empty(),
        "the layer rule of ARCHITECTURE.md is broken:\n  {}",
        broken.join("\n  ")
    );
}

/// A circle among the modules, if there is one: a path that comes back to where it started.
fn circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|seen| seen == module) {
            let mut circle = path[start..].to_vec();
            circle.push(module.to_owned());
            return Some(circle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for next in edges.get(module).into_iter().flatten() {
            if let Some(circle) = visit(next, edges, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|module| visit(module, edges, &mut Vec::new(), &mut done))
}

#[test]
fn the_reader_finds_an_upward_import() {
    // The checks above must be able to fail: an `L1` line naming an `L5` path is caught, with
    // its line, and a root re-export resolves to its module.
    let code = without_comments(
        "use crate::model::Model;\n// crate::ops::restore\nfn f() { crate::ops::restore(); }\n",
    );
    let found = uses(&code);
    assert_eq!(
        found
            .iter()
            .map(|u| (u.line, u.first.as_str()))
            .collect::<Vec<_>>(),
        [(1, "model"), (3, "ops")]
    );
    let grouped = uses("use crate::{\n    model::Model,\n    ops::restore,\n};\n");
    assert_eq!(
        grouped
            .iter()
            .map(|u| (u.line, u.first.as_str()))
            .collect::<Vec<_>>(),
        [(2, "model"), (3, "ops")]
    );
    let roots = root_names("pub use api::SoftDelete;\npub use error::{Error, Result};\n");
    assert_eq!(roots.get("Result").map(String::as_str), Some("error"));
    assert_eq!(roots.get("SoftDelete").map(String::as_str), Some("api"));
    let looped = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    assert_eq!(
        circle(&looped),
        Some(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()])
    );
}
