//! Which number each insight has in the search index, and which file holds the
//! card a result shows (title, slug, day, topics and snippet text). Results rank
//! newest first among equals, and a query's first results are mostly recent, so
//! cards are grouped by date: a chunk is a span of days, and a first query needs
//! one or two of them.
//!
//! Both the numbers and the chunks stay put when the site changes elsewhere, so
//! that an edit rewrites only the files it changes:
//! - an insight's key is its day (counted from a fixed epoch) times `S`, plus
//!   its place among that day's insights (`S`: the largest day's count rounded
//!   up to a power of two). Adding or removing an insight renumbers only its
//!   own day; editing one renumbers nothing;
//! - a chunk is a calendar-aligned span of 2^k days, `k` chosen from the site's
//!   density so that a chunk holds about [`CHUNK_DOCS`] insights. Adding an
//!   insight changes its own chunk; a span with more than twice that many
//!   insights (a bulk import on one day) is cut into equal parts.
//!
//! Both `S` and `k` depend on the whole site, but only through powers of two:
//! they change (and every file with them) when the busiest day outgrows a power
//! of two or the site's density doubles or halves.

use std::ops::Range;

use chrono::Datelike;

use crate::site::Site;

/// Insights a chunk of cards holds on average (between half and all of it).
const CHUNK_DOCS: usize = 256;

pub(super) struct Docs {
    /// Per insight, in site order (newest first): its key. Keys fall as the
    /// site order goes on, so a larger key is a newer insight.
    pub(super) keys: Vec<i64>,
    /// The chunks, oldest first: each a run of site indices (newest first).
    pub(super) chunks: Vec<Range<usize>>,
}

impl Docs {
    pub(super) fn new(site: &Site) -> Docs {
        let days: Vec<i64> = site
            .insights
            .iter()
            .map(|insight| i64::from(insight.day.num_days_from_ce()))
            .collect();
        let runs = runs_of(&days, |d| d);
        let slots = runs.iter().map(ExactSizeIterator::len).max().unwrap_or(1);
        let per_day = slots.next_power_of_two() as i64;
        let mut keys = vec![0; days.len()];
        for run in &runs {
            // Site order is newest first: the last of a day is its slot 0.
            for (slot, i) in run.clone().rev().enumerate() {
                keys[i] = days[i] * per_day + slot as i64;
            }
        }
        let shift = span_shift(&days);
        let mut chunks: Vec<Range<usize>> = runs_of(&days, |d| d >> shift)
            .into_iter()
            .flat_map(equal_parts)
            .collect();
        chunks.reverse();
        Docs { keys, chunks }
    }
}

/// The runs of consecutive indices of `days` with the same `key(day)`.
fn runs_of(days: &[i64], key: impl Fn(i64) -> i64) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=days.len() {
        if i == days.len() || key(days[i]) != key(days[start]) {
            runs.push(start..i);
            start = i;
        }
    }
    runs
}

/// `k` of a chunk's span of 2^k days: the largest with at most [`CHUNK_DOCS`]
/// insights in a span on average (`days` newest first).
fn span_shift(days: &[i64]) -> u32 {
    let (Some(&newest), Some(&oldest)) = (days.first(), days.last()) else {
        return 0;
    };
    let span = (newest - oldest + 1) as f64;
    let days_per_chunk = CHUNK_DOCS as f64 * span / days.len() as f64;
    days_per_chunk.log2().floor().clamp(0.0, 30.0) as u32
}

/// `run` as is, or cut into equal parts of about [`CHUNK_DOCS`] when it holds
/// more than twice that.
fn equal_parts(run: Range<usize>) -> Vec<Range<usize>> {
    if run.len() <= 2 * CHUNK_DOCS {
        return vec![run];
    }
    let parts = run.len().div_ceil(CHUNK_DOCS);
    (0..parts)
        .map(|p| run.start + run.len() * p / parts..run.start + run.len() * (p + 1) / parts)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_group_equal_days() {
        assert_eq!(runs_of(&[9, 9, 8, 5, 5], |d| d), [0..2, 2..3, 3..5]);
        assert_eq!(runs_of(&[], |d| d), Vec::<Range<usize>>::new());
    }

    #[test]
    fn a_span_holds_about_a_chunk_of_insights() {
        // Five insights a day for 1,000 days: 2^5 = 32 days hold 160.
        let days: Vec<i64> = (0..5000).map(|n| 1000 - n / 5).collect();
        assert_eq!(span_shift(&days), 5);
        // All on one day: spans of one day, cut into parts.
        assert_eq!(span_shift(&[7; 1000]), 0);
    }

    #[test]
    fn big_runs_are_cut_into_equal_parts() {
        assert_eq!(equal_parts(3..40), vec![3..40]);
        let parts = equal_parts(0..1000);
        assert_eq!(parts.len(), 4);
        assert!(parts.iter().all(|p| p.len() == 250));
        assert_eq!(parts.last().unwrap().end, 1000);
    }
}
