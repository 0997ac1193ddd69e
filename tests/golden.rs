//! Golden files: what readers get, pinned whole. The sample digest (the
//! repository's own `config.toml` and `content/`) is built into `target/tmp/` with a
//! fixed `--base-url` (with a path, so every link shows the base path), and the
//! home page, an issue page, an insight page, the subscribe page, the three site
//! feeds, a finished month's archive feeds (of the `months` fixture), a topic's feeds, the OPML file and the issue's
//! email editions are compared with `tests/snapshots/`; so is the redirect page
//! `brief rename` leaves at an insight's old path. Any change
//! to a page, a feed or an email is a reviewable diff there (`cargo insta review`).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{shared_dir, Site};

const BASE_URL: &str = "https://example.org/digest/";

/// The output of the sample digest, built once for every test of this file.
fn built() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let site = Site::sample();
        let out = shared_dir("golden-public");
        let out_arg = out.to_string_lossy().into_owned();
        site.build(&["--base-url", BASE_URL, "--output", &out_arg]);
        out
    })
}

/// Asserts that the built file `rel` matches its golden file `name`.
fn golden(name: &str, rel: &str) {
    let path = built().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    insta::assert_snapshot!(name, text);
}

#[test]
fn home_page() {
    golden("home", "index.html");
}

#[test]
fn issue_page() {
    golden("issue", "issues/2026-11-20/index.html");
}

#[test]
fn insight_page() {
    golden(
        "insight",
        "insights/ai-lab-deepseek-deliberately-delayed-a-major-model-release/index.html",
    );
}

#[test]
fn site_feeds() {
    golden("rss", "rss.xml");
    golden("atom", "atom.xml");
    golden("json_feed", "feed.json");
}

#[test]
fn subscribe_page() {
    golden("subscribe", "subscribe/index.html");
}

/// A finished month's archive documents: the sample digest spans one month,
/// which the current feeds hold, so these come from the `months` fixture
/// (three months under the same base URL).
#[test]
fn archive_feeds() {
    static MONTHS: OnceLock<PathBuf> = OnceLock::new();
    let built = MONTHS.get_or_init(|| {
        let site = Site::fixture("months");
        let out = shared_dir("golden-months");
        let out_arg = out.to_string_lossy().into_owned();
        site.build(&["--base-url", BASE_URL, "--output", &out_arg]);
        out
    });
    for (name, rel) in [
        ("archive_rss", "feeds/archive/2026-10/rss.xml"),
        ("archive_atom", "feeds/archive/2026-10/atom.xml"),
    ] {
        let text = std::fs::read_to_string(built.join(rel)).unwrap();
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn topic_feed() {
    golden("topic_rss", "topics/chips/rss.xml");
    golden("topic_atom", "topics/chips/atom.xml");
    golden("topic_json_feed", "topics/chips/feed.json");
}

#[test]
fn opml() {
    golden("opml", "opml.xml");
}

#[test]
fn email_editions() {
    golden("email_text", "issues/2026-11-20/email.txt");
    golden("email_html", "issues/2026-11-20/email.html");
}

#[test]
fn redirect_page() {
    let site = Site::sample();
    let old = "ai-lab-deepseek-deliberately-delayed-a-major-model-release";
    let out = site.brief(&["rename", old, "deepseek-delays-release"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    site.build(&["--base-url", BASE_URL]);
    let text = site.read(&format!("public/insights/{old}/index.html"));
    insta::assert_snapshot!("redirect", text);
}
