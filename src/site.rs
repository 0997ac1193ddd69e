//! Pure site model: checked insights + config → daily issues, topic groups and the
//! related graph. No IO and no HTML; every list here is computed once so rendering
//! never re-sorts or clones the site per page.

use std::cmp::{Ordering, Reverse};
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate};
use rayon::slice::ParallelSliceMut;

use crate::config::Config;
use crate::content::Insight;
use crate::error::{shown_path, Diagnostic, Diagnostics};

/// One day's insights, ranked: `insights[..headline_len]` are the headline.
#[derive(Debug, Clone)]
pub(crate) struct Issue {
    /// 1 for the oldest issue.
    pub(crate) number: usize,
    pub(crate) date: NaiveDate,
    pub(crate) insights: Vec<usize>,
    pub(crate) headline_len: usize,
}

impl Issue {
    pub(crate) fn headline(&self) -> &[usize] {
        &self.insights[..self.headline_len]
    }

    pub(crate) fn rest(&self) -> &[usize] {
        &self.insights[self.headline_len..]
    }

    pub(crate) fn path(&self) -> String {
        format!("/issues/{}/", self.date)
    }
}

/// A configured topic and its insights, newest first.
#[derive(Debug, Clone)]
pub(crate) struct TopicGroup {
    /// Index into `config.topics`.
    pub(crate) topic: usize,
    pub(crate) insights: Vec<usize>,
}

#[derive(Debug)]
pub(crate) struct Site<'a> {
    pub(crate) config: &'a Config,
    /// Newest first (date, then slug): the order of every insight list.
    pub(crate) insights: Vec<Insight>,
    /// Oldest first, so `issues[n - 1]` is issue #n.
    pub(crate) issues: Vec<Issue>,
    /// In config order, one per configured topic (possibly empty).
    pub(crate) topics: Vec<TopicGroup>,
    /// For each insight: related insights in both directions, deduplicated.
    pub(crate) related: Vec<Vec<usize>>,
    /// For each insight: the index of its issue.
    pub(crate) issue_of: Vec<usize>,
    /// For each insight: the indices of its topics in `config.topics`.
    pub(crate) topics_of: Vec<Vec<usize>>,
    /// The slugs of the drafts this build leaves out (built only with
    /// `--drafts`): a link to one of their pages is broken until it is published.
    pub(crate) drafts_left_out: Vec<String>,
}

impl<'a> Site<'a> {
    /// Everything the site owns, without its borrow of the config: what
    /// is freed on another thread after a build.
    pub(crate) fn into_owned(self) -> impl Send + 'static {
        let owned = (self.insights, self.issues, self.topics, self.related);
        (owned, self.issue_of, self.topics_of)
    }

    /// [`Site::after`] a build that left no record: the tests' site.
    #[cfg(test)]
    pub(crate) fn new(config: &'a Config, insights: Vec<Insight>) -> Result<Site<'a>, Diagnostics> {
        Site::after(config, insights, &HashMap::new)
    }

    /// Groups insights into issues and topics and resolves `related` slugs. Errors:
    /// duplicate slugs or ids, and `related` slugs that name no insight; for one
    /// naming an insight's old slug, `former_slugs` (id → slug in the last
    /// build, asked only then) tells what the insight is called now.
    pub(crate) fn after(
        config: &'a Config,
        insights: Vec<Insight>,
        former_slugs: &dyn Fn() -> HashMap<String, String>,
    ) -> Result<Site<'a>, Diagnostics> {
        let insights = newest_first(insights);
        let mut errors = Diagnostics::default();
        let related = links_between(&insights, &HashSet::new(), former_slugs, &mut errors);
        errors.into_result()?;

        let issues = group_issues(&insights, config.issue_size);
        let mut issue_of = vec![0; insights.len()];
        for (n, issue) in issues.iter().enumerate() {
            for &i in &issue.insights {
                issue_of[i] = n;
            }
        }
        let topic_index: HashMap<&str, usize> = config
            .topics
            .iter()
            .enumerate()
            .map(|(n, t)| (t.slug.as_str(), n))
            .collect();
        let topics_of: Vec<Vec<usize>> = insights
            .iter()
            .map(|i| {
                let mut ts: Vec<usize> = i
                    .topics
                    .iter()
                    .filter_map(|t| topic_index.get(t.as_str()).copied())
                    .collect();
                ts.dedup();
                ts
            })
            .collect();
        let mut topics: Vec<TopicGroup> = (0..config.topics.len())
            .map(|topic| TopicGroup {
                topic,
                insights: Vec::new(),
            })
            .collect();
        // `insights` is newest first, so each topic's list comes out newest first.
        for (i, ts) in topics_of.iter().enumerate() {
            for &t in ts {
                topics[t].insights.push(i);
            }
        }
        Ok(Site {
            config,
            insights,
            issues,
            topics,
            related,
            issue_of,
            topics_of,
            drafts_left_out: Vec::new(),
        })
    }

    pub(crate) fn latest_issue(&self) -> Option<&Issue> {
        self.issues.last()
    }

    /// Topics that have at least one insight, in config order.
    pub(crate) fn used_topics(&self) -> impl Iterator<Item = &TopicGroup> {
        self.topics.iter().filter(|t| !t.insights.is_empty())
    }
}

/// The site path of an insight's page.
pub(crate) fn insight_path(slug: &str) -> String {
    format!("/insights/{slug}/")
}

pub(crate) fn topic_path(slug: &str) -> String {
    format!("/topics/{slug}/")
}

/// The path of page `n` (1-based) of a paginated list rooted at `base`.
pub(crate) fn page_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// `insights` newest first, and insights of the same time in their issue's
/// order ([`rank`]): topic pages and feeds list a day's insights as its issue
/// does, and a rename (which changes only the slug) moves none of them, nor
/// which of them a topic feed's window holds. Sorted as compact keys, then
/// moved once: comparing the insights themselves chased two pointers per
/// comparison and moved a few hundred bytes per step, a tenth of a second at
/// 100k.
fn newest_first(insights: Vec<Insight>) -> Vec<Insight> {
    let mut keys: Vec<(Reverse<DateTime<FixedOffset>>, RankKey, usize)> = insights
        .iter()
        .enumerate()
        .map(|(n, insight)| (Reverse(insight.date), rank_key(insight), n))
        .collect();
    // The index breaks ties, so the unstable sort keeps the order the files came in.
    keys.par_sort_unstable();
    let order: Vec<usize> = keys.into_iter().map(|(_, _, n)| n).collect();
    let mut insights = insights;
    crate::arrange::by_order(&mut insights, &order);
    insights
}

/// What [`rank`] orders by, as a key: heavier first, then seen in more
/// sources, then by title, then by id (which a rename does not change, as it
/// does the slug).
type RankKey<'a> = (Reverse<i64>, Reverse<usize>, &'a str, &'a str);

fn rank_key(insight: &Insight) -> RankKey<'_> {
    (
        Reverse(insight.weight),
        Reverse(insight.sources.len()),
        &insight.title,
        &insight.id,
    )
}

/// Issue ranking (see [`rank_key`]).
pub(crate) fn rank(a: &Insight, b: &Insight) -> Ordering {
    rank_key(a).cmp(&rank_key(b))
}

fn group_issues(insights: &[Insight], issue_size: usize) -> Vec<Issue> {
    let mut by_day: HashMap<NaiveDate, Vec<usize>> = HashMap::new();
    for (i, insight) in insights.iter().enumerate() {
        by_day.entry(insight.day).or_default().push(i);
    }
    let mut days: Vec<NaiveDate> = by_day.keys().copied().collect();
    days.sort();
    days.into_iter()
        .enumerate()
        .map(|(n, date)| {
            let mut members = by_day.remove(&date).unwrap_or_default();
            members.sort_by(|&a, &b| rank(&insights[a], &insights[b]));
            Issue {
                number: n + 1,
                date,
                headline_len: members.len().min(issue_size),
                insights: members,
            }
        })
        .collect()
}

/// Indexes `insights` by `key`; each insight whose key an earlier one already
/// has is reported by `duplicate(first, second)`, files in path order.
fn index_unique<'i>(
    insights: &'i [Insight],
    key: impl Fn(&'i Insight) -> &'i String,
    duplicate: fn(&Insight, &Insight) -> Diagnostic,
    errors: &mut Diagnostics,
) -> HashMap<&'i str, usize> {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(insights.len());
    for (i, insight) in insights.iter().enumerate() {
        if let Some(&first) = index.get(key(insight).as_str()) {
            let other = &insights[first];
            let (a, b) = if other.path <= insight.path {
                (other, insight)
            } else {
                (insight, other)
            };
            errors.push(duplicate(a, b));
        } else {
            index.insert(key(insight), i);
        }
    }
    index
}

fn duplicate_slug(a: &Insight, b: &Insight) -> Diagnostic {
    Diagnostic::error(format!(
        "duplicate slug {:?}: also used by {}",
        b.slug,
        shown_path(&a.path)
    ))
    .at(&b.path)
    .line(b.key_lines.slug)
    .hint("give one of the two files a different `slug` (or file name)")
}

/// Points at an `id` key only where one is written: without one, the id is
/// derived from the body, and the two files hold the same text.
fn duplicate_id(a: &Insight, b: &Insight) -> Diagnostic {
    if let Some(d) = interrupted_rename(a, b).or_else(|| interrupted_rename(b, a)) {
        return d;
    }
    let (at, other, hint) = match (a.key_lines.id, b.key_lines.id) {
        (None, None) => (
            b,
            a,
            "neither file has an `id` key, so both ids come from the text, which is the same: \
             keep one of the two files (merge their `sources`), or change the text of one"
                .to_string(),
        ),
        (Some(_), None) => (a, b, "change the `id` in this file".to_string()),
        (None, Some(_)) => (b, a, "change the `id` in this file".to_string()),
        (Some(_), Some(_)) => (b, a, "change the `id` in one of the two files".to_string()),
    };
    Diagnostic::error(format!(
        "duplicate id {:?}: also used by {}",
        at.id,
        shown_path(&other.path)
    ))
    .at(&at.path)
    .line(at.key_lines.id.unwrap_or(at.key_lines.body))
    .hint(hint)
}

/// The two files of one insight that `brief rename` left when it was
/// stopped before its last step: `new` has `old`'s page among its aliases.
/// Changing either id (the usual hint) would make one insight two.
fn interrupted_rename(old: &Insight, new: &Insight) -> Option<Diagnostic> {
    let old_path = crate::rename::alias_of(&old.slug);
    if !new.aliases.contains(&old_path) {
        return None;
    }
    // Edited since, finishing would delete the edit: `rename` refuses it.
    let (state, hint) = match old.same_but_for_a_rename(new) {
        true => (
            "stopped before it removed this file",
            format!(
                "finish it: run `brief rename {} {}` again (it rewrites the `related` lists left and removes this file)",
                old.slug, new.slug
            ),
        ),
        false => (
            "stopped, and this file was edited since",
            "keep one: copy what you changed here into the other file, then delete this one"
                .to_string(),
        ),
    };
    Some(
        Diagnostic::error(format!(
            "duplicate id {:?}: this is {}, renamed to {} by a `brief rename` that was {state}",
            old.id,
            old.slug,
            shown_path(&new.path)
        ))
        .at(&old.path)
        .line(old.key_lines.id.unwrap_or(old.key_lines.body))
        .hint(hint),
    )
}

/// The mistakes between `insights`, the files that parsed in a run where
/// others did not (see `content::load_what_parses`): two files with one slug
/// or id, a `related` naming no insight. A `related` naming one of the files
/// that did not parse (`unreadable`, by file name) is not one.
pub(crate) fn mistakes_between(insights: &[Insight], unreadable: &HashSet<String>) -> Diagnostics {
    let mut errors = Diagnostics::default();
    links_between(insights, unreadable, &HashMap::new, &mut errors);
    errors
}

/// Each insight's related insights, once slugs and ids are checked to be
/// unique (see [`resolve_related`] for `unreadable` and `former_slugs`).
fn links_between(
    insights: &[Insight],
    unreadable: &HashSet<String>,
    former_slugs: &dyn Fn() -> HashMap<String, String>,
    errors: &mut Diagnostics,
) -> Vec<Vec<usize>> {
    let by_slug = index_unique(insights, |i| &i.slug, duplicate_slug, errors);
    index_unique(insights, |i| &i.id, duplicate_id, errors);
    resolve_related(insights, &by_slug, unreadable, former_slugs, errors)
}

/// Each insight's related insights, both ways; a slug in `unreadable` is
/// passed over, any other that names no insight is an error.
fn resolve_related(
    insights: &[Insight],
    by_slug: &HashMap<&str, usize>,
    unreadable: &HashSet<String>,
    former_slugs: &dyn Fn() -> HashMap<String, String>,
    errors: &mut Diagnostics,
) -> Vec<Vec<usize>> {
    let mut related: Vec<Vec<usize>> = vec![Vec::new(); insights.len()];
    let mut renamed = None;
    for (i, insight) in insights.iter().enumerate() {
        for slug in &insight.related {
            match by_slug.get(slug.as_str()) {
                Some(&j) if j != i => {
                    related[i].push(j);
                    related[j].push(i);
                }
                Some(_) => {}
                None if unreadable.contains(slug) => {}
                None => {
                    let renamed =
                        renamed.get_or_insert_with(|| renamed_slugs(insights, former_slugs()));
                    errors.push(unknown_related(insight, slug, by_slug, renamed));
                }
            }
        }
    }
    for (i, list) in related.iter_mut().enumerate() {
        // Newest first like every other list; stable across runs.
        list.sort_unstable();
        list.dedup();
        list.retain(|&j| j != i);
    }
    related
}

/// The error for `related` entry `slug` of `insight`, which names no insight:
/// with the slug's new name when the insight was renamed since the last build
/// (`renamed`: old slug → new), else the closest slug by spelling.
fn unknown_related(
    insight: &Insight,
    slug: &str,
    by_slug: &HashMap<&str, usize>,
    renamed: &HashMap<String, String>,
) -> Diagnostic {
    let d = Diagnostic::error(format!(
        "`related` names {slug:?}, which is no insight's slug"
    ))
    .at(&insight.path)
    .line(insight.key_lines.related);
    if let Some(new) = renamed.get(slug) {
        return d.hint(format!(
            "that insight is {new:?} since the last build (its file or `slug` changed): \
             write {new:?} here (`brief rename` updates every `related` for you)"
        ));
    }
    match crate::hints::closest(slug, by_slug.keys().copied()) {
        Some(best) => d.hint(format!("did you mean {best:?}?")),
        None => d,
    }
}

/// Old slug → new slug of each of `insights` whose slug differs from the one
/// `former` (id → slug in the last build) holds, unless another insight now
/// has the old slug.
fn renamed_slugs(insights: &[Insight], former: HashMap<String, String>) -> HashMap<String, String> {
    let current: HashSet<&str> = insights.iter().map(|i| i.slug.as_str()).collect();
    insights
        .iter()
        .filter_map(|i| {
            let old = former.get(&i.id)?;
            (*old != i.slug && !current.contains(old.as_str()))
                .then(|| (old.clone(), i.slug.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::parse_insight;
    use std::path::Path;

    fn config() -> Config {
        Config::parse(
            "issue_size = 2\n[[topics]]\nslug = \"chips\"\nname = \"Chips\"\n[[topics]]\nslug = \"energy\"\nname = \"Energy\"\n",
            Path::new("config.toml"),
        )
        .unwrap()
    }

    fn insight(config: &Config, slug: &str, date: &str, extra: &str) -> Insight {
        let text =
            format!("+++\ntitle = \"{slug}\"\ndate = {date}\n{extra}\n+++\nBody of {slug}\n");
        parse_insight(
            &text,
            Path::new(&format!("content/insights/{slug}.md")),
            config,
        )
        .unwrap()
    }

    #[test]
    fn groups_by_day_ranks_and_numbers_from_oldest() {
        let c = config();
        let site = Site::new(
            &c,
            vec![
                insight(&c, "a", "2026-11-18", ""),
                insight(&c, "b", "2026-11-19", "sources = [\"1\", \"2\"]"),
                insight(&c, "c", "2026-11-19", "weight = 5"),
                insight(&c, "d", "2026-11-19", ""),
            ],
        )
        .unwrap();
        assert_eq!(site.issues.len(), 2);
        assert_eq!(site.issues[0].number, 1);
        let latest = site.latest_issue().unwrap();
        let slugs: Vec<&str> = latest
            .insights
            .iter()
            .map(|&i| site.insights[i].slug.as_str())
            .collect();
        assert_eq!(slugs, ["c", "b", "d"]);
        assert_eq!(latest.headline().len(), 2);
        assert_eq!(latest.rest().len(), 1, "the rest of the day is kept");
    }

    #[test]
    fn related_goes_both_ways_and_topics_are_newest_first() {
        let c = config();
        let site = Site::new(
            &c,
            vec![
                insight(
                    &c,
                    "a",
                    "2026-11-18",
                    "topics = [\"chips\"]\nrelated = [\"b\"]",
                ),
                insight(&c, "b", "2026-11-19", "topics = [\"chips\"]"),
            ],
        )
        .unwrap();
        let b = site.insights.iter().position(|i| i.slug == "b").unwrap();
        let a = site.insights.iter().position(|i| i.slug == "a").unwrap();
        assert_eq!(site.related[b], vec![a]);
        assert_eq!(site.related[a], vec![b]);
        assert_eq!(site.topics[0].insights, vec![b, a]);
        assert_eq!(site.used_topics().count(), 1);
    }

    #[test]
    fn reports_dangling_related_and_duplicate_slugs() {
        let c = config();
        let mut dup = insight(&c, "a", "2026-11-19", "");
        dup.path = "content/insights/z.md".into();
        dup.id = "other".into();
        let err = Site::new(
            &c,
            vec![insight(&c, "a", "2026-11-18", "related = [\"nope\"]"), dup],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("which is no insight's slug"), "{err}");
        assert!(
            err.contains("content/insights/z.md:2: error: duplicate slug \"a\""),
            "{err}"
        );
    }
}
