//! Reader features, through the real binary on sites built into temp dirs:
//! the search index, the email editions and `brief email`, and the meta tags
//! (OpenGraph, Twitter, canonical, feed links, JSON-LD) of the default theme.

mod common;

use std::path::{Path, PathBuf};

use common::{attr_values, brief, fixture, stdout, Site};
use serde_json::Value;

/// Builds `root` into a fresh temp dir, with `extra` build arguments.
fn build(root: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut args = vec!["build", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = brief(root, &args);
    assert!(
        run.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    (tmp, out)
}

fn write_insight(site: &Path, slug: &str, date: &str, body: &str) {
    let text = format!(
        "+++\ntitle = \"{slug} title\"\ndate = {date}\nsources = [\"x.txt\"]\n+++\n{body}\n"
    );
    std::fs::write(site.join(format!("content/insights/{slug}.md")), text).unwrap();
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A result card of the search index, as the script shows it.
struct Card {
    title: String,
    url: String,
    day: String,
    topics: Vec<String>,
    text: String,
}

/// The search manifest and every card of the sharded index, in file order.
fn search_cards(out: &Path) -> (Value, Vec<Card>) {
    let manifest: Value =
        serde_json::from_str(&read(out, "search-index.json")).expect("the manifest is JSON");
    let prefix = manifest["insights"].as_str().unwrap().to_string();
    let topics = manifest["topics"].as_array().unwrap().clone();
    let mut cards = Vec::new();
    for file in manifest["docs"].as_array().unwrap() {
        let path = format!("search/docs/{}.json", file[1].as_str().unwrap());
        let docs: Value = serde_json::from_str(&read(out, &path)).expect("cards are JSON");
        for doc in docs["docs"].as_array().unwrap() {
            let names = doc[3].as_array().unwrap().iter();
            let names = names.map(|t| {
                topics[t.as_u64().unwrap() as usize]
                    .as_str()
                    .unwrap()
                    .to_string()
            });
            cards.push(Card {
                title: doc[0].as_str().unwrap().to_string(),
                url: format!("{prefix}{}/", doc[1].as_str().unwrap()),
                day: doc[2].as_str().unwrap().to_string(),
                topics: names.collect(),
                text: doc[4].as_str().unwrap().to_string(),
            });
        }
    }
    (manifest, cards)
}

/// Every file under `out/search/<dir>/`.
fn search_files(out: &Path, dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out.join("search").join(dir))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// The `content` of `<meta property|name="key" content="…">`.
fn meta<'a>(html: &'a str, key: &str) -> Option<&'a str> {
    html.lines()
        .filter(|l| l.contains("<meta ") && l.contains(&format!("=\"{key}\"")))
        .find_map(|l| attr_values(l, "content").into_iter().next())
}

// ---- search -------------------------------------------------------------------

#[test]
fn search_index_has_a_card_for_every_insight_with_plain_text() {
    let (_tmp, out) = build(&fixture("basic"), &[]);
    let (manifest, cards) = search_cards(&out);
    assert_eq!(cards.len(), 12);
    let cheap = cards
        .iter()
        .find(|c| c.url == "/insights/cheap-tokens/")
        .expect("cheap-tokens is indexed");
    assert_eq!(cheap.title, "Tokens are cheaper thanks to energy costs");
    assert_eq!(cheap.day, "2026-11-18");
    assert_eq!(cheap.topics, ["Pricing", "Energy & Power"]);
    assert_eq!(
        cheap.text, "Read more.",
        "Markdown is reduced to plain text, and the lead sentence (the title) is not repeated"
    );
    // Every word file names the words it holds, in order, each with its
    // count and the keys of its insights.
    let terms = manifest["terms"].as_array().unwrap();
    assert!(!terms.is_empty());
    let file = format!("search/terms/{}.json", terms[0][1].as_str().unwrap());
    let words: Value = serde_json::from_str(&read(&out, &file)).unwrap();
    let listed = words["terms"].as_array().unwrap();
    assert_eq!(listed[0], terms[0][0]);
    assert_eq!(listed.len(), words["postings"].as_array().unwrap().len());
    let tokens = listed.iter().position(|w| w == "tokens").unwrap();
    let entry = &words["postings"][tokens];
    let in_title = entry[1].as_array().unwrap().len();
    let in_text = entry[2].as_array().unwrap().len();
    assert_eq!(entry[0], in_title + in_text, "short lists are whole");
    assert!(in_title >= 1, "cheap-tokens has the word in its title");
    assert!(
        !listed.iter().any(|w| w == "the"),
        "stop words are not indexed"
    );
}

/// Text written with combining accents (`u` + U+0308, as some systems and PDF
/// exports write `ü`) is indexed as a reader types it: one character.
#[test]
fn search_indexes_accented_letters_in_composed_form() {
    let site = Site::fixture("basic");
    std::fs::write(
        site.path("content/insights/zurich.md"),
        "+++\ntitle = \"Zu\u{308}rich banks\"\ndate = 2026-11-21\n+++\nZu\u{308}rich banks weigh cafe\u{301} chains.\n",
    )
    .unwrap();
    let (_tmp, out) = build(site.root(), &[]);
    let card = search_cards(&out)
        .1
        .into_iter()
        .find(|c| c.url == "/insights/zurich/")
        .expect("zurich is indexed");
    assert_eq!(card.title, "Zürich banks");
    assert!(card.text.contains("café"), "{}", card.text);
    let manifest: Value = serde_json::from_str(&read(&out, "search-index.json")).unwrap();
    let words: Vec<String> = manifest["terms"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| {
            let path = format!("search/terms/{}.json", file[1].as_str().unwrap());
            let shard: Value = serde_json::from_str(&read(&out, &path)).unwrap();
            shard["terms"].as_array().unwrap().clone()
        })
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    for word in ["zürich", "café"] {
        assert!(words.iter().any(|w| w == word), "{word} is not indexed");
    }
}

#[test]
fn search_index_urls_honour_the_base_url_path() {
    let (_tmp, out) = build(
        &fixture("basic"),
        &["--base-url", "https://example.org/digest/"],
    );
    for card in search_cards(&out).1 {
        assert!(card.url.starts_with("/digest/insights/"), "{}", card.url);
    }
    let page = read(&out, "search/index.html");
    assert!(page.contains("data-index=\"/digest/search-index.json\""));
    assert!(page.contains("src=\"/digest/search.js\""));
}

#[test]
fn search_files_stay_few_and_small_and_cap_runaway_bodies() {
    let site = Site::fixture("basic");
    let long = "Huawei ramps up chip output again. ".repeat(200);
    for n in 0..300 {
        write_insight(
            site.root(),
            &format!("long-{n}"),
            "2026-11-21",
            &format!("{n}. {long}"),
        );
    }
    let (_tmp, out) = build(site.root(), &[]);
    let (manifest, cards) = search_cards(&out);
    assert_eq!(cards.len(), 312);
    for card in &cards {
        let chars = card.text.chars().count();
        assert!(chars <= 501, "text of {chars} chars");
    }
    // 300 insights on one day are cut into cards files of about 256.
    let docs = search_files(&out, "docs");
    assert_eq!(docs.len(), manifest["docs"].as_array().unwrap().len());
    assert!((2..=4).contains(&docs.len()), "{} card files", docs.len());
    // "huawei" is in 301 insights: beside the word only a head of 100, the
    // whole list in a file of lists.
    let lists = search_files(&out, "lists");
    assert!(!lists.is_empty());
    for file in search_files(&out, "terms")
        .iter()
        .chain(&lists)
        .chain(&docs)
    {
        let bytes = std::fs::metadata(file).unwrap().len();
        assert!(bytes < 200_000, "{} is {bytes} bytes", file.display());
    }
}

#[test]
fn search_files_are_named_by_their_content_and_rebuilt_alike() {
    let site = Site::fixture("basic");
    let (_a, first) = build(site.root(), &[]);
    let (_b, second) = build(site.root(), &[]);
    for dir in ["terms", "lists", "docs"] {
        for file in search_files(&first, dir) {
            let bytes = std::fs::read(&file).unwrap();
            let twin = second
                .join("search")
                .join(dir)
                .join(file.file_name().unwrap());
            assert_eq!(bytes, std::fs::read(twin).unwrap(), "{}", file.display());
        }
    }
    assert_eq!(
        read(&first, "search-index.json"),
        read(&second, "search-index.json")
    );
}

// ---- email editions -------------------------------------------------------------

#[test]
fn every_issue_has_email_editions_with_absolute_links_and_no_script() {
    let (_tmp, out) = build(
        &fixture("basic"),
        &["--base-url", "https://example.org/digest/"],
    );
    for day in ["2026-11-18", "2026-11-19", "2026-11-20"] {
        let html = read(&out, &format!("issues/{day}/email.html"));
        assert!(
            !html.to_lowercase().contains("<script"),
            "{day}: a script in the email"
        );
        assert!(
            !html.contains("<link"),
            "{day}: email clients drop linked stylesheets"
        );
        assert!(html.contains(" style=\""), "{day}: styles are inline");
        let links: Vec<&str> = ["href", "src"]
            .iter()
            .flat_map(|a| attr_values(&html, a))
            .collect();
        assert!(links.len() > 5);
        for link in links {
            assert!(
                link.starts_with("https://example.org/digest/"),
                "{day}: link {link:?} is not absolute"
            );
        }
        assert!(read(&out, &format!("issues/{day}/email.txt"))
            .contains("https://example.org/digest/insights/"));
    }
    let html = read(&out, "issues/2026-11-18/email.html");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "insight text stays escaped"
    );
}

#[test]
fn email_text_is_wrapped_at_72_columns_with_the_headline_first() {
    let site = Site::fixture("basic");
    let body = "A long insight about chips: ".to_string()
        + &"export controls reshape supply chains and prices, ".repeat(12)
        + "see [the ramp](../huawei-ramp/).";
    write_insight(site.root(), "long", "2026-11-18", &body);
    let (_tmp, out) = build(site.root(), &[]);
    let text = read(&out, "issues/2026-11-18/email.txt");
    for line in text.lines() {
        let single_word = !line.trim().contains(' ');
        assert!(
            line.chars().count() <= 72 || single_word,
            "too long: {line:?}"
        );
    }
    assert!(
        text.lines()
            .filter(|l| l.contains("export controls"))
            .count()
            > 3,
        "long body is wrapped"
    );
    assert!(
        text.contains("<https://example.org/insights/huawei-ramp/>"),
        "links keep their absolute URL"
    );
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing:\n{text}"))
    };
    let headline = at("1. DeepSeek says prices drop once Huawei chips ramp up");
    assert!(headline < at("MORE FROM THIS DAY"));
    assert!(at("MORE FROM THIS DAY") < at("* Superclusters of older chips"));
    assert!(
        !text.contains("&amp;") && text.contains("Escaping <b>bold</b> & \"quotes\""),
        "text is not HTML-escaped"
    );
}

#[test]
fn email_footer_and_manage_url_come_from_config() {
    let site = Site::fixture("basic");
    let config = site.root().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "[feeds]",
        "[email]\nmanage_url = \"https://lists.example.org/manage\"\nfooter = \"Sent with care.\"\n\n[feeds]",
    );
    std::fs::write(&config, text).unwrap();
    let (_tmp, out) = build(site.root(), &[]);
    for file in ["email.html", "email.txt"] {
        let edition = read(&out, &format!("issues/2026-11-20/{file}"));
        assert!(
            edition.contains("https://lists.example.org/manage"),
            "{file}"
        );
        assert!(edition.contains("Sent with care."), "{file}");
    }
}

#[test]
fn unknown_email_key_is_an_error_naming_it() {
    let site = Site::fixture("basic");
    let config = site.root().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap() + "\n[email]\nunsubscribe = \"x\"\n";
    std::fs::write(&config, text).unwrap();
    let run = brief(
        site.root(),
        &["build", "-o", site.root().join("out").to_str().unwrap()],
    );
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("unknown field `unsubscribe`"), "{stderr}");
}

#[test]
fn brief_email_prints_the_latest_edition_or_the_one_asked_for() {
    let root = &fixture("basic");
    let (_tmp, out) = build(root, &[]);
    let latest = brief(root, &["email"]);
    assert!(latest.status.success());
    assert_eq!(
        String::from_utf8(latest.stdout).unwrap(),
        read(&out, "issues/2026-11-20/email.txt")
    );
    let html = brief(root, &["email", "2026-11-18", "--html"]);
    assert!(html.status.success());
    assert_eq!(
        String::from_utf8(html.stdout).unwrap(),
        read(&out, "issues/2026-11-18/email.html")
    );
}

#[test]
fn brief_email_for_a_day_without_an_issue_fails_with_a_hint() {
    let missing = brief(&fixture("basic"), &["email", "2030-01-01"]);
    assert_eq!(missing.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("no issue is dated 2030-01-01"), "{stderr}");
    assert!(
        stderr.contains("2026-11-20"),
        "the hint lists the latest issues: {stderr}"
    );
    assert!(missing.stdout.is_empty());
    let bad = brief(&fixture("basic"), &["email", "18/11/2026"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a malformed date is a usage error"
    );
}

// ---- meta tags ------------------------------------------------------------------

/// The site in `language`, with `extra` after the language line of its config.
fn site_in(language: &str, extra: &str) -> Site {
    let site = Site::fixture("basic");
    let config = site.read("config.toml").replace(
        "language = \"en\"",
        &format!("language = \"{language}\"\n{extra}"),
    );
    site.write("config.toml", &config);
    site
}

/// A site in a language written right to left (Arabic, Hebrew, Persian,
/// Urdu, or a right-to-left script) says so on every page and email, so
/// browsers and mail clients lay it out from the right; others say nothing.
#[test]
fn pages_and_emails_of_a_right_to_left_language_say_so() {
    let html_tag = |out: &Path, file: &str| {
        let text = read(out, file);
        let start = text.find("<html").unwrap();
        text[start..start + text[start..].find('>').unwrap() + 1].to_string()
    };
    let files = [
        "index.html",
        "insights/moe/index.html",
        "issues/2026-11-19/email.html",
        "404.html",
    ];
    for (language, tag) in [
        ("ar", r#"<html lang="ar" dir="rtl">"#),
        ("he-IL", r#"<html lang="he-IL" dir="rtl">"#),
        ("pa-Arab", r#"<html lang="pa-Arab" dir="rtl">"#),
        ("ar-Latn", r#"<html lang="ar-Latn">"#),
        ("en", r#"<html lang="en">"#),
    ] {
        let site = site_in(language, "");
        let (_tmp, out) = build(site.root(), &[]);
        for file in files {
            assert_eq!(html_tag(&out, file), tag, "{language}: {file}");
        }
    }
}

/// Dates read as the site's language writes them, wherever brief writes one:
/// issue pages, the issue's title in pages and feeds, the archive feeds'
/// months, email editions and the weekly edition's span of days. Issue and
/// week titles are the theme's words in the site's language (German here),
/// English where the theme has none for it (Japanese), or the site's own:
/// `issue_title` and `[words]` name them in any words. English sites keep
/// `19 November 2026` (the golden files hold the rest of their pages).
#[test]
fn dates_and_issue_titles_read_in_the_sites_language() {
    let cases = [
        (
            "de",
            "",
            "19. November 2026",
            "Ausgabe #2 vom 19. November 2026",
            "November 2026",
            "Kalenderwoche 47/2026",
        ),
        (
            "zh",
            "issue_title = \"第{number}期 · {date}\"\nwords.week_title = \"{year}年第{week}周\"\n",
            "2026年11月19日",
            "第2期 · 2026年11月19日",
            "2026年11月",
            "2026年第47周",
        ),
        (
            "ja",
            "",
            "2026年11月19日",
            "Issue #2 — 2026年11月19日",
            "2026年11月",
            "Week 47 of 2026",
        ),
        (
            "en",
            "",
            "19 November 2026",
            "Issue #2 — 19 November 2026",
            "November 2026",
            "Week 47 of 2026",
        ),
    ];
    for (language, extra, day, title, month, week_title) in cases {
        let site = site_in(language, extra);
        // A December issue finishes November, which then has its archive.
        write_insight(site.root(), "december", "2026-12-01", "Cold.");
        let (_tmp, out) = build(site.root(), &[]);
        let page = read(&out, "issues/2026-11-19/index.html");
        assert!(
            page.contains(&format!("<time datetime=\"2026-11-19\">{day}</time></h1>")),
            "{language}: the issue page's heading"
        );
        assert!(
            page.contains(&format!("<title>{title} · Fixture Digest</title>")),
            "{language}: the issue page's title"
        );
        let rss = read(&out, "rss.xml");
        assert!(
            rss.contains(&format!("<title>{title}</title>")),
            "{language}: {rss}"
        );
        let archive = read(&out, "feeds/archive/2026-11/atom.xml");
        assert!(
            archive.contains(&format!("<title>Fixture Digest — {month}</title>")),
            "{language}: {archive}"
        );
        let email = stdout(&site.brief(&["email", "2026-11-19"]));
        assert!(email.contains(title), "{language}: {email}");
        let week = stdout(&site.brief(&["email", "--week", "2026-W47"]));
        assert!(week.contains(day), "{language}: the week's span: {week}");
        assert!(
            week.starts_with(&format!("Fixture Digest · {week_title}\n")),
            "{language}: the week's title: {week}"
        );
    }
}

/// Every word the default theme shows is the site's language's (German here):
/// navigation, counts in the language's plural forms, the search page and
/// the messages it hands to search.js, the 404 page, the page titles brief
/// makes and the email editions. (English sites: the golden files.)
#[test]
fn the_themes_words_read_in_the_sites_language() {
    let site = site_in("de", "");
    let (_tmp, out) = build(site.root(), &[]);
    let home = read(&out, "index.html");
    for words in [
        "<a class=\"skip-link\" href=\"#main\">Zum Inhalt springen</a>",
        "<nav aria-label=\"Hauptmenü\">",
        "<a href=\"/issues/\">Ausgaben</a>",
        "<a href=\"/subscribe/\">Abonnieren</a>:",
        "Neueste Ausgabe · <a href=\"/issues/2026-11-20/\">#3</a>",
        ">Letzte Ausgaben</h2>",
    ] {
        assert!(home.contains(words), "{words}: {home}");
    }
    let topic = read(&out, "topics/chips/index.html");
    assert!(
        topic.contains("<p class=\"meta\">5 Erkenntnisse · Feeds:"),
        "{topic}"
    );
    let archive = read(&out, "issues/index.html");
    assert!(archive.contains("<title>Alle Ausgaben · Fixture Digest</title>"));
    let search = read(&out, "search/index.html");
    assert!(
        search.contains(">Alle 12 Erkenntnisse durchsuchen</label>"),
        "{search}"
    );
    let start = search
        .find("<script type=\"application/json\" id=\"search-words\">")
        .unwrap();
    let json = &search[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    let messages: Value = serde_json::from_str(json).expect("the messages are JSON");
    assert_eq!(messages["none"], "Keine Ergebnisse für „{query}“.");
    assert_eq!(messages["results"]["one"], "{n} Ergebnis");
    let missing = read(&out, "404.html");
    assert!(missing.contains("<title>Seite nicht gefunden · Fixture Digest</title>"));
    assert!(missing.contains(
        "Versuchen Sie die <a href=\"/\">neueste Ausgabe</a>, das <a href=\"/issues/\">Archiv</a>"
    ));
    let email = read(&out, "issues/2026-11-19/email.txt");
    assert!(
        email.ends_with("Sie erhalten diese E-Mail, weil Sie Fixture Digest abonniert haben.\nUm sie nicht mehr zu erhalten, antworten Sie mit „abbestellen“.\n"),
        "{email}"
    );
    let week = stdout(&site.brief(&["email", "--week"]));
    assert!(week.contains("\nDIE AUSGABEN DER WOCHE\n"), "{week}");
}

/// A site changes single phrases under `[words]` (plural forms too), and a
/// theme of its own brings phrases of its own, in each language it has.
#[test]
fn a_site_and_its_theme_bring_their_own_words() {
    let words =
        "[words]\ntopics = \"Sujets\"\ninsights = { one = \"{n} note\", other = \"{n} notes\" }\n";
    let site = site_in("fr", "theme = \"mine\"\n");
    let config = site.read("config.toml");
    site.write("config.toml", &format!("{config}\n{words}"));
    site.write(
        "themes/mine/words/en.toml",
        "colophon = \"Made by {who}\"\n",
    );
    site.write(
        "themes/mine/words/fr.toml",
        "colophon = \"Fait par {who}\"\n",
    );
    site.write(
        "themes/mine/templates/topics.html",
        "{% extends \"base.html\" %}{% block content %}<p>{{ words.colophon | say(who=\"<nous>\") }}</p>{% endblock content %}",
    );
    let (_tmp, out) = build(site.root(), &[]);
    let home = read(&out, "index.html");
    assert!(home.contains("<a href=\"/topics/\">Sujets</a>"), "{home}");
    assert!(
        home.contains("<a href=\"/issues/\">Numéros</a>"),
        "the theme's French stays: {home}"
    );
    let topic = read(&out, "topics/chips/index.html");
    assert!(
        topic.contains("<p class=\"meta\">5 notes · Flux\u{202F}:"),
        "French spaces its colons: {topic}"
    );
    let topics = read(&out, "topics/index.html");
    assert!(topics.contains("<p>Fait par &lt;nous&gt;</p>"), "{topics}");
}

#[test]
fn every_page_has_social_meta_canonical_feeds_and_favicon() {
    let (_tmp, out) = build(&fixture("basic"), &[]);
    let pages = [
        ("index.html", "https://example.org/"),
        (
            "issues/2026-11-19/index.html",
            "https://example.org/issues/2026-11-19/",
        ),
        (
            "topics/chips/index.html",
            "https://example.org/topics/chips/",
        ),
        (
            "insights/moe/index.html",
            "https://example.org/insights/moe/",
        ),
        ("search/index.html", "https://example.org/search/"),
    ];
    for (file, permalink) in pages {
        let html = read(&out, file);
        assert!(
            html.contains(&format!("<link rel=\"canonical\" href=\"{permalink}\">")),
            "{file}"
        );
        assert_eq!(meta(&html, "og:url"), Some(permalink), "{file}");
        assert!(
            meta(&html, "og:title").is_some_and(|t| !t.is_empty()),
            "{file}"
        );
        assert!(
            meta(&html, "og:description").is_some_and(|t| !t.is_empty()),
            "{file}"
        );
        assert_eq!(meta(&html, "twitter:card"), Some("summary"), "{file}");
        for (kind, href) in [
            ("application/rss+xml", "/rss.xml"),
            ("application/atom+xml", "/atom.xml"),
            ("application/feed+json", "/feed.json"),
        ] {
            let link = format!("<link rel=\"alternate\" type=\"{kind}\"");
            let line = html
                .lines()
                .find(|l| l.contains(&link) && l.contains(&format!("href=\"{href}\"")));
            assert!(line.is_some(), "{file}: no alternate link to {href}");
        }
        assert!(
            html.contains("<link rel=\"icon\" href=\"/favicon.svg\""),
            "{file}"
        );
    }
    let topic = read(&out, "topics/chips/index.html");
    assert!(topic.contains("type=\"application/rss+xml\" title=\"Fixture Digest: Chips (RSS)\" href=\"/topics/chips/rss.xml\""));
    assert!(out.join("favicon.svg").is_file());
}

/// The JSON inside `<script type="application/ld+json">`.
fn json_ld(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD block") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("JSON-LD parses")
}

#[test]
fn insight_pages_carry_news_article_json_ld_that_cannot_break_out() {
    let (_tmp, out) = build(&fixture("basic"), &[]);
    let html = read(&out, "insights/script-test/index.html");
    let ld = json_ld(&html);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "Escaping <b>bold</b> & \"quotes\"");
    assert_eq!(ld["url"], "https://example.org/insights/script-test/");
    assert_eq!(ld["datePublished"], "2026-11-18T00:00:00+00:00");
    assert_eq!(
        ld["isPartOf"]["url"],
        "https://example.org/issues/2026-11-18/"
    );
    assert_eq!(
        ld["description"],
        "An insight with <script>alert(1)</script> & an ampersand \"quoted\"."
    );
    assert_eq!(
        html.matches("</script>").count(),
        1,
        "the body's </script> stays inside the JSON"
    );
    assert_eq!(meta(&html, "og:type"), Some("article"));
    assert_eq!(
        meta(&html, "article:published_time"),
        Some("2026-11-18T00:00:00+00:00")
    );
    let home = json_ld(&read(&out, "index.html"));
    assert_eq!(home["@type"], "WebSite");
    assert_eq!(
        home["potentialAction"]["target"],
        "https://example.org/search/?q={query}"
    );
}

/// A day of one insight reads "The top insight of the day", not "The top 1
/// insights", on its page, the home page and in both email texts; counts of
/// one are singular.
#[test]
fn counts_of_one_read_as_english() {
    let site = Site::fixture("basic");
    for f in std::fs::read_dir(site.path("content/insights")).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    write_insight(site.root(), "alone", "2026-11-18", "Alone. It stands.");
    write_insight(site.root(), "earlier", "2026-11-17", "Earlier. It was.");
    let (_tmp, out) = build(site.root(), &[]);
    for rel in [
        "index.html",
        "issues/2026-11-18/index.html",
        "issues/2026-11-18/email.txt",
        "issues/2026-11-18/email.html",
    ] {
        let text = read(&out, rel);
        assert!(text.contains("The top insight of the day."), "{rel}");
        assert!(!text.contains(" 1 insights"), "{rel}");
    }
    assert!(read(&out, "index.html").contains(">1 insight<"));
    assert!(read(&out, "issues/2026-11-18/index.html").contains(">Top insight</h2>"));
    assert!(read(&out, "search/index.html").contains("Search all 2 insights<"));
}
