//! Never the same sentence twice (issue 15): wherever an insight is shown, a
//! title that is the body's lead sentence stands for it, and the body goes on
//! from the next sentence. The sample digest is built with four insights of its
//! latest issue changed to cover every case: one of a single sentence (only its
//! headline shows), one with a hand-written title (the whole body shows), one
//! with `lead = false` (the whole body shows, lead included) and one left as
//! imported. Then every card of every page, every item of every feed, both
//! email editions (built files and `brief email`, `--html`, `--eml`, `--week`)
//! and every search index entry is read as a reader gets it (HTML parsed, XML
//! and JSON decoded, MIME parts split) and each sentence of those insights is
//! counted in it.

mod common;

use std::collections::BTreeMap;

use common::{snapshot, stderr, stdout, Site};
use mail_parser::MessageParser;
use scraper::{Html, Selector};

/// A single sentence: only the headline shows.
const ONE: &str = "by-releasing-powerful-open-source-ai-models-china-may-be";
/// A hand-written title: the whole body shows under it.
const HAND: &str = "china-is-pursuing-a-low-cost-open-source-ai-model-similar";
const HAND_TITLE: &str = "Android, not iPhone: the shape of China's AI bet";
/// `lead = false`: the whole body shows under the lead as title.
const OPT_OUT: &str = "china-isnt-giving-away-its-ai-models-out-of-generosity";
/// As imported: the title is the lead sentence, the body goes on after it.
const PLAIN: &str = "the-ai-competition-is-not-a-simple-two-horse-race-between";

/// What a reader must find of one insight in one card, item or edition.
struct Expect {
    slug: &'static str,
    /// The headline, shown once.
    title: String,
    /// Each text and how often it shows where the insight is shown.
    counts: Vec<(String, usize)>,
}

/// Lowercase words of letters and digits, one space apart, padded: markup,
/// punctuation, quote styles and line wrapping do not matter to a count. URLs
/// (a text email's links) are left out: a slug is made of its title's words.
fn words(text: &str) -> String {
    let without_urls: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !w.contains("://"))
        .collect();
    let mapped: String = without_urls
        .join(" ")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect();
    format!(
        " {} ",
        mapped.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

/// How often `needle` shows in `haystack`, as whole words.
fn count(haystack: &str, needle: &str) -> usize {
    let haystack = words(haystack);
    let needle = words(needle);
    // The needle without its trailing space, so that two occurrences in a row
    // (a headline, then the same sentence) do not share one.
    let needle = needle.trim_end();
    haystack
        .match_indices(needle)
        .filter(|(at, _)| haystack[at + needle.len()..].starts_with(' '))
        .count()
}

/// The title and body of the content file of `slug`.
fn title_and_body(site: &Site, slug: &str) -> (String, String) {
    let text = site.read(&format!("content/insights/{slug}.md"));
    let (front, body) = text[4..].split_once("+++\n").unwrap();
    let title = front
        .lines()
        .find_map(|l| l.strip_prefix("title = "))
        .unwrap()
        .trim_matches(['"', '\''])
        .to_string();
    (title, body.trim().to_string())
}

/// Rewrites the content file of `slug` with `edit`.
fn edit(site: &Site, slug: &str, edit: impl Fn(String) -> String) {
    let file = format!("content/insights/{slug}.md");
    let before = site.read(&file);
    let after = edit(before.clone());
    assert_ne!(after, before, "{file} is as the test expects");
    site.write(&file, &after);
}

/// The sample digest with the four cases set up, built, with what each must show.
fn site() -> (Site, Vec<Expect>) {
    let site = Site::sample();
    let (one_lead, one_body) = title_and_body(&site, ONE);
    edit(&site, ONE, |t| {
        t.replace(&one_body, &format!("{one_lead}."))
    });
    let (hand_lead, hand_body) = title_and_body(&site, HAND);
    edit(&site, HAND, |t| {
        t.replacen(
            &format!("title = \"{hand_lead}\""),
            &format!("title = \"{HAND_TITLE}\""),
            1,
        )
    });
    edit(&site, OPT_OUT, |t| {
        t.replacen("+++\n", "+++\nlead = false\n", 1)
    });
    let (opt_lead, opt_body) = title_and_body(&site, OPT_OUT);
    let (plain_lead, plain_body) = title_and_body(&site, PLAIN);
    let plain_rest = plain_body[plain_lead.len() + 1..].trim().to_string();
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        &format!("{config}\n[email]\nfrom = \"Brief <brief@example.org>\"\n"),
    );
    site.build(&[]);
    let expect = vec![
        Expect {
            slug: ONE,
            title: one_lead.clone(),
            counts: vec![(one_lead, 1)],
        },
        Expect {
            slug: HAND,
            title: HAND_TITLE.into(),
            counts: vec![(HAND_TITLE.into(), 1), (hand_lead, 1), (hand_body, 1)],
        },
        Expect {
            slug: OPT_OUT,
            title: opt_lead.clone(),
            counts: vec![(opt_lead, 2), (opt_body, 1)],
        },
        Expect {
            slug: PLAIN,
            title: plain_lead.clone(),
            counts: vec![(plain_lead, 1), (plain_rest, 1)],
        },
    ];
    (site, expect)
}

/// Checks every expected insight found in `unit` (a card, a feed item, an
/// edition); returns the slugs found, for coverage.
fn check_unit(kind: &str, unit: &str, expect: &[Expect]) -> Vec<&'static str> {
    let mut found = Vec::new();
    for e in expect {
        if count(unit, &e.title) == 0 {
            continue;
        }
        found.push(e.slug);
        for (text, n) in &e.counts {
            assert_eq!(
                count(unit, text),
                *n,
                "{kind}: {} shows {text:?} {} times, not {n}:\n{unit}",
                e.slug,
                count(unit, text)
            );
        }
    }
    found
}

/// The text of an HTML fragment or document as a reader sees it: its body,
/// without hidden elements (an email's preheader, the preview text an inbox
/// shows beside the subject, lists the headlines before the message is opened).
fn html_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let body = doc
        .select(&Selector::parse("body").unwrap())
        .next()
        .unwrap();
    let hides = |node: &scraper::Node| {
        node.as_element()
            .and_then(|e| e.attr("style"))
            .is_some_and(|style| style.contains("display:none"))
    };
    body.descendants()
        .filter(|node| !node.ancestors().any(|a| hides(a.value())))
        .filter_map(|node| node.value().as_text().map(|t| t.to_string()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every unit of the built site by kind: each `article.insight` card of each
/// page, each item of each feed, each built email edition, each search entry.
fn built_units(site: &Site) -> BTreeMap<String, Vec<String>> {
    let cards = Selector::parse("article.insight").unwrap();
    let mut units: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut add = |kind: &str, text: String| units.entry(kind.to_string()).or_default().push(text);
    for (file, bytes) in snapshot(&site.public()) {
        let text = String::from_utf8(bytes).unwrap();
        let kind = page_kind(&file);
        if file.ends_with("email.html") || file.ends_with("email.txt") {
            add(
                kind,
                if file.ends_with(".html") {
                    html_text(&text)
                } else {
                    text
                },
            );
        } else if file.ends_with(".html") {
            let doc = Html::parse_document(&text);
            for card in doc.select(&cards) {
                // A card of one sentence has no body element at all.
                let bodies = card
                    .select(&Selector::parse(".insight-body").unwrap())
                    .count();
                let card_text = card.text().collect::<Vec<_>>().join(" ");
                if count(&card_text, &title_and_body(site, ONE).0) > 0 {
                    assert_eq!(bodies, 0, "{file}: the one-sentence card has a body");
                }
                add(kind, card_text);
            }
        } else if file.ends_with(".xml") && !file.ends_with("sitemap.xml") {
            for item in feed_items(&text) {
                add(kind, item);
            }
        } else if file.ends_with("feed.json") {
            let feed: serde_json::Value = serde_json::from_str(&text).unwrap();
            for item in feed["items"].as_array().unwrap() {
                let field = |name: &str| item[name].as_str().unwrap_or_default().to_string();
                add(
                    kind,
                    format!("{} {}", field("title"), html_text(&field("content_html"))),
                );
            }
        } else if file.starts_with("search/docs/") {
            // A file of search cards: [title, slug, day, topics, text] each.
            let cards: serde_json::Value = serde_json::from_str(&text).unwrap();
            for card in cards["docs"].as_array().unwrap() {
                let field = |n: usize| card[n].as_str().unwrap().to_string();
                add(kind, format!("{} {}", field(0), field(4)));
            }
        }
    }
    units
}

/// Which kind of unit the output file `file` holds.
fn page_kind(file: &str) -> &'static str {
    match file {
        "index.html" => "home card",
        "rss.xml" => "RSS item",
        "atom.xml" => "Atom entry",
        "feed.json" => "JSON Feed item",
        f if f.starts_with("search/docs/") => "search entry",
        f if f.ends_with("email.html") => "built HTML email",
        f if f.ends_with("email.txt") => "built text email",
        f if f.starts_with("topics/") && (f.ends_with(".xml") || f.ends_with(".json")) => {
            "topic feed item"
        }
        f if f.starts_with("topics/") => "topic page card",
        f if f.starts_with("issues/") => "issue page card",
        f if f.starts_with("insights/") => "insight page",
        _ => "other",
    }
}

/// The title and HTML content of each `<item>` (RSS) or `<entry>` (Atom) of a
/// feed, as a feed reader shows them: the title above the content.
fn feed_items(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("item") || n.has_tag_name("entry"))
        .map(|item| {
            item.children()
                .filter(|c| ["title", "description", "content"].contains(&c.tag_name().name()))
                .filter_map(|c| c.text())
                .map(html_text)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// What `brief email ARGS` prints.
fn email(site: &Site, args: &[&str]) -> String {
    let mut all = vec!["email"];
    all.extend_from_slice(args);
    let out = site.brief(&all);
    assert!(out.status.success(), "email {args:?}: {}", stderr(&out));
    stdout(&out)
}

/// The text and the HTML part of a message `brief email --eml` printed.
fn eml_parts(message: &str) -> (String, String) {
    let parsed = MessageParser::default().parse(message.as_bytes()).unwrap();
    let text = parsed.body_text(0).unwrap().into_owned();
    let html = parsed.body_html(0).unwrap().into_owned();
    (text, html_text(&html))
}

/// Checks every unit; each kind must show every one of the four insights.
fn check_all(units: &BTreeMap<String, Vec<String>>, expect: &[Expect]) {
    for (kind, texts) in units {
        let mut seen = Vec::new();
        for text in texts {
            seen.extend(check_unit(kind, text, expect));
        }
        for e in expect {
            assert!(seen.contains(&e.slug), "no {kind} shows {}", e.slug);
        }
    }
}

#[test]
fn a_lead_sentence_shows_once_in_every_page_feed_email_and_search_entry() {
    let (site, expect) = site();
    let mut units = built_units(&site);
    units.remove("other");
    let kinds: Vec<&String> = units.keys().collect();
    assert_eq!(
        kinds,
        [
            "Atom entry",
            "JSON Feed item",
            "RSS item",
            "built HTML email",
            "built text email",
            "home card",
            "insight page",
            "issue page card",
            "search entry",
            "topic feed item",
            "topic page card"
        ]
    );
    let (eml_text, eml_html) = eml_parts(&email(&site, &["--eml"]));
    let (week_text, week_html) = eml_parts(&email(&site, &["--week", "--eml"]));
    let editions = [
        ("brief email", email(&site, &[])),
        ("brief email --html", html_text(&email(&site, &["--html"]))),
        ("brief email --eml (text part)", eml_text),
        ("brief email --eml (HTML part)", eml_html),
        ("brief email --week", email(&site, &["--week"])),
        ("brief email --week --eml (text part)", week_text),
        ("brief email --week --eml (HTML part)", week_html),
    ];
    for (kind, text) in editions {
        units.insert(kind.to_string(), vec![text]);
    }
    check_all(&units, &expect);
}
