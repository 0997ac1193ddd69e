//! A [`Feed`] as a JSON Feed 1.1 document. JSON Feed has no archive links:
//! the next older document is its `next_url`, and the documents of one feed
//! are disjoint pages (see `archive`). Written from structs that borrow the
//! feed, so that no entry's HTML is copied on the way; fields are in
//! alphabetical order, as readers of earlier builds saw them.

use serde::Serialize;

use super::xml::rfc3339;
use super::{document_path, Feed, Format, Item};
use crate::config::Config;

#[derive(Serialize)]
struct Document<'a> {
    authors: [Author<'a>; 1],
    /// Optional in JSON Feed: left out when the site (or topic) has none,
    /// rather than written empty.
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    feed_url: String,
    home_page_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hubs: Option<[Hub<'a>; 1]>,
    items: Vec<Entry<'a>>,
    language: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_url: Option<String>,
    title: &'a str,
    version: &'static str,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Hub<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct Entry<'a> {
    content_html: &'a str,
    date_published: String,
    id: &'a str,
    tags: Vec<&'a str>,
    title: &'a str,
    url: &'a str,
}

impl<'a> Entry<'a> {
    fn new(item: &'a Item) -> Entry<'a> {
        Entry {
            content_html: &item.content.html,
            date_published: rfc3339(&item.date),
            id: &item.id,
            tags: item.categories.iter().map(|t| t.name.as_str()).collect(),
            title: &item.title,
            url: &item.url,
        }
    }
}

pub(super) fn document(config: &Config, feed: &Feed) -> Vec<u8> {
    let document = Document {
        authors: [Author {
            name: &config.title,
            url: config.permalink("/"),
        }],
        description: feed.description,
        feed_url: config.permalink(&feed.path(Format::Json)),
        home_page_url: config.permalink(&feed.page),
        hubs: config.feeds.websub_hub.as_deref().map(|url| {
            [Hub {
                kind: "WebSub",
                url,
            }]
        }),
        items: feed.items.iter().map(Entry::new).collect(),
        language: &config.language,
        next_url: feed
            .history
            .older
            .as_deref()
            .map(|dir| config.permalink(&document_path(dir, Format::Json))),
        title: &feed.title,
        version: "https://jsonfeed.org/version/1.1",
    };
    let mut bytes = Vec::with_capacity(feed.size_hint(Format::Json));
    serde_json::to_writer_pretty(&mut bytes, &document).expect("JSON values serialize");
    bytes.push(b'\n');
    bytes
}
