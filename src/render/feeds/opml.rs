//! `/opml.xml`: the site feed and every topic feed as an OPML 2.0 subscription
//! list, so that a feed reader subscribes to all of them in one import. Each
//! feed appears once, in the first format `[feeds]` switches on (RSS, then
//! Atom, then JSON Feed), with absolute URLs; all sit in one outline named
//! after the site, which readers import as a folder.

use quick_xml::events::BytesStart;

use super::xml::{close, element, empty, open, text_element, xml_writer, Xml};
use super::{document_path, topic_feed_paths, topic_feed_title, Format};
use crate::config::Config;
use crate::site::{topic_path, Site};

/// The OPML file, or `None` when the site writes no feed at all.
pub(crate) fn opml(site: &Site) -> Option<Vec<u8>> {
    let config = site.config;
    let format = Format::enabled(&config.feeds).next()?;
    let mut w = xml_writer(0);
    open(&mut w, element("opml", &[("version", "2.0")]));
    open(&mut w, BytesStart::new("head"));
    text_element(&mut w, "title", &config.title);
    text_element(&mut w, "docs", "http://opml.org/spec2.opml");
    close(&mut w, "head");
    open(&mut w, BytesStart::new("body"));
    let folder = [("text", config.title.as_str()), ("title", &config.title)];
    open(&mut w, element("outline", &folder));
    Subscription {
        title: &config.title,
        description: &config.description,
        feed: &config.permalink(&document_path("/", format)),
        page: &config.permalink("/"),
    }
    .write(&mut w, config);
    for group in site.used_topics() {
        let Some((_, path)) = topic_feed_paths(site, group.topic).into_iter().next() else {
            continue;
        };
        let topic = &config.topics[group.topic];
        Subscription {
            title: &topic_feed_title(config, topic),
            description: &topic.description,
            feed: &config.permalink(&path),
            page: &config.permalink(&topic_path(&topic.slug)),
        }
        .write(&mut w, config);
    }
    close(&mut w, "outline");
    close(&mut w, "body");
    close(&mut w, "opml");
    Some(w.into_inner())
}

/// One feed's `<outline type="rss">` (OPML calls every feed type `rss`).
struct Subscription<'a> {
    title: &'a str,
    description: &'a str,
    /// Absolute URLs of the feed and of the page it follows.
    feed: &'a str,
    page: &'a str,
}

impl Subscription<'_> {
    fn write(&self, w: &mut Xml, config: &Config) {
        let mut attributes = vec![
            ("type", "rss"),
            ("text", self.title),
            ("title", self.title),
            ("xmlUrl", self.feed),
            ("htmlUrl", self.page),
            ("language", config.language.as_str()),
        ];
        if !self.description.is_empty() {
            attributes.push(("description", self.description));
        }
        empty(w, element("outline", &attributes));
    }
}
