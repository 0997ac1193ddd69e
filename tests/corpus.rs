//! The benchmark corpus generator (`examples/gen_corpus`) is deterministic, and the
//! site it writes builds with the real binary. Timing is the benchmark script's
//! job (`scripts/bench.sh`), never a test's.

#[path = "../examples/gen_corpus/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn generate(dir: &Path, insights: usize) -> PathBuf {
    let site = dir.join("site");
    corpus::run(&corpus::Options {
        insights,
        out: site.clone(),
        raw: Some(dir.join("raw")),
        hugo: Some(dir.join("hugo")),
        seed: 42,
    })
    .expect("generate the corpus");
    site
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir").to_path_buf();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

#[test]
fn generator_is_deterministic() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(a.path(), 300);
    generate(b.path(), 300);
    let (ta, tb) = (tree(a.path()), tree(b.path()));
    let insights = ta
        .keys()
        .filter(|p| p.starts_with("site/content/insights"))
        .count();
    assert_eq!(insights, 300);
    assert!(ta.keys().any(|p| p.starts_with("raw")), "raw files written");
    assert!(
        ta.contains_key(Path::new("hugo/hugo.toml")),
        "Hugo site written"
    );
    assert!(ta == tb, "two runs with one seed differ");
}

#[test]
fn a_1k_corpus_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = generate(tmp.path(), 1000);
    let out = tmp.path().join("public");
    let run = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("--root")
        .arg(&site)
        .arg("build")
        .arg("--output")
        .arg(&out)
        .output()
        .expect("run brief");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("1000 insights"), "{stdout}");
    let files = tree(&out);
    let insight_pages = files
        .keys()
        .filter(|p| p.starts_with("insights") && p.ends_with("index.html"))
        .count();
    assert_eq!(insight_pages, 1000);
    for topic in ["chips", "geopolitics"] {
        let feed = Path::new("topics").join(topic).join("rss.xml");
        assert!(files.contains_key(&feed), "{} missing", feed.display());
    }
    // Body links to other insights come out resolved against the base URL.
    let linked = files
        .values()
        .any(|html| String::from_utf8_lossy(html).contains("href=\"/insights/"));
    assert!(linked, "no resolved insight links in the output");
}
