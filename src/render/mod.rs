//! Site model → files. Every page, feed and index is an independent job
//! rendered in parallel and handed to a [`Sink`] as soon as it is done (unless
//! the build's [`Memory`] still holds it). An insight's body and `insight`
//! object are made when a job first shows them and dropped after the last
//! ([`pool`]), and jobs run in date order, so memory holds a few weeks of
//! insights and one page per thread, never the whole rendered site. Template
//! contexts are built from references into the [`Site`]; the README documents
//! each one.
//!
//! This file is the driver: it runs the jobs and hands their files to the
//! sink. Beside it, one idea per file: `jobs` (what the jobs are, their order,
//! their fingerprints and uses), `pool` (values made once and dropped after
//! their last use), `values` and `context` (template values and each page's
//! context), `pagination`, `search` (the search index), `feeds` (RSS, Atom,
//! JSON Feed, sitemap), `redirects` (the pages that keep insights' old paths
//! working), `editions` (the daily and weekly email editions), `email_text`
//! (bodies as plain text for email) and `wording` (titles and summaries they
//! share). A new output format is a job here and a file beside it. This stage
//! writes nothing: the sink does.

mod context;
mod editions;
mod email_text;
mod feeds;
mod jobs;
mod pagination;
mod pool;
mod redirects;
mod search;
mod values;
mod wording;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use tera::{Context, Value};

use crate::config::Config;
use crate::content::Insight;
use crate::count::Count;
use crate::error::{Diagnostic, Diagnostics};
use crate::fingerprint::hash_of;
use crate::markdown::{self, InternalLink, LinkBase, Rendered};
use crate::memory::Memory;
use crate::progress;
use crate::sink::Sink;
use crate::site::{insight_path, page_path, topic_path, Site};
use crate::theme::Theme;
use context::Fields;
use email_text::EmailText;
use jobs::{site_fingerprint, Job};
use pool::Pool;
use values::Shared;

pub(crate) use editions::Edition;
pub(crate) use search::{SEARCH_CARDS, SEARCH_DIRS, SEARCH_MANIFEST};

/// A site being rendered: its jobs, the values its pages share and its fingerprints.
pub(crate) struct Renderer<'a> {
    pub(crate) site: &'a Site<'a>,
    theme: &'a Theme,
    /// Every page, feed and index to make, in the order they are best run.
    jobs: Vec<Job>,
    /// Body HTML and plain text of each insight (see [`Renderer::body`]).
    bodies: Pool<Arc<Rendered>>,
    /// The internal links of each body once rendered, kept when the body goes:
    /// `check` verifies them after the pages let go of the bodies.
    links: Vec<OnceLock<Vec<InternalLink>>>,
    /// The `site` object of every template. Tera values share their contents
    /// (`Arc`), so each page's context gets it for the cost of a reference count.
    site_value: Value,
    /// Precomputed once, because each is needed on many pages (see [`Shared`]).
    shared: Shared,
    /// The `insight` objects of the pages being rendered (see
    /// [`Renderer::insight_value`]).
    insights: Pool<Value>,
    /// Everything a page can show except insight bodies and ids: config, theme,
    /// every insight's front matter and the site's structure.
    site_fingerprint: u64,
    /// Each insight's body and id, in `site.insights` order.
    body_fingerprints: Vec<u64>,
    /// The key each body is cached under (see [`Memory::body`]): a hash of
    /// everything its rendering reads.
    body_keys: Vec<u64>,
    /// Which issues each site feed document holds (see [`feeds::Archives`]).
    archives: feeds::Archives,
    /// What earlier builds left, and what this one leaves for the next.
    memory: &'a Memory,
    /// Templates that made a page of nothing, with how many such pages: a
    /// warning (a theme's template left empty by mistake).
    blank_pages: Mutex<BTreeMap<String, usize>>,
}

/// The Markdown an insight shows under its title (see
/// [`Insight::shown_body`]), rendered, with its email text made in the same
/// pass; its links' offsets are counted from the top of the whole body, so
/// `check` names their lines in the content file.
fn render_shown_body(insight: &Insight, base: &LinkBase, config: &Config) -> Rendered {
    let shown = insight.shown_body();
    let mut email = EmailText::new(shown, base, &config.origin);
    let mut rendered =
        markdown::render_seeing(shown, base, &config.markdown, &mut |event| email.see(event));
    rendered.email_text = Some(email.finish());
    let start = insight.rest_start.unwrap_or(0);
    for link in &mut rendered.internal_links {
        link.offset += start;
    }
    rendered
}

impl<'a> Renderer<'a> {
    /// A renderer of `site`: its jobs, the keys of its bodies and the `site`
    /// context. No body is rendered yet: each is, when a page first shows it.
    pub(crate) fn new(site: &'a Site<'a>, theme: &'a Theme, memory: &'a Memory) -> Renderer<'a> {
        let config = site.config;
        // The origin, for the email text made with each body.
        let markdown_options = hash_of(&format!(
            "{:?}{}{}",
            config.markdown, config.base_path, config.origin
        ));
        let (body_keys, body_fingerprints): (Vec<u64>, Vec<u64>) = site
            .insights
            .par_iter()
            .map(|insight| {
                // Bodies are the bulk of the site's text: hashed once, for both keys.
                let body_hash = hash_of(&insight.body);
                // What is rendered is the body shown under the title (after the
                // lead sentence when the title is that sentence): where it starts
                // is part of both keys.
                let shown = insight.rest_start;
                let page_path = insight_path(&insight.slug);
                let key = hash_of(&(markdown_options, &page_path, body_hash, shown));
                (key, hash_of(&(body_hash, &insight.id, shown)))
            })
            .unzip();
        memory.expect_bodies(&body_keys);
        let mut renderer = Renderer {
            site,
            theme,
            jobs: Vec::new(),
            bodies: Pool::new(Vec::new()),
            links: site.insights.iter().map(|_| OnceLock::new()).collect(),
            site_value: Value::none(),
            shared: Shared::new(site),
            insights: Pool::new(Vec::new()),
            site_fingerprint: site_fingerprint(site, theme),
            body_fingerprints,
            body_keys,
            archives: feeds::Archives::new(site),
            memory,
            blank_pages: Mutex::default(),
        };
        renderer.jobs = renderer.in_date_order(renderer.jobs());
        let uses = renderer.uses(&renderer.jobs);
        renderer.insights = Pool::new(uses.objects);
        renderer.bodies = Pool::new(uses.bodies);
        renderer.site_value = renderer.site_value();
        renderer
    }

    /// Insight `i`'s body as its pages show it: rendered by the first page
    /// that shows it (unless the memory kept it from an earlier build), shared
    /// by the others, and let go after the last.
    pub(crate) fn body(&self, i: usize) -> Arc<Rendered> {
        self.bodies.take(i, || {
            let body = self.memory.body(self.body_keys[i], || {
                let config = self.site.config;
                let insight = &self.site.insights[i];
                let base = LinkBase {
                    base_path: &config.base_path,
                    page_path: &insight_path(&insight.slug),
                };
                render_shown_body(insight, &base, config)
            });
            self.links[i].get_or_init(|| body.internal_links.clone());
            body
        })
    }

    /// The internal links of insight `i`'s body: kept from its rendering, or
    /// rendered now if no page has shown it.
    pub(crate) fn internal_links(&self, i: usize) -> &[InternalLink] {
        match self.links[i].get() {
            Some(links) => links,
            None => {
                self.body(i);
                self.links[i].get().map_or(&[], Vec::as_slice)
            }
        }
    }

    /// Everything the renderer owns, without its borrows: what is freed on
    /// another thread after a build.
    pub(crate) fn into_owned(self) -> impl Send + 'static {
        let values = (self.site_value, self.shared, self.insights);
        let keys = (self.body_fingerprints, self.body_keys);
        (
            self.jobs,
            (self.bodies, self.links),
            values,
            keys,
            self.archives,
        )
    }

    /// Renders everything into `sink`. All failures are collected, each
    /// reported once; what rendered but looks wrong comes back as warnings.
    pub(crate) fn render_all(
        &self,
        sink: &dyn Sink,
        show_progress: bool,
    ) -> Result<Diagnostics, Diagnostics> {
        self.check_static_files()?;
        self.check_aliases()?;
        let jobs = &self.jobs;
        let progress = progress::bar("rendering", jobs.len() as u64, show_progress);
        let errors: Vec<Diagnostic> = jobs
            .par_iter()
            .filter_map(|&job| {
                let result = self.run_unless_unchanged(job, sink);
                progress.inc(1);
                result.err()
            })
            .collect();
        progress.finish_and_clear();
        self.memory.bodies_complete(&self.body_keys);
        let mut seen = std::collections::HashSet::new();
        let unique = errors
            .into_iter()
            .filter(|d| seen.insert(d.to_string()))
            .collect();
        Diagnostics(unique).sorted().into_result()?;
        Ok(self.blank_page_warnings())
    }

    /// A warning for each template that made pages of nothing.
    fn blank_page_warnings(&self) -> Diagnostics {
        let blank =
            std::mem::take(&mut *self.blank_pages.lock().unwrap_or_else(|e| e.into_inner()));
        let warnings = blank.into_iter().map(|(template, pages)| {
            let d = Diagnostic::warning(format!(
                "template {template} made {}",
                Count(pages, "empty page")
            ))
            .hint("a template left empty, or whose content sits in a block its parent does not show: check that it extends base.html and fills `content`");
            match self.theme.template_origins.get(&template) {
                Some(origin) => d.at(origin.display_path()),
                None => d,
            }
        });
        Diagnostics(warnings.collect())
    }

    fn run(&self, job: Job, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let config = self.site.config;
        match job {
            Job::Index => self.page(sink, "/", "index.html", &self.index_context()),
            Job::Archive(p) => {
                let fields = self.archive_context(p);
                self.page(sink, &page_path("/issues/", p), "issues.html", &fields)?;
                self.first_page_redirect(sink, p, "/issues/", &self.say("all_issues"))
            }
            Job::Issue(n) => self.issue(sink, n),
            Job::Topics => self.page(sink, "/topics/", "topics.html", &self.topics_context()),
            Job::Topic(t, p) => {
                let topic = &config.topics[t];
                let base = topic_path(&topic.slug);
                let fields = self.topic_context(t, p);
                self.page(sink, &page_path(&base, p), "topic.html", &fields)?;
                self.first_page_redirect(sink, p, &base, &topic.name)
            }
            Job::Insight(i) => {
                let path = insight_path(&self.site.insights[i].slug);
                self.page(sink, &path, "insight.html", &self.insight_context(i))
            }
            Job::Redirects(i) => self.redirects(sink, i),
            Job::Search => self.page(
                sink,
                "/search/",
                "search.html",
                &self.simple_context("search", &self.say("search")),
            ),
            Job::NotFound => {
                let html = self.render_bytes(
                    "404.html",
                    &self.simple_context("404", &self.say("not_found")),
                )?;
                sink.put("404.html", html)
            }
            Job::SiteFeeds => put_all(
                sink,
                feeds::site_feeds(
                    self.site,
                    &|i| self.body(i),
                    &self.archives,
                    &self.theme.words,
                ),
            ),
            Job::FeedArchive(m) => put_all(
                sink,
                feeds::archive_feeds(
                    self.site,
                    &|i| self.body(i),
                    &self.archives,
                    &self.theme.words,
                    m,
                ),
            ),
            Job::TopicFeed(t) => put_all(sink, feeds::topic_feeds(self.site, &|i| self.body(i), t)),
            Job::Opml => match feeds::opml(self.site) {
                Some(opml) => sink.put("opml.xml", opml),
                None => Ok(()),
            },
            Job::Subscribe => self.page(
                sink,
                "/subscribe/",
                "subscribe.html",
                &self.subscribe_context(),
            ),
            Job::SearchIndex => self.search_index(sink),
            Job::Sitemap => sink.put("sitemap.xml", feeds::sitemap(config, self.page_paths())),
            Job::Robots => {
                let robots = format!(
                    "User-agent: *\nAllow: /\nSitemap: {}\n",
                    config.permalink("sitemap.xml")
                );
                sink.put("robots.txt", robots.into_bytes())
            }
            Job::HighlightCss => {
                // The names were checked with the config.
                let css =
                    markdown::highlight_css(&config.highlight_theme, &config.highlight_theme_dark)
                        .map_err(|msg| Diagnostic::error(msg).at(&config.path))?;
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
        let html = self.render_bytes(template, fields)?;
        if html.iter().all(u8::is_ascii_whitespace) {
            let mut blank = self.blank_pages.lock().unwrap_or_else(|e| e.into_inner());
            *blank.entry(template.to_string()).or_default() += 1;
        }
        let file = format!("{}index.html", site_path.trim_start_matches('/'));
        sink.put(&file, html)
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

    /// Renders `template` with `site` plus `fields`, as text.
    fn render_page(&self, template: &str, fields: &Fields) -> Result<String, Diagnostic> {
        self.theme.render(template, &self.context(fields))
    }

    /// Renders `template` with `site` plus `fields`, as the bytes of a file.
    fn render_bytes(&self, template: &str, fields: &Fields) -> Result<Vec<u8>, Diagnostic> {
        self.theme.render_bytes(template, &self.context(fields))
    }

    /// The Tera context of `site` plus `fields`.
    fn context(&self, fields: &Fields) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site_value.clone());
        for (key, value) in &fields.0 {
            ctx.insert_value(*key, value.clone());
        }
        ctx
    }
}

/// Hands each of `documents` to `sink`.
fn put_all(sink: &dyn Sink, documents: Vec<feeds::Document>) -> Result<(), Diagnostic> {
    for (path, bytes) in documents {
        sink.put(&path, bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Config;
    use crate::memory::Memory;
    use crate::output::MemoryOutput;

    /// Renders the site at `root` (with JSON Feed on or off) and returns the
    /// insights whose pooled body or object is still alive or was used other
    /// than counted.
    fn unsettled_after_build(root: &Path, json: bool) -> (Vec<usize>, Vec<usize>) {
        let mut config = Config::load(root).unwrap();
        config.feeds.json = json;
        let output = MemoryOutput::default();
        let memory = Memory::nothing();
        let (unsettled, _) = crate::with_renderer(root, &config, false, &memory, |r| {
            r.render_all(&output, false)?;
            Ok((r.bodies.unsettled(), r.insights.unsettled()))
        })
        .unwrap();
        unsettled
    }

    /// Memory at 100k insights depends on it: every body and `insight` object
    /// is made once and let go after its last use, on the sample digest and on
    /// three months of issues with feed archives, with and without JSON Feed's
    /// own archive pages.
    #[test]
    fn every_pooled_value_is_used_as_counted_and_let_go() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for root in [repo.to_path_buf(), repo.join("tests/fixtures/months")] {
            for json in [true, false] {
                let (bodies, objects) = unsettled_after_build(&root, json);
                let site = root.display();
                assert!(bodies.is_empty(), "{site}, json {json}: bodies {bodies:?}");
                assert!(
                    objects.is_empty(),
                    "{site}, json {json}: objects {objects:?}"
                );
            }
        }
    }
}
