//! The site feed's documents and how they chain (RFC 5005, section 4, archived
//! feeds): which issues each holds, and which it links to.
//!
//! - RSS and Atom: every month with an issue, but the newest, has an archive
//!   document (`/feeds/archive/YYYY-MM/rss.xml`, `atom.xml`) holding all of
//!   that month's issues. The newest month is not finished, and RFC 5005 asks
//!   that an archive's entries never change: its issues are in the current
//!   feeds (`/rss.xml`, `/atom.xml`), which hold the newest month whole and at
//!   least the latest `limit` issues. The current feed's `prev-archive` names
//!   the newest archived month; each month names the month before
//!   (`prev-archive`), the month after once it is archived (`next-archive`)
//!   and the current feed (`current`). A month's archive is written when the
//!   next month's first issue comes, and its bytes depend only on its own
//!   issues (no build time, no generator version), so it is not written again
//!   but to gain its `next-archive` link. An archive may repeat entries of the
//!   current feed; readers de-duplicate by id.
//! - JSON Feed pages must be disjoint, so they split differently: the current
//!   `feed.json` holds the latest `limit` issues, and its `next_url` names
//!   `/feeds/archive/recent/feed.json`, the issues of the current feed's oldest
//!   month that it no longer holds (when there are any); that names the newest
//!   month wholly older than the current feed, `/feeds/archive/YYYY-MM/feed.json`,
//!   and each month the one before. A month gets its JSON page once the current
//!   feed has moved past it, and it is never rewritten; the `recent` page
//!   changes as the current feed moves.
//!
//! Following the chain from a current feed reaches every issue; no archive
//! holds an issue another archive holds.

use std::ops::Range;

use chrono::{Datelike as _, NaiveDate};

use super::{issue_item, Bodies, Document, Feed, Format, History};
use crate::config::Config;
use crate::site::Site;
use crate::words::Words;

/// The folder of every archive document.
pub(crate) const ARCHIVE_DIR: &str = "/feeds/archive/";

/// The folder of the JSON Feed page between the current feed and the months.
const RECENT_DIR: &str = "/feeds/archive/recent/";

/// The months of the site's issues and the current feeds' window over them.
#[derive(Debug)]
pub(crate) struct Archives {
    /// Each month with issues, oldest first.
    months: Vec<Month>,
    /// The current JSON Feed holds issues `window_start..`: the latest `limit`.
    window_start: usize,
    /// The current RSS and Atom feeds hold issues `xml_start..`: the newest
    /// month whole, and at least the latest `limit`.
    xml_start: usize,
    /// `months[..json_months]` are wholly older than the current feeds: the
    /// months with a JSON Feed page.
    json_months: usize,
    /// The issues of the `recent` JSON Feed page: the older part of the month
    /// the current feeds reach back into. Empty: no such page.
    recent: Range<usize>,
}

/// One calendar month (of issue days, in the site's time zone) with issues.
#[derive(Debug)]
struct Month {
    /// Its first day.
    first: NaiveDate,
    /// Its issues (indices into `site.issues`, which are oldest first).
    issues: Range<usize>,
}

impl Month {
    fn dir(&self) -> String {
        format!("{ARCHIVE_DIR}{}/", self.first.format("%Y-%m"))
    }
}

impl Archives {
    pub(crate) fn new(site: &Site) -> Archives {
        let mut months: Vec<Month> = Vec::new();
        for (n, issue) in site.issues.iter().enumerate() {
            let first = issue.date.with_day(1).expect("every month has a first day");
            match months.last_mut() {
                Some(month) if month.first == first => month.issues.end = n + 1,
                _ => months.push(Month {
                    first,
                    issues: n..n + 1,
                }),
            }
        }
        let window_start = site.issues.len().saturating_sub(site.config.feeds.limit);
        let xml_start = months
            .last()
            .map_or(window_start, |newest| newest.issues.start.min(window_start));
        let json_months = months
            .iter()
            .take_while(|m| m.issues.end <= window_start)
            .count();
        let recent = months
            .get(json_months)
            .map_or(0..0, |m| m.issues.start..window_start);
        Archives {
            months,
            window_start,
            xml_start,
            json_months,
            recent,
        }
    }

    /// The months with RSS and Atom archive documents: all but the newest.
    fn xml_months(&self) -> usize {
        self.months.len().saturating_sub(1)
    }

    /// How many archive jobs there are: one per month with a document in an
    /// enabled format (in RSS and Atom every month but the newest; in JSON
    /// Feed only those wholly older than the current feed, which the newest
    /// never is).
    pub(crate) fn job_count(&self, config: &Config) -> usize {
        let feeds = &config.feeds;
        if feeds.rss || feeds.atom {
            self.xml_months()
        } else if feeds.json {
            self.json_months
        } else {
            0
        }
    }

    /// The issues the current feeds' job writes: the current documents' in
    /// each enabled format, and the `recent` page's when JSON Feed is on.
    pub(crate) fn current_issues(&self, site: &Site) -> Range<usize> {
        let feeds = &site.config.feeds;
        let xml = (feeds.rss || feeds.atom).then_some(self.xml_start);
        let json = feeds.json.then(|| self.recent.start.min(self.window_start));
        let start = xml
            .into_iter()
            .chain(json)
            .min()
            .unwrap_or(self.window_start);
        start..site.issues.len()
    }

    /// The issues of month `m`'s archive job.
    pub(crate) fn month_issues(&self, m: usize) -> Range<usize> {
        self.months[m].issues.clone()
    }

    /// The folder of the newest JSON Feed month page, if any.
    fn newest_json_month(&self) -> Option<String> {
        self.json_months
            .checked_sub(1)
            .map(|m| self.months[m].dir())
    }
}

/// The current site feeds in every enabled format, and the `recent` JSON Feed
/// page when there is one.
pub(crate) fn site_feeds(
    site: &Site,
    bodies: &Bodies,
    archives: &Archives,
    words: &Words,
) -> Vec<Document> {
    let config = site.config;
    // Newest first: the JSON Feed's window is the start of the RSS and Atom one.
    let feeds = &config.feeds;
    let start = if feeds.rss || feeds.atom {
        archives.xml_start
    } else {
        archives.window_start
    };
    let mut feed = Feed {
        title: config.title.clone(),
        description: &config.description,
        page: "/".to_string(),
        dir: "/".to_string(),
        items: (start..site.issues.len())
            .rev()
            .map(|n| issue_item(site, bodies, words, n))
            .collect(),
        history: History {
            older: archives
                .xml_months()
                .checked_sub(1)
                .map(|m| archives.months[m].dir()),
            ..History::default()
        },
    };
    let mut documents = feed.documents(config, xml_formats(config));
    if !config.feeds.json {
        return documents;
    }
    feed.items
        .truncate(site.issues.len() - archives.window_start);
    let recent = !archives.recent.is_empty();
    feed.history.older = if recent {
        Some(RECENT_DIR.to_string())
    } else {
        archives.newest_json_month()
    };
    documents.extend(feed.documents(config, [Format::Json].into_iter()));
    if recent {
        let page = archive_feed(
            site,
            bodies,
            words,
            words.say("earlier_issues", &[("site", &config.title)]),
            RECENT_DIR.to_string(),
            archives.recent.clone(),
            History {
                archive: true,
                older: archives.newest_json_month(),
                newer: None,
            },
        );
        documents.extend(page.documents(config, [Format::Json].into_iter()));
    }
    documents
}

/// The archive documents of month `m` (of [`Archives`]) in every enabled format.
pub(crate) fn archive_feeds(
    site: &Site,
    bodies: &Bodies,
    archives: &Archives,
    words: &Words,
    m: usize,
) -> Vec<Document> {
    let config = site.config;
    let month = &archives.months[m];
    let feed = archive_feed(
        site,
        bodies,
        words,
        format!("{} — {}", config.title, config.dates.month(month.first)),
        month.dir(),
        month.issues.clone(),
        History {
            archive: true,
            older: m.checked_sub(1).map(|p| archives.months[p].dir()),
            newer: (m + 1 < archives.xml_months()).then(|| archives.months[m + 1].dir()),
        },
    );
    let json = config.feeds.json && m < archives.json_months;
    let formats = xml_formats(config).chain(json.then_some(Format::Json));
    feed.documents(config, formats)
}

/// An archive document of the site feed holding `issues`, newest first.
fn archive_feed<'s>(
    site: &'s Site,
    bodies: &Bodies,
    words: &Words,
    title: String,
    dir: String,
    issues: Range<usize>,
    history: History,
) -> Feed<'s> {
    Feed {
        title,
        description: &site.config.description,
        page: "/".to_string(),
        dir,
        items: issues
            .rev()
            .map(|n| issue_item(site, bodies, words, n))
            .collect(),
        history,
    }
}

/// RSS and Atom, as far as they are on: the formats with RFC 5005 links.
fn xml_formats(config: &Config) -> impl Iterator<Item = Format> + '_ {
    Format::enabled(&config.feeds).filter(|&f| f != Format::Json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Issue;

    /// Archives over issues on `days` (oldest first) with a window of `limit`.
    fn plan(days: &[&str], limit: usize) -> Archives {
        let issues: Vec<Issue> = days
            .iter()
            .enumerate()
            .map(|(n, day)| Issue {
                number: n + 1,
                date: day.parse().unwrap(),
                insights: Vec::new(),
                headline_len: 0,
            })
            .collect();
        let toml = format!("[feeds]\nlimit = {limit}\n");
        let config = Config::parse(&toml, std::path::Path::new("config.toml")).unwrap();
        let site = Site {
            config: &config,
            insights: Vec::new(),
            issues,
            topics: Vec::new(),
            related: Vec::new(),
            issue_of: Vec::new(),
            topics_of: Vec::new(),
            drafts_left_out: Vec::new(),
        };
        Archives::new(&site)
    }

    const DAYS: [&str; 6] = [
        "2026-09-30",
        "2026-10-01",
        "2026-10-15",
        "2026-10-31",
        "2026-11-01",
        "2026-11-02",
    ];

    #[test]
    fn months_group_consecutive_issues() {
        let a = plan(&DAYS, 3);
        let months: Vec<(String, Range<usize>)> = a
            .months
            .iter()
            .map(|m| (m.dir(), m.issues.clone()))
            .collect();
        assert_eq!(
            months,
            [
                ("/feeds/archive/2026-09/".to_string(), 0..1),
                ("/feeds/archive/2026-10/".to_string(), 1..4),
                ("/feeds/archive/2026-11/".to_string(), 4..6),
            ]
        );
    }

    /// RSS and Atom archive finished months only: the current feeds hold the
    /// newest month whole (and at least `limit` issues), so no archive gains
    /// an entry once written.
    #[test]
    fn the_newest_month_is_in_the_current_feed_not_an_archive() {
        let a = plan(&DAYS, 1);
        assert_eq!((a.xml_start, a.xml_months()), (4, 2));
        // A window reaching past the newest month starts where it does.
        let a = plan(&DAYS, 3);
        assert_eq!((a.xml_start, a.xml_months()), (3, 2));
        // One month: no archive at all.
        let a = plan(&DAYS[4..], 1);
        assert_eq!((a.xml_start, a.xml_months()), (0, 0));
    }

    #[test]
    fn json_pages_are_disjoint_from_the_current_feed() {
        // The window holds 2026-10-31 and November: October's older part is
        // the recent page, September a month page.
        let a = plan(&DAYS, 3);
        assert_eq!(a.window_start, 3);
        assert_eq!(a.recent, 1..3);
        assert_eq!(a.json_months, 1);
        // A window starting on a month's first issue: no recent page.
        let a = plan(&DAYS, 2);
        assert_eq!((a.recent.is_empty(), a.json_months), (true, 2));
        // A window holding everything: no JSON archive at all.
        let a = plan(&DAYS, 20);
        assert_eq!((a.recent.is_empty(), a.json_months), (true, 0));
    }
}
