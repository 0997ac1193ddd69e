//! `brief build` end to end on the fixture site (12 insights, 3 days, 4 topics):
//! the files written, the feeds parsed as XML and JSON, every link followed.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::DateTime;
use common::{attr_values, snapshot, stderr, Site};

fn built() -> Site {
    let site = Site::fixture("basic");
    site.build(&[]);
    site
}

/// Follows every href/src of every HTML page; returns the broken ones.
fn broken_links(out: &Path, origin: &str, base_path: &str) -> Vec<String> {
    let files = snapshot(out);
    let mut broken = Vec::new();
    for (page, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for link in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
            .map(|link| link.replace("&amp;", "&"))
        {
            let local = match link.strip_prefix(origin) {
                Some(rest) => rest.to_string(),
                None if link.starts_with("http")
                    || link.starts_with("mailto:")
                    || link.starts_with('#') =>
                {
                    continue
                }
                None => link.clone(),
            };
            let Some(rel) = local.strip_prefix(base_path) else {
                broken.push(format!("{page}: {link} does not start with {base_path}"));
                continue;
            };
            let rel = rel.split(['#', '?']).next().unwrap();
            let target = if rel.is_empty() || rel.ends_with('/') {
                format!("{rel}index.html")
            } else {
                rel.to_string()
            };
            if !files.contains_key(&target) {
                broken.push(format!("{page}: {link} → {target} missing"));
            }
        }
    }
    broken
}

#[test]
fn builds_every_page_of_the_url_table() {
    let site = built();
    let files = snapshot(&site.public());
    for path in [
        "index.html",
        "issues/index.html",
        "issues/page/2/index.html",
        "issues/2026-11-18/index.html",
        "issues/2026-11-20/index.html",
        "topics/index.html",
        "topics/chips/index.html",
        "topics/chips/page/2/index.html",
        "topics/chips/rss.xml",
        "insights/huawei-ramp/index.html",
        "rss.xml",
        "atom.xml",
        "feed.json",
        "search/index.html",
        "search-index.json",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "style.css",
        "highlight.css",
    ] {
        assert!(files.contains_key(path), "missing {path}");
    }
    assert_eq!(
        files.keys().filter(|p| p.starts_with("insights/")).count(),
        12
    );
    assert!(!files.keys().any(|p| p.starts_with(".brief-staging")));
}

#[test]
fn page_one_of_each_list_redirects_to_the_list_under_the_base_path() {
    let site = Site::fixture("basic");
    site.build(&["--base-url", "https://example.org/digest/"]);
    for (redirect, list) in [
        ("issues/page/1/index.html", "issues/"),
        ("topics/chips/page/1/index.html", "topics/chips/"),
    ] {
        let html = site.read(&format!("public/{redirect}"));
        let refresh = format!("content=\"0; url=https://example.org/digest/{list}\"");
        assert!(html.contains(&refresh), "{redirect}:\n{html}");
        assert!(html.contains(&format!("href=\"/digest/{list}\"")), "{html}");
    }
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        !sitemap.contains("page/1/"),
        "a redirect is no page: {sitemap}"
    );
    let check = site.brief(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn prints_one_summary_line() {
    let site = Site::fixture("basic");
    let out = site.build(&[]);
    let line = out.lines().last().unwrap();
    let files = snapshot(&site.public()).len();
    let expected = format!("12 insights, 3 issues, 4 topics, {files} files written of {files} in ");
    assert!(line.starts_with(&expected), "{line}");
    assert!(line.ends_with(" ms"), "{line}");
    let again = site.build(&[]);
    assert!(
        again.contains(&format!(" 0 files written of {files} ")),
        "a no-op rebuild writes nothing: {again}"
    );
}

#[test]
fn the_summary_line_counts_one_of_a_kind_in_the_singular() {
    let site = Site::fixture("basic");
    let insights = site.path("content/insights");
    for entry in std::fs::read_dir(&insights).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "cheap-tokens.md" {
            std::fs::remove_file(path).unwrap();
        }
    }
    let out = site.build(&[]);
    let line = out.lines().last().unwrap();
    assert!(line.starts_with("1 insight, 1 issue, "), "{line}");
}

#[test]
fn every_internal_link_resolves() {
    let site = built();
    let broken = broken_links(&site.public(), "https://example.org", "/");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn base_url_path_is_honoured_everywhere() {
    let site = Site::fixture("basic");
    site.build(&["--base-url", "https://example.org/digest/"]);
    let broken = broken_links(&site.public(), "https://example.org", "/digest/");
    assert!(broken.is_empty(), "{broken:#?}");
    let page = site.read("public/insights/open-models/index.html");
    assert!(
        page.contains("href=\"/digest/insights/huawei-ramp/\""),
        "relative Markdown link resolved under the base path"
    );
    let rss = site.read("public/rss.xml");
    let doc = roxmltree::Document::parse(&rss).unwrap();
    for link in doc
        .descendants()
        .filter(|n| n.has_tag_name("link") && n.parent().unwrap().has_tag_name("item"))
    {
        assert!(link
            .text()
            .unwrap()
            .starts_with("https://example.org/digest/issues/"));
    }
    assert!(
        // Quotes need no escaping in XML text: the body's markup is `&lt;a href="…"`.
        rss.contains("href=\"https://example.org/digest/insights/huawei-ramp/\""),
        "body links are absolute in feeds"
    );
    assert!(site
        .read("public/robots.txt")
        .contains("https://example.org/digest/sitemap.xml"));
}

#[test]
fn rss_feed_is_valid_newest_first_with_full_html() {
    let site = built();
    let rss = site.read("public/rss.xml");
    let doc = roxmltree::Document::parse(&rss).expect("well-formed RSS");
    let items: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .collect();
    assert_eq!(items.len(), 3, "one item per issue");
    let child = |n: &roxmltree::Node, tag: &str| {
        n.children()
            .find(|c| c.has_tag_name(tag))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    let dates: Vec<_> = items
        .iter()
        .map(|i| {
            let d = child(i, "pubDate");
            assert!(d.ends_with("+0000"), "numeric zone: {d}");
            DateTime::parse_from_rfc2822(&d).unwrap()
        })
        .collect();
    assert!(dates.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert_eq!(
        child(&items[0], "link"),
        "https://example.org/issues/2026-11-20/"
    );
    let html = child(&items[2], "description");
    for title in ["DeepSeek says prices drop", "Superclusters of older chips"] {
        assert!(
            html.contains(title),
            "full issue HTML, rest included: {title}"
        );
    }
    assert!(html.contains("<p>"), "HTML, not a summary");
    assert!(items[0]
        .children()
        .any(|c| c.has_tag_name("category") && c.text() == Some("Open source")));
}

#[test]
fn atom_and_json_feeds_agree_with_rss() {
    let site = built();
    let atom = site.read("public/atom.xml");
    let doc = roxmltree::Document::parse(&atom).expect("well-formed Atom");
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 3);
    for e in &entries {
        let updated = e
            .children()
            .find(|c| c.has_tag_name("updated"))
            .unwrap()
            .text()
            .unwrap();
        DateTime::parse_from_rfc3339(updated).expect("RFC 3339");
        let content = e.children().find(|c| c.has_tag_name("content")).unwrap();
        assert_eq!(content.attribute("type"), Some("html"));
    }
    let json: serde_json::Value = serde_json::from_str(&site.read("public/feed.json")).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["url"], "https://example.org/issues/2026-11-20/");
    for item in items {
        DateTime::parse_from_rfc3339(item["date_published"].as_str().unwrap()).unwrap();
        assert!(item["content_html"]
            .as_str()
            .unwrap()
            .contains("<h2><a href=\"https://example.org/insights/"));
    }
}

#[test]
fn topic_feed_has_one_item_per_insight_newest_first() {
    let site = built();
    let rss = site.read("public/topics/chips/rss.xml");
    let doc = roxmltree::Document::parse(&rss).unwrap();
    let titles: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .map(|i| {
            i.children()
                .find(|c| c.has_tag_name("title"))
                .unwrap()
                .text()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(titles.len(), 5, "{titles:?}");
    assert_eq!(titles[0], "China embodies AI in hardware at scale");
}

#[test]
fn issue_page_lists_the_whole_day_top_insights_first() {
    let site = built();
    let page = site.read("public/issues/2026-11-18/index.html");
    let position = |text: &str| {
        page.find(text)
            .unwrap_or_else(|| panic!("{text} missing from the issue"))
    };
    let order = [
        "DeepSeek says prices drop",  // 3 sources
        "Tokens are cheaper thanks",  // 2 sources
        "China leads in open-source", // 1 source, title order
        "More from this day",
        "Escaping &lt;b&gt;bold",       // beyond issue_size = 3
        "Superclusters of older chips", // weight -1 ranks last
    ];
    let positions: Vec<usize> = order.iter().map(|t| position(t)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(page.contains("Issue #1"));
    assert!(
        page.contains("href=\"/issues/2026-11-19/\""),
        "next issue link"
    );
    let weighted = site.read("public/issues/2026-11-19/index.html");
    assert!(
        weighted.find("Mixture of experts").unwrap() < weighted.find("China refuses").unwrap(),
        "weight ranks first"
    );
}

#[test]
fn insight_page_links_issue_topics_and_related_both_ways() {
    let site = built();
    let page = site.read("public/insights/huawei-ramp/index.html");
    assert!(page.contains("href=\"/issues/2026-11-18/\""));
    assert!(page.contains("href=\"/topics/pricing/\""));
    assert!(
        page.contains("href=\"/insights/open-models/\""),
        "related back-link from open-models"
    );
    let other = site.read("public/insights/open-models/index.html");
    assert!(
        other.contains("Related insights") && other.contains("href=\"/insights/huawei-ramp/\"")
    );
}

#[test]
fn script_in_an_insight_is_escaped_in_html_and_feeds() {
    let site = built();
    let page = site.read("public/insights/script-test/index.html");
    assert!(
        !page.contains("<script>alert"),
        "raw script must not survive"
    );
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; an ampersand"));
    assert!(page.contains("<h1>Escaping &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;</h1>"));
    for feed in ["public/rss.xml", "public/topics/chips/rss.xml"] {
        let xml = site.read(feed);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let html: String = doc
            .descendants()
            .filter(|n| n.has_tag_name("description"))
            .filter_map(|n| n.text())
            .collect();
        assert!(
            html.contains("&lt;script&gt;alert(1)"),
            "{feed}: escaped inside the HTML"
        );
        assert!(!html.contains("<script>"), "{feed}");
    }
    let json = site.read("public/feed.json");
    assert!(!json.contains("<script>alert"));
}

#[test]
fn code_blocks_are_highlighted_with_classes() {
    let site = built();
    let page = site.read("public/insights/code-sample/index.html");
    assert!(page.contains("data-lang=\"python\""));
    assert!(page.contains("class=\"hl-"), "syntect classes");
    assert!(page.contains("&lt;world&gt;"));
    assert!(site
        .read("public/highlight.css")
        .contains("prefers-color-scheme: dark"));
}

#[test]
fn builds_are_deterministic() {
    let a = built();
    let b = built();
    assert_eq!(snapshot(&a.public()), snapshot(&b.public()));
}

#[test]
fn deleting_an_insight_removes_its_page_and_mentions() {
    let site = built();
    std::fs::remove_file(site.path("content/insights/power-grid.md")).unwrap();
    let out = site.build(&[]);
    assert!(out.contains("11 insights"), "{out}");
    assert!(!site.path("public/insights/power-grid").exists());
    assert!(!site
        .read("public/issues/2026-11-19/index.html")
        .contains("Cheap power"));
}

#[test]
fn drafts_are_built_only_on_request() {
    let site = Site::fixture("basic");
    site.write(
        "content/insights/secret.md",
        "+++\ntitle = \"Secret draft\"\ndate = 2026-11-20\ndraft = true\n+++\nNot yet.\n",
    );
    site.build(&[]);
    assert!(!site.path("public/insights/secret").exists());
    site.build(&["--drafts"]);
    assert!(site.path("public/insights/secret/index.html").exists());
}

/// A published insight may name a draft in `related` and link to its page:
/// the build leaves the draft out of the list with a warning (it is no typo),
/// `check` calls the link what it is, and `--drafts` shows both, related.
#[test]
fn naming_a_draft_is_a_warning_until_it_is_published() {
    let site = Site::fixture("basic");
    site.write(
        "content/insights/secret.md",
        "+++\ntitle = \"Secret draft\"\ndate = 2026-11-20\ndraft = true\n+++\nNot yet.\n",
    );
    site.write(
        "content/insights/teaser.md",
        "+++\ntitle = \"Teaser\"\ndate = 2026-11-20\nrelated = [\"secret\"]\n+++\nTeaser. See [soon](../secret/).\n",
    );
    let built = site.brief(&["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(
        stderr(&built).contains("teaser.md:4: warning: `related` names \"secret\", a draft"),
        "{}",
        stderr(&built)
    );
    let teaser = site.read("public/insights/teaser/index.html");
    assert!(!teaser.contains("Secret draft"), "the draft is not listed");

    let checked = site.brief(&["check"]);
    assert!(!checked.status.success());
    assert!(
        stderr(&checked).contains(
            "teaser.md:6:13: error: broken link to /insights/secret/: that insight is a draft"
        ),
        "{}",
        stderr(&checked)
    );
    let checked = site.brief(&["check", "--drafts"]);
    assert!(checked.status.success(), "{}", stderr(&checked));

    site.build(&["--drafts"]);
    let teaser = site.read("public/insights/teaser/index.html");
    assert!(teaser.contains("Secret draft"), "related with --drafts");
    let secret = site.read("public/insights/secret/index.html");
    assert!(secret.contains("Teaser"), "and related both ways");
}

/// A draft that reuses a published insight's slug (its next version, say)
/// does not hide the published one from `related`.
#[test]
fn a_draft_sharing_a_published_slug_leaves_the_published_one_related() {
    let site = Site::fixture("basic");
    site.write(
        "content/insights/moe-next.md",
        "+++\ntitle = \"Next MoE\"\ndate = 2026-11-20\ndraft = true\nslug = \"moe\"\n+++\nSoon.\n",
    );
    site.write(
        "content/insights/teaser.md",
        "+++\ntitle = \"Teaser\"\ndate = 2026-11-20\nrelated = [\"moe\"]\n+++\nTeaser. Soon.\n",
    );
    let built = site.brief(&["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(!stderr(&built).contains("a draft"), "{}", stderr(&built));
    let teaser = site.read("public/insights/teaser/index.html");
    assert!(teaser.contains("href=\"/insights/moe/\""), "still related");
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    let site = Site::fixture("basic");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}Custom missing page{% endblock %}",
    );
    site.write("static/style.css", "body { color: red; }");
    site.write("static/images/logo.png", "png");
    site.build(&[]);
    assert!(site.read("public/404.html").contains("Custom missing page"));
    assert_eq!(site.read("public/style.css"), "body { color: red; }");
    assert!(site.path("public/images/logo.png").exists());
}

/// `[extra]` reaches templates as `site.extra` as written, dates and times
/// included (as the strings TOML writes, not the `toml` crate's wrapper).
#[test]
fn extra_values_reach_templates_as_written() {
    let site = Site::fixture("basic");
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        &format!("{config}\n[extra]\nwhen = 2026-01-02\nts = 2026-01-02T03:04:05Z\nn = 3\nlist = [1, \"a\", 2026-01-03]\n[extra.nested]\nk = \"v\"\n"),
    );
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"x\">{{ site.extra.when }}|{{ site.extra.ts }}|{{ site.extra.n + 1 }}|{{ site.extra.list | json_encode | safe }}|{{ site.extra.nested.k }}</p>{% endblock %}",
    );
    site.build(&[]);
    let page = site.read("public/404.html");
    assert!(
        page.contains(r#"<p id="x">2026-01-02|2026-01-02T03:04:05Z|4|[1,"a","2026-01-03"]|v</p>"#),
        "{page}"
    );
}

fn assert_failed_build_keeps(site: &Site, before: &BTreeMap<String, Vec<u8>>, expect: &[&str]) {
    let out = site.brief(&["build"]);
    assert_eq!(out.status.code(), Some(1), "exit 1 on a site error");
    let err = stderr(&out);
    for e in expect {
        assert!(err.contains(e), "stderr lacks {e:?}:\n{err}");
    }
    assert_eq!(
        &snapshot(&site.public()),
        before,
        "public/ must be byte-identical after a failed build"
    );
}

#[test]
fn broken_template_fails_naming_file_and_line_and_keeps_public() {
    let site = built();
    let before = snapshot(&site.public());
    site.write(
        "templates/issue.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ issue.number | }}\n{% endblock %}\n",
    );
    assert_failed_build_keeps(
        &site,
        &before,
        &["templates/issue.html:3:", "error: template error"],
    );
}

#[test]
fn bad_front_matter_fails_naming_file_and_line_and_keeps_public() {
    let site = built();
    let before = snapshot(&site.public());
    site.write(
        "content/insights/bad.md",
        "+++\ntitel = \"Oops\"\ndate = 2026-11-18\n+++\nBody\n",
    );
    site.write(
        "content/insights/worse.md",
        "+++\ntitle = \"Oops\"\ndate = 2026-13-01\n+++\nBody\n",
    );
    assert_failed_build_keeps(
        &site,
        &before,
        &[
            "bad.md:2:1: error: unknown field `titel`",
            "did you mean `title`",
            "worse.md:3:",
            "2 errors found",
        ],
    );
}

#[test]
fn refuses_an_output_directory_holding_the_site() {
    let site = Site::fixture("basic");
    for target in [".", "..", "content"] {
        let out = site.brief(&["build", "--output", site.path(target).to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{target}");
        assert!(
            stderr(&out).contains("refusing to build into"),
            "{}",
            stderr(&out)
        );
    }
    assert!(site.path("content/insights/moe.md").exists());
}

#[test]
fn usage_errors_exit_2() {
    let out = std::process::Command::new(common::BRIEF)
        .args(["build", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn hidden_folders_under_content_are_not_content() {
    let site = Site::fixture("basic");
    site.write(
        "content/insights/.drafts/half-done.md",
        "+++\ntitle = \"Half done\"\ndate = 2026-11-20\n+++\nNot yet.\n",
    );
    let out = site.build(&[]);
    assert!(out.contains("12 insights"), "{out}");
    assert!(!site.path("public/insights/half-done").exists());
}

/// Issue 13: two `brief new` (even with one title) give two insights that build.
#[test]
fn new_twice_gives_two_buildable_insights() {
    let site = Site::fixture("basic");
    for _ in 0..2 {
        let out = site.brief(&["new", "Same title", "--date", "2026-11-20"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    site.build(&[]);
    // "Same" is a stop word: the slug is the title's meaningful words.
    for slug in ["title", "title-2"] {
        let page = site.public().join("insights").join(slug).join("index.html");
        assert!(page.is_file(), "{slug} was built");
    }
}

/// A title given on two lines (a paste) is written, and shown, as one.
#[test]
fn new_writes_a_title_on_one_line() {
    let site = Site::fixture("basic");
    let out = site.brief(&["new", "  Chips\n  on\tone line ", "--date", "2026-11-20"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let file = site.read("content/insights/chips-one-line.md");
    assert!(file.contains("title = \"Chips on one line\"\n"), "{file}");
    site.build(&[]);
    let page = site.read("public/insights/chips-one-line/index.html");
    assert!(page.contains("<title>Chips on one line · "), "{page}");
}

/// Issue 13: control characters and non-characters in titles, bodies, sources and
/// topic names reach no page, feed or `<meta>`, and no terminal message.
#[test]
fn control_characters_reach_no_output_and_no_terminal() {
    let site = Site::fixture("basic");
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        &config.replacen("name = \"Chips\"", "name = \"Ch\\u0007ips\\u001b[2J\"", 1),
    );
    site.write(
        "content/insights/controls.md",
        "+++\ntitle = \"Bell\\u0001 esc\\u001b[31m nul\\u0000 nonchar\\uFFFE end\"\n\
         date = 2026-11-20\ntopics = [\"chips\"]\nsources = [\"a\\u001b.txt\"]\n+++\n\
         Body \u{1} with \u{1b}[31m escapes \0 and \u{fffe}\u{ffff}\u{9b} non-characters.\n",
    );
    site.build(&[]);
    let bad = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || (c as u32) & 0xfffe == 0xfffe
    };
    for (path, bytes) in snapshot(&site.public()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.chars().any(bad), "{path} carries a control character");
    }
    let page = site.read("public/insights/controls/index.html");
    assert!(page.contains("Bell esc[31m nul nonchar end"), "title kept");
    assert!(page.contains("Chips[2J"), "topic name kept");

    // A file name with an ESC in it, quoted by an error, reaches stderr without it.
    site.write("content/insights/x\u{1b}[2J.md", "+++\ntitle = \"x\n+++\n");
    let out = site.brief(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("x[2J.md:2"), "{err}");
    assert!(!err.chars().any(bad), "{err:?}");
}
