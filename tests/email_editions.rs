//! `brief email --eml` and `--week` through the real binary: complete RFC 5322
//! messages parsed back with a real parser (mail-parser), the weekly edition's
//! selection and ranking, template overrides, and the errors of each argument.

mod common;

use std::process::Output;

use common::{stderr, Site};
use mail_parser::{Encoding, Message, MessageParser, MimeHeaders, PartType};

/// The fixture site under a base path, with `extra` appended to its config.
fn site(extra: &str) -> Site {
    let site = Site::fixture("basic");
    let config = site
        .read("config.toml")
        .replace("https://example.org/", "https://example.org/digest/");
    site.write("config.toml", &format!("{config}\n{extra}"));
    site
}

const SENDER: &str = "[email]\nfrom = \"Fixture Digest <digest@example.org>\"\n";

fn ok(out: Output) -> Vec<u8> {
    assert!(out.status.success(), "brief failed: {}", stderr(&out));
    out.stdout
}

fn text(out: Output) -> String {
    String::from_utf8(ok(out)).unwrap()
}

fn parse(bytes: &[u8]) -> Message<'_> {
    MessageParser::default()
        .parse(bytes)
        .expect("a message mail-parser reads")
}

/// The decoded text of the message's part with content type `kind`, and its
/// transfer encoding.
fn part(message: &Message, kind: &str) -> (String, Encoding) {
    let (major, minor) = kind.split_once('/').unwrap();
    let found = message
        .parts
        .iter()
        .find(|p| {
            p.content_type()
                .is_some_and(|ct| ct.ctype() == major && ct.subtype() == Some(minor))
        })
        .unwrap_or_else(|| panic!("no {kind} part"));
    let body = match &found.body {
        PartType::Text(t) | PartType::Html(t) => t.replace("\r\n", "\n"),
        other => panic!("{kind}: {other:?}"),
    };
    (body, found.encoding)
}

fn header<'m>(message: &'m Message, name: &'static str) -> Option<&'m str> {
    message.header_raw(name).map(str::trim)
}

#[test]
fn eml_is_a_complete_multipart_message_of_the_issue() {
    let site = site(&format!(
        "{SENDER}manage_url = \"https://lists.example.org/manage\"\n"
    ));
    // The site's zone: the Date header is midnight there.
    let config = site.read("config.toml").replace(
        "language = \"en\"",
        "language = \"en\"\ntimezone = \"+08:00\"",
    );
    site.write("config.toml", &config);
    let bytes = ok(site.brief(&["email", "--eml", "2026-11-18"]));
    let message = parse(&bytes);

    let from = message.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.name(), Some("Fixture Digest"));
    assert_eq!(from.address(), Some("digest@example.org"));
    let to = message.to().and_then(|a| a.first()).unwrap();
    assert_eq!(
        to.address(),
        Some("digest@example.org"),
        "To defaults to From"
    );
    assert_eq!(message.subject(), Some("Issue #1 — 18 November 2026"));
    assert_eq!(
        message.date().unwrap().to_rfc3339(),
        "2026-11-17T16:00:00Z",
        "midnight of 18 November at +08:00"
    );
    assert_eq!(
        message.message_id(),
        Some("issue-2026-11-18@digest.example.org")
    );
    let list_id = message
        .list_id()
        .as_address()
        .and_then(|a| a.first())
        .unwrap();
    assert_eq!(list_id.name(), Some("Fixture Digest"));
    assert_eq!(list_id.address(), Some("digest.example.org"));
    assert_eq!(
        header(&message, "List-Unsubscribe"),
        Some("<https://lists.example.org/manage>")
    );
    assert_eq!(
        header(&message, "List-Unsubscribe-Post"),
        None,
        "a manage page is no one-click endpoint (RFC 8058)"
    );
    assert_eq!(header(&message, "MIME-Version"), Some("1.0"));

    let root = message.root_part().content_type().unwrap();
    assert_eq!(
        (root.ctype(), root.subtype()),
        ("multipart", Some("alternative"))
    );
    match &message.root_part().body {
        PartType::Multipart(parts) => assert_eq!(parts.len(), 2, "text and HTML"),
        other => panic!("{other:?}"),
    }
    // Both parts are the editions `brief email` prints, byte for byte.
    let (plain, _) = part(&message, "text/plain");
    assert_eq!(plain, text(site.brief(&["email", "2026-11-18"])));
    let (html, _) = part(&message, "text/html");
    assert_eq!(html, text(site.brief(&["email", "2026-11-18", "--html"])));
    assert!(html.contains("href=\"https://example.org/digest/insights/"));
}

#[test]
fn non_ascii_text_survives_the_transfer_encoding() {
    let site = site(&format!(
        "{SENDER}to = \"Zoë Ünal <zoe@example.org>\"\nfooter = \"Grüße — 再见\"\n"
    ));
    let config = site
        .read("config.toml")
        .replace("title = \"Fixture Digest\"", "title = \"Überblick 中文\"");
    site.write("config.toml", &config);
    site.write(
        "content/insights/unicode.md",
        "+++\ntitle = \"Zoë’s naïve café — 中文 🚀\"\ndate = 2026-11-21\nsources = [\"u.txt\"]\n+++\nCrème brûlée costs ¥20 — “quoted” 🚀.\n",
    );
    let bytes = ok(site.brief(&["email", "--eml", "2026-11-21"]));
    assert!(bytes.is_ascii(), "every non-ASCII byte is transfer-encoded");
    let longest = bytes.split(|&b| b == b'\n').map(<[u8]>::len).max().unwrap();
    assert!(longest <= 998, "RFC 5322 line limit: {longest}");
    let message = parse(&bytes);
    assert_eq!(message.subject(), Some("Issue #4 — 21 November 2026"));
    let to = message.to().and_then(|a| a.first()).unwrap();
    assert_eq!(to.name(), Some("Zoë Ünal"));
    assert_eq!(to.address(), Some("zoe@example.org"));
    let list_id = message
        .list_id()
        .as_address()
        .and_then(|a| a.first())
        .unwrap();
    assert_eq!(list_id.name(), Some("Überblick 中文"));
    for kind in ["text/plain", "text/html"] {
        let (body, encoding) = part(&message, kind);
        assert!(
            matches!(encoding, Encoding::QuotedPrintable | Encoding::Base64),
            "{kind}: {encoding:?}"
        );
        for words in [
            "Zoë’s naïve café — 中文 🚀",
            "Crème brûlée costs ¥20",
            "Grüße — 再见",
        ] {
            assert!(body.contains(words), "{kind} lost {words:?}:\n{body}");
        }
    }
}

#[test]
fn eml_output_is_deterministic() {
    let site = site(SENDER);
    let first = ok(site.brief(&["email", "--eml"]));
    let second = ok(site.brief(&["email", "--eml"]));
    assert_eq!(first, second, "two runs, byte-identical");
    let week = ok(site.brief(&["email", "--eml", "--week"]));
    assert_eq!(week, ok(site.brief(&["email", "--eml", "--week"])));
    assert_ne!(first, ok(site.brief(&["email", "--eml", "2026-11-19"])));
}

#[test]
fn a_merge_tag_or_no_manage_url_gives_no_list_unsubscribe() {
    for manage in ["manage_url = \"{{ unsubscribe_url }}\"\n", ""] {
        let site = site(&format!("{SENDER}{manage}"));
        let bytes = ok(site.brief(&["email", "--eml"]));
        let message = parse(&bytes);
        assert_eq!(header(&message, "List-Unsubscribe"), None, "{manage}");
        assert!(header(&message, "List-Id").is_some());
        // The editions link the tag for the mailer to fill: no broken link.
        let check = site.brief(&["check"]);
        assert!(check.status.success(), "{manage}: {}", stderr(&check));
    }
    let site = site(&format!(
        "{SENDER}manage_url = \"mailto:leave@example.org?subject=unsubscribe\"\n"
    ));
    let message_bytes = ok(site.brief(&["email", "--eml"]));
    assert_eq!(
        header(&parse(&message_bytes), "List-Unsubscribe"),
        Some("<mailto:leave@example.org?subject=unsubscribe>")
    );
}

#[test]
fn eml_without_a_sender_names_the_key() {
    let site = site("");
    for args in [&["email", "--eml"][..], &["email", "--eml", "--week"]] {
        let out = site.brief(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty());
        let err = stderr(&out);
        assert!(err.contains("`[email] from` is not set"), "{err}");
        assert!(
            err.contains("from = \"Weekly Digest <digest@example.org>\""),
            "an example: {err}"
        );
    }
    let bad = site_with_bad_sender();
    let out = bad.brief(&["email", "--eml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("invalid `email.from` \"Digest\""), "{err}");
    assert!(err.contains("config.toml:"), "names the line: {err}");
}

fn site_with_bad_sender() -> Site {
    site("[email]\nfrom = \"Digest\"\n")
}

// ---- the weekly edition ----------------------------------------------------------

/// The insight titles of a text edition, in order (headline items are
/// numbered, the rest bulleted).
fn titles(edition: &str) -> Vec<String> {
    edition
        .lines()
        .filter_map(|line| {
            let numbered = line
                .split_once(". ")
                .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            numbered
                .map(|(_, title)| title)
                .or_else(|| line.strip_prefix("* "))
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn the_week_ranks_its_insights_like_an_issue() {
    let site = site("");
    let edition = text(site.brief(&["email", "--week", "2026-W47"]));
    // Weight first (moe has 5), then sources (two for huawei-ramp, cheap-tokens
    // and android-of-ai), then title.
    assert_eq!(
        titles(&edition),
        [
            "Mixture of experts cuts the cost per token",
            "DeepSeek says prices drop once Huawei chips ramp up",
            "The US owns the Apple of AI, China builds the Android",
            "Tokens are cheaper thanks to energy costs",
            "Cheap power is a structural advantage",
            "China embodies AI in hardware at scale",
            "China leads in open-source models as a deliberate strategy",
            "China refuses the H20 over backdoor fears",
            "Escaping <b>bold</b> & \"quotes\"",
            "Models are easy to run",
            "Permanent price cuts lure customers away from premium models",
            "Superclusters of older chips compensate for the deficit",
        ]
    );
    assert!(edition.starts_with("Fixture Digest · Week 47 of 2026\n16–22 November 2026\n"));
    assert!(edition.contains("The top 3 insights of the week, and 9 more."));
    for day in ["18", "19", "20"] {
        assert!(
            edition.contains(&format!("https://example.org/digest/issues/2026-11-{day}/")),
            "links the issue of the {day}th"
        );
    }
    // Without a week: the latest week with insights.
    assert_eq!(text(site.brief(&["email", "--week"])), edition);
}

#[test]
fn the_week_of_one_topic_holds_only_its_insights() {
    let site = site("");
    let edition = text(site.brief(&["email", "--week", "2026-W47", "--topic", "pricing"]));
    assert_eq!(
        titles(&edition),
        [
            "Mixture of experts cuts the cost per token",
            "DeepSeek says prices drop once Huawei chips ramp up",
            "Tokens are cheaper thanks to energy costs",
            "Permanent price cuts lure customers away from premium models",
        ]
    );
    assert!(edition.starts_with("Fixture Digest · Pricing: week 47 of 2026\n"));
    assert!(edition.contains("All of Pricing: https://example.org/digest/topics/pricing/"));
    let html = text(site.brief(&["email", "--week", "--topic", "pricing", "--html"]));
    assert!(html.contains("<title>Fixture Digest · Pricing: week 47 of 2026</title>"));
    assert!(!html.contains("H20"), "a chips-only insight");
    assert!(!html.contains("<script"), "no script in an email");
    assert!(
        !html.contains("href=\"/"),
        "every link is absolute in an email"
    );
}

#[test]
fn weeks_follow_the_site_time_zone() {
    // 23:30 UTC on Sunday 22 November is Monday 23 November at +08:00: week 48.
    let site = site("");
    let config = site.read("config.toml").replace(
        "language = \"en\"",
        "language = \"en\"\ntimezone = \"+08:00\"",
    );
    site.write("config.toml", &config);
    site.write(
        "content/insights/late.md",
        "+++\ntitle = \"A late Sunday insight\"\ndate = 2026-11-22T23:30:00+00:00\nsources = [\"l.txt\"]\n+++\nLate.\n",
    );
    let w48 = text(site.brief(&["email", "--week", "2026-W48"]));
    assert_eq!(titles(&w48), ["A late Sunday insight"]);
    assert!(w48.contains("23–29 November 2026"));
    let w47 = text(site.brief(&["email", "--week", "2026-W47"]));
    assert!(!w47.contains("A late Sunday insight"));
    assert_eq!(
        text(site.brief(&["email", "--week"])),
        w48,
        "the latest week"
    );
}

#[test]
fn the_weekly_message_has_its_own_subject_date_and_id() {
    let site = site(SENDER);
    let bytes = ok(site.brief(&["email", "--eml", "--week", "2026-W47", "--topic", "pricing"]));
    let message = parse(&bytes);
    assert_eq!(message.subject(), Some("Pricing: week 47 of 2026"));
    assert_eq!(
        message.message_id(),
        Some("week-2026-W47-pricing@digest.example.org")
    );
    // Its newest insight is of 20 November.
    assert_eq!(message.date().unwrap().to_rfc3339(), "2026-11-20T00:00:00Z");
    let (plain, _) = part(&message, "text/plain");
    assert_eq!(
        plain,
        text(site.brief(&["email", "--week", "2026-W47", "--topic", "pricing"]))
    );
    let whole = ok(site.brief(&["email", "--eml", "--week", "2026-W47"]));
    let whole = parse(&whole);
    assert_eq!(whole.subject(), Some("Week 47 of 2026"));
    assert_eq!(whole.message_id(), Some("week-2026-W47@digest.example.org"));
}

#[test]
fn weekly_templates_can_be_overridden() {
    let site = site("");
    site.write(
        "templates/email_week.txt",
        "{{ week.id }} {{ week.start }}..{{ week.end }} {{ week.count }} insights in {{ week.issues | length }} issues{% if week.topic %} on {{ week.topic.slug }}{% endif %}\n",
    );
    let out = text(site.brief(&["email", "--week"]));
    assert_eq!(
        out,
        "2026-W47 2026-11-16..2026-11-22 12 insights in 3 issues\n"
    );
    let out = text(site.brief(&["email", "--week", "--topic", "chips"]));
    assert_eq!(
        out,
        "2026-W47 2026-11-16..2026-11-22 5 insights in 3 issues on chips\n"
    );
}

#[test]
fn bad_weeks_and_topics_are_refused_by_name() {
    let site = site("");
    for (args, code, words) in [
        (&["email", "--week", "2026-47"][..], 2, "--week"),
        (
            &["email", "--week", "2027-W53"],
            2,
            "2027 has weeks W01 to W52",
        ),
        (
            &["email", "--week", "2026-W47", "2026-11-18"],
            2,
            "cannot be used with",
        ),
        (&["email", "--topic", "pricing"], 2, "--week"),
        // With a day's issue, a topic was passed over in silence.
        (
            &["email", "2026-11-18", "--topic", "pricing"],
            2,
            "cannot be used with",
        ),
        (&["email", "--html", "--eml"], 2, "cannot be used with"),
        (
            &["email", "--week", "2026-W10"],
            1,
            "there are no insights in week 2026-W10 (2–8 March 2026)",
        ),
        (
            &["email", "--week", "--topic", "nope"],
            1,
            "unknown topic \"nope\"",
        ),
    ] {
        let out = site.brief(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let err = stderr(&site.brief(&["email", "--week", "2026-W10"]));
    assert!(
        err.contains("the latest weeks with insights are 2026-W47"),
        "{err}"
    );
    let err = stderr(&site.brief(&["email", "--week", "--topic", "nope"]));
    assert!(
        err.contains("the topics are: chips, open-source, pricing, energy"),
        "{err}"
    );
    let err = stderr(&site.brief(&["email", "--week", "2026-W10", "--topic", "chips"]));
    assert!(
        err.contains("no insights on topic \"chips\" in week 2026-W10"),
        "{err}"
    );
}

/// The plain-text editions keep to 72 columns, as their templates promise:
/// every line but a link too long to break, the heading, the weekly lines of
/// date and link and the footer included, with a site title and a manage link
/// long enough to need it.
#[test]
fn plain_text_editions_keep_to_72_columns() {
    let site = site(&format!(
        "{SENDER}manage_url = \"https://lists.example.org/manage/subscriptions\"\n"
    ));
    let config = site.read("config.toml").replacen(
        "title = \"Fixture Digest\"",
        "title = \"The Fixture Digest of Semiconductor and Model Pricing News\"",
        1,
    );
    site.write("config.toml", &config);
    for args in [&["email"][..], &["email", "--week"]] {
        let edition = text(site.brief(args));
        for line in edition.lines() {
            let link_alone =
                line.trim_start().starts_with("https://") && !line.trim().contains(' ');
            assert!(
                line.chars().count() <= 72 || link_alone,
                "{args:?}: {} columns: {line:?}\n{edition}",
                line.chars().count()
            );
        }
    }
}

/// A reader that has gone (`brief email | head -1`) ends the edition quietly,
/// as every other command does: status 0, nothing on stderr.
#[test]
fn a_closed_stdout_ends_the_edition_quietly() {
    let site = site("");
    let root = site.root().to_str().unwrap();
    let out = common::brief_into_a_closed_pipe(&["--root", root, "email", "--html"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

/// A right-to-left edition says so where mail clients look (many drop the
/// `<html>` element's attributes): on the body and the column; and it has no
/// spaced-out capitals, which pull Arabic's joined letters apart.
#[test]
fn a_right_to_left_edition_says_so_on_its_body_and_column() {
    let site = site("");
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        &config.replace("language = \"en\"", "language = \"ar\""),
    );
    let html = text(site.brief(&["email", "--html"]));
    assert!(
        html.contains("<body style=\"margin:0;padding:0;background:#f4f3ef;\" dir=\"rtl\">"),
        "{html}"
    );
    assert!(
        html.contains("<div dir=\"rtl\" style=\"max-width:600px;"),
        "{html}"
    );
    assert!(!html.contains("letter-spacing"), "{html}");
}
