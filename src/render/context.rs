//! The template context of each page: `site` plus the variables its template
//! receives (`page`, `issue`, `topic`, `insight`, `paginator`, `json_ld`, …; the
//! README documents each). Built from the shared values of [`super::values`];
//! renders nothing itself.

use serde_json::json;
use serde_json::value::RawValue;
use tera::Value;

use super::feeds::{self, Format};
use super::pagination::{page_count, page_range, page_slice, pager_window};
use super::values::{field, object, plain};
use super::wording::issue_title;
use super::Renderer;
use crate::site::{insight_path, page_path, topic_path};
use crate::urls::openable_link;
use crate::week::Week;

/// How many recent issues the home page links to.
const RECENT_ISSUES: usize = 10;

/// A page's template variables besides `site`. `tera::Context::insert`
/// serializes (deep-copies) every value it is given; these are built as Tera
/// values and handed over as they are.
#[derive(Default)]
pub(super) struct Fields(pub(super) Vec<(&'static str, Value)>);

impl Fields {
    pub(super) fn insert(&mut self, key: &'static str, value: impl Into<Value>) {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = value,
            None => self.0.push((key, value)),
        }
    }
}

/// schema.org structured data of an insight page; fields in alphabetical order.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: &'a RawValue,
    date_published: &'a str,
    description: &'a str,
    headline: &'a str,
    in_language: &'a str,
    is_part_of: &'a RawValue,
    keywords: Vec<&'a str>,
    main_entity_of_page: &'a str,
    publisher: &'a RawValue,
    url: &'a str,
}

/// The `json_ld` of a page: its schema.org data as JSON that is safe inside a
/// `<script>` element, ready to print. Serialized here, straight from the Rust
/// values: as a template object serialized by the `json_script` filter, each
/// insight page's JSON-LD cost a twentieth of a build.
fn json_ld_script(data: &impl serde::Serialize) -> Value {
    Value::safe_string(&crate::filters::json_script(data))
}

impl Renderer<'_> {
    pub(super) fn base_context(
        &self,
        kind: &str,
        title: &str,
        site_path: &str,
        description: &str,
    ) -> Fields {
        let config = self.site.config;
        let description = if description.is_empty() {
            &config.description
        } else {
            description
        };
        let mut ctx = Fields::default();
        ctx.insert(
            "page",
            object([
                ("description", plain(description)),
                ("kind", plain(kind)),
                ("permalink", plain(&config.permalink(site_path))),
                ("title", plain(title)),
                ("url", plain(&config.url(site_path))),
            ]),
        );
        ctx.insert("json_ld", Value::none());
        ctx
    }

    /// Phrase `key` of the theme's words, as it stands (a page's title).
    pub(super) fn say(&self, key: &str) -> String {
        self.theme.words.say(key, &[])
    }

    /// Issue `n`'s title in the site's words (see [`issue_title`]).
    pub(crate) fn issue_title(&self, n: usize) -> String {
        issue_title(self.site, &self.theme.words, n)
    }

    /// The title of the weekly edition `week` in the site's words.
    pub(crate) fn week_title(&self, week: &Week) -> String {
        week.title(self.site.config, &self.theme.words)
    }

    pub(super) fn simple_context(&self, kind: &str, title: &str) -> Fields {
        let path = if kind == "search" {
            "/search/"
        } else {
            "/404.html"
        };
        self.base_context(kind, title, path, "")
    }

    pub(super) fn index_context(&self) -> Fields {
        let config = self.site.config;
        let mut ctx = self.base_context("index", &config.title, "/", &config.description);
        let issues = &self.site.issues;
        ctx.insert(
            "issue",
            issues
                .len()
                .checked_sub(1)
                .map_or(Value::none(), |n| self.issue_value(n)),
        );
        let recent: Vec<Value> = (0..issues.len())
            .rev()
            .skip(1)
            .take(RECENT_ISSUES)
            .map(|n| self.issue_ref(n))
            .collect();
        ctx.insert("recent_issues", recent);
        ctx.insert("json_ld", self.website_json_ld());
        ctx
    }

    pub(super) fn archive_context(&self, page: usize) -> Fields {
        let site = self.site;
        let mut ctx = self.base_context(
            "issues",
            &self.say("all_issues"),
            &page_path("/issues/", page),
            "",
        );
        // Newest first, without materialising the whole reversed list per page.
        let total = site.issues.len();
        let items = page_range(total, page, site.config.paginate)
            .map(|k| self.issue_ref(total - 1 - k))
            .collect();
        ctx.insert(
            "paginator",
            self.paginator(page, total, items, &self.shared.archive_pages),
        );
        ctx
    }

    pub(super) fn issue_context(&self, n: usize) -> Fields {
        let issue = &self.site.issues[n];
        let title = self.issue_title(n);
        let description = self.titles(issue.headline());
        let mut ctx = self.base_context("issue", &title, &issue.path(), &description);
        ctx.insert("issue", self.issue_value(n));
        ctx
    }

    /// The titles of `insights` joined by " · ": the description of a page
    /// (or email) that shows them.
    pub(super) fn titles(&self, insights: &[usize]) -> String {
        let titles: Vec<&str> = insights
            .iter()
            .map(|&i| self.site.insights[i].title.as_str())
            .collect();
        titles.join(" · ")
    }

    pub(super) fn topics_context(&self) -> Fields {
        self.base_context("topics", &self.say("topics"), "/topics/", "")
    }

    pub(super) fn topic_context(&self, t: usize, page: usize) -> Fields {
        let topic = &self.site.config.topics[t];
        let group = &self.site.topics[t];
        let base = topic_path(&topic.slug);
        let mut ctx = self.base_context(
            "topic",
            &topic.name,
            &page_path(&base, page),
            &topic.description,
        );
        ctx.insert("topic", self.topic_value(t));
        let items = page_slice(&group.insights, page, self.site.config.paginate)
            .iter()
            .map(|&i| self.insight_value(i))
            .collect();
        ctx.insert(
            "paginator",
            self.paginator(
                page,
                group.insights.len(),
                items,
                &self.shared.topic_pages[t],
            ),
        );
        ctx
    }

    /// `/subscribe/`: every feed of the site and of each topic, in every
    /// enabled format, and the email sign-up link.
    pub(super) fn subscribe_context(&self) -> Fields {
        let site = self.site;
        let config = site.config;
        let mut ctx = self.base_context("subscribe", &self.say("subscribe"), "/subscribe/", "");
        let site_feeds: Vec<(Format, String)> = Format::enabled(&config.feeds)
            .map(|format| (format, format!("/{}", format.file())))
            .collect();
        let site_subscription = (!site_feeds.is_empty())
            .then(|| self.subscription(&config.title, &config.description, "/", site_feeds));
        let topic_subscriptions: Vec<Value> = site
            .used_topics()
            .filter_map(|group| {
                let topic = &config.topics[group.topic];
                let feeds = feeds::topic_feed_paths(site, group.topic);
                let path = topic_path(&topic.slug);
                (!feeds.is_empty())
                    .then(|| self.subscription(&topic.name, &topic.description, &path, feeds))
            })
            .collect();
        ctx.insert("site_subscription", site_subscription);
        ctx.insert("topic_subscriptions", topic_subscriptions);
        ctx.insert(
            "email_url",
            openable_link(&config.email.manage_url).map(plain),
        );
        ctx
    }

    /// One subscription: what a feed follows (the page at `path`) and its
    /// documents, each `(format, site path)`.
    fn subscription(
        &self,
        name: &str,
        description: &str,
        path: &str,
        feeds: Vec<(Format, String)>,
    ) -> Value {
        let config = self.site.config;
        let feeds: Vec<Value> = feeds
            .into_iter()
            .map(|(format, path)| {
                object([
                    ("format", plain(format.label())),
                    ("key", plain(format.key())),
                    ("media_type", plain(format.media_type())),
                    ("permalink", plain(&config.permalink(&path))),
                    ("url", plain(&config.url(&path))),
                ])
            })
            .collect();
        object([
            ("description", plain(description)),
            ("feeds", feeds.into()),
            ("name", plain(name)),
            ("url", plain(&config.url(path))),
        ])
    }

    pub(super) fn insight_context(&self, i: usize) -> Fields {
        let insight = &self.site.insights[i];
        let object = self.insight_value(i);
        let mut ctx = self.base_context(
            "insight",
            &insight.title,
            &insight_path(&insight.slug),
            field(&object, "summary"),
        );
        ctx.insert("json_ld", self.insight_json_ld(i, &object));
        ctx.insert("insight", object);
        ctx
    }

    /// schema.org structured data of the home page: the site and its search.
    /// Built once per build, so `json!` is short enough.
    fn website_json_ld(&self) -> Value {
        let config = self.site.config;
        json_ld_script(&json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": config.title,
            "description": config.description,
            "url": config.permalink("/"),
            "inLanguage": config.language,
            "potentialAction": {
                "@type": "SearchAction",
                "target": format!("{}?q={{query}}", config.permalink("/search/")),
                "query-input": "required name=query",
            },
        }))
    }

    /// schema.org `NewsArticle` of an insight page, for search engines, from
    /// its `insight` object.
    fn insight_json_ld(&self, i: usize, object: &Value) -> Value {
        let site = self.site;
        let config = site.config;
        json_ld_script(&NewsArticle {
            context: "https://schema.org",
            kind: "NewsArticle",
            author: &self.shared.publisher,
            date_published: field(object, "date"),
            description: field(object, "summary"),
            headline: &site.insights[i].title,
            in_language: &config.language,
            is_part_of: &self.shared.issue_json_ld[site.issue_of[i]],
            keywords: site.topics_of[i]
                .iter()
                .map(|&t| config.topics[t].name.as_str())
                .collect(),
            main_entity_of_page: field(object, "permalink"),
            publisher: &self.shared.publisher,
            url: field(object, "permalink"),
        })
    }

    /// `pages` is the list's precomputed [`pager_links`](super::pagination::pager_links); the paginator's own
    /// `pages` is the window of them a pager shows: the first and last page and
    /// those within [`PAGER_WINDOW`](super::pagination::PAGER_WINDOW) of the current one. (Listing every page on
    /// every page made the build quadratic: 5 million entries at 100k insights.)
    fn paginator(
        &self,
        current: usize,
        total_items: usize,
        items: Vec<Value>,
        pages: &[Value],
    ) -> Value {
        let total_pages = page_count(total_items, self.site.config.paginate);
        let url = |p: usize| {
            pages[p - 1]
                .get_from_path("url")
                .cloned()
                .unwrap_or_else(Value::none)
        };
        object([
            ("current", current.into()),
            ("first", url(1)),
            ("items", items.into()),
            ("last", url(total_pages)),
            (
                "next",
                (current < total_pages).then(|| url(current + 1)).into(),
            ),
            ("pages", pager_window(pages, current).into()),
            ("previous", (current > 1).then(|| url(current - 1)).into()),
            ("total_items", total_items.into()),
            ("total_pages", total_pages.into()),
        ])
    }
}
