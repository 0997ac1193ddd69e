//! RSS 2.0, Atom and JSON Feed 1.1 for the site (one item per daily issue, full
//! HTML) and RSS per topic (one item per insight), plus the sitemap. XML is
//! written with quick-xml, which escapes; characters XML 1.0 forbids are dropped
//! first. Links in bodies become absolute URLs, as feed readers require. With
//! `[feeds] websub_hub`, every feed names its WebSub hub.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde_json::json;

use super::wording::issue_title;
use crate::config::Config;
use crate::escape::escape_html as escape;
use crate::markdown::Rendered;
use crate::printable::printable;
use crate::site::{insight_path, topic_path, Issue, Site};

type Xml = Writer<Vec<u8>>;

/// Every insight's rendered body, in `site.insights` order.
type Bodies = [Arc<Rendered>];

pub(crate) fn site_rss(site: &Site, bodies: &Bodies) -> Vec<u8> {
    let config = site.config;
    let items = newest_issues(site).map(|n| {
        let issue = &site.issues[n];
        RssItem {
            title: issue_title(site, n),
            link: config.permalink(&issue.path()),
            date: config.timezone.midnight(issue.date),
            categories: issue_topic_names(site, issue),
            html: issue_html(site, bodies, n),
        }
    });
    rss_document(
        config,
        &config.title,
        &config.permalink("/"),
        &config.permalink("rss.xml"),
        items,
    )
}

pub(crate) fn topic_rss(site: &Site, bodies: &Bodies, t: usize) -> Vec<u8> {
    let config = site.config;
    let topic = &config.topics[t];
    let path = topic_path(&topic.slug);
    let items = topic_feed_insights(site, t).iter().map(|&i| {
        let insight = &site.insights[i];
        RssItem {
            title: insight.title.clone(),
            link: config.permalink(&insight_path(&insight.slug)),
            date: insight.date,
            categories: site.topics_of[i]
                .iter()
                .map(|&t| config.topics[t].name.as_str())
                .collect(),
            html: absolutize(bodies[i].html(), &config.origin),
        }
    });
    rss_document(
        config,
        &format!("{} — {}", config.title, topic.name),
        &config.permalink(&path),
        &config.permalink(&format!("{path}rss.xml")),
        items,
    )
}

/// One RSS item, as site and topic feeds both write it.
struct RssItem<'s> {
    title: String,
    link: String,
    date: DateTime<FixedOffset>,
    categories: Vec<&'s str>,
    html: String,
}

/// An RSS 2.0 document; items come newest first, so the first dates the channel.
fn rss_document<'s>(
    config: &Config,
    title: &str,
    link_url: &str,
    self_url: &str,
    items: impl Iterator<Item = RssItem<'s>>,
) -> Vec<u8> {
    let mut w = xml_writer();
    let mut rss = BytesStart::new("rss");
    rss.push_attribute(("version", "2.0"));
    rss.push_attribute(("xmlns:atom", "http://www.w3.org/2005/Atom"));
    open(&mut w, rss);
    open(&mut w, BytesStart::new("channel"));
    rss_channel_head(&mut w, config, title, link_url, self_url);
    for (n, item) in items.enumerate() {
        if n == 0 {
            text_element(&mut w, "lastBuildDate", &rfc822(&item.date));
        }
        open(&mut w, BytesStart::new("item"));
        text_element(&mut w, "title", &item.title);
        text_element(&mut w, "link", &item.link);
        let mut guid = BytesStart::new("guid");
        guid.push_attribute(("isPermaLink", "true"));
        element_with(&mut w, guid, &item.link);
        text_element(&mut w, "pubDate", &rfc822(&item.date));
        for name in item.categories {
            text_element(&mut w, "category", name);
        }
        text_element(&mut w, "description", &item.html);
        close(&mut w, "item");
    }
    close(&mut w, "channel");
    close(&mut w, "rss");
    w.into_inner()
}

pub(crate) fn site_atom(site: &Site, bodies: &Bodies) -> Vec<u8> {
    let config = site.config;
    let mut w = xml_writer();
    let mut feed = BytesStart::new("feed");
    feed.push_attribute(("xmlns", "http://www.w3.org/2005/Atom"));
    feed.push_attribute(("xml:lang", config.language.as_str()));
    open(&mut w, feed);
    text_element(&mut w, "title", &config.title);
    if !config.description.is_empty() {
        text_element(&mut w, "subtitle", &config.description);
    }
    link(
        &mut w,
        "self",
        &config.permalink("atom.xml"),
        Some("application/atom+xml"),
    );
    hub_link(&mut w, config, "link");
    link(
        &mut w,
        "alternate",
        &config.permalink("/"),
        Some("text/html"),
    );
    text_element(&mut w, "id", &config.permalink("/"));
    let updated = site.latest_issue().map_or_else(
        || config.timezone.midnight(NaiveDate::default()),
        |i| config.timezone.midnight(i.date),
    );
    text_element(&mut w, "updated", &rfc3339(&updated));
    let mut generator = BytesStart::new("generator");
    generator.push_attribute(("version", env!("CARGO_PKG_VERSION")));
    element_with(&mut w, generator, "brief");
    open(&mut w, BytesStart::new("author"));
    text_element(&mut w, "name", &config.title);
    close(&mut w, "author");
    for n in newest_issues(site) {
        let issue = &site.issues[n];
        let link_url = config.permalink(&issue.path());
        let date = rfc3339(&config.timezone.midnight(issue.date));
        open(&mut w, BytesStart::new("entry"));
        text_element(&mut w, "title", &issue_title(site, n));
        link(&mut w, "alternate", &link_url, Some("text/html"));
        text_element(&mut w, "id", &link_url);
        text_element(&mut w, "published", &date);
        text_element(&mut w, "updated", &date);
        for (slug, name) in issue_topics(site, issue) {
            let mut category = BytesStart::new("category");
            category.push_attribute(("term", slug));
            category.push_attribute(("label", name));
            empty(&mut w, category);
        }
        let mut content = BytesStart::new("content");
        content.push_attribute(("type", "html"));
        element_with(&mut w, content, &issue_html(site, bodies, n));
        close(&mut w, "entry");
    }
    close(&mut w, "feed");
    w.into_inner()
}

pub(crate) fn site_json(site: &Site, bodies: &Bodies) -> Vec<u8> {
    let config = site.config;
    let items: Vec<_> = newest_issues(site)
        .map(|n| {
            let issue = &site.issues[n];
            let url = config.permalink(&issue.path());
            json!({
                "id": url,
                "url": url,
                "title": issue_title(site, n),
                "content_html": issue_html(site, bodies, n),
                "date_published": rfc3339(&config.timezone.midnight(issue.date)),
                "tags": issue_topic_names(site, issue),
            })
        })
        .collect();
    let mut feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": config.title,
        "home_page_url": config.permalink("/"),
        "feed_url": config.permalink("feed.json"),
        "description": config.description,
        "language": config.language,
        "authors": [{ "name": config.title, "url": config.permalink("/") }],
        "items": items,
    });
    if let Some(hub) = &config.feeds.websub_hub {
        feed["hubs"] = json!([{ "type": "WebSub", "url": hub }]);
    }
    let mut bytes = serde_json::to_vec_pretty(&feed).expect("JSON values serialize");
    bytes.push(b'\n');
    bytes
}

pub(crate) fn sitemap(config: &Config, pages: &[(String, Option<NaiveDate>)]) -> Vec<u8> {
    let mut w = xml_writer();
    let mut urlset = BytesStart::new("urlset");
    urlset.push_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"));
    open(&mut w, urlset);
    for (path, lastmod) in pages {
        open(&mut w, BytesStart::new("url"));
        text_element(&mut w, "loc", &config.permalink(path));
        if let Some(day) = lastmod {
            text_element(&mut w, "lastmod", &day.to_string());
        }
        close(&mut w, "url");
    }
    close(&mut w, "urlset");
    w.into_inner()
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
            let url = config.permalink(&insight_path(&insight.slug));
            html.push_str(&format!(
                "<h2><a href=\"{}\">{}</a></h2>\n",
                escape(&url),
                escape(&insight.title)
            ));
            html.push_str(&absolutize(bodies[i].html(), &config.origin));
        }
    };
    section(&mut html, issue.headline());
    if !issue.rest().is_empty() {
        html.push_str("<hr>\n<p><strong>More from this day</strong></p>\n");
        section(&mut html, issue.rest());
    }
    html
}

/// Indices of the issues the site feeds carry, newest first.
pub(crate) fn newest_issues<'s>(site: &'s Site) -> impl Iterator<Item = usize> + 's {
    (0..site.issues.len()).rev().take(site.config.feeds.limit)
}

/// The insights the feed of topic `t` carries, newest first.
pub(crate) fn topic_feed_insights<'s>(site: &'s Site, t: usize) -> &'s [usize] {
    let insights = &site.topics[t].insights;
    &insights[..insights.len().min(site.config.feeds.limit)]
}

/// The topics of an issue's insights, once each, in config order.
fn issue_topics<'s>(site: &'s Site, issue: &Issue) -> Vec<(&'s str, &'s str)> {
    let set: BTreeSet<usize> = issue
        .insights
        .iter()
        .flat_map(|&i| site.topics_of[i].iter().copied())
        .collect();
    set.into_iter()
        .map(|t| {
            (
                site.config.topics[t].slug.as_str(),
                site.config.topics[t].name.as_str(),
            )
        })
        .collect()
}

fn issue_topic_names<'s>(site: &'s Site, issue: &Issue) -> Vec<&'s str> {
    issue_topics(site, issue)
        .into_iter()
        .map(|(_, name)| name)
        .collect()
}

/// Rewrites root-relative `href`/`src` values (which already carry the base path)
/// to absolute URLs. Text may contain `href="/…"` too (the Markdown renderer does
/// not escape quotes in text), so only attributes inside a tag are touched.
pub(crate) fn absolutize(html: &str, origin: &str) -> String {
    // Every email and feed body passes through here; memchr's search is several
    // times faster than `str::find` for a three-byte needle.
    let attribute = memchr::memmem::Finder::new("=\"/");
    let mut out = String::with_capacity(html.len() + 64);
    let mut in_tag = false;
    let mut rest = html;
    while let Some(pos) = attribute.find(rest.as_bytes()) {
        let (head, tail) = rest.split_at(pos + 2);
        out.push_str(head);
        in_tag = match (head.rfind('<'), head.rfind('>')) {
            (Some(open), Some(close)) => open > close,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => in_tag,
        };
        let attr_ok = head.ends_with(" href=\"") || head.ends_with(" src=\"");
        if in_tag && attr_ok && !tail.starts_with("//") {
            out.push_str(origin);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn rss_channel_head(w: &mut Xml, config: &Config, title: &str, link_url: &str, self_url: &str) {
    text_element(w, "title", title);
    text_element(w, "link", link_url);
    let description = if config.description.is_empty() {
        &config.title
    } else {
        &config.description
    };
    text_element(w, "description", description);
    text_element(w, "language", &config.language);
    text_element(w, "generator", concat!("brief ", env!("CARGO_PKG_VERSION")));
    let mut atom_link = BytesStart::new("atom:link");
    atom_link.push_attribute(("href", self_url));
    atom_link.push_attribute(("rel", "self"));
    atom_link.push_attribute(("type", "application/rss+xml"));
    empty(w, atom_link);
    hub_link(w, config, "atom:link");
}

/// The WebSub hub's link (`rel="hub"`) in a feed's head, as `element` (`link`
/// in Atom, `atom:link` in RSS); nothing without `[feeds] websub_hub`. The
/// feed's `self` link, which WebSub also asks for, is always there.
fn hub_link(w: &mut Xml, config: &Config, element: &str) {
    if let Some(hub) = &config.feeds.websub_hub {
        let mut link = BytesStart::new(element);
        link.push_attribute(("href", hub.as_str()));
        link.push_attribute(("rel", "hub"));
        empty(w, link);
    }
}

/// RFC 822 with a numeric zone, as RSS validators insist (`+0000`, never `UTC`).
fn rfc822(date: &DateTime<FixedOffset>) -> String {
    date.format("%a, %d %b %Y %H:%M:%S %z").to_string()
}

fn rfc3339(date: &DateTime<FixedOffset>) -> String {
    date.to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn xml_writer() -> Xml {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    write(
        &mut w,
        Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)),
    );
    w
}

fn write(w: &mut Xml, event: Event) {
    w.write_event(event)
        .expect("writing XML to memory cannot fail");
}

fn open(w: &mut Xml, start: BytesStart) {
    write(w, Event::Start(start));
}

fn close(w: &mut Xml, name: &str) {
    write(w, Event::End(BytesEnd::new(name)));
}

fn empty(w: &mut Xml, start: BytesStart) {
    write(w, Event::Empty(start));
}

fn text_element(w: &mut Xml, name: &str, text: &str) {
    element_with(w, BytesStart::new(name), text);
}

fn element_with(w: &mut Xml, start: BytesStart, text: &str) {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    open(w, start);
    // XML 1.0 forbids most control characters; templates may add text too.
    let clean = printable(text);
    write(w, Event::Text(BytesText::new(&clean)));
    close(w, &name);
}

fn link(w: &mut Xml, rel: &str, href: &str, kind: Option<&str>) {
    let mut link = BytesStart::new("link");
    link.push_attribute(("rel", rel));
    link.push_attribute(("href", href));
    if let Some(kind) = kind {
        link.push_attribute(("type", kind));
    }
    empty(w, link);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolutizes_only_root_relative_attributes() {
        let html = r#"<a href="/d/x/">x</a> <img src="/d/i.png"> <a href="//cdn/x">c</a> <a href="https://e/">e</a>"#;
        let out = absolutize(html, "https://ex.org");
        assert!(out.contains(r#"href="https://ex.org/d/x/""#));
        assert!(out.contains(r#"src="https://ex.org/d/i.png""#));
        assert!(out.contains(r#"href="//cdn/x""#));
        assert!(out.contains(r#"href="https://e/""#));
    }

    #[test]
    fn leaves_attribute_lookalikes_in_text_alone() {
        let html = r#"<p>write href="/x" like <a class="c" href="/y">this</a></p>"#;
        let out = absolutize(html, "https://ex.org");
        assert!(out.contains(r#"write href="/x" like"#), "{out}");
        assert!(out.contains(r#"href="https://ex.org/y""#), "{out}");
    }

    #[test]
    fn rfc822_uses_a_numeric_zone() {
        let d = DateTime::parse_from_rfc3339("2026-11-18T00:00:00Z").unwrap();
        assert_eq!(rfc822(&d), "Wed, 18 Nov 2026 00:00:00 +0000");
    }
}
