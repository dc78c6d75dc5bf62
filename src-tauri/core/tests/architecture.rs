//! The core's layers depend one way only — domain ← store ← use cases —
//! and no module reaches, directly or round about, back to itself. Read
//! from the source, so a `use` against the grain fails here before review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path from the crate root, `domain::reminder::dates`.
type Module = String;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read the source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(root: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(root).expect("under src");
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts == ["lib"] {
        parts.clear();
    }
    parts.join("::")
}

/// The code without comments, string literals and test modules: what the
/// module actually depends on to build.
fn code(text: &str) -> String {
    let without_tests = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::with_capacity(without_tests.len());
    let mut chars = without_tests.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            if c == '\\' {
                chars.next();
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            for c in chars.by_ref() {
                if c == '\n' {
                    out.push('\n');
                    break;
                }
            }
            continue;
        }
        if c == '"' {
            in_string = true;
            continue;
        }
        out.push(c);
    }
    out
}

/// Every path a module names: `crate::a::b`, `super::c`, and the paths
/// inside `use` groups (`use crate::store::{Store, customers};`).
fn named_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    // Expand `use` statements with their groups.
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let statement_start = at + 4;
        let Some(end) = rest[statement_start..].find(';') else {
            break;
        };
        let statement: String = rest[statement_start..statement_start + end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        expand("", &statement, &mut paths);
        rest = &rest[statement_start + end..];
    }
    // Paths written inline in code.
    for (at, _) in code.match_indices("crate::") {
        let path: String = code[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        paths.push(path);
    }
    paths
}

/// `a::{b, c::{d}}` → `a::b`, `a::c::d`.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree
        .trim_start_matches("pub(crate)")
        .trim_start_matches("pub");
    match tree.find('{') {
        None => out.push(format!("{prefix}{tree}")),
        Some(open) => {
            let head = &tree[..open];
            let inner = &tree[open + 1..tree.len().saturating_sub(1)];
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&format!("{prefix}{head}"), &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            if start < inner.len() {
                expand(&format!("{prefix}{head}"), &inner[start..], out);
            }
        }
    }
}

/// The module a path names, resolved from `from`; `None` for outside crates.
fn target(
    path: &str,
    from: &Module,
    modules: &BTreeSet<Module>,
    aliases: &BTreeMap<&str, &str>,
) -> Option<Module> {
    let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String> = match segments.first() {
        Some(&"crate") => Vec::new(),
        Some(&"super") => {
            let mut parent: Vec<String> = from.split("::").map(str::to_owned).collect();
            parent.pop();
            parent
        }
        Some(&"self") => from.split("::").map(str::to_owned).collect(),
        _ => return None,
    };
    let mut rest = &segments[1..];
    while rest.first() == Some(&"super") {
        base.pop();
        rest = &rest[1..];
    }
    // The longest prefix that is a module of this crate.
    let mut found = None;
    let mut current = base.clone();
    for segment in rest {
        current.push((*segment).to_owned());
        let mut name = current.join("::");
        if let Some(real) = aliases.get(name.as_str()) {
            name = (*real).to_owned();
            current = name.split("::").map(str::to_owned).collect();
        }
        if modules.contains(&name) {
            found = Some(name);
        }
    }
    found
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Domain,
    Store,
    /// What every layer shares: the error type, private files, the store
    /// key and where the data folder is.
    Shared,
    UseCase,
}

fn layer(module: &str) -> Layer {
    if module == "domain" || module.starts_with("domain::") {
        Layer::Domain
    } else if module == "store" || module.starts_with("store::") {
        Layer::Store
    } else if matches!(module, "error" | "fs" | "keys" | "paths") {
        Layer::Shared
    } else {
        Layer::UseCase
    }
}

/// Declaring or re-exporting one's own submodules is structure, not a
/// dependency.
fn is_descendant(module: &str, of: &str) -> bool {
    of.is_empty() || module.starts_with(&format!("{of}::"))
}

struct Graph {
    edges: BTreeMap<Module, BTreeSet<Module>>,
    texts: BTreeMap<Module, String>,
}

fn graph() -> Graph {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(&root, f)).collect();
    // What lib.rs re-exports under another name.
    let aliases: BTreeMap<&str, &str> = [
        ("calendar", "domain::calendar"),
        ("clock", "domain::clock"),
        ("dates", "domain::dates"),
        ("kana", "domain::kana"),
        ("search", "domain::search"),
    ]
    .into();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    let mut texts = BTreeMap::new();
    for file in &files {
        let module = module_of(&root, file);
        let text = code(&std::fs::read_to_string(file).expect("read a source file"));
        let targets = named_paths(&text)
            .iter()
            .filter_map(|p| target(p, &module, &modules, &aliases))
            .filter(|t| *t != module && !is_descendant(t, &module))
            .collect();
        edges.insert(module.clone(), targets);
        texts.insert(module, text);
    }
    Graph { edges, texts }
}

#[test]
fn the_domain_knows_no_storage_and_the_store_no_use_case() {
    let g = graph();
    let mut wrong = Vec::new();
    for (module, targets) in &g.edges {
        let from = layer(module);
        if from == Layer::Domain && g.texts[module].contains("rusqlite") {
            wrong.push(format!("{module} uses rusqlite"));
        }
        for t in targets {
            let allowed = match from {
                Layer::Domain => matches!(layer(t), Layer::Domain | Layer::Shared),
                Layer::Store => matches!(layer(t), Layer::Domain | Layer::Store | Layer::Shared),
                Layer::Shared | Layer::UseCase => true,
            };
            if !allowed {
                wrong.push(format!("{module} → {t}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies against the layers: {wrong:#?}"
    );
}

#[test]
fn no_module_depends_on_itself_round_about() {
    let g = graph();
    // Depth-first search for a back edge, reporting the cycle it closes.
    fn visit(
        node: &Module,
        g: &Graph,
        path: &mut Vec<Module>,
        done: &mut BTreeSet<Module>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.clone());
            cycles.push(cycle.join(" → "));
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.clone());
        for next in g.edges.get(node).into_iter().flatten() {
            visit(next, g, path, done, cycles);
        }
        path.pop();
        done.insert(node.clone());
    }
    let mut done = BTreeSet::new();
    let mut cycles = Vec::new();
    for node in g.edges.keys() {
        visit(node, &g, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

#[test]
fn only_the_owner_of_derived_data_commits() {
    let g = graph();
    let committing: Vec<&Module> = g
        .texts
        .iter()
        .filter(|(module, text)| {
            text.contains("commit_settled(") && !matches!(module.as_str(), "derived" | "store")
        })
        .map(|(module, _)| module)
        .collect();
    assert!(
        committing.is_empty(),
        "commits around `derived`: {committing:?}"
    );
}

/// Writes are SQL of the store layer only: a use case says what to change
/// through store functions, which record what they changed for the owner
/// of derived data. Read from the source text itself (strings included,
/// statements spread over lines joined), tests and comments left out.
#[test]
fn use_cases_write_no_sql_of_their_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let writes = [
        "INSERT INTO",
        "INSERT OR",
        "REPLACE INTO",
        "DELETE FROM",
        " SET ",
        ".execute(",
        ".execute_batch(",
        "pragma_update(",
        ".restore(",
    ];
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(&root, file);
        if layer(&module) != Layer::UseCase {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("read a source file");
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let joined = text
            .lines()
            .map(|line| line.split("//").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        wrong.extend(
            writes
                .iter()
                .filter(|write| joined.contains(**write))
                .map(|write| format!("{module}: {write}")),
        );
    }
    assert!(wrong.is_empty(), "SQL writes outside the store: {wrong:#?}");
}

#[test]
fn the_reader_finds_dependencies_in_groups_and_inline() {
    let text = code(
        "use crate::store::{Store, customers::{self, insert}};\n// use crate::undo;\nfn f() { crate::derived::x(); let s = \"crate::measures\"; }",
    );
    let paths = named_paths(&text);
    assert!(paths.contains(&"crate::store::Store".to_owned()));
    assert!(paths.contains(&"crate::store::customers::insert".to_owned()));
    assert!(paths.iter().any(|p| p.starts_with("crate::derived")));
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("undo") || p.contains("measures"))
    );
}
