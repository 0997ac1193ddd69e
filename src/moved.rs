//! Published URLs that a build is about to break: an insight whose slug
//! changed since the last build into the same output (its file renamed by
//! hand, or a `slug` key edited), with nothing serving its old path any more.
//! The build still goes ahead (the change may be meant), but says which URL
//! goes and how to keep it; `check` says the same until a build has. `brief
//! rename` adds the alias itself, so it never warns.
//!
//! The record is `slugs` in the output's build cache: one `id<TAB>slug` line
//! per built insight, sorted, rewritten after a committed build that changed
//! it. A missing or unreadable record only means no warning. The site model
//! also reads it (through the build's memory) to name the new slug when a
//! `related` entry names an old one.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::content::Insight;
use crate::error::{Diagnostic, Diagnostics};
use crate::site::insight_path;

const RECORD_FILE: &str = "slugs";

/// What a build learnt from the record: its warnings, and the record to leave
/// for the next build when it differs from the last one.
#[derive(Debug, Default)]
pub(crate) struct Moves {
    pub(crate) warnings: Diagnostics,
    record: Option<String>,
}

impl Moves {
    /// Compares `insights` (a build's) with the record in `cache`.
    pub(crate) fn since_last_build(cache: &Path, insights: &[Insight]) -> Moves {
        let previous = read_record(cache);
        let record = record_of(insights);
        if record == previous {
            return Moves::default();
        }
        let before = parse_record(&previous);
        Moves {
            warnings: moved_without_alias(&before, insights),
            record: Some(record),
        }
    }

    /// Leaves the record for the next build (a new file renamed into place,
    /// so a build killed meanwhile leaves the old record or the new one).
    pub(crate) fn record(&self, cache: &Path) {
        let Some(record) = &self.record else {
            return;
        };
        let temp = cache.join(format!("{RECORD_FILE}.new"));
        let written = std::fs::create_dir_all(cache)
            .and_then(|()| std::fs::write(&temp, record))
            .and_then(|()| std::fs::rename(&temp, cache.join(RECORD_FILE)));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
    }
}

/// The slug each insight (by id) had in the last build into the output whose
/// build cache is `cache`; empty when there is no record.
pub(crate) fn former_slugs(cache: &Path) -> HashMap<String, String> {
    parse_record(&read_record(cache))
        .into_iter()
        .map(|(id, slug)| (id.to_string(), slug.to_string()))
        .collect()
}

fn read_record(cache: &Path) -> String {
    std::fs::read_to_string(cache.join(RECORD_FILE)).unwrap_or_default()
}

/// id → slug, from the record's lines.
fn parse_record(record: &str) -> HashMap<&str, &str> {
    record
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .collect()
}

/// The `id<TAB>slug` lines of `insights`, sorted.
fn record_of(insights: &[Insight]) -> String {
    let mut pairs: Vec<(&str, &str)> = insights
        .iter()
        .map(|i| (i.id.as_str(), i.slug.as_str()))
        .collect();
    pairs.sort_unstable();
    let mut text = String::with_capacity(pairs.len() * 64);
    for (id, slug) in pairs {
        text.push_str(id);
        text.push('\t');
        text.push_str(slug);
        text.push('\n');
    }
    text
}

/// A warning for each of `insights` whose slug differs from the one `before`
/// holds for its id, unless its old path is still served: by an alias (of
/// any insight) or by an insight that now has the old slug.
fn moved_without_alias(before: &HashMap<&str, &str>, insights: &[Insight]) -> Diagnostics {
    let mut warnings = Diagnostics::default();
    let moved: Vec<(&Insight, &str)> = insights
        .iter()
        .filter_map(|i| {
            let old = *before.get(i.id.as_str())?;
            (old != i.slug).then_some((i, old))
        })
        .collect();
    if moved.is_empty() {
        return warnings;
    }
    let served: HashSet<String> = insights
        .iter()
        .flat_map(|i| {
            let aliases = i
                .aliases
                .iter()
                .map(|a| a.trim_end_matches('/').to_string());
            aliases.chain([insight_path(&i.slug).trim_end_matches('/').to_string()])
        })
        .collect();
    for (insight, old) in moved {
        let old_path = insight_path(old);
        if served.contains(old_path.trim_end_matches('/')) {
            continue;
        }
        warnings.push(
            Diagnostic::warning(format!(
                "this insight was at {old_path} in the last build and is now at {}: \
                 links to its old URL will break",
                insight_path(&insight.slug)
            ))
            .at(&insight.path)
            .line(insight.key_lines.slug)
            .hint(format!(
                "add `aliases = [\"{old_path}\"]` to keep the old URL as a redirect \
                 (`brief rename` does that for you)"
            )),
        );
    }
    warnings
}
