//! A [`Feed`] as an Atom (RFC 4287) document. Every document of a feed shares
//! its id (the page it follows), so the archives of the site feed are one
//! logical feed with it, as RFC 5005 intends.

use quick_xml::events::BytesStart;

use super::xml::{
    close, element, element_with, empty, escaped_element, open, rfc3339, text_element, xml_writer,
};
use super::{head_links, Feed, Format, FEED_HISTORY_NS};
use crate::config::Config;

pub(super) fn document(config: &Config, feed: &Feed) -> Vec<u8> {
    let mut w = xml_writer(feed.size_hint(Format::Atom));
    let mut attributes = vec![("xmlns", "http://www.w3.org/2005/Atom")];
    if feed.history.archive {
        attributes.push(("xmlns:fh", FEED_HISTORY_NS));
    }
    attributes.push(("xml:lang", config.language.as_str()));
    open(&mut w, element("feed", &attributes));
    text_element(&mut w, "title", &feed.title);
    if !feed.description.is_empty() {
        text_element(&mut w, "subtitle", feed.description);
    }
    head_links(&mut w, config, feed, Format::Atom, "link");
    let page = config.permalink(&feed.page);
    let alternate = [
        ("rel", "alternate"),
        ("href", page.as_str()),
        ("type", "text/html"),
    ];
    empty(&mut w, element("link", &alternate));
    if feed.history.archive {
        empty(&mut w, BytesStart::new("fh:archive"));
    }
    text_element(&mut w, "id", &page);
    text_element(&mut w, "updated", &rfc3339(&feed.updated(config)));
    if !feed.history.archive {
        let generator = element("generator", &[("version", env!("CARGO_PKG_VERSION"))]);
        element_with(&mut w, generator, "brief");
    }
    open(&mut w, BytesStart::new("author"));
    text_element(&mut w, "name", &config.title);
    close(&mut w, "author");
    for item in &feed.items {
        let date = rfc3339(&item.date);
        open(&mut w, BytesStart::new("entry"));
        text_element(&mut w, "title", &item.title);
        let link = [
            ("rel", "alternate"),
            ("href", item.url.as_str()),
            ("type", "text/html"),
        ];
        empty(&mut w, element("link", &link));
        text_element(&mut w, "id", &item.id);
        text_element(&mut w, "published", &date);
        text_element(&mut w, "updated", &date);
        for topic in &item.categories {
            let category = [
                ("term", topic.slug.as_str()),
                ("label", topic.name.as_str()),
            ];
            empty(&mut w, element("category", &category));
        }
        if !item.content.is_empty() {
            escaped_element(
                &mut w,
                element("content", &[("type", "html")]),
                item.content.xml(),
            );
        }
        close(&mut w, "entry");
    }
    close(&mut w, "feed");
    w.into_inner()
}
