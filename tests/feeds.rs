//! Subscribing, end to end: the `months` fixture (eight issues over three
//! months, a feed window of four, a topic whose name holds every character XML
//! escapes) is built under a base URL with a path, and every feed document, the
//! OPML file and the subscribe page are read back as a feed reader or a browser
//! would: archive chains followed link by link, URLs resolved to built files.
//! `tests/feeds/validate.py` puts the same documents through feedparser.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use common::{attr_values, Site};

const BASE_URL: &str = "https://example.org/digest/";
const FEED_FILES: [&str; 3] = ["rss.xml", "atom.xml", "feed.json"];

fn built() -> Site {
    let site = Site::fixture("months");
    site.build(&[]);
    site
}

/// The built file a URL of the site names (`index.html` for a folder).
fn file_of(site: &Site, url: &str) -> PathBuf {
    let rel = url
        .strip_prefix(BASE_URL)
        .or_else(|| url.strip_prefix("/digest/"))
        .unwrap_or_else(|| panic!("{url} is not under {BASE_URL}"));
    let rel = rel.split(['#', '?']).next().unwrap();
    let path = site.public().join(rel);
    if rel.is_empty() || rel.ends_with('/') {
        path.join("index.html")
    } else {
        path
    }
}

fn read_url(site: &Site, url: &str) -> String {
    let path = file_of(site, url);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{url} ({}): {e}", path.display()))
}

/// What a reader needs of one feed document: its entries' ids and its links.
#[derive(Debug, Default)]
struct Doc {
    ids: Vec<String>,
    /// rel → href (RSS and Atom); JSON Feed's `next_url` as `next`.
    links: BTreeMap<String, String>,
    archive: bool,
}

fn parse_feed(text: &str, file: &str) -> Doc {
    if file == "feed.json" {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut doc = Doc::default();
        for item in json["items"].as_array().unwrap() {
            doc.ids.push(item["id"].as_str().unwrap().to_string());
        }
        if let Some(next) = json["next_url"].as_str() {
            doc.links.insert("next".into(), next.into());
        }
        doc.links
            .insert("self".into(), json["feed_url"].as_str().unwrap().into());
        return doc;
    }
    let xml = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut doc = Doc::default();
    for node in xml.descendants().filter(|n| n.is_element()) {
        match node.tag_name().name() {
            "link" if node.has_attribute("rel") => {
                let rel = node.attribute("rel").unwrap();
                if rel != "alternate" {
                    let href = node.attribute("href").unwrap().to_string();
                    assert!(
                        doc.links.insert(rel.into(), href).is_none(),
                        "{file}: two {rel} links"
                    );
                }
            }
            "guid" => doc.ids.push(node.text().unwrap().to_string()),
            "id" if node.parent().unwrap().tag_name().name() == "entry" => {
                doc.ids.push(node.text().unwrap().to_string())
            }
            "archive" => doc.archive = true,
            _ => {}
        }
    }
    doc
}

/// The documents of a chain, from the current feed `file` along `rel`, each
/// `(url, doc)`.
fn follow(site: &Site, file: &str, rel: &str) -> Vec<(String, Doc)> {
    let mut url = format!("{BASE_URL}{file}");
    let mut chain = Vec::new();
    loop {
        let doc = parse_feed(&read_url(site, &url), file);
        assert_eq!(doc.links.get("self"), Some(&url), "{url} names itself");
        let next = doc.links.get(rel).cloned();
        chain.push((url, doc));
        match next {
            Some(next) => {
                assert!(chain.len() < 20, "a loop in the chain at {next}");
                url = next;
            }
            None => return chain,
        }
    }
}

/// Every issue page the build wrote, as feed ids.
fn issue_urls(site: &Site) -> BTreeSet<String> {
    std::fs::read_dir(site.public().join("issues"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("20"))
        .map(|day| format!("{BASE_URL}issues/{day}/"))
        .collect()
}

#[test]
fn archive_chains_reach_every_issue_exactly_once() {
    let site = built();
    let issues = issue_urls(&site);
    assert_eq!(issues.len(), 8);
    let november: BTreeSet<String> = issues
        .iter()
        .filter(|url| url.contains("/issues/2026-11-"))
        .cloned()
        .collect();
    assert!(!november.is_empty());
    for file in ["rss.xml", "atom.xml"] {
        let chain = follow(&site, file, "prev-archive");
        let (current, archives) = chain.split_first().unwrap();
        let held: BTreeSet<String> = current.1.ids.iter().cloned().collect();
        assert!(held.len() >= 4, "{file}: the current feed holds `limit`");
        assert!(
            held.is_superset(&november),
            "{file}: the current feed holds the newest month whole, which no archive holds yet"
        );
        assert!(!current.1.archive, "{file}: the current feed is no archive");
        let months: Vec<&str> = archives.iter().map(|(url, _)| url.as_str()).collect();
        assert_eq!(
            months,
            ["2026-10", "2026-09"].map(|m| format!("{BASE_URL}feeds/archive/{m}/{file}")),
            "{file}: one archive per finished month, newest first"
        );
        let mut seen = BTreeSet::new();
        for (n, (url, doc)) in archives.iter().enumerate() {
            assert!(doc.archive, "{url}: marked fh:archive");
            assert_eq!(doc.links["current"], current.0, "{url}: links current");
            let newer = (n > 0).then(|| &archives[n - 1].0);
            assert_eq!(doc.links.get("next-archive"), newer, "{url}: next-archive");
            for id in &doc.ids {
                assert!(seen.insert(id.clone()), "{url}: {id} in two archives");
            }
        }
        let finished: BTreeSet<String> = issues.difference(&november).cloned().collect();
        assert_eq!(
            seen, finished,
            "{file}: the archives hold every issue of the finished months"
        );
        let reached: BTreeSet<String> = chain.iter().flat_map(|(_, d)| d.ids.clone()).collect();
        assert_eq!(reached, issues, "{file}: the chain reaches every issue");
    }
}

#[test]
fn json_feed_pages_are_disjoint_and_complete() {
    let site = built();
    let chain = follow(&site, "feed.json", "next");
    assert!(chain.len() > 1, "the current JSON Feed has a next page");
    let mut seen = BTreeSet::new();
    for (url, doc) in &chain {
        for id in &doc.ids {
            assert!(seen.insert(id.clone()), "{url}: {id} on two pages");
        }
    }
    assert_eq!(seen, issue_urls(&site));
}

#[test]
fn finished_months_are_written_once_and_an_edit_touches_its_month_only() {
    let site = built();
    let stamps = || site.modified(|p| FEED_FILES.iter().any(|f| p.ends_with(f)));
    let changed = |before: &BTreeMap<_, _>| -> BTreeSet<String> {
        let after = stamps();
        after
            .iter()
            .filter(|(p, t)| before.get(*p) != Some(*t))
            .map(|(p, _)| p.clone())
            .collect()
    };
    let first = stamps();
    site.build(&[]);
    assert_eq!(
        changed(&first),
        BTreeSet::new(),
        "a no-op rebuild writes no feed"
    );

    // A new issue in December: November is finished, and gets its archive
    // (an archive's entries never change, so the month being written had none);
    // October's archive gains its next-archive link; September stays as it was.
    assert!(!site.public().join("feeds/archive/2026-11/rss.xml").exists());
    let october = site.read("public/feeds/archive/2026-10/atom.xml");
    let before = stamps();
    site.write(
        "content/insights/december.md",
        "+++\ntitle = \"December\"\ndate = 2026-12-01\ntopics = [\"chips\"]\n+++\nCold.\n",
    );
    site.build(&[]);
    let touched = changed(&before);
    for kept in [
        "feeds/archive/2026-09/rss.xml",
        "feeds/archive/2026-09/atom.xml",
        "feeds/archive/2026-09/feed.json",
        "topics/r-and-d/rss.xml",
    ] {
        assert!(!touched.contains(kept), "{kept} was rewritten: {touched:?}");
    }
    assert!(!site.public().join("feeds/archive/2026-12/rss.xml").exists());
    let october_now = site.read("public/feeds/archive/2026-10/atom.xml");
    assert_eq!(
        october_now.replace(
            "\n  <link rel=\"next-archive\" href=\"https://example.org/digest/feeds/archive/2026-11/atom.xml\"/>",
            ""
        ),
        october,
        "October's archive gains its link, and nothing else"
    );
    for written in [
        "rss.xml",
        "feeds/archive/2026-11/atom.xml",
        "feeds/archive/2026-11/rss.xml",
        "feeds/archive/2026-10/atom.xml",
        "topics/chips/feed.json",
    ] {
        assert!(
            touched.contains(written),
            "{written} not written: {touched:?}"
        );
    }

    // An edit of a September insight: September's archive, and no other month.
    let before = stamps();
    let path = "content/insights/n1.md";
    site.write(path, &site.read(path).replace("full", "whole"));
    site.build(&[]);
    let touched = changed(&before);
    assert!(
        touched.contains("feeds/archive/2026-09/atom.xml"),
        "{touched:?}"
    );
    assert!(
        !touched.iter().any(|p| p.contains("2026-1")),
        "only September's archive: {touched:?}"
    );
}

#[test]
fn topic_feeds_come_in_every_format_with_full_content() {
    let site = built();
    let topic_name = "R&D <\"labs\"> & 'models'";
    for file in FEED_FILES {
        let url = format!("{BASE_URL}topics/r-and-d/{file}");
        let text = read_url(&site, &url);
        let doc = parse_feed(&text, file);
        assert_eq!(doc.links["self"], url);
        let insights: Vec<String> = [9, 7, 4, 2]
            .map(|n| format!("{BASE_URL}insights/n{n}/"))
            .into();
        assert_eq!(
            doc.ids, insights,
            "{file}: one item per insight, newest first"
        );
        assert!(text.contains("links to"), "{file}: the full body");
        if file != "feed.json" {
            let xml = roxmltree::Document::parse(&text).unwrap();
            let title = xml
                .descendants()
                .find(|n| n.has_tag_name("title"))
                .and_then(|n| n.text())
                .unwrap();
            assert_eq!(title, format!("Months & Feeds — {topic_name}"), "{file}");
        }
    }
    // The topic without insights has no feed.
    assert!(!site.public().join("topics/empty/rss.xml").exists());
    // Every page of a topic announces its feeds.
    for page in [
        "topics/r-and-d/index.html",
        "topics/r-and-d/page/2/index.html",
    ] {
        let html = site.read(&format!("public/{page}"));
        let alternates: Vec<&str> = html
            .lines()
            .filter(|l| l.contains("rel=\"alternate\"") && l.contains("/topics/r-and-d/"))
            .collect();
        assert_eq!(alternates.len(), 3, "{page}: {alternates:?}");
        for line in alternates {
            let href = attr_values(line, "href")[0];
            assert!(file_of(&site, href).is_file(), "{page}: {href}");
        }
    }
}

#[test]
fn opml_lists_every_feed_with_escaped_names() {
    let site = built();
    let text = site.read("public/opml.xml");
    let opml = roxmltree::Document::parse(&text).expect("well-formed OPML");
    assert_eq!(opml.root_element().attribute("version"), Some("2.0"));
    let feeds: Vec<_> = opml
        .descendants()
        .filter(|n| n.attribute("type") == Some("rss"))
        .map(|n| {
            (
                n.attribute("title").unwrap().to_string(),
                n.attribute("xmlUrl").unwrap().to_string(),
                n.attribute("htmlUrl").unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("Months & Feeds", "rss.xml", ""),
        (
            "Months & Feeds — Chips",
            "topics/chips/rss.xml",
            "topics/chips/",
        ),
        (
            "Months & Feeds — R&D <\"labs\"> & 'models'",
            "topics/r-and-d/rss.xml",
            "topics/r-and-d/",
        ),
    ]
    .map(|(title, feed, page)| {
        (
            title.to_string(),
            format!("{BASE_URL}{feed}"),
            format!("{BASE_URL}{page}"),
        )
    });
    assert_eq!(feeds, expected);
    for (_, feed, page) in &feeds {
        assert!(file_of(&site, feed).is_file(), "{feed}");
        assert!(file_of(&site, page).is_file(), "{page}");
    }
}

#[test]
fn the_subscribe_page_links_every_feed_and_the_sign_up() {
    let site = built();
    let html = site.read("public/subscribe/index.html");
    assert!(!html.contains("<script"), "works without JavaScript");
    let hrefs: BTreeSet<&str> = attr_values(&html, "href").into_iter().collect();
    assert!(hrefs.contains("https://example.org/manage?list=1&amp;x=2"));
    let local: Vec<&&str> = hrefs.iter().filter(|h| h.starts_with("/digest/")).collect();
    for href in &local {
        assert!(file_of(&site, href).is_file(), "{href} resolves to no file");
    }
    for feed in [
        "rss.xml",
        "atom.xml",
        "feed.json",
        "opml.xml",
        "topics/chips/rss.xml",
        "topics/r-and-d/atom.xml",
        "topics/r-and-d/feed.json",
    ] {
        assert!(hrefs.contains(format!("/digest/{feed}").as_str()), "{feed}");
    }
    assert!(
        html.contains("R&amp;D &lt;&quot;labs&quot;&gt;"),
        "the name escaped"
    );
    // Linked from the header and footer of every page.
    let home = site.read("public/index.html");
    assert_eq!(home.matches("href=\"/digest/subscribe/\"").count(), 2);
    // Without a manage_url there is no sign-up link.
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        &config.replace("manage_url = \"https://example.org/manage?list=1&x=2\"", ""),
    );
    site.build(&[]);
    let html = site.read("public/subscribe/index.html");
    assert!(!html.contains("manage?list"), "{html}");
}

#[test]
fn every_feed_document_names_the_hub_and_itself() {
    let site = Site::fixture("months");
    let config = site.read("config.toml");
    let hub = "https://hub.example.net/?a=1&b=2";
    site.write(
        "config.toml",
        &config.replace("[feeds]\n", &format!("[feeds]\nwebsub_hub = \"{hub}\"\n")),
    );
    site.build(&[]);
    let documents: Vec<String> = common::snapshot(&site.public())
        .into_keys()
        .filter(|p| FEED_FILES.iter().any(|f| p.ends_with(f)))
        .collect();
    // The site's three and the recent JSON page, two topics' three, two
    // finished months in RSS and Atom, one of them in JSON Feed.
    assert_eq!(documents.len(), 15, "{documents:#?}");
    for rel in documents {
        let file = rel.rsplit('/').next().unwrap();
        let text = site.read(&format!("public/{rel}"));
        let doc = parse_feed(&text, file);
        assert_eq!(doc.links["self"], format!("{BASE_URL}{rel}"), "{rel}");
        if file == "feed.json" {
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(json["hubs"][0]["url"], hub, "{rel}");
        } else {
            assert_eq!(doc.links.get("hub").map(String::as_str), Some(hub), "{rel}");
        }
    }
}

/// JSON Feed's `description` is optional: a site and a topic without one
/// leave it out rather than writing it empty (RSS, which requires one, repeats
/// the title).
#[test]
fn a_json_feed_without_a_description_leaves_the_key_out() {
    let site = Site::fixture("months");
    let config: String = site
        .read("config.toml")
        .lines()
        .filter(|line| !line.starts_with("description = "))
        .map(|line| format!("{line}\n"))
        .collect();
    site.write("config.toml", &config);
    site.build(&[]);
    for path in ["public/feed.json", "public/topics/r-and-d/feed.json"] {
        let json: serde_json::Value = serde_json::from_str(&site.read(path)).unwrap();
        assert!(json.get("description").is_none(), "{path}: {json}");
        assert!(json.get("title").is_some(), "{path}");
    }
}
