//! A [`Feed`] as an RSS 2.0 document. Links RSS lacks (self, hub, the RFC 5005
//! history) are Atom links inside the channel, as RFC 5005's appendix and
//! WebSub do it.

use quick_xml::events::BytesStart;

use super::xml::{
    close, element, element_with, empty, escaped_element, open, rfc822, text_element, xml_writer,
};
use super::{head_links, Feed, Format, FEED_HISTORY_NS};
use crate::config::Config;

pub(super) fn document(config: &Config, feed: &Feed) -> Vec<u8> {
    let mut w = xml_writer(feed.size_hint(Format::Rss));
    let mut attributes = vec![
        ("version", "2.0"),
        ("xmlns:atom", "http://www.w3.org/2005/Atom"),
    ];
    if feed.history.archive {
        attributes.push(("xmlns:fh", FEED_HISTORY_NS));
    }
    open(&mut w, element("rss", &attributes));
    open(&mut w, BytesStart::new("channel"));
    text_element(&mut w, "title", &feed.title);
    text_element(&mut w, "link", &config.permalink(&feed.page));
    let description = if feed.description.is_empty() {
        &feed.title
    } else {
        feed.description
    };
    text_element(&mut w, "description", description);
    text_element(&mut w, "language", &config.language);
    if !feed.history.archive {
        text_element(
            &mut w,
            "generator",
            concat!("brief ", env!("CARGO_PKG_VERSION")),
        );
    }
    head_links(&mut w, config, feed, Format::Rss, "atom:link");
    if feed.history.archive {
        empty(&mut w, BytesStart::new("fh:archive"));
    }
    // Items come newest first: the first dates the channel.
    if let Some(item) = feed.items.first() {
        text_element(&mut w, "lastBuildDate", &rfc822(&item.date));
    }
    for item in &feed.items {
        open(&mut w, BytesStart::new("item"));
        text_element(&mut w, "title", &item.title);
        text_element(&mut w, "link", &item.url);
        element_with(
            &mut w,
            element("guid", &[("isPermaLink", "true")]),
            &item.id,
        );
        text_element(&mut w, "pubDate", &rfc822(&item.date));
        for topic in &item.categories {
            text_element(&mut w, "category", &topic.name);
        }
        if !item.content.is_empty() {
            escaped_element(&mut w, BytesStart::new("description"), item.content.xml());
        }
        close(&mut w, "item");
    }
    close(&mut w, "channel");
    close(&mut w, "rss");
    w.into_inner()
}
