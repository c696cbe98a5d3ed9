//! The crate's layer rule, checked on its own source: every top-level module
//! has a rank, and a module may only use modules of lower rank (and never one
//! that the deny list names), so the imports form no cycle. Tests at the
//! bottom of a file (after `#[cfg(test)]`) may use anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules from the bottom up; a module may use only lower ranks.
const RANKS: &[(&str, u8)] = &[
    ("error", 0),
    ("config", 0),
    ("parallel", 0),
    ("plan", 1),
    ("values", 2),
    ("store", 3),
    ("render", 4),
    ("engine", 5),
    ("seed", 5),
    ("harvest", 6),
    ("app", 7),
    ("fixtures", 8),
    ("http", 9),
    ("examples", 10),
];

/// Edges the ranks would allow but the design forbids: the edge serves the
/// API without knowing any of its rules.
const DENIED: &[(&str, &str)] = &[("http", "harvest"), ("http", "seed")];

/// `from → to` edges between top-level modules, with one file that makes each.
type Edges = BTreeMap<(String, String), String>;

/// Reads every `.rs` file below `src` and collects the module edges.
fn edges(src: &Path) -> Edges {
    let reexports = reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default());
    let mut out = Edges::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(rel) = path.strip_prefix(src) else { continue };
            let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            let Some(from) = owner(&parts) else { continue };
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let depth = parts.len() - usize::from(parts.last().is_some_and(|f| f == "mod.rs"));
            for used in used_modules(&text, depth) {
                let to = reexports.get(&used).cloned().unwrap_or(used);
                if to != from {
                    out.entry((from.clone(), to)).or_insert_with(|| rel.display().to_string());
                }
            }
        }
    }
    out
}

/// Names the crate root re-exports (`pub use config::Config;`) and the module each comes from.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lib.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
        let Some((module, rest)) = line.trim_end_matches(';').split_once("::") else { continue };
        let names = rest.trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            out.insert(name.to_string(), module.to_string());
        }
    }
    out
}

/// The top-level module a file belongs to (`None` for the crate root files).
fn owner(parts: &[String]) -> Option<String> {
    match parts {
        [file] if file == "lib.rs" || file == "main.rs" => None,
        [file] => file.strip_suffix(".rs").map(str::to_string),
        [dir, ..] => Some(dir.clone()),
        [] => None,
    }
}

/// Top-level modules named by `crate::` paths (and `super::` paths that
/// reach the crate root) in the code of a module `depth` levels below the
/// root, before its tests.
fn used_modules(text: &str, depth: usize) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let code: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    // From a top-level module (`src/m.rs`, `src/m/mod.rs`) one `super::` is the root; one level down, two.
    let root_super = "super::".repeat(depth);
    let mut out = BTreeSet::new();
    for prefix in ["crate::", root_super.as_str()] {
        if prefix.is_empty() || (depth < 1 && prefix != "crate::") {
            continue;
        }
        let mut from = 0;
        while let Some(i) = code[from..].find(prefix).map(|i| from + i) {
            from = i + prefix.len();
            let before = code[..i].chars().last();
            let rest = &code[from..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            if prefix != "crate::" && rest.starts_with("super::") {
                continue;
            }
            // Through `super::` only modules count: a capitalised name is an item of an
            // inline module's parent (`use super::{Cell, Rec}` in `mod rows_serde`).
            let wanted = |name: &String| prefix == "crate::" || !name.starts_with(char::is_uppercase);
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or_default();
                out.extend(inner.split(',').filter_map(|item| ident(item.trim())).filter(wanted));
            } else if let Some(name) = ident(rest).filter(wanted) {
                out.insert(name);
            }
        }
    }
    out.retain(|m| m != "self");
    out
}

/// The identifier a path segment starts with.
fn ident(s: &str) -> Option<String> {
    let name: String = s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

/// Every violation of the rule: unranked modules, upward or sideways edges,
/// denied edges, and cycles.
fn violations(edges: &Edges) -> Vec<String> {
    let rank = |m: &str| RANKS.iter().find(|(n, _)| *n == m).map(|(_, r)| *r);
    let mut out = Vec::new();
    for ((from, to), file) in edges {
        match (rank(from), rank(to)) {
            (None, _) => out.push(format!("module {from} ({file}) has no rank in RANKS")),
            (_, None) => out.push(format!("{file}: {from} uses {to}, which has no rank in RANKS")),
            (Some(a), Some(b)) if b >= a => {
                out.push(format!("{file}: {from} (rank {a}) may not use {to} (rank {b})"));
            }
            _ => {}
        }
        if DENIED.contains(&(from.as_str(), to.as_str())) {
            out.push(format!("{file}: {from} may not use {to}"));
        }
    }
    out.extend(cycles(edges));
    out
}

/// One message per cycle found by a depth-first walk.
fn cycles(edges: &Edges) -> Vec<String> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().push(to);
    }
    let mut out = Vec::new();
    let mut done = BTreeSet::new();
    for start in next.keys() {
        let mut path = vec![*start];
        walk(start, &next, &mut path, &mut done, &mut out);
    }
    out
}

fn walk<'a>(
    at: &'a str,
    next: &BTreeMap<&'a str, Vec<&'a str>>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
    out: &mut Vec<String>,
) {
    if done.contains(at) {
        return;
    }
    for to in next.get(at).into_iter().flatten() {
        if let Some(i) = path.iter().position(|m| m == to) {
            out.push(format!("import cycle: {} -> {to}", path[i..].join(" -> ")));
            continue;
        }
        path.push(to);
        walk(to, next, path, done, out);
        path.pop();
    }
    done.insert(at);
}

#[test]
fn the_crate_keeps_its_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = edges(&src);
    assert!(edges.keys().any(|(f, t)| f == "http" && t == "engine"), "the scan found no edges: {edges:?}");
    let problems = violations(&edges);
    assert!(problems.is_empty(), "layer rule broken:\n{}", problems.join("\n"));
}

#[test]
fn the_check_finds_cycles_upward_edges_and_denied_edges() {
    let edge = |a: &str, b: &str| ((a.to_string(), b.to_string()), format!("{a}/x.rs"));
    let edges: Edges =
        [edge("engine", "harvest"), edge("harvest", "engine"), edge("http", "harvest"), edge("x", "plan")]
            .into_iter()
            .collect();
    let problems = violations(&edges).join("\n");
    assert!(problems.contains("engine (rank 5) may not use harvest (rank 6)"), "{problems}");
    assert!(problems.contains("import cycle: engine -> harvest -> engine"), "{problems}");
    assert!(problems.contains("http may not use harvest"), "{problems}");
    assert!(problems.contains("module x (x/x.rs) has no rank"), "{problems}");
}

#[test]
fn paths_are_read_from_uses_groups_and_root_supers() {
    let text = "use crate::{engine::Ctx, store};\nuse super::super::plan::Plan;\nuse super::sibling;\nlet x = crate::values::now();\n// crate::http in a comment\n#[cfg(test)]\nuse crate::app;";
    let used = used_modules(text, 2);
    assert_eq!(used, ["engine", "plan", "store", "values"].into_iter().map(String::from).collect());
    let top = used_modules("use super::render::Json;\nuse super::super::x;\nuse super::{Cell, Rec};", 1);
    assert_eq!(top, ["render"].into_iter().map(String::from).collect());
    let lib = "pub use config::Config;\npub use http::{AppState, MockServer, router};";
    assert_eq!(reexports(lib).get("router").map(String::as_str), Some("http"));
}
