//! The inverted index: each word → the insights that use it, split into those
//! with the word in their title and the rest. A word's list is stored twice
//! when it is long: its first [`HEAD`] insights (title matches first, newest
//! first: the order results rank in) beside the word, enough for a one-word
//! query's first results; and the whole list in a file of long lists that a
//! query loads only to intersect words or to page past the head. A common word
//! (50,000 insights at 100k) thus costs a first query a few hundred bytes.
//!
//! Lists hold the insights' keys ([`super::docs`]), ascending and
//! delta-encoded: each number is the difference from the one before. Words
//! sort by UTF-16 code units, the order JavaScript compares strings in, so the
//! script finds a word's file by the same comparison.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use ahash::AHashMap;

use super::words::{each_word, join_abbreviations};

/// Insights kept beside a word: at least the results a reader pages through
/// before refining the query (the script shows ten at a time).
pub(super) const HEAD: usize = 100;

/// What search indexes of one insight.
pub(super) struct Indexed<'a> {
    pub(super) title: &'a str,
    pub(super) text: &'a str,
    pub(super) topics: Vec<&'a str>,
}

/// A word and its insights: site indices (newest first) shifted left one bit,
/// the low bit set when the word is in the title.
pub(super) struct Term {
    pub(super) word: Box<str>,
    hits: Vec<u32>,
}

/// The words of a run of consecutive insights, sorted (see the module docs),
/// stop words included: each with its hits counted from the run's first
/// insight, so a run's words stay valid wherever the run moves in the site.
/// The index is the [`merge`] of its runs' words: an edit collects one run
/// again, not the whole site. Packed, every word's text in one string and
/// every list in one array: the runs are all held until they are merged (at
/// 100k insights, while the build's memory is at its peak), and a word and a
/// list apiece cost two allocations and 40 bytes of handles for a few bytes
/// of text and a hit or two.
pub(super) struct Words {
    text: String,
    hits: Vec<u32>,
    /// Per word, in order: where its text and its hits end.
    ends: Vec<(u32, u32)>,
}

impl Words {
    /// `terms`, in their order, packed.
    fn packed(terms: &[Term]) -> Words {
        let mut words = Words {
            text: String::with_capacity(terms.iter().map(|t| t.word.len()).sum()),
            hits: Vec::with_capacity(terms.iter().map(|t| t.hits.len()).sum()),
            ends: Vec::with_capacity(terms.len()),
        };
        for term in terms {
            words.text.push_str(&term.word);
            words.hits.extend_from_slice(&term.hits);
            let end = |len: usize| u32::try_from(len).expect("a run's words fit in 4 GB");
            words
                .ends
                .push((end(words.text.len()), end(words.hits.len())));
        }
        words
    }

    /// Word `n` and its hits.
    fn get(&self, n: usize) -> Option<(&str, &[u32])> {
        let (text_end, hits_end) = *self.ends.get(n)?;
        let (text_start, hits_start) = n.checked_sub(1).map_or((0, 0), |before| self.ends[before]);
        Some((
            &self.text[text_start as usize..text_end as usize],
            &self.hits[hits_start as usize..hits_end as usize],
        ))
    }
}

/// The [`Words`] of `count` insights.
pub(super) fn collect<'a>(count: usize, indexed: impl Fn(usize) -> Indexed<'a>) -> Words {
    // aHash, not the standard SipHash: a site's millions of words are most of
    // the index's time, and no one chooses these keys to collide (the map's
    // order is not used).
    let mut map: AHashMap<Box<str>, Vec<u32>> = AHashMap::new();
    for i in 0..count {
        let doc = indexed(i);
        let mut title = doc.title.to_lowercase();
        let mut rest = doc.text.to_lowercase();
        for topic in &doc.topics {
            rest.push(' ');
            rest.push_str(&topic.to_lowercase());
        }
        join_abbreviations(&mut title);
        join_abbreviations(&mut rest);
        // Title words first: an insight's first hit on a word is the one
        // kept, so it says "title" when the title has the word.
        let mut add = |word: &str, hit: u32| match map.get_mut(word) {
            Some(hits) if hits.last().is_some_and(|last| last >> 1 == hit >> 1) => {}
            Some(hits) => hits.push(hit),
            None => {
                map.insert(word.into(), vec![hit]);
            }
        };
        let hit = (i as u32) << 1;
        each_word(&title, |w| add(w, hit | 1));
        each_word(&rest, |w| add(w, hit));
    }
    let mut terms: Vec<Term> = map
        .into_iter()
        .map(|(word, hits)| Term { word, hits })
        .collect();
    terms.sort_unstable_by(|a, b| utf16_order(&a.word, &b.word));
    Words::packed(&terms)
}

/// The index of a site cut into runs: `runs` are each run's first site index
/// and its words, in site order, together covering the site. Every indexed word,
/// sorted, with its lists in site order, as if collected from the whole site at
/// once. Stop words are dropped here, once each, rather than looked up for each
/// of the site's millions of words.
pub(super) fn merge(runs: Vec<(usize, Arc<Words>)>, stop: &[&str]) -> Vec<Term> {
    // A k-way merge: the heap holds each run's next word, smallest first and,
    // among equal words, the run that comes first in the site.
    let next = |run: usize, at: usize| {
        let (word, hits) = runs[run].1.get(at)?;
        Some(Reverse(Next {
            word,
            hits,
            run,
            at,
        }))
    };
    let mut heap: BinaryHeap<Reverse<Next>> =
        (0..runs.len()).filter_map(|run| next(run, 0)).collect();
    let mut terms: Vec<Term> = Vec::new();
    while let Some(Reverse(Next {
        word,
        hits,
        run,
        at,
    })) = heap.pop()
    {
        heap.extend(next(run, at + 1));
        let shift = (runs[run].0 as u32) << 1;
        let hits = hits.iter().map(|hit| hit + shift);
        match terms.last_mut() {
            Some(last) if *last.word == *word => last.hits.extend(hits),
            _ if stop.contains(&word) => {}
            _ => terms.push(Term {
                word: word.into(),
                hits: hits.collect(),
            }),
        }
    }
    terms
}

/// A run's next word in [`merge`]: word `at` of run `run`.
struct Next<'w> {
    word: &'w str,
    hits: &'w [u32],
    run: usize,
    at: usize,
}

impl Ord for Next<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        utf16_order(self.word, other.word).then(self.run.cmp(&other.run))
    }
}

impl PartialOrd for Next<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Next<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Next<'_> {}

/// JavaScript's string order.
fn utf16_order(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

impl Term {
    /// Whether the whole list is beside the word (no long list needed).
    pub(super) fn complete(&self) -> bool {
        self.hits.len() <= HEAD
    }

    /// The entry beside the word: `[count, title keys, other keys]`, keys of
    /// the head only when the list is long.
    pub(super) fn head_json(&self, keys: &[i64], out: &mut Vec<u8>) {
        let (title, rest) = self.split(HEAD);
        out.push(b'[');
        push_number(out, self.hits.len() as i64);
        out.push(b',');
        push_keys(out, &title, keys);
        out.push(b',');
        push_keys(out, &rest, keys);
        out.push(b']');
    }

    /// The whole list: `[title keys, other keys]`.
    pub(super) fn list_json(&self, keys: &[i64], out: &mut Vec<u8>) {
        let (title, rest) = self.split(usize::MAX);
        out.push(b'[');
        push_keys(out, &title, keys);
        out.push(b',');
        push_keys(out, &rest, keys);
        out.push(b']');
    }

    /// Site indices of the title matches and of the others, newest first: the
    /// first `most` of them, title matches first. A head needs a hundred of a
    /// list that may hold most of the site.
    fn split(&self, most: usize) -> (Vec<usize>, Vec<usize>) {
        let index = |hit: &u32| (hit >> 1) as usize;
        let with_bit = |bit: u32| self.hits.iter().filter(move |h| *h & 1 == bit);
        let title: Vec<usize> = with_bit(1).take(most).map(index).collect();
        let rest = with_bit(0).take(most - title.len()).map(index).collect();
        (title, rest)
    }
}

/// The keys of `docs` (site indices, newest first) as a JSON array of
/// ascending deltas.
fn push_keys(out: &mut Vec<u8>, docs: &[usize], keys: &[i64]) {
    out.push(b'[');
    let mut last = 0;
    for (n, &i) in docs.iter().rev().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        push_number(out, keys[i] - last);
        last = keys[i];
    }
    out.push(b']');
}

pub(super) fn push_number(out: &mut Vec<u8>, n: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index of `docs` collected in runs of `run` insights and merged;
    /// the runs held elsewhere too (as `serve` keeps them) or not.
    fn index_in_runs(docs: &[(&'static str, &'static str)], run: usize, kept: bool) -> Vec<Term> {
        let starts: Vec<usize> = (0..docs.len()).step_by(run).collect();
        let words: Vec<Arc<Words>> = starts
            .iter()
            .map(|&start| {
                let count = run.min(docs.len() - start);
                Arc::new(collect(count, |i| Indexed {
                    title: docs[start + i].0,
                    text: docs[start + i].1,
                    topics: vec!["Chips"],
                }))
            })
            .collect();
        let kept_words = if kept { words.clone() } else { Vec::new() };
        let runs: Vec<(usize, Arc<Words>)> = starts.into_iter().zip(words).collect();
        let terms = merge(runs, &["the"]);
        drop(kept_words);
        terms
    }

    fn index(docs: &[(&'static str, &'static str)]) -> Vec<Term> {
        index_in_runs(docs, docs.len().max(1), false)
    }

    fn json(term: &Term, keys: &[i64], head: bool) -> String {
        let mut out = Vec::new();
        if head {
            term.head_json(keys, &mut out);
        } else {
            term.list_json(keys, &mut out);
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn lists_split_title_matches_and_count_each_insight_once() {
        let terms = index(&[
            ("Huawei ships", "Huawei ships the chip. Huawei again."),
            ("Prices", "Huawei cuts prices."),
        ]);
        let words: Vec<&str> = terms.iter().map(|t| &*t.word).collect();
        assert_eq!(
            words,
            ["again", "chip", "chips", "cuts", "huawei", "prices", "ships"]
        );
        let huawei = &terms[4];
        // Keys: insight 0 is the newest (key 20), insight 1 older (key 10).
        assert_eq!(json(huawei, &[20, 10], true), "[2,[20],[10]]");
        let chips = &terms[2];
        assert_eq!(json(chips, &[20, 10], true), "[2,[],[10,10]]");
    }

    #[test]
    fn long_lists_keep_a_head_of_title_matches_then_the_newest() {
        let docs: Vec<(&str, &str)> = (0..HEAD + 50)
            .map(|n| {
                if n % 3 == 0 {
                    ("Grid", "")
                } else {
                    ("", "grid")
                }
            })
            .collect();
        let terms = index(&docs);
        let grid = terms.iter().find(|t| &*t.word == "grid").unwrap();
        assert!(!grid.complete());
        let keys: Vec<i64> = (0..docs.len() as i64).rev().collect();
        let head: Value = serde_json::from_str(&json(grid, &keys, true)).unwrap();
        let full: Value = serde_json::from_str(&json(grid, &keys, false)).unwrap();
        let count = |v: &Value| v.as_array().unwrap().len();
        assert_eq!(head[0], docs.len());
        assert_eq!(count(&head[1]), 50, "every title match");
        assert_eq!(count(&head[2]), HEAD - 50, "then the newest others");
        assert_eq!(count(&full[0]) + count(&full[1]), docs.len());
        // The newest other match has the largest key: the sum of all deltas.
        let newest: i64 = head[2]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .sum();
        assert_eq!(newest, keys[1]);
    }

    #[test]
    fn an_index_merged_from_runs_is_the_index_of_the_whole() {
        let docs = [
            ("Huawei ships", "Huawei ships the chip."),
            ("Prices", "Huawei cuts prices, again."),
            ("Über chips", "Zölle on chips; the ships wait."),
            ("", ""),
            ("Again", "prices again"),
        ];
        let whole: Vec<(String, Vec<u32>)> = index(&docs)
            .into_iter()
            .map(|t| (t.word.into(), t.hits))
            .collect();
        assert!(whole.iter().any(|(w, _)| w == "über"));
        assert!(!whole.iter().any(|(w, _)| w == "the"), "stop words dropped");
        for run in 1..docs.len() {
            for kept in [false, true] {
                let runs: Vec<(String, Vec<u32>)> = index_in_runs(&docs, run, kept)
                    .into_iter()
                    .map(|t| (t.word.into(), t.hits))
                    .collect();
                assert_eq!(runs, whole, "runs of {run}, kept {kept}");
            }
        }
    }

    #[test]
    fn words_sort_as_javascript_compares_strings() {
        // U+FF5E sorts after U+1F600 in UTF-16 (a surrogate pair starts 0xD8).
        assert_eq!(utf16_order("\u{ff5e}", "\u{1f600}"), Ordering::Greater);
        assert_eq!("\u{ff5e}".cmp("\u{1f600}"), Ordering::Less);
    }

    use serde_json::Value;
}
