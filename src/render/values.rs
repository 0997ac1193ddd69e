//! The template values pages share: the `site` object, each insight's
//! `insight` object, issues, topics and links, built once per build and shared
//! (Tera values are reference-counted) by every page that shows them, so no page
//! copies or formats them again.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde_json::json;
use serde_json::value::RawValue;
use tera::Value;

use super::email_text;
use super::feeds::{self, Format};
use super::pagination::{page_count, pager_links};
use super::wording::summarize;
use super::Renderer;
use crate::content::Insight;
use crate::markdown::{LinkBase, Rendered};
use crate::site::{insight_path, topic_path, Issue, Site};

/// Strings and small values that many pages repeat. An insight shows on its own
/// page, its issue, every topic page and the home page; building its URLs, dates
/// (chrono formatting) and summary again for each was a fifth of a build's CPU.
/// Kept here for the whole build: what lists of other pages show. What only an
/// insight's own object shows is made once with the object (see
/// [`Renderer::insight_value`]). Values are shared, not copied, by each page
/// that shows them.
pub(super) struct Shared {
    /// Per insight: the strings of it that lists show (see [`InsightStrings`]).
    pub(super) insights: Vec<InsightStrings>,
    /// Per issue: its `date`, `date_display` and `url` (an insight's `day` and
    /// `date_display` are its issue's: formatting a date per insight was half of
    /// this struct's cost).
    pub(super) issues: Vec<IssueStrings>,
    /// Per insight: the short `{slug, title, url, day}` reference lists show.
    pub(super) insight_links: Vec<Value>,
    /// Per issue: the short `issue` object of insights and `prev` / `next`.
    pub(super) issue_links: Vec<Value>,
    /// Per configured topic: the `{slug, name, url}` reference insights carry.
    pub(super) topic_refs: Vec<Value>,
    /// JSON-LD parts: the site as publisher, and each issue as `isPartOf`,
    /// as the JSON every insight page prints (serialized once, not per page).
    pub(super) publisher: Box<RawValue>,
    pub(super) issue_json_ld: Vec<Box<RawValue>>,
    /// The `pages` list of the archive's paginator, and of each topic's.
    pub(super) archive_pages: Vec<Value>,
    pub(super) topic_pages: Vec<Vec<Value>>,
}

/// Tera strings, so that each page's `insight` object and the lists that
/// name the insight share them: a `&str` would be copied into every value made
/// from it. Strings only its own object shows (`permalink`, `date`,
/// `summary`) are made with the object, not kept for the whole build.
pub(super) struct InsightStrings {
    pub(super) url: Value,
    pub(super) day: Value,
    pub(super) date_display: Value,
    pub(super) slug: Value,
    pub(super) title: Value,
}

pub(super) struct IssueStrings {
    pub(super) date: Value,
    pub(super) date_display: Value,
    pub(super) url: Value,
}

/// The text of a string value (all of [`InsightStrings`] are strings).
pub(super) fn str_of(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// The text of string field `key` of `object` (empty if there is none).
pub(super) fn field<'v>(object: &'v Value, key: &'v str) -> &'v str {
    object.get_from_path(key).map_or("", str_of)
}

/// The `insight` object of the templates. Tera turns a struct into a map with
/// one insert per field and takes the shared values it holds as they are (no
/// copy); the fields are in alphabetical order, as in every other object.
#[derive(serde::Serialize)]
struct InsightObject<'a> {
    content: &'a Value,
    date: Value,
    date_display: &'a Value,
    day: &'a Value,
    draft: bool,
    id: &'a str,
    issue: &'a Value,
    lead_is_title: bool,
    permalink: Value,
    related: Vec<&'a Value>,
    slug: &'a Value,
    source_count: usize,
    sources: &'a [String],
    summary: Value,
    text: String,
    title: &'a Value,
    topics: Vec<&'a Value>,
    url: &'a Value,
    weight: i64,
}

/// A template string, marked safe when HTML escaping would leave it as it is
/// (no `&`, `<`, `>`, `"` or `'`), so that printing it skips the escape pass:
/// most strings a page prints are URLs, dates, names and plain titles, and
/// escaping them, each time a page printed them, was a thirteenth of a build.
/// The output is the same; Tera's filters keep safe strings sound (a safe
/// string meets unsafe text only through escaping it).
pub(super) fn plain(text: &str) -> Value {
    if crate::escape::needs_escaping(text) {
        Value::from(text)
    } else {
        Value::safe_string(text)
    }
}

/// `value` with every string in it marked as [`plain`] marks it. For values
/// built once per build through `serde`.
fn plain_strings(value: Value) -> Value {
    if let Some(text) = value.as_str() {
        return plain(text);
    }
    if let Some(items) = value.as_array() {
        return items
            .iter()
            .cloned()
            .map(plain_strings)
            .collect::<Vec<_>>()
            .into();
    }
    if !value.is_map() {
        return value;
    }
    let map: tera::Map = value
        .into_map()
        .unwrap_or_default()
        .into_iter()
        .map(|(key, v)| (key, plain_strings(v)))
        .collect();
    Value::from(map)
}

/// The fields of a template object under construction (see [`object`]).
type Fieldset = BTreeMap<&'static str, Value>;

/// A template object from its fields. Tera copies a map into its own when it
/// becomes a value, hashing every key again; a small sorted map is the cheapest
/// to build first (and keys in order are the order `serde_json` always had).
pub(super) fn object<const N: usize>(fields: [(&'static str, Value); N]) -> Value {
    Value::from(Fieldset::from(fields))
}

impl Renderer<'_> {
    pub(super) fn site_value(&self) -> Value {
        let config = self.site.config;
        let feed = |on: bool, file: &str| on.then(|| config.url(file));
        let topics: Vec<Value> = (0..config.topics.len())
            .map(|t| self.topic_value(t))
            .collect();
        let mut site = json!({
            "title": config.title,
            "description": config.description,
            "base_url": config.base_url,
            "base_path": config.base_path,
            "language": config.language,
            "insight_count": self.site.insights.len(),
            "issue_count": self.site.issues.len(),
            "feeds": {
                "rss": feed(config.feeds.rss, "rss.xml"),
                "atom": feed(config.feeds.atom, "atom.xml"),
                "json": feed(config.feeds.json, "feed.json"),
                "opml": feed(Format::enabled(&config.feeds).next().is_some(), "opml.xml"),
            },
            "urls": {
                "home": config.url("/"),
                "issues": config.url("/issues/"),
                "topics": config.url("/topics/"),
                "search": config.url("/search/"),
                "search_index": config.url(super::SEARCH_MANIFEST),
                "subscribe": config.url("/subscribe/"),
                "stylesheet": config.url("style.css"),
                "highlight_css": config.url("highlight.css"),
                "favicon": config.url("favicon.svg"),
            },
            "extra": plain_toml(&toml::Value::Table(config.extra.clone())),
            "generator": concat!("brief ", env!("CARGO_PKG_VERSION")),
        });
        // `topics` holds template values, which `json!` cannot: a placeholder keeps
        // its place among the keys (in order, as in every object), then they go in.
        site["topics"] = serde_json::Value::Null;
        let mut value = plain_strings(Value::from_serializable(&site))
            .into_map()
            .unwrap_or_default();
        value.insert("topics".into(), topics.into());
        Value::from(value)
    }

    pub(super) fn topic_value(&self, t: usize) -> Value {
        let config = self.site.config;
        let topic = &config.topics[t];
        let count = self.site.topics[t].insights.len();
        let path = topic_path(&topic.slug);
        let feeds = feeds::topic_feed_paths(self.site, t);
        let url = |path: &String| plain(&config.url(path));
        let url_of = |format: Format| -> Value {
            feeds
                .iter()
                .find(|(f, _)| *f == format)
                .map(|(_, path)| url(path))
                .into()
        };
        object([
            ("count", count.into()),
            ("description", plain(&topic.description)),
            ("feed_url", feeds.first().map(|(_, path)| url(path)).into()),
            (
                "feeds",
                Value::from(Fieldset::from(Format::ALL.map(|f| (f.key(), url_of(f))))),
            ),
            ("name", plain(&topic.name)),
            ("permalink", plain(&config.permalink(&path))),
            ("slug", plain(&topic.slug)),
            ("url", plain(&config.url(&path))),
        ])
    }

    /// An insight with its rendered body, and with `text`, its body as plain
    /// text for email editions (made with the body, or, for a body from the
    /// body cache, by a parse of its own): the `insight` object of every template.
    /// Made by the first page that shows the insight, shared by the others
    /// and dropped after the last (see [`Pool`](super::pool::Pool)).
    pub(super) fn insight_value(&self, i: usize) -> Value {
        self.insights.take(i, || {
            let body = self.body(i);
            let text = (body.email_text.clone()).unwrap_or_else(|| self.email_text(i));
            Value::from_serializable(&self.insight_object(i, &body, text))
        })
    }

    /// [`Self::insight_value`] of each of `insights`.
    pub(super) fn insight_values(&self, insights: &[usize]) -> Value {
        let values: Vec<Value> = insights.iter().map(|&i| self.insight_value(i)).collect();
        values.into()
    }

    fn insight_object<'b>(
        &'b self,
        i: usize,
        body: &'b Rendered,
        text: String,
    ) -> InsightObject<'b> {
        let site = self.site;
        let config = site.config;
        let insight = &site.insights[i];
        let strings = &self.shared.insights[i];
        let shared = &self.shared;
        InsightObject {
            content: body.html_value(),
            date: plain(&insight.date.to_rfc3339()),
            date_display: &strings.date_display,
            day: &strings.day,
            draft: insight.draft,
            id: &insight.id,
            issue: &shared.issue_links[site.issue_of[i]],
            lead_is_title: insight.rest_start.is_some(),
            permalink: plain(&config.permalink(&insight_path(&insight.slug))),
            related: site.related[i]
                .iter()
                .map(|&j| &shared.insight_links[j])
                .collect(),
            slug: &strings.slug,
            source_count: insight.sources.len(),
            sources: &insight.sources,
            summary: plain(&summary(insight, body)),
            text,
            title: &strings.title,
            topics: site.topics_of[i]
                .iter()
                .map(|&t| &shared.topic_refs[t])
                .collect(),
            url: &strings.url,
            weight: insight.weight,
        }
    }

    /// The body insight `i` shows under its title (see [`Renderer::body`]) as
    /// plain text with absolute links, for email.
    fn email_text(&self, i: usize) -> String {
        let config = self.site.config;
        let page_path = insight_path(&self.site.insights[i].slug);
        let base = LinkBase {
            base_path: &config.base_path,
            page_path: &page_path,
        };
        email_text::plain_text(
            self.site.insights[i].shown_body(),
            &base,
            &config.origin,
            &config.markdown,
        )
    }

    /// An issue for lists: number, date, links and the headline titles.
    pub(super) fn issue_ref(&self, n: usize) -> Value {
        Value::from(self.issue_ref_map(n))
    }

    fn issue_ref_map(&self, n: usize) -> Fieldset {
        let issue = &self.site.issues[n];
        let mut map = issue_link_fields(issue, &self.shared.issues[n]);
        let headline: Vec<Value> = issue
            .headline()
            .iter()
            .map(|&i| self.shared.insight_links[i].clone())
            .collect();
        map.insert("title", plain(&self.issue_title(n)));
        map.insert(
            "permalink",
            plain(&self.site.config.permalink(&issue.path())),
        );
        map.insert("count", issue.insights.len().into());
        map.insert("headline", headline.into());
        map
    }

    /// A full issue: its headline and the rest of the day as full insights.
    pub(super) fn issue_value(&self, n: usize) -> Value {
        let issue = &self.site.issues[n];
        let links = &self.shared.issue_links;
        let mut map = self.issue_ref_map(n);
        map.insert("headline", self.insight_values(issue.headline()));
        map.insert("rest", self.insight_values(issue.rest()));
        map.insert("prev", n.checked_sub(1).map(|p| links[p].clone()).into());
        map.insert("next", links.get(n + 1).cloned().into());
        Value::from(map)
    }
}

impl Shared {
    pub(super) fn new(site: &Site) -> Shared {
        let config = site.config;
        let issues: Vec<IssueStrings> = site
            .issues
            .par_iter()
            .map(|issue| IssueStrings {
                date: plain(&issue.date.to_string()),
                date_display: plain(&config.dates.day(issue.date)),
                url: plain(&config.url(&issue.path())),
            })
            .collect();
        let insights: Vec<InsightStrings> = site
            .insights
            .par_iter()
            .zip(&site.issue_of)
            .map(|(insight, &n)| InsightStrings {
                url: plain(&config.url(&insight_path(&insight.slug))),
                day: issues[n].date.clone(),
                date_display: issues[n].date_display.clone(),
                slug: plain(&insight.slug),
                title: plain(&insight.title),
            })
            .collect();
        let insight_links = insights
            .par_iter()
            .map(|strings| {
                object([
                    ("day", strings.day.clone()),
                    ("slug", strings.slug.clone()),
                    ("title", strings.title.clone()),
                    ("url", strings.url.clone()),
                ])
            })
            .collect();
        let issue_links = site
            .issues
            .par_iter()
            .zip(&issues)
            .map(|(issue, strings)| Value::from(issue_link_fields(issue, strings)))
            .collect();
        let topic_refs = config
            .topics
            .iter()
            .map(|topic| {
                object([
                    ("name", plain(&topic.name)),
                    ("slug", plain(&topic.slug)),
                    ("url", plain(&config.url(&topic_path(&topic.slug)))),
                ])
            })
            .collect();
        let issue_json_ld = site
            .issues
            .par_iter()
            .map(|issue| {
                json_ld_part(&json!({
                    "@type": "PublicationIssue",
                    "datePublished": issue.date.to_string(),
                    "issueNumber": issue.number,
                    "url": config.permalink(&issue.path()),
                }))
            })
            .collect();
        let publisher = json_ld_part(&json!({
            "@type": "Organization",
            "name": config.title,
            "url": config.permalink("/"),
        }));
        let pages_of = |base: &str, items: usize| {
            pager_links(config, base, page_count(items, config.paginate))
        };
        Shared {
            insights,
            issues,
            insight_links,
            issue_links,
            topic_refs,
            publisher,
            issue_json_ld,
            archive_pages: pages_of("/issues/", site.issues.len()),
            topic_pages: config
                .topics
                .iter()
                .zip(&site.topics)
                .map(|(topic, group)| pages_of(&topic_path(&topic.slug), group.insights.len()))
                .collect(),
        }
    }
}

/// An insight's `summary` (its page's meta description): the start of the body
/// shown under its title, so that it goes on from the title rather than repeating
/// it, as search engines and link previews show the two together. An insight
/// of one sentence, whose title is all of it, has its title.
fn summary(insight: &Insight, body: &Rendered) -> String {
    match summarize(&body.text, 200) {
        text if text.is_empty() => insight.title.clone(),
        text => text,
    }
}

/// Part of a page's JSON-LD, written as it will be printed (see
/// [`crate::filters::json_script`]).
fn json_ld_part(data: &serde_json::Value) -> Box<RawValue> {
    RawValue::from_string(crate::filters::json_script(data)).expect("JSON is valid")
}

/// The short `issue` object: what insights and `prev` / `next` links show.
fn issue_link_fields(issue: &Issue, strings: &IssueStrings) -> Fieldset {
    Fieldset::from([
        ("date", strings.date.clone()),
        ("date_display", strings.date_display.clone()),
        ("number", issue.number.into()),
        ("url", strings.url.clone()),
    ])
}

/// A TOML value as JSON, its dates and times as the strings TOML writes
/// (`2026-01-02`, `2026-01-02T03:04:05Z`): serde would give the `toml` crate's
/// private wrapper, `{"$__toml_private_datetime": …}`, to a template.
fn plain_toml(value: &toml::Value) -> serde_json::Value {
    match value {
        toml::Value::Datetime(datetime) => datetime.to_string().into(),
        toml::Value::Table(table) => table
            .iter()
            .map(|(key, value)| (key.clone(), plain_toml(value)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        toml::Value::Array(items) => items.iter().map(plain_toml).collect(),
        other => serde_json::to_value(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn plain_marks_safe_only_what_escaping_leaves_alone() {
        assert!(plain("/insights/a-b/").is_safe());
        assert!(plain("18 November 2026").is_safe());
        for unsafe_text in ["Tom's", "a & b", "<b>", "say \"hi\"", "x > y"] {
            assert!(!plain(unsafe_text).is_safe(), "{unsafe_text}");
        }
        let value = plain_strings(Value::from_serializable(&json!({
            "list": ["ok", "<no>"],
            "map": {"url": "/x/", "n": 3},
        })));
        assert!(value.get_from_path("list.0").unwrap().is_safe());
        assert!(!value.get_from_path("list.1").unwrap().is_safe());
        assert!(value.get_from_path("map.url").unwrap().is_safe());
        assert_eq!(value.get_from_path("map.n").unwrap().as_u64(), Some(3));
    }
}
