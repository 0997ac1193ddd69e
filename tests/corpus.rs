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
