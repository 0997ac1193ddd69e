//! Feeds: RSS 2.0, Atom and JSON Feed 1.1 documents of the whole site (one
//! item per daily issue, full HTML) and of each topic (one item per insight),
//! the site feeds' monthly archives (RFC 5005), the OPML subscription list and
//! the sitemap. Links in bodies become absolute URLs, as feed readers require;
//! with `[feeds] websub_hub`, every feed document names its WebSub hub.
//!
//! A feed is first assembled as a [`Feed`] (its head and [`Item`]s, format-free),
//! then written in each enabled [`Format`] by `rss`, `atom` and `json`; `archive`
//! decides which issues each site feed document holds and how they link, `opml`
//! lists every feed, `xml` holds the writer and date helpers. This module
//! returns bytes; the renderer hands them to its sink.

mod archive;
mod atom;
mod json;
mod opml;
mod rss;
mod xml;

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use super::wording::issue_title;
use crate::config::{slug_problem, Config, FeedsConfig, Topic};
use crate::escape::{escape_html as escape, escape_xml_text};
use crate::markdown::Rendered;
use crate::printable::make_printable;
use crate::site::{insight_path, topic_path, Issue, Site};
use crate::words::Words;
use xml::{element, empty, Xml};

pub(crate) use archive::{archive_feeds, site_feeds, Archives, ARCHIVE_DIR};
pub(crate) use opml::opml;
pub(crate) use xml::sitemap;

/// Insight index → its rendered body (see [`Renderer::body`](crate::render::Renderer::body)).
type Bodies<'a> = dyn Fn(usize) -> Arc<Rendered> + Sync + 'a;

/// A file to write: its path in the output and its bytes.
pub(crate) type Document = (String, Vec<u8>);

/// A feed format. Each feed of the site exists in every format `[feeds]`
/// switches on, as `<folder>/<file>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    pub(crate) const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// The formats `[feeds]` switches on, in the order pages list them.
    pub(crate) fn enabled(feeds: &FeedsConfig) -> impl Iterator<Item = Format> + '_ {
        Format::ALL.into_iter().filter(|f| f.is_on(feeds))
    }

    pub(crate) fn is_on(self, feeds: &FeedsConfig) -> bool {
        match self {
            Format::Rss => feeds.rss,
            Format::Atom => feeds.atom,
            Format::Json => feeds.json,
        }
    }

    /// The file name of a document in this format.
    pub(crate) fn file(self) -> &'static str {
        match self {
            Format::Rss => "rss.xml",
            Format::Atom => "atom.xml",
            Format::Json => "feed.json",
        }
    }

    /// The key of the format in template values (`site.feeds.rss`).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Json => "json",
        }
    }

    /// The name readers see.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Format::Rss => "RSS",
            Format::Atom => "Atom",
            Format::Json => "JSON Feed",
        }
    }

    pub(crate) fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }

    fn write(self, config: &Config, feed: &Feed) -> Vec<u8> {
        match self {
            Format::Rss => rss::document(config, feed),
            Format::Atom => atom::document(config, feed),
            Format::Json => json::document(config, feed),
        }
    }
}

/// One feed document before it is written in a format.
struct Feed<'s> {
    title: String,
    /// Empty: none (RSS then repeats the title, which it requires).
    description: &'s str,
    /// The site path of the page the feed follows: its link and Atom id.
    page: String,
    /// The site path of the folder the documents are in (`/`, `/topics/x/`):
    /// each format's document is `<dir><file>`.
    dir: String,
    /// Newest first.
    items: Vec<Item<'s>>,
    history: History,
}

/// Where a document stands in an archived feed (RFC 5005, section 4). Folders
/// are site paths, as [`Feed::dir`]; each link names the document of the same
/// format there.
#[derive(Debug, Clone, Default)]
struct History {
    /// An archive document: marked `<fh:archive/>`, linked to the current feed,
    /// and free of anything that changes without its items changing (such as
    /// the generator's version), so that a finished month is written once.
    archive: bool,
    /// The next older document: `prev-archive` in RSS and Atom, `next_url` in
    /// JSON Feed.
    older: Option<String>,
    /// The next newer archive document (`next-archive`; RSS and Atom).
    newer: Option<String>,
}

/// One entry: a daily issue (site feeds) or an insight (topic feeds).
struct Item<'s> {
    title: String,
    /// Absolute.
    url: String,
    /// The entry's id (Atom `id`, RSS `guid`, JSON Feed `id`): the absolute
    /// address it was first published at, which never changes (see
    /// [`first_published_path`]).
    id: String,
    date: DateTime<FixedOffset>,
    categories: Vec<&'s Topic>,
    content: Content,
}

/// An entry's full HTML, links absolute, and that HTML escaped as XML text,
/// made once for RSS and Atom alike: the archives carry every issue's HTML, and
/// cleaning and escaping it was most of their cost.
struct Content {
    html: String,
    xml: OnceCell<String>,
}

impl Content {
    fn new(mut html: String) -> Content {
        make_printable(&mut html);
        Content {
            html,
            xml: OnceCell::new(),
        }
    }

    fn xml(&self) -> &str {
        self.xml.get_or_init(|| escape_xml_text(&self.html))
    }

    /// No body: an insight of one sentence is all headline, so its RSS and
    /// Atom items carry the title alone (both formats allow that).
    fn is_empty(&self) -> bool {
        self.html.is_empty()
    }
}

impl Feed<'_> {
    /// The feed's document in each of `formats`.
    fn documents(&self, config: &Config, formats: impl Iterator<Item = Format>) -> Vec<Document> {
        formats
            .map(|format| (self.path(format), format.write(config, self)))
            .collect()
    }

    /// About the size of this feed's document in `format`: its items' content,
    /// most of it, and room for the rest, so that a document of a month's
    /// issues (hundreds of kilobytes) is written without regrowing its buffer.
    fn size_hint(&self, format: Format) -> usize {
        let content = |item: &Item| match format {
            Format::Json => item.content.html.len() * 9 / 8,
            Format::Rss | Format::Atom => item.content.xml().len(),
        };
        let items: usize = self.items.iter().map(|item| content(item) + 1024).sum();
        items + 2048
    }

    /// The output path of this feed's document in `format`.
    fn path(&self, format: Format) -> String {
        document_path(&self.dir, format)
    }

    /// The date the feed was last updated: its newest item's (a fixed date when
    /// it has none, so that the bytes never depend on the clock).
    fn updated(&self, config: &Config) -> DateTime<FixedOffset> {
        self.items.first().map_or_else(
            || config.timezone.midnight(chrono::NaiveDate::default()),
            |item| item.date,
        )
    }
}

/// The output path (no leading slash) of the document of `format` in `dir`.
fn document_path(dir: &str, format: Format) -> String {
    format!("{}{}", dir.trim_start_matches('/'), format.file())
}

/// The links of a feed's head, each written as `element` (`link` in Atom,
/// `atom:link` in RSS): `self`, the WebSub hub (WebSub discovery wants both;
/// without `[feeds] websub_hub` there is no hub link), and the RFC 5005 links
/// of [`History`], each to the document of the same format.
fn head_links(w: &mut Xml, config: &Config, feed: &Feed, format: Format, element_name: &str) {
    let url = |dir: &str| config.permalink(&document_path(dir, format));
    let mut link = |rel: &str, href: &str| {
        let mut attributes = vec![("rel", rel), ("href", href)];
        if rel == "self" {
            attributes.push(("type", format.media_type()));
        }
        empty(w, element(element_name, &attributes));
    };
    link("self", &url(&feed.dir));
    if let Some(hub) = &config.feeds.websub_hub {
        link("hub", hub);
    }
    if feed.history.archive {
        link("current", &url("/"));
    }
    if let Some(dir) = &feed.history.older {
        link("prev-archive", &url(dir));
    }
    if let Some(dir) = &feed.history.newer {
        link("next-archive", &url(dir));
    }
}

/// The namespace of RFC 5005's `<fh:archive/>`.
const FEED_HISTORY_NS: &str = "http://purl.org/syndication/history/1.0";

/// The feeds of topic `t` in every enabled format: its latest insights, newest
/// first. Topic feeds have no archives: a topic's whole history is on its pages.
pub(crate) fn topic_feeds(site: &Site, bodies: &Bodies, t: usize) -> Vec<Document> {
    let config = site.config;
    let topic = &config.topics[t];
    let path = topic_path(&topic.slug);
    let feed = Feed {
        title: topic_feed_title(config, topic),
        description: if topic.description.is_empty() {
            &config.description
        } else {
            &topic.description
        },
        page: path.clone(),
        dir: path,
        items: topic_feed_insights(site, t)
            .iter()
            .map(|&i| insight_item(site, bodies, i))
            .collect(),
        history: History::default(),
    };
    feed.documents(config, Format::enabled(&config.feeds))
}

/// The title of topic feeds, as feed readers list them.
pub(crate) fn topic_feed_title(config: &Config, topic: &Topic) -> String {
    format!("{} — {}", config.title, topic.name)
}

/// The site paths of a topic's feeds: `(format, path)` for each enabled
/// format, or none when the topic has no feed (no insights, or topic feeds off).
pub(crate) fn topic_feed_paths(site: &Site, t: usize) -> Vec<(Format, String)> {
    let config = site.config;
    if !config.feeds.topics || site.topics[t].insights.is_empty() {
        return Vec::new();
    }
    let dir = topic_path(&config.topics[t].slug);
    Format::enabled(&config.feeds)
        .map(|format| (format, format!("/{}", document_path(&dir, format))))
        .collect()
}

/// Issue `n` as a site feed entry.
fn issue_item<'s>(site: &'s Site, bodies: &Bodies, words: &Words, n: usize) -> Item<'s> {
    let config = site.config;
    let issue = &site.issues[n];
    let url = config.permalink(&issue.path());
    Item {
        title: issue_title(site, words, n),
        id: url.clone(),
        url,
        date: config.timezone.midnight(issue.date),
        categories: issue_topics(site, issue),
        content: Content::new(issue_html(site, bodies, n)),
    }
}

/// Insight `i` as a topic feed entry.
fn insight_item<'s>(site: &'s Site, bodies: &Bodies, i: usize) -> Item<'s> {
    let config = site.config;
    let insight = &site.insights[i];
    Item {
        title: insight.title.clone(),
        url: config.permalink(&insight_path(&insight.slug)),
        id: config.permalink(&first_published_path(&insight.slug, &insight.aliases)),
        date: insight.date,
        categories: site.topics_of[i]
            .iter()
            .map(|&t| &config.topics[t])
            .collect(),
        content: Content::new(absolutize(bodies(i).html(), &config.origin)),
    }
}

/// Where insight `i` was first published: the page of its first alias that
/// names an insight's page by a slug (`/insights/old-slug/`, as `brief rename`
/// keeps each old address, oldest first), else its page. Feed entries are
/// known by it, so a renamed insight is not shown to subscribers again as a
/// new entry: RFC 4287 asks that an entry's id never change, and the old
/// address still leads to the insight.
fn first_published_path(slug: &str, aliases: &[String]) -> String {
    let old_page = |alias: &String| {
        let rest = alias.strip_prefix("/insights/")?;
        let slug = rest.strip_suffix("index.html").unwrap_or(rest);
        let slug = slug.strip_suffix('/').unwrap_or(slug);
        slug_problem(slug).is_none().then(|| insight_path(slug))
    };
    aliases
        .iter()
        .find_map(old_page)
        .unwrap_or_else(|| insight_path(slug))
}

/// The full HTML of an issue for feeds: every insight, headline first, with
/// absolute links.
fn issue_html(site: &Site, bodies: &Bodies, n: usize) -> String {
    let config = site.config;
    let issue = &site.issues[n];
    let mut html = String::new();
    let section = |html: &mut String, insights: &[usize]| {
        for &i in insights {
            let insight = &site.insights[i];
            let body = bodies(i);
            // Room for the body and its heading at once, as the buffer grows.
            html.reserve(body.html().len() + 256);
            let url = config.permalink(&insight_path(&insight.slug));
            html.push_str("<h2><a href=\"");
            html.push_str(&escape(&url));
            html.push_str("\">");
            html.push_str(&escape(&insight.title));
            html.push_str("</a></h2>\n");
            absolutize_into(html, body.html(), &config.origin);
        }
    };
    section(&mut html, issue.headline());
    if !issue.rest().is_empty() {
        html.push_str("<hr>\n<p><strong>More from this day</strong></p>\n");
        section(&mut html, issue.rest());
    }
    html
}

/// The insights the feed of topic `t` carries, newest first.
pub(crate) fn topic_feed_insights<'s>(site: &'s Site, t: usize) -> &'s [usize] {
    let insights = &site.topics[t].insights;
    &insights[..insights.len().min(site.config.feeds.limit)]
}

/// The topics of an issue's insights, once each, in config order.
fn issue_topics<'s>(site: &'s Site, issue: &Issue) -> Vec<&'s Topic> {
    let set: BTreeSet<usize> = issue
        .insights
        .iter()
        .flat_map(|&i| site.topics_of[i].iter().copied())
        .collect();
    set.into_iter().map(|t| &site.config.topics[t]).collect()
}

/// Rewrites root-relative `href`/`src` values (which already carry the base path)
/// to absolute URLs, and protocol-relative ones (`//cdn.example/x`) to the
/// site's scheme: feed readers and mail clients have no page to resolve them
/// against. Text may contain `href="/…"` too (the Markdown renderer does not
/// escape quotes in text), so only attributes inside a tag are touched.
pub(crate) fn absolutize(html: &str, origin: &str) -> String {
    // Room for the origin at every candidate link: an email edition has dozens,
    // and growing its buffer once copied the whole edition again.
    let links = memchr::memmem::find_iter(html.as_bytes(), ROOT_RELATIVE).count();
    let mut out = String::with_capacity(html.len() + links * origin.len());
    absolutize_into(&mut out, html, origin);
    out
}

/// What starts a root-relative attribute value.
const ROOT_RELATIVE: &str = "=\"/";

/// [`absolutize`], appending to `out`. Attribute values in single quotes
/// count too: raw HTML (`[markdown] unsafe_html`) may use them.
fn absolutize_into(out: &mut String, html: &str, origin: &str) {
    // Every email and feed body passes through here: `=` is found with
    // memchr's search, and only `="/` or `='/` looked at further.
    let bytes = html.as_bytes();
    let mut in_tag = false;
    let mut copied = 0;
    for eq in memchr::memchr_iter(b'=', bytes) {
        if !matches!(bytes.get(eq + 1), Some(b'"' | b'\'')) || bytes.get(eq + 2) != Some(&b'/') {
            continue;
        }
        let head = &html[copied..eq + 2];
        out.push_str(head);
        in_tag = match (head.rfind('<'), head.rfind('>')) {
            (Some(open), Some(close)) => open > close,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => in_tag,
        };
        let name = &head[..head.len() - 1];
        let attr_ok = name.ends_with(" href=") || name.ends_with(" src=");
        if in_tag && attr_ok {
            out.push_str(absolute_prefix(&html[eq + 2..], origin));
        }
        copied = eq + 2;
    }
    out.push_str(&html[copied..]);
}

/// What makes `url` absolute when written before it: `origin` before a
/// root-relative URL (`/d/x/`), its scheme with the colon (`https:`) before a
/// protocol-relative one (`//cdn/x`), nothing before any other.
pub(crate) fn absolute_prefix<'o>(url: &str, origin: &'o str) -> &'o str {
    if url.starts_with("//") {
        origin.find(':').map_or("https:", |colon| &origin[..=colon])
    } else if url.starts_with('/') {
        origin
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolutizes_root_and_protocol_relative_attributes() {
        let html = r#"<a href="/d/x/">x</a> <img src="/d/i.png"> <a href="//cdn/x">c</a> <a href="https://e/">e</a>"#;
        let out = absolutize(html, "https://ex.org");
        assert!(out.contains(r#"href="https://ex.org/d/x/""#));
        assert!(out.contains(r#"src="https://ex.org/d/i.png""#));
        assert!(out.contains(r#"href="https://cdn/x""#), "{out}");
        assert!(out.contains(r#"href="https://e/""#));
        let plain = absolutize(r#"<img src="//cdn/i.png">"#, "http://localhost:1111");
        assert_eq!(plain, r#"<img src="http://cdn/i.png">"#);
        // Raw HTML may quote its attributes singly.
        let single = absolutize(
            "<a href='/d/x/'>x</a> <a href='//cdn/q'>q</a> a='/b'",
            "https://ex.org",
        );
        assert_eq!(
            single,
            "<a href='https://ex.org/d/x/'>x</a> <a href='https://cdn/q'>q</a> a='/b'"
        );
    }

    #[test]
    fn leaves_attribute_lookalikes_in_text_alone() {
        let html = r#"<p>write href="/x" like <a class="c" href="/y">this</a></p>"#;
        let out = absolutize(html, "https://ex.org");
        assert!(out.contains(r#"write href="/x" like"#), "{out}");
        assert!(out.contains(r#"href="https://ex.org/y""#), "{out}");
    }

    /// The first alias naming an insight's page by a slug, written any of the
    /// ways it may be, is where the insight was first published.
    #[test]
    fn an_insight_was_first_published_at_its_first_old_page() {
        let aliases_of =
            |aliases: &[&str]| -> Vec<String> { aliases.iter().map(|a| a.to_string()).collect() };
        for (aliases, first) in [
            (&[][..], "/insights/now/"),
            (
                &["/old-blog/x/", "/insights/first/", "/insights/second/"][..],
                "/insights/first/",
            ),
            (&["/insights/first"][..], "/insights/first/"),
            (&["/insights/first/index.html"][..], "/insights/first/"),
            (
                &["/insights/Not-A-Slug/", "/insights/a/b/"][..],
                "/insights/now/",
            ),
        ] {
            assert_eq!(
                first_published_path("now", &aliases_of(aliases)),
                first,
                "{aliases:?}"
            );
        }
    }

    #[test]
    fn documents_are_named_by_folder_and_format() {
        assert_eq!(document_path("/", Format::Rss), "rss.xml");
        assert_eq!(
            document_path("/feeds/archive/2026-11/", Format::Atom),
            "feeds/archive/2026-11/atom.xml"
        );
        assert_eq!(
            document_path("/topics/chips/", Format::Json),
            "topics/chips/feed.json"
        );
    }
}
