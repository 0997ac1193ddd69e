//! A [`Feed`] as a JSON Feed 1.1 document. JSON Feed has no archive links:
//! the next older document is its `next_url`, and the documents of one feed
//! are disjoint pages (see `archive`).

use serde_json::json;

use super::xml::rfc3339;
use super::{document_path, Feed, Format};
use crate::config::Config;

pub(super) fn document(config: &Config, feed: &Feed) -> Vec<u8> {
    let items: Vec<_> = feed
        .items
        .iter()
        .map(|item| {
            let tags: Vec<&str> = item.categories.iter().map(|t| t.name.as_str()).collect();
            json!({
                "id": item.url,
                "url": item.url,
                "title": item.title,
                "content_html": item.content.html,
                "date_published": rfc3339(&item.date),
                "tags": tags,
            })
        })
        .collect();
    let home = config.permalink("/");
    let mut document = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": config.permalink(&feed.page),
        "feed_url": config.permalink(&feed.path(Format::Json)),
        "description": feed.description,
        "language": config.language,
        "authors": [{ "name": config.title, "url": home }],
        "items": items,
    });
    if let Some(dir) = &feed.history.older {
        document["next_url"] = json!(config.permalink(&document_path(dir, Format::Json)));
    }
    if let Some(hub) = &config.feeds.websub_hub {
        document["hubs"] = json!([{ "type": "WebSub", "url": hub }]);
    }
    let mut bytes = serde_json::to_vec_pretty(&document).expect("JSON values serialize");
    bytes.push(b'\n');
    bytes
}
