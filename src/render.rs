//! Site model → files. Every insight body is rendered once; then every page, feed
//! and index is an independent job rendered in parallel and handed to a [`Sink`]
//! as soon as it is done, so memory holds bodies and one page per thread, never
//! the whole rendered site. Template contexts are built from references into the
//! [`Site`]; the README documents each one.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use rayon::prelude::*;
use serde_json::json;
use tera::{Context, Value};

use crate::config::Config;
use crate::content::Insight;
use crate::email::{self, Edition};
use crate::error::{Diagnostic, Diagnostics};
use crate::feeds;
use crate::fingerprint::{self, hash_of};
use crate::markdown::{self, LinkBase, Rendered};
use crate::output::Sink;
use crate::site::{insight_path, page_path, topic_path, Issue, Site};
use crate::theme::Theme;
use crate::week::Week;

/// How many recent issues the home page links to.
const RECENT_ISSUES: usize = 10;

/// Body text kept per insight in the search index. An insight is one paragraph
/// (the seeds' longest is 365 characters), so this cuts nothing real; it only
/// keeps one runaway body from bloating an index every searcher downloads.
const SEARCH_BODY_CHARS: usize = 1000;

/// How many pages either side of the current one a paginator's `pages` lists.
const PAGER_WINDOW: usize = 3;

/// One unit of parallel work: a page or a generated file.
#[derive(Debug, Clone, Copy)]
enum Job {
    Index,
    Archive(usize),
    /// An issue's page and its email edition (`email.html`, `email.txt`).
    Issue(usize),
    Topics,
    Topic(usize, usize),
    Insight(usize),
    Search,
    NotFound,
    SiteFeeds,
    TopicFeed(usize),
    SearchIndex,
    Sitemap,
    Robots,
    HighlightCss,
    Static,
}

pub struct Renderer<'a> {
    pub site: &'a Site<'a>,
    theme: &'a Theme,
    /// Body HTML and plain text of each insight, in `site.insights` order.
    pub bodies: Vec<Arc<Rendered>>,
    /// The `site` object of every template. Tera values share their contents
    /// (`Arc`), so each page's context gets it for the cost of a reference count.
    site_value: Value,
    /// Precomputed once, because each is needed on many pages (see [`Shared`]).
    shared: Shared,
    /// The `insight` objects of the pages being rendered (see [`InsightPool`]).
    insights: InsightPool,
    /// Everything a page can show except insight bodies and ids: config, theme,
    /// every insight's front matter and the site's structure.
    site_fingerprint: u64,
    /// Each insight's body and id, in `site.insights` order.
    body_fingerprints: Vec<u64>,
    /// The key each body is cached under (see [`Sink::cached_body`]): a hash of
    /// everything its rendering reads.
    body_keys: Vec<u64>,
}

/// Strings and small values that many pages repeat. An insight shows on its own
/// page, its issue, every topic page and the home page; building its URLs, dates
/// (chrono formatting) and summary again for each was a fifth of a build's CPU.
/// Everything here is small and linear in the site: the Markdown bodies, the
/// only big per-insight data, are not copied. Values are shared, not copied, by
/// each page that shows them.
struct Shared {
    /// Per insight: its `url`, `permalink`, `date`, `day`, `date_display` and `summary`.
    insights: Vec<InsightStrings>,
    /// Per issue: its `date`, `date_display` and `url` (an insight's `day` and
    /// `date_display` are its issue's: formatting a date per insight was half of
    /// this struct's cost).
    issues: Vec<IssueStrings>,
    /// Per insight: the short `{slug, title, url, day}` reference lists show.
    insight_links: Vec<Value>,
    /// Per issue: the short `issue` object of insights and `prev` / `next`.
    issue_links: Vec<Value>,
    /// Per configured topic: the `{slug, name, url}` reference insights carry.
    topic_refs: Vec<Value>,
    /// JSON-LD parts: the site as publisher, and each issue as `isPartOf`.
    publisher: Value,
    issue_json_ld: Vec<Value>,
    /// The `pages` list of the archive's paginator, and of each topic's.
    archive_pages: Vec<Value>,
    topic_pages: Vec<Vec<Value>>,
}

/// Tera strings, so that each page's `insight` object shares them: a `&str`
/// would be copied into every value made from it.
struct InsightStrings {
    url: Value,
    permalink: Value,
    date: Value,
    day: Value,
    date_display: Value,
    summary: Value,
    slug: Value,
    title: Value,
}

struct IssueStrings {
    date: Value,
    date_display: Value,
    url: Value,
}

/// The text of a string value (all of [`InsightStrings`] are strings).
fn str_of(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// A page's template variables besides `site`. `tera::Context::insert`
/// serializes (deep-copies) every value it is given; these are built as Tera
/// values and handed over as they are.
#[derive(Default)]
struct Fields(Vec<(&'static str, Value)>);

impl Fields {
    fn insert(&mut self, key: &'static str, value: impl Into<Value>) {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = value,
            None => self.0.push((key, value)),
        }
    }
}

/// The `insight` object of the templates. Tera turns a struct into a map with
/// one insert per field and takes the shared values it holds as they are (no
/// copy); the fields are in alphabetical order, as in every other object.
#[derive(serde::Serialize)]
struct InsightObject<'a> {
    content: &'a Value,
    date: &'a Value,
    date_display: &'a Value,
    day: &'a Value,
    draft: bool,
    id: &'a str,
    issue: &'a Value,
    permalink: &'a Value,
    related: Vec<&'a Value>,
    slug: &'a Value,
    source_count: usize,
    sources: &'a [String],
    summary: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    title: &'a Value,
    topics: Vec<&'a Value>,
    url: &'a Value,
    weight: i64,
}

/// schema.org structured data of an insight page; fields in alphabetical order.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: &'a Value,
    date_published: &'a str,
    description: &'a str,
    headline: &'a str,
    in_language: &'a str,
    is_part_of: &'a Value,
    keywords: Vec<&'a str>,
    main_entity_of_page: &'a str,
    publisher: &'a Value,
    url: &'a str,
}

/// The `json_ld` of a page: its schema.org data as JSON that is safe inside a
/// `<script>` element, ready to print. Serialized here, straight from the Rust
/// values: as a template object serialized by the `json_script` filter, each
/// insight page's JSON-LD cost a twentieth of a build.
fn json_ld_script(data: &impl serde::Serialize) -> Value {
    Value::safe_string(&crate::filters::json_script(data))
}

/// Each insight's `insight` object, built once and shared by every page that
/// shows it: its own page and one page of each of its topics. Building the
/// object (a map of 17 fields) for each of them was a twentieth of a build;
/// keeping every object for the whole build would cost 170 MB at 100k insights.
/// So each is dropped after its last use, and [`Renderer::in_date_order`] makes
/// the uses of an insight come close together.
struct InsightPool {
    slots: Vec<Mutex<Option<Value>>>,
    uses_left: Vec<AtomicUsize>,
}

impl InsightPool {
    fn new(site: &Site) -> InsightPool {
        InsightPool {
            slots: site.insights.iter().map(|_| Mutex::new(None)).collect(),
            uses_left: site
                .topics_of
                .iter()
                .map(|topics| AtomicUsize::new(1 + topics.len()))
                .collect(),
        }
    }

    /// Insight `i`'s object, built by `build` if no page has used it yet. A use
    /// beyond those counted (none is expected) builds it again, no worse.
    fn take(&self, i: usize, build: impl FnOnce() -> Value) -> Value {
        let mut slot = self.slots[i].lock().unwrap_or_else(|e| e.into_inner());
        let value = slot.get_or_insert_with(build).clone();
        let last = self.uses_left[i]
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            == Ok(1);
        if last {
            *slot = None;
        }
        value
    }
}

/// A template string, marked safe when HTML escaping would leave it as it is
/// (no `&`, `<`, `>`, `"` or `'`), so that printing it skips the escape pass:
/// most strings a page prints are URLs, dates, names and plain titles, and
/// escaping them, each time a page printed them, was a thirteenth of a build.
/// The output is the same; Tera's filters keep safe strings sound (a safe
/// string meets unsafe text only through escaping it).
fn plain(text: &str) -> Value {
    if crate::theme::needs_escaping(text) {
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
fn object<const N: usize>(fields: [(&'static str, Value); N]) -> Value {
    Value::from(Fieldset::from(fields))
}

impl<'a> Renderer<'a> {
    /// Renders every insight body (in parallel; unless `sink` kept it from an
    /// earlier build) and the shared `site` context.
    pub fn new(site: &'a Site<'a>, theme: &'a Theme, sink: &dyn Sink) -> Renderer<'a> {
        let config = site.config;
        let markdown_options = hash_of(&format!("{:?}{}", config.markdown, config.base_path));
        let rendered: Vec<(Arc<Rendered>, u64, u64)> = site
            .insights
            .par_iter()
            .map(|insight| {
                // Bodies are the bulk of the site's text: hashed once, for both keys.
                let body_hash = hash_of(&insight.body);
                let page_path = insight_path(&insight.slug);
                let key = hash_of(&(markdown_options, &page_path, body_hash));
                let body = sink.cached_body(key).unwrap_or_else(|| {
                    let base = LinkBase {
                        base_path: &config.base_path,
                        page_path: &page_path,
                    };
                    Arc::new(markdown::render(&insight.body, &base, &config.markdown))
                });
                sink.keep_body(key, &body);
                (body, key, hash_of(&(body_hash, &insight.id)))
            })
            .collect();
        sink.bodies_complete();
        let mut bodies = Vec::with_capacity(rendered.len());
        let mut body_keys = Vec::with_capacity(rendered.len());
        let mut body_fingerprints = Vec::with_capacity(rendered.len());
        for (body, key, fingerprint) in rendered {
            bodies.push(body);
            body_keys.push(key);
            body_fingerprints.push(fingerprint);
        }
        let shared = Shared::new(site, &bodies);
        let mut renderer = Renderer {
            site,
            theme,
            bodies,
            site_value: Value::none(),
            shared,
            insights: InsightPool::new(site),
            site_fingerprint: site_fingerprint(site, theme),
            body_fingerprints,
            body_keys,
        };
        renderer.site_value = renderer.site_value();
        renderer
    }

    /// Renders everything into `sink`. All failures are collected, each reported once.
    pub fn render_all(&self, sink: &dyn Sink, show_progress: bool) -> Result<(), Diagnostics> {
        let jobs = self.in_date_order(self.jobs());
        let progress = progress_bar(jobs.len() as u64, show_progress);
        let errors: Vec<Diagnostic> = jobs
            .par_iter()
            .filter_map(|&job| {
                let result = self.run_unless_unchanged(job, sink);
                progress.inc(1);
                result.err()
            })
            .collect();
        progress.finish_and_clear();
        let mut seen = std::collections::HashSet::new();
        let unique = errors
            .into_iter()
            .filter(|d| seen.insert(d.to_string()))
            .collect();
        Diagnostics(unique).sorted().into_result().map(|_| ())
    }

    fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let paginate = site.config.paginate;
        let mut jobs = vec![
            Job::Index,
            Job::Topics,
            Job::Search,
            Job::NotFound,
            Job::SiteFeeds,
            Job::SearchIndex,
        ];
        jobs.extend([Job::Sitemap, Job::Robots, Job::HighlightCss, Job::Static]);
        jobs.extend((1..=page_count(site.issues.len(), paginate)).map(Job::Archive));
        jobs.extend((0..site.issues.len()).map(Job::Issue));
        for group in site.used_topics() {
            jobs.extend(
                (1..=page_count(group.insights.len(), paginate))
                    .map(|p| Job::Topic(group.topic, p)),
            );
            if site.config.feeds.topics {
                jobs.push(Job::TopicFeed(group.topic));
            }
        }
        jobs.extend((0..site.insights.len()).map(Job::Insight));
        jobs
    }

    /// `jobs` in the order they are best run: topic pages and insight pages
    /// newest first, each topic page where its newest insight is, so that each
    /// pooled `insight` object (see [`InsightPool`]) is used up soon after it is
    /// built. Each thread takes a contiguous run of the list, so only the objects
    /// of a few weeks of insights are alive at a time. The other jobs go first.
    fn in_date_order(&self, jobs: Vec<Job>) -> Vec<Job> {
        let site = self.site;
        let newest = |job: &Job| match *job {
            Job::Insight(i) => Some(i),
            Job::Topic(t, p) => page_slice(&site.topics[t].insights, p, site.config.paginate)
                .first()
                .copied(),
            _ => None,
        };
        let (mut dated, mut order): (Vec<Job>, Vec<Job>) =
            jobs.into_iter().partition(|job| newest(job).is_some());
        // Stable: a topic page comes before the page of its newest insight.
        dated.sort_by_key(|job| newest(job));
        order.append(&mut dated);
        order
    }

    /// Every HTML page's site path and last-modified day, for the sitemap.
    fn page_paths(&self) -> Vec<(String, Option<NaiveDate>)> {
        let mut pages = Vec::new();
        for job in self.jobs() {
            let entry = match job {
                Job::Index => ("/".to_string(), self.site.latest_issue().map(|i| i.date)),
                Job::Archive(p) => (page_path("/issues/", p), None),
                Job::Issue(n) => (self.site.issues[n].path(), Some(self.site.issues[n].date)),
                Job::Topics => ("/topics/".to_string(), None),
                Job::Topic(t, p) => (
                    page_path(&topic_path(&self.site.config.topics[t].slug), p),
                    None,
                ),
                Job::Insight(i) => {
                    let insight = &self.site.insights[i];
                    (insight_path(&insight.slug), Some(insight.day))
                }
                Job::Search => ("/search/".to_string(), None),
                _ => continue,
            };
            pages.push(entry);
        }
        pages
    }

    /// Runs `job` unless the sink still holds its files from a run with the same
    /// inputs (see [`Sink::reuse`]); records what it wrote for the next build.
    fn run_unless_unchanged(&self, job: Job, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let key = format!("{job:?}");
        let fingerprint = self.fingerprint(job);
        if sink.reuse(&key, fingerprint) {
            return Ok(());
        }
        let recorder = Recorder {
            sink,
            paths: Mutex::new(Vec::new()),
        };
        self.run(job, &recorder)?;
        let paths = recorder
            .paths
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        sink.rendered(&key, fingerprint, paths);
        Ok(())
    }

    /// A hash of every input of `job`: the site fingerprint plus the bodies the
    /// job shows.
    fn fingerprint(&self, job: Job) -> u64 {
        let bodies: Vec<u64> = self
            .body_inputs(job)
            .iter()
            .map(|&i| self.body_fingerprints[i])
            .collect();
        hash_of(&(self.site_fingerprint, bodies))
    }

    /// The insights whose body (content, summary, text) or id the output of `job`
    /// shows; all else it shows is in the site fingerprint. Keep this in step with
    /// the contexts and feeds below: a job that shows a body not listed here would
    /// be reused stale by `serve` after an edit of that body.
    fn body_inputs(&self, job: Job) -> Vec<usize> {
        let site = self.site;
        match job {
            Job::Insight(i) => vec![i],
            Job::Issue(n) => site.issues[n].insights.clone(),
            Job::Index => site
                .latest_issue()
                .map_or_else(Vec::new, |issue| issue.insights.clone()),
            Job::Topic(t, p) => {
                page_slice(&site.topics[t].insights, p, site.config.paginate).to_vec()
            }
            Job::SiteFeeds => feeds::newest_issues(site)
                .flat_map(|n| site.issues[n].insights.iter().copied())
                .collect(),
            Job::TopicFeed(t) => feeds::topic_feed_insights(site, t).to_vec(),
            Job::SearchIndex => (0..site.insights.len()).collect(),
            Job::Archive(_)
            | Job::Topics
            | Job::Search
            | Job::NotFound
            | Job::Sitemap
            | Job::Robots
            | Job::HighlightCss
            | Job::Static => Vec::new(),
        }
    }

    fn run(&self, job: Job, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let config = self.site.config;
        match job {
            Job::Index => self.page(sink, "/", "index.html", &self.index_context()),
            Job::Archive(p) => self.page(
                sink,
                &page_path("/issues/", p),
                "issues.html",
                &self.archive_context(p),
            ),
            Job::Issue(n) => self.issue(sink, n),
            Job::Topics => self.page(sink, "/topics/", "topics.html", &self.topics_context()),
            Job::Topic(t, p) => {
                let path = page_path(&topic_path(&config.topics[t].slug), p);
                self.page(sink, &path, "topic.html", &self.topic_context(t, p))
            }
            Job::Insight(i) => {
                let path = insight_path(&self.site.insights[i].slug);
                self.page(sink, &path, "insight.html", &self.insight_context(i))
            }
            Job::Search => self.page(
                sink,
                "/search/",
                "search.html",
                &self.simple_context("search", "Search"),
            ),
            Job::NotFound => {
                let html =
                    self.render_page("404.html", &self.simple_context("404", "Page not found"))?;
                sink.put("404.html", html.into_bytes())
            }
            Job::SiteFeeds => {
                if config.feeds.rss {
                    sink.put("rss.xml", feeds::site_rss(self))?;
                }
                if config.feeds.atom {
                    sink.put("atom.xml", feeds::site_atom(self))?;
                }
                if config.feeds.json {
                    sink.put("feed.json", feeds::site_json(self))?;
                }
                Ok(())
            }
            Job::TopicFeed(t) => {
                let path = format!("topics/{}/rss.xml", config.topics[t].slug);
                sink.put(&path, feeds::topic_rss(self, t))
            }
            Job::SearchIndex => sink.put("search-index.json", self.search_index(sink)),
            Job::Sitemap => sink.put("sitemap.xml", feeds::sitemap(config, &self.page_paths())),
            Job::Robots => {
                let robots = format!(
                    "User-agent: *\nAllow: /\nSitemap: {}\n",
                    config.permalink("sitemap.xml")
                );
                sink.put("robots.txt", robots.into_bytes())
            }
            Job::HighlightCss => {
                let css = markdown::highlight_css(&config.highlight_theme, &config.highlight_theme_dark)
                    .map_err(|msg| Diagnostic::error(msg).at(&config.path).hint("set `highlight_theme` and `highlight_theme_dark` to one of the known themes"))?;
                sink.put("highlight.css", css.into_bytes())
            }
            Job::Static => {
                for (path, bytes) in &self.theme.static_files {
                    sink.put(path, bytes.clone())?;
                }
                Ok(())
            }
        }
    }

    /// Renders a page to `<site_path>index.html`.
    fn page(
        &self,
        sink: &dyn Sink,
        site_path: &str,
        template: &str,
        fields: &Fields,
    ) -> Result<(), Diagnostic> {
        let html = self.render_page(template, fields)?;
        let file = format!("{}index.html", site_path.trim_start_matches('/'));
        sink.put(&file, html.into_bytes())
    }

    /// Issue `n`'s page and both files of its email edition, from one context.
    fn issue(&self, sink: &dyn Sink, n: usize) -> Result<(), Diagnostic> {
        let path = self.site.issues[n].path();
        let fields = self.issue_context(n);
        self.page(sink, &path, "issue.html", &fields)?;
        let edition = self.email_edition("email", fields)?;
        let dir = path.trim_start_matches('/');
        sink.put(&format!("{dir}email.html"), edition.html.into_bytes())?;
        sink.put(&format!("{dir}email.txt"), edition.text.into_bytes())
    }

    /// The email edition of issue `n`, as `brief email` prints it.
    pub(crate) fn issue_edition(&self, n: usize) -> Result<Edition, Diagnostic> {
        self.email_edition("email", self.issue_context(n))
    }

    /// The weekly edition of `week` (`email_week.html`, `email_week.txt`).
    pub(crate) fn week_edition(&self, week: &Week) -> Result<Edition, Diagnostic> {
        self.email_edition("email_week", self.week_context(week))
    }

    /// `<stem>.html` and `<stem>.txt` rendered from `fields` and the `email`
    /// settings. The HTML is absolutized as a whole: an email has no base URL
    /// to resolve the site's root-relative links against.
    fn email_edition(&self, stem: &str, mut fields: Fields) -> Result<Edition, Diagnostic> {
        fields.insert("email", self.email_settings());
        let html = self.render_page(&format!("{stem}.html"), &fields)?;
        Ok(Edition {
            html: feeds::absolutize(&html, &self.site.config.origin),
            text: self.render_page(&format!("{stem}.txt"), &fields)?,
        })
    }

    /// Renders `template` with `site` plus `fields`.
    fn render_page(&self, template: &str, fields: &Fields) -> Result<String, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site_value.clone());
        for (key, value) in &fields.0 {
            ctx.insert_value(*key, value.clone());
        }
        self.theme.render(template, &ctx)
    }

    // ---- contexts -------------------------------------------------------------

    fn base_context(&self, kind: &str, title: &str, site_path: &str, description: &str) -> Fields {
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

    fn simple_context(&self, kind: &str, title: &str) -> Fields {
        let path = if kind == "search" {
            "/search/"
        } else {
            "/404.html"
        };
        self.base_context(kind, title, path, "")
    }

    fn index_context(&self) -> Fields {
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

    fn archive_context(&self, page: usize) -> Fields {
        let site = self.site;
        let mut ctx = self.base_context("issues", "All issues", &page_path("/issues/", page), "");
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

    fn issue_context(&self, n: usize) -> Fields {
        let issue = &self.site.issues[n];
        let title = issue_title(self.site, n);
        let description = self.titles(issue.headline());
        let mut ctx = self.base_context("issue", &title, &issue.path(), &description);
        ctx.insert("issue", self.issue_value(n));
        ctx
    }

    /// The `week` object of the weekly edition (see the README).
    fn week_context(&self, week: &Week) -> Fields {
        let site = self.site;
        let title = week.title(site.config);
        let description = self.titles(week.headline());
        let mut ctx = self.base_context("week", &title, "/", &description);
        let issues: Vec<Value> = week.issues.iter().map(|&n| self.issue_ref(n)).collect();
        ctx.insert(
            "week",
            object([
                ("count", week.insights.len().into()),
                ("end", plain(&week.id.last_day().to_string())),
                ("headline", self.issue_insight_values(week.headline())),
                ("id", plain(&week.id.to_string())),
                ("issues", issues.into()),
                ("number", week.id.week.into()),
                ("range_display", plain(&week.id.range_display())),
                ("rest", self.issue_insight_values(week.rest())),
                ("start", plain(&week.id.first_day().to_string())),
                ("title", plain(&title)),
                (
                    "topic",
                    week.topic.map_or_else(Value::none, |t| self.topic_value(t)),
                ),
                ("year", week.id.year.into()),
            ]),
        );
        ctx
    }

    /// The titles of `insights` joined by " · ": the description of a page
    /// (or email) that shows them.
    fn titles(&self, insights: &[usize]) -> String {
        let titles: Vec<&str> = insights
            .iter()
            .map(|&i| self.site.insights[i].title.as_str())
            .collect();
        titles.join(" · ")
    }

    /// The `email` object of the email templates.
    fn email_settings(&self) -> Value {
        let config = self.site.config;
        let footer = if config.email.footer.is_empty() {
            format!(
                "You are receiving this because you subscribed to {}.",
                config.title
            )
        } else {
            config.email.footer.clone()
        };
        object([
            ("footer", plain(&footer)),
            ("manage_url", plain(&config.email.manage_url)),
        ])
    }

    fn topics_context(&self) -> Fields {
        self.base_context("topics", "Topics", "/topics/", "")
    }

    fn topic_context(&self, t: usize, page: usize) -> Fields {
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

    fn insight_context(&self, i: usize) -> Fields {
        let insight = &self.site.insights[i];
        let mut ctx = self.base_context(
            "insight",
            &insight.title,
            &insight_path(&insight.slug),
            str_of(&self.shared.insights[i].summary),
        );
        ctx.insert("insight", self.insight_value(i));
        ctx.insert("json_ld", self.insight_json_ld(i));
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

    /// schema.org `NewsArticle` of an insight page, for search engines.
    fn insight_json_ld(&self, i: usize) -> Value {
        let site = self.site;
        let config = site.config;
        let strings = &self.shared.insights[i];
        json_ld_script(&NewsArticle {
            context: "https://schema.org",
            kind: "NewsArticle",
            author: &self.shared.publisher,
            date_published: str_of(&strings.date),
            description: str_of(&strings.summary),
            headline: &site.insights[i].title,
            in_language: &config.language,
            is_part_of: &self.shared.issue_json_ld[site.issue_of[i]],
            keywords: site.topics_of[i]
                .iter()
                .map(|&t| config.topics[t].name.as_str())
                .collect(),
            main_entity_of_page: str_of(&strings.permalink),
            publisher: &self.shared.publisher,
            url: str_of(&strings.permalink),
        })
    }

    // ---- values ---------------------------------------------------------------

    fn site_value(&self) -> Value {
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
            },
            "urls": {
                "home": config.url("/"),
                "issues": config.url("/issues/"),
                "topics": config.url("/topics/"),
                "search": config.url("/search/"),
                "search_index": config.url("search-index.json"),
                "stylesheet": config.url("style.css"),
                "highlight_css": config.url("highlight.css"),
                "favicon": config.url("favicon.svg"),
            },
            "extra": config.extra,
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

    fn topic_value(&self, t: usize) -> Value {
        let config = self.site.config;
        let topic = &config.topics[t];
        let count = self.site.topics[t].insights.len();
        let path = topic_path(&topic.slug);
        object([
            ("count", count.into()),
            ("description", plain(&topic.description)),
            (
                "feed_url",
                (config.feeds.topics && count > 0)
                    .then(|| plain(&config.url(&format!("{path}rss.xml"))))
                    .into(),
            ),
            ("name", plain(&topic.name)),
            ("permalink", plain(&config.permalink(&path))),
            ("slug", plain(&topic.slug)),
            ("url", plain(&config.url(&path))),
        ])
    }

    /// An insight with its rendered body: the `insight` object of every template.
    fn insight_value(&self, i: usize) -> Value {
        self.insights.take(i, || {
            Value::from_serializable(&self.insight_object(i, None))
        })
    }

    /// Insight `i` as an issue shows it: with `text`, its body as plain text for
    /// the email edition (a second Markdown parse, so only issues carry it).
    fn issue_insight_value(&self, i: usize) -> Value {
        Value::from_serializable(&self.insight_object(i, Some(self.email_text(i))))
    }

    /// [`Self::issue_insight_value`] of each of `insights`.
    fn issue_insight_values(&self, insights: &[usize]) -> Value {
        let values: Vec<Value> = insights
            .iter()
            .map(|&i| self.issue_insight_value(i))
            .collect();
        values.into()
    }

    fn insight_object(&self, i: usize, text: Option<String>) -> InsightObject<'_> {
        let site = self.site;
        let insight = &site.insights[i];
        let strings = &self.shared.insights[i];
        let shared = &self.shared;
        InsightObject {
            content: self.bodies[i].html_value(),
            date: &strings.date,
            date_display: &strings.date_display,
            day: &strings.day,
            draft: insight.draft,
            id: &insight.id,
            issue: &shared.issue_links[site.issue_of[i]],
            permalink: &strings.permalink,
            related: site.related[i]
                .iter()
                .map(|&j| &shared.insight_links[j])
                .collect(),
            slug: &strings.slug,
            source_count: insight.sources.len(),
            sources: &insight.sources,
            summary: &strings.summary,
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

    /// The body of insight `i` as plain text with absolute links, for email.
    fn email_text(&self, i: usize) -> String {
        let config = self.site.config;
        let page_path = insight_path(&self.site.insights[i].slug);
        let base = LinkBase {
            base_path: &config.base_path,
            page_path: &page_path,
        };
        email::plain_text(
            &self.site.insights[i].body,
            &base,
            &config.origin,
            &config.markdown,
        )
    }

    /// An issue for lists: number, date, links and the headline titles.
    fn issue_ref(&self, n: usize) -> Value {
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
        map.insert("title", plain(&issue_title(self.site, n)));
        map.insert(
            "permalink",
            plain(&self.site.config.permalink(&issue.path())),
        );
        map.insert("count", issue.insights.len().into());
        map.insert("headline", headline.into());
        map
    }

    /// A full issue: its headline and the rest of the day as full insights.
    fn issue_value(&self, n: usize) -> Value {
        let issue = &self.site.issues[n];
        let links = &self.shared.issue_links;
        let mut map = self.issue_ref_map(n);
        map.insert("headline", self.issue_insight_values(issue.headline()));
        map.insert("rest", self.issue_insight_values(issue.rest()));
        map.insert("prev", n.checked_sub(1).map(|p| links[p].clone()).into());
        map.insert("next", links.get(n + 1).cloned().into());
        Value::from(map)
    }

    /// `pages` is the list's precomputed [`pager_links`]; the paginator's own
    /// `pages` is the window of them a pager shows: the first and last page and
    /// those within [`PAGER_WINDOW`] of the current one. (Listing every page on
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

    /// The search index. It is rendered again after any body edit, and was the
    /// largest job of a `serve` rebuild: entries are written straight from the
    /// site (no `Value` tree per entry), in parallel, taken from `sink` when an
    /// earlier build wrote them, and copied once into a buffer of the final size
    /// (at 10k insights the index is 9 MB, and every fresh buffer of that size
    /// costs milliseconds of page faults).
    fn search_index(&self, sink: &dyn Sink) -> Vec<u8> {
        let entries: Vec<Arc<[u8]>> = (0..self.site.insights.len())
            .into_par_iter()
            .map(|i| self.search_entry(i, sink))
            .collect();
        let mut index = Vec::with_capacity(entries.iter().map(|e| e.len() + 1).sum::<usize>() + 1);
        index.push(b'[');
        // Each entry is let go once copied: at 100k insights they are 90 MB, and
        // holding them all until the index is whole doubled its peak memory.
        for (n, entry) in entries.into_iter().enumerate() {
            if n > 0 {
                index.push(b',');
            }
            index.extend_from_slice(&entry);
        }
        index.push(b']');
        index
    }

    /// Insight `i`'s entry in the search index, as JSON.
    fn search_entry(&self, i: usize, sink: &dyn Sink) -> Arc<[u8]> {
        let site = self.site;
        let insight = &site.insights[i];
        let strings = &self.shared.insights[i];
        let topics: Vec<&str> = site.topics_of[i]
            .iter()
            .map(|&t| site.config.topics[t].name.as_str())
            .collect();
        // Everything the entry shows; its body text through the body's key.
        let key = hash_of(&(
            self.body_keys[i],
            &insight.id,
            &insight.title,
            str_of(&strings.day),
            &topics,
            str_of(&strings.url),
        ));
        let entry = sink.cached_fragment(key).unwrap_or_else(|| {
            let entry = SearchEntry {
                body: summarize(&self.bodies[i].text, SEARCH_BODY_CHARS),
                date: str_of(&strings.day),
                id: &insight.id,
                title: &insight.title,
                topics,
                url: str_of(&strings.url),
            };
            serde_json::to_vec(&entry)
                .expect("entries serialize")
                .into()
        });
        sink.keep_fragment(key, &entry);
        entry
    }
}

/// One insight in `search-index.json`. Fields in alphabetical order, the order
/// the index has always had (that of a `serde_json` object).
#[derive(serde::Serialize)]
struct SearchEntry<'a> {
    body: String,
    date: &'a str,
    id: &'a str,
    title: &'a str,
    topics: Vec<&'a str>,
    url: &'a str,
}

impl Shared {
    fn new(site: &Site, bodies: &[Arc<Rendered>]) -> Shared {
        let config = site.config;
        let issues: Vec<IssueStrings> = site
            .issues
            .par_iter()
            .map(|issue| IssueStrings {
                date: plain(&issue.date.to_string()),
                date_display: plain(&display_day(issue.date)),
                url: plain(&config.url(&issue.path())),
            })
            .collect();
        let insights: Vec<InsightStrings> = site
            .insights
            .par_iter()
            .zip(bodies)
            .zip(&site.issue_of)
            .map(|((insight, body), &n)| {
                let path = insight_path(&insight.slug);
                InsightStrings {
                    url: plain(&config.url(&path)),
                    permalink: plain(&config.permalink(&path)),
                    date: plain(&insight.date.to_rfc3339()),
                    day: issues[n].date.clone(),
                    date_display: issues[n].date_display.clone(),
                    summary: plain(&summarize(&body.text, 200)),
                    slug: plain(&insight.slug),
                    title: plain(&insight.title),
                }
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
                object([
                    ("@type", "PublicationIssue".into()),
                    ("datePublished", issue.date.to_string().into()),
                    ("issueNumber", issue.number.into()),
                    ("url", config.permalink(&issue.path()).into()),
                ])
            })
            .collect();
        let publisher = object([
            ("@type", "Organization".into()),
            ("name", config.title.as_str().into()),
            ("url", config.permalink("/").into()),
        ]);
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

/// The short `issue` object: what insights and `prev` / `next` links show.
fn issue_link_fields(issue: &Issue, strings: &IssueStrings) -> Fieldset {
    Fieldset::from([
        ("date", strings.date.clone()),
        ("date_display", strings.date_display.clone()),
        ("number", issue.number.into()),
        ("url", strings.url.clone()),
    ])
}

/// The part of `pages` (all of a list's pages, in order) a pager around page
/// `current` shows: the first, the last and up to [`PAGER_WINDOW`] either side.
fn pager_window(all: &[Value], current: usize) -> Vec<Value> {
    let mut numbers = vec![1];
    numbers.extend(current.saturating_sub(PAGER_WINDOW)..=current + PAGER_WINDOW);
    numbers.push(all.len());
    numbers.retain(|&n| (1..=all.len()).contains(&n));
    numbers.sort_unstable();
    numbers.dedup();
    numbers.into_iter().map(|n| all[n - 1].clone()).collect()
}

/// Every page of a paginated list as `{number, url}`, computed once per list.
fn pager_links(config: &Config, base: &str, total_pages: usize) -> Vec<Value> {
    (1..=total_pages)
        .map(|p| {
            object([
                ("number", p.into()),
                ("url", plain(&config.url(&page_path(base, p)))),
            ])
        })
        .collect()
}

/// Passes files on to the real sink, noting their paths.
struct Recorder<'a> {
    sink: &'a dyn Sink,
    paths: Mutex<Vec<String>>,
}

impl Sink for Recorder<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        self.sink.put(path, bytes)?;
        self.paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
        Ok(())
    }

    fn cached_fragment(&self, key: u64) -> Option<Arc<[u8]>> {
        self.sink.cached_fragment(key)
    }

    fn keep_fragment(&self, key: u64, fragment: &Arc<[u8]>) {
        self.sink.keep_fragment(key, fragment);
    }
}

/// Feeds `Debug` output straight into a hasher, without building the string.
struct HashWriter(fingerprint::Hasher);

impl std::fmt::Write for HashWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

/// See [`Renderer::site_fingerprint`]. The config and the issue and topic
/// groups are hashed through `Debug`, so a field added to them is covered without
/// anyone remembering to; insights, the bulk, through `Hash`.
fn site_fingerprint(site: &Site, theme: &Theme) -> u64 {
    // The two halves are independent, and each is tens of milliseconds at 100k.
    let (structure, insights) = rayon::join(
        || {
            let mut h = HashWriter(fingerprint::Hasher::new());
            let _ = write!(h, "{:?}{:?}{:?}", site.config, site.issues, site.topics);
            (
                theme.fingerprint,
                &site.related,
                &site.issue_of,
                &site.topics_of,
            )
                .hash(&mut h.0);
            h.0.finish()
        },
        || {
            site.insights
                .par_iter()
                .map(insight_fingerprint)
                .collect::<Vec<u64>>()
        },
    );
    hash_of(&(structure, insights))
}

/// Everything of an insight that pages show, except its body and id (see
/// [`Renderer::body_fingerprints`]).
fn insight_fingerprint(insight: &Insight) -> u64 {
    // Exhaustive on purpose: a new field must be sorted into this hash or into
    // the body fingerprint.
    let Insight {
        id: _,
        body: _,
        key_lines: _,
        slug,
        title,
        date,
        day,
        topics,
        sources,
        related,
        weight,
        draft,
        path,
    } = insight;
    hash_of(&(
        slug, title, date, day, topics, sources, related, weight, draft, path,
    ))
}

pub fn issue_title(site: &Site, n: usize) -> String {
    let issue = &site.issues[n];
    format!("Issue #{} — {}", issue.number, display_day(issue.date))
}

fn display_day(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// Plain text cut to at most `max` characters on a word boundary.
pub fn summarize(text: &str, max: usize) -> String {
    let text = text.trim();
    // No more bytes than `max` is no more characters: nothing to count.
    if text.len() <= max {
        return text.to_string();
    }
    // Where character `max` starts, if there is one: the text is longer.
    let Some((end, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let cut = &text[..end];
    let cut = cut.rsplit_once(' ').map_or(cut, |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// Pages needed for `items` at `per_page`; an empty list still has one page.
fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// Positions of page `page`'s items in a list of `len`.
fn page_range(len: usize, page: usize, per_page: usize) -> std::ops::Range<usize> {
    let start = ((page - 1) * per_page).min(len);
    start..(start + per_page).min(len)
}

fn page_slice<T>(items: &[T], page: usize, per_page: usize) -> &[T] {
    &items[page_range(items.len(), page, per_page)]
}

fn progress_bar(len: u64, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} rendering {pos}/{len} [{bar:30}] {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_builds_each_object_once_and_lets_go_after_its_last_use() {
        let pool = InsightPool {
            slots: vec![Mutex::new(None)],
            uses_left: vec![AtomicUsize::new(3)],
        };
        let builds = AtomicUsize::new(0);
        let build = || {
            builds.fetch_add(1, Ordering::Relaxed);
            Value::from("insight")
        };
        for _ in 0..3 {
            assert_eq!(pool.take(0, build).as_str(), Some("insight"));
        }
        assert_eq!(builds.load(Ordering::Relaxed), 1);
        assert!(
            pool.slots[0].lock().unwrap().is_none(),
            "dropped after the last use"
        );
        // An uncounted use still gets its object.
        assert_eq!(pool.take(0, build).as_str(), Some("insight"));
        assert_eq!(builds.load(Ordering::Relaxed), 2);
    }

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

    #[test]
    fn summarize_cuts_on_words() {
        assert_eq!(summarize("short", 10), "short");
        assert_eq!(summarize("one two three four", 12), "one two…");
    }

    #[test]
    fn pagination_math() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(41, 20), 3);
        assert_eq!(page_slice(&[1, 2, 3, 4, 5], 3, 2), &[5]);
    }

    #[test]
    fn pager_window_keeps_ends_and_neighbours() {
        let numbers = |total: usize, current: usize| {
            let pages: Vec<Value> = (1..=total)
                .map(|n| object([("number", n.into())]))
                .collect();
            pager_window(&pages, current)
                .iter()
                .map(|p| p.get_from_path("number").unwrap().as_u64().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(1, 1), [1]);
        assert_eq!(numbers(5, 3), [1, 2, 3, 4, 5]);
        assert_eq!(numbers(100, 50), [1, 47, 48, 49, 50, 51, 52, 53, 100]);
        assert_eq!(numbers(100, 99), [1, 96, 97, 98, 99, 100]);
    }
}
