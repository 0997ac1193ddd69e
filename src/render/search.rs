//! `search-index.json`: one entry per insight (title, date, topics, URL and
//! the start of its plain text) for the client-side search. Entries are written
//! straight from the site in parallel, and taken from the build's memory when
//! an earlier build wrote the same entry.

use std::sync::Arc;

use rayon::prelude::*;

use super::values::str_of;
use super::wording::summarize;
use super::Renderer;
use crate::fingerprint::hash_of;

/// Body text kept per insight in the search index. An insight is one paragraph
/// (the seeds' longest is 365 characters), so this cuts nothing real; it only
/// keeps one runaway body from bloating an index every searcher downloads.
const SEARCH_BODY_CHARS: usize = 1000;

impl Renderer<'_> {
    /// The search index. It is rendered again after any body edit, and was the
    /// largest job of a `serve` rebuild: entries are written straight from the
    /// site (no `Value` tree per entry), in parallel, taken from the memory when
    /// an earlier build wrote them, and copied once into a buffer of the final size
    /// (at 10k insights the index is 9 MB, and every fresh buffer of that size
    /// costs milliseconds of page faults).
    pub(super) fn search_index(&self) -> Vec<u8> {
        let entries: Vec<Arc<[u8]>> = (0..self.site.insights.len())
            .into_par_iter()
            .map(|i| self.search_entry(i))
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
    fn search_entry(&self, i: usize) -> Arc<[u8]> {
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
        let entry = self.memory.cached_fragment(key).unwrap_or_else(|| {
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
        self.memory.keep_fragment(key, &entry);
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
