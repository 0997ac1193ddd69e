//! Template problems Tera reports badly or not at all. Tera detects `extends`
//! loops, but a template that includes itself (directly or through others)
//! recurses until the stack overflows and the process aborts, so such loops are
//! found here, statically, before anything renders. And Tera's render errors carry
//! no line: the name they complain about (a variable, a missing template, a filter)
//! is looked up in the template sources to point at the line that uses it.

use std::collections::BTreeMap;

use tera::ast::Node;
use tera::Tera;

use crate::error::{line_col, Diagnostic};
use crate::theme::Origin;

/// An include/extends/import loop among the loaded templates, as a diagnostic at
/// the line of the first template that closes it.
pub(crate) fn include_loop(tera: &Tera, origins: &BTreeMap<String, Origin>) -> Option<Diagnostic> {
    let graph = dependency_graph(tera);
    let cycle = find_cycle(&graph)?;
    let (from, to) = (&cycle[0], &cycle[1]);
    let mut d = Diagnostic::error(format!(
        "templates include each other in a loop: {}",
        cycle.join(" → ")
    ))
    .hint("rendering would never end; remove one of these includes (use a macro for recursion)");
    if let Some(origin) = origins.get(from.as_str()) {
        d = d.at(origin.display_path());
        if let Some((line, col)) = origin.source().and_then(|s| find_quoted(&s, to)) {
            d = d.line_col(line, col);
        }
    }
    Some(d)
}

/// Template → the templates it includes, extends or imports macros from.
fn dependency_graph(tera: &Tera) -> BTreeMap<&str, Vec<&str>> {
    let mut graph = BTreeMap::new();
    for (name, template) in &tera.templates {
        let mut edges = Vec::new();
        collect_includes(&template.ast, &mut edges);
        for m in template.macros.values() {
            collect_includes(&m.body, &mut edges);
        }
        edges.extend(template.parent.as_deref());
        edges.extend(
            template
                .imported_macro_files
                .iter()
                .map(|(f, _)| f.as_str()),
        );
        edges.sort_unstable();
        edges.dedup();
        graph.insert(name.as_str(), edges);
    }
    graph
}

fn collect_includes<'a>(nodes: &'a [Node], out: &mut Vec<&'a str>) {
    for node in nodes {
        match node {
            Node::Include(_, names, _) => out.extend(names.iter().map(String::as_str)),
            Node::Block(_, block, _) => collect_includes(&block.body, out),
            Node::MacroDefinition(_, m, _) => collect_includes(&m.body, out),
            Node::FilterSection(_, f, _) => collect_includes(&f.body, out),
            Node::Forloop(_, f, _) => {
                collect_includes(&f.body, out);
                collect_includes(f.empty_body.as_deref().unwrap_or_default(), out);
            }
            Node::If(i, _) => {
                for (_, _, body) in &i.conditions {
                    collect_includes(body, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    collect_includes(body, out);
                }
            }
            _ => {}
        }
    }
}

/// The first cycle found by an iterative depth-first search (templates may be
/// many and nested deeply; no recursion here either), as `a → b → … → a`.
fn find_cycle(graph: &BTreeMap<&str, Vec<&str>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks: BTreeMap<&str, Mark> = graph.keys().map(|&k| (k, Mark::New)).collect();
    for &start in graph.keys() {
        if marks[start] != Mark::New {
            continue;
        }
        // (node, index of the next edge to follow)
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        marks.insert(start, Mark::Open);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let edges = &graph[node];
            if *next == edges.len() {
                marks.insert(node, Mark::Done);
                stack.pop();
                continue;
            }
            let to = edges[*next];
            *next += 1;
            match marks.get(to) {
                Some(Mark::New) => {
                    marks.insert(to, Mark::Open);
                    stack.push((to, 0));
                }
                Some(Mark::Open) => {
                    let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[from..].iter().map(|(n, _)| n.to_string()).collect();
                    cycle.push(to.to_string());
                    return Some(cycle);
                }
                // Done, or a missing template (Tera reports those itself).
                _ => {}
            }
        }
    }
    None
}

/// Points `d` at the line of the template that uses the name Tera's message
/// complains about: the template being rendered first, then any other.
pub(crate) fn locate(
    mut d: Diagnostic,
    chain: &[String],
    rendering: Option<&str>,
    origins: &BTreeMap<String, Origin>,
) -> Diagnostic {
    let Some(needle) = chain.iter().find_map(|m| complained_name(m)) else {
        return d;
    };
    if is_missing_template(chain) {
        d = d.hint(missing_template_hint(&needle, origins));
    }
    let first = rendering.and_then(|r| origins.get_key_value(r));
    let found = first
        .into_iter()
        .chain(origins.iter())
        .find_map(|(_, origin)| {
            let source = origin.source()?;
            let at = if is_missing_template(chain) {
                find_quoted(&source, &needle)
            } else {
                find_word(&source, &needle)
            }?;
            Some((origin, at))
        });
    if let Some((origin, (line, col))) = found {
        d = d.at(origin.display_path()).line_col(line, col);
    }
    d
}

/// Suggests the template whose name (without `.html`, which all share) is closest.
fn missing_template_hint(name: &str, origins: &BTreeMap<String, Origin>) -> String {
    let stem = |n: &str| n.trim_end_matches(".html").to_string();
    let stems: Vec<String> = origins.keys().map(|k| stem(k)).collect();
    match crate::content::closest(&stem(name), stems.iter().map(String::as_str)) {
        Some(best) => format!("there is no template {name:?}; did you mean \"{best}.html\"?"),
        None => format!("there is no template {name:?}; add it to templates/ or fix the name"),
    }
}

fn is_missing_template(chain: &[String]) -> bool {
    chain.iter().any(|m| {
        m.starts_with("Template '") && (m.contains("' not found") || m.contains("inheriting from"))
    })
}

/// The name in Tera's "not found" messages: a variable, template, filter,
/// test, function or macro.
fn complained_name(message: &str) -> Option<String> {
    let between = |after: &str, end: char| {
        let rest = &message[message.find(after)? + after.len()..];
        Some(rest[..rest.find(end)?].to_string())
    };
    if message.starts_with("Variable `") {
        return between("Variable `", '`');
    }
    if message.contains("inheriting from '") {
        return between("inheriting from '", '\'');
    }
    if message.starts_with("Template '") && message.ends_with("' not found") {
        let name = between("Template '", '\'')?;
        return Some(
            name.trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
        );
    }
    for kind in ["Filter '", "Test '", "Function '"] {
        if message.starts_with(kind) {
            return between(kind, '\'');
        }
    }
    if message.starts_with("Macro `") {
        return between("Macro `", '`').map(|m| m.rsplit("::").next().unwrap_or("").to_string());
    }
    None
}

/// Line and column of `"name"` or `'name'` in a template source.
fn find_quoted(source: &str, name: &str) -> Option<(usize, usize)> {
    [format!("\"{name}\""), format!("'{name}'")]
        .iter()
        .filter_map(|q| source.find(q.as_str()))
        .min()
        .map(|at| line_col(source, at))
}

/// Line and column of `name` where it is not part of a longer identifier.
fn find_word(source: &str, name: &str) -> Option<(usize, usize)> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let mut from = 0;
    while let Some(i) = source[from..].find(name) {
        let at = from + i;
        let before = source[..at].chars().next_back();
        let after = source[at + name.len()..].chars().next();
        if !before.is_some_and(is_ident) && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            return Some(line_col(source, at));
        }
        from = at + name.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_include_cycles_but_not_chains() {
        let mut graph = BTreeMap::new();
        graph.insert("a.html", vec!["b.html"]);
        graph.insert("b.html", vec!["c.html"]);
        graph.insert("c.html", vec![]);
        assert_eq!(find_cycle(&graph), None);
        graph.insert("c.html", vec!["missing.html", "b.html"]);
        assert_eq!(find_cycle(&graph).unwrap(), ["b.html", "c.html", "b.html"]);
    }

    #[test]
    fn names_what_tera_complains_about() {
        let name = |m: &str| complained_name(m);
        assert_eq!(
            name("Variable `page.x` not found in context while rendering 'a.html'").as_deref(),
            Some("page.x")
        );
        assert_eq!(
            name("Template '[nope.html]' not found").as_deref(),
            Some("nope.html")
        );
        assert_eq!(
            name("Template 'a' is inheriting from 'b.html', which doesn't exist").as_deref(),
            Some("b.html")
        );
        assert_eq!(name("Filter 'upperr' not found").as_deref(), Some("upperr"));
    }

    #[test]
    fn finds_whole_words_only() {
        assert_eq!(find_word("{{ a.bc }}\n{{ bc }}", "bc"), Some((2, 4)));
        assert_eq!(find_word("x", "y"), None);
    }
}
