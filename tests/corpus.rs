//! The benchmark corpus generator (`examples/gen_corpus`) is deterministic, and the
//! site it writes builds with the real binary. Timing is the benchmark script's
//! job (`scripts/bench.sh`), never a test's.

mod common;
#[path = "../examples/gen_corpus/corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};

use common::{brief, snapshot, stderr, stdout};

fn generate(dir: &Path, insights: usize) -> PathBuf {
    let site = dir.join("site");
    corpus::run(&corpus::Options {
        insights,
        out: site.clone(),
        raw: Some(dir.join("raw")),
        hugo: Some(dir.join("hugo")),
        zola: Some(dir.join("zola")),
        seed: 42,
        distinct_code: false,
    })
    .expect("generate the corpus");
    site
}

#[test]
fn generator_is_deterministic() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(a.path(), 300);
    generate(b.path(), 300);
    let (ta, tb) = (snapshot(a.path()), snapshot(b.path()));
    let insights = ta
        .keys()
        .filter(|p| p.starts_with("site/content/insights"))
        .count();
    assert_eq!(insights, 300);
    assert!(ta.keys().any(|p| p.starts_with("raw")), "raw files written");
    assert!(ta.contains_key("hugo/hugo.toml"), "Hugo site written");
    assert!(ta.contains_key("zola/config.toml"), "Zola site written");
    assert!(ta == tb, "two runs with one seed differ");
}

#[test]
fn a_1k_corpus_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = generate(tmp.path(), 1000);
    let out = tmp.path().join("public");
    let run = brief(&site, &["build", "--output", out.to_str().unwrap()]);
    let stdout = stdout(&run);
    assert!(run.status.success(), "build failed:\n{}", stderr(&run));
    assert!(stdout.contains("1000 insights"), "{stdout}");
    let files = snapshot(&out);
    let insight_pages = files
        .keys()
        .filter(|p| p.starts_with("insights") && p.ends_with("index.html"))
        .count();
    assert_eq!(insight_pages, 1000);
    for topic in ["chips", "geopolitics"] {
        let feed = format!("topics/{topic}/rss.xml");
        assert!(files.contains_key(&feed), "{feed} missing");
    }
    // Body links to other insights come out resolved against the base URL.
    let linked = files
        .values()
        .any(|html| String::from_utf8_lossy(html).contains("href=\"/insights/"));
    assert!(linked, "no resolved insight links in the output");
}

/// Zola reads taxonomies from `[taxonomies]` only: every Zola content file must
/// close brief's front matter with them, and stay valid TOML.
#[test]
fn the_zola_copy_carries_its_taxonomies() {
    let tmp = tempfile::tempdir().unwrap();
    generate(tmp.path(), 200);
    let files = snapshot(&tmp.path().join("zola/content/insights"));
    let pages: Vec<_> = files
        .iter()
        .filter(|(p, _)| p.as_str() != "_index.md")
        .collect();
    assert_eq!(pages.len(), 200);
    for (path, bytes) in pages {
        let text = String::from_utf8_lossy(bytes);
        let front = text
            .strip_prefix("+++\n")
            .and_then(|rest| rest.split_once("+++\n"))
            .map(|(front, _)| front)
            .unwrap_or_else(|| panic!("{path}: no front matter"));
        let table: toml::Table = front.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
        let taxonomies = table["taxonomies"].as_table().expect("[taxonomies]");
        assert_eq!(taxonomies["topics"], table["topics"], "{path}");
        assert_eq!(
            taxonomies["issues"].as_array().map(Vec::len),
            Some(1),
            "{path}: one issue"
        );
    }
}
