//! The fuzz targets' bodies, shared by the cargo-fuzz binaries (fuzz_targets/)
//! and the stable regression harness (tests/fuzz_regressions.rs). Each takes
//! arbitrary bytes, must never panic, hang or overflow the stack, and checks the
//! invariants that make its output safe to publish.

#![allow(dead_code)] // each fuzz binary uses one target

use std::path::Path;

use brief::config::{Config, MarkdownConfig};
use brief::content::{parse_insight, split_front_matter};
use brief::markdown::{render, LinkBase};

fn site_config() -> Config {
    Config::parse(
        "base_url = \"https://example.org/digest/\"\ntimezone = \"Europe/Paris\"\n[[topics]]\nslug = \"chips\"\nname = \"Chips\"\n",
        Path::new("config.toml"),
    )
    .expect("the fuzz config is valid")
}

/// A content file: the splitter, then the full front-matter parse. Errors are
/// fine; a located error must point inside the file.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(split) = split_front_matter(text) {
        assert!(split.body_line >= split.front_matter_line);
    }
    let lines = text.lines().count().max(1) + 1;
    match parse_insight(text, Path::new("content/insights/fuzz.md"), &site_config()) {
        Ok(insight) => assert!(!insight.slug.is_empty()),
        Err(errors) => {
            assert!(errors.has_errors());
            for d in &errors.0 {
                assert!(
                    d.line.unwrap_or(1) <= lines,
                    "{d} is past the end ({lines} lines)"
                );
            }
        }
    }
}

/// brief's reader of the common front matter never reads a text otherwise
/// than `toml` does: what it reads, `toml` reads the same (whatever it leaves,
/// `toml` decides).
pub fn front_matter_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let (Some(plain), full) = brief::content::front_matter_both_ways(text) {
        assert_eq!(Some(plain), full, "read otherwise than toml: {text:?}");
    }
}

/// An insight body rendered as scraped text is: raw HTML and script URLs must
/// never reach the output.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = LinkBase {
        base_path: "/digest/",
        page_path: "/insights/fuzz/",
    };
    let config = MarkdownConfig {
        unsafe_html: false,
        smart_punctuation: data.first().is_some_and(|b| b & 1 == 1),
    };
    let rendered = render(text, &base, &config);
    let html = rendered.html().to_ascii_lowercase();
    assert!(!html.contains("<script"), "raw HTML passed through");
    assert!(!html.contains("<img src=x"), "raw HTML passed through");
    for (at, _) in html.match_indices("=\"") {
        let is_url = html[..at].ends_with(" href") || html[..at].ends_with(" src");
        let in_tag = is_url
            && html[..at]
                .rfind(['<', '>'])
                .is_some_and(|i| html.as_bytes()[i] == b'<');
        let value: String = html[at + 2..]
            .chars()
            .take_while(|c| *c != '"')
            .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
            .collect();
        assert!(
            !in_tag || !(value.starts_with("javascript:") || value.starts_with("vbscript:")),
            "script URL in a link: {value}"
        );
    }
    for link in &rendered.internal_links {
        assert!(link.path.starts_with('/'), "{link:?}");
        assert!(link.offset <= text.len());
    }
}

/// `config.toml`: any text gives a config or located errors, never a panic.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(config) = Config::parse(text, Path::new("config.toml")) {
        assert!(config.base_path.starts_with('/') && config.base_path.ends_with('/'));
        assert!(config.issue_size > 0 && config.paginate > 0);
    }
}

/// A site for the raw-insight target to import into, in `dir`: the fixture's
/// config and a few insights, so new lines meet existing ones (identity, near
/// duplicates, slugs).
pub fn make_import_site(dir: &Path) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    let fixture = if fixture.exists() {
        fixture
    } else {
        // Built from fuzz/: the fixture is one level up.
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/basic")
    };
    std::fs::create_dir_all(dir.join("content/insights")).expect("temp site");
    std::fs::copy(fixture.join("config.toml"), dir.join("config.toml")).expect("config");
    for name in ["huawei-ramp.md", "open-models.md", "moe.md"] {
        let from = fixture.join("content/insights").join(name);
        std::fs::copy(from, dir.join("content/insights").join(name)).expect("insight");
    }
}

/// A raw insight file as a scanning service might deliver it, imported with
/// `--dry-run` through the real importer: reading (binary and UTF-8 checks),
/// boilerplate and `Related Insights` handling, identity, near duplicates,
/// titles, topics and slugs. Nothing may panic, nothing may be written, and the
/// counts must add up.
pub fn raw_insight(site: &Path, data: &[u8]) {
    let raw = site.join(format!(
        "raw-{}.txt",
        std::thread::current()
            .name()
            .unwrap_or("main")
            .replace(':', "_")
    ));
    std::fs::write(&raw, data).expect("write the raw file");
    let options = brief::import::ImportOptions {
        paths: vec![raw.clone()],
        date: None,
        dry_run: true,
    };
    let report = brief::import::import(site, &options).expect("the site loads");
    let s = &report.summary;
    assert!(s.near_duplicates <= s.merged, "{s:?}");
    assert!(s.new + s.merged <= s.insights_seen, "{s:?}");
    assert_eq!(s.files_read + s.skipped, 1, "{s:?}");
    let written = std::fs::read_dir(site.join("content/insights"))
        .expect("content")
        .count();
    assert_eq!(written, 3, "a dry run wrote content");
}
