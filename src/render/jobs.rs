//! Render jobs and their fingerprints. Every page, feed and index is a [`Job`];
//! a job's fingerprint hashes everything its output shows (the site fingerprint:
//! config, theme, every insight's front matter and the site's structure; plus the
//! bodies it shows), so when the build's memory holds a job's files from a run
//! with the same fingerprint, the sink keeps them instead of the job rendering
//! again (`serve` and incremental builds). Jobs are ordered so that pooled values are
//! used up soon after they are built.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Mutex;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::pagination::{page_count, page_slice};
use super::{feeds, Renderer};
use crate::content::Insight;
use crate::error::Diagnostic;
use crate::fingerprint::{self, hash_of};
use crate::sink::Sink;
use crate::site::{insight_path, page_path, topic_path, Site};
use crate::theme::Theme;

/// How many times the jobs use each insight's pooled values (see [`Renderer::uses`]).
pub(super) struct Uses {
    pub(super) objects: Vec<usize>,
    pub(super) bodies: Vec<usize>,
}

/// One unit of parallel work: a page or a generated file.
#[derive(Debug, Clone, Copy)]
pub(super) enum Job {
    Index,
    Archive(usize),
    /// An issue's page and its email edition (`email.html`, `email.txt`).
    Issue(usize),
    Topics,
    Topic(usize, usize),
    Insight(usize),
    /// The redirect pages of an insight's `aliases`.
    Redirects(usize),
    Search,
    NotFound,
    /// The current site feeds (and the JSON Feed page after them).
    SiteFeeds,
    /// A month's archive documents of the site feed (see `feeds::Archives`).
    FeedArchive(usize),
    /// A topic's feeds in every format.
    TopicFeed(usize),
    Opml,
    Subscribe,
    SearchIndex,
    Sitemap,
    Robots,
    HighlightCss,
    Static,
}

impl Renderer<'_> {
    pub(super) fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let paginate = site.config.paginate;
        let mut jobs = vec![
            Job::Index,
            Job::Topics,
            Job::Search,
            Job::NotFound,
            Job::SiteFeeds,
            Job::SearchIndex,
            Job::Opml,
            Job::Subscribe,
        ];
        jobs.extend((0..self.archives.job_count(site.config)).map(Job::FeedArchive));
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
        jobs.extend(
            (0..site.insights.len())
                .filter(|&i| !site.insights[i].aliases.is_empty())
                .map(Job::Redirects),
        );
        jobs
    }

    /// `jobs` in the order they are best run: pages and feed documents newest
    /// first, each where its newest insight is, so that each insight's pooled
    /// body and `insight` object (see [`Pool`](super::pool::Pool)) are used
    /// up soon after they are made. Each thread takes a contiguous run of the
    /// list, so only the values of a few weeks of insights are alive at a
    /// time. The other jobs go first.
    pub(super) fn in_date_order(&self, jobs: Vec<Job>) -> Vec<Job> {
        let newest = |job: Job| match job {
            // The search index reads every insight's Markdown, not the pools:
            // it goes first with the other undated jobs, the longest of them.
            Job::SearchIndex => None,
            _ => self.body_inputs(job).into_iter().min(),
        };
        // One stable sort: `None` sorts first, so the undated jobs keep their
        // order ahead of the dated ones, and an issue, then a topic page, come
        // before the page of their newest insight.
        let mut keyed: Vec<(Option<usize>, Job)> =
            jobs.into_iter().map(|job| (newest(job), job)).collect();
        keyed.sort_by_key(|&(newest, _)| newest);
        keyed.into_iter().map(|(_, job)| job).collect()
    }

    /// How often `jobs` take each insight's `insight` object and its body
    /// from their pools: an object once for each page that shows the insight,
    /// a body once for its object and once for each feed job that holds it
    /// (search reads the Markdown, not the body).
    pub(super) fn uses(&self, jobs: &[Job]) -> Uses {
        let count = self.site.insights.len();
        let (mut objects, mut feeds) = (vec![0; count], vec![0; count]);
        for &job in jobs {
            let uses = match job {
                Job::Index | Job::Issue(_) | Job::Topic(..) | Job::Insight(_) => &mut objects,
                Job::SiteFeeds | Job::FeedArchive(_) | Job::TopicFeed(_) => &mut feeds,
                _ => continue,
            };
            for i in self.body_inputs(job) {
                uses[i] += 1;
            }
        }
        let bodies = objects
            .iter()
            .zip(feeds)
            .map(|(&pages, feeds)| usize::from(pages > 0) + feeds)
            .collect();
        Uses { objects, bodies }
    }

    /// Every HTML page's site path and last-modified day, for the sitemap:
    /// made one at a time, as it is written (at 100k insights, the list of
    /// them all was 12 MB, held while the search index was at its largest).
    pub(super) fn page_paths(&self) -> impl Iterator<Item = (String, Option<NaiveDate>)> + '_ {
        self.jobs().into_iter().filter_map(move |job| {
            Some(match job {
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
                Job::Subscribe => ("/subscribe/".to_string(), None),
                _ => return None,
            })
        })
    }

    /// Runs `job` unless the memory holds its files from a run with the same
    /// inputs (see [`Memory::reuse`](crate::memory::Memory::reuse)); tells it
    /// what the job wrote, for the next build.
    pub(super) fn run_unless_unchanged(&self, job: Job, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let key = format!("{job:?}");
        let fingerprint = self.fingerprint(job);
        if self.memory.reuse(&key, fingerprint, sink) {
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
        self.memory.rendered(&key, fingerprint, paths);
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
            Job::SiteFeeds => self.issue_insights(self.archives.current_issues(site)),
            Job::FeedArchive(m) => self.issue_insights(self.archives.month_issues(m)),
            Job::TopicFeed(t) => feeds::topic_feed_insights(site, t).to_vec(),
            Job::SearchIndex => (0..site.insights.len()).collect(),
            // A redirect shows the title and slug: in the site fingerprint.
            Job::Archive(_)
            | Job::Redirects(_)
            | Job::Topics
            | Job::Search
            | Job::Subscribe
            | Job::Opml
            | Job::NotFound
            | Job::Sitemap
            | Job::Robots
            | Job::HighlightCss
            | Job::Static => Vec::new(),
        }
    }

    /// The insights of `issues`.
    fn issue_insights(&self, issues: Range<usize>) -> Vec<usize> {
        self.site.issues[issues]
            .iter()
            .flat_map(|issue| issue.insights.iter().copied())
            .collect()
    }
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

    fn keep(&self, paths: &[String]) -> bool {
        let kept = self.sink.keep(paths);
        if kept {
            let mut noted = self.paths.lock().unwrap_or_else(|e| e.into_inner());
            noted.extend(paths.iter().cloned());
        }
        kept
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
pub(super) fn site_fingerprint(site: &Site, theme: &Theme) -> u64 {
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
        // Where the shown body starts: in the body fingerprint, as it depends
        // on the body.
        rest_start: _,
        slug,
        title,
        date,
        day,
        topics,
        sources,
        related,
        weight,
        draft,
        aliases,
        path,
    } = insight;
    hash_of(&(
        slug, title, date, day, topics, sources, related, weight, draft, aliases, path,
    ))
}
