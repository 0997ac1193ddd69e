//! The search index the default theme's `search.js` reads, as static files
//! sized for a reader's phone: a first query downloads a small manifest, the
//! file of its word and the cards of its first results, whatever the size of
//! the site. Layout (the README's "Output" and docs/reader.md describe it):
//! - `search-index.json`, the manifest: the insight URL prefix, stop words,
//!   topic names, and the first word and file name of every other file;
//! - `search/terms/<hash>.json`: every indexed word with its count and the head
//!   of its list of insights ([`terms`]), about [`TERM_FILE_BYTES`] a file;
//! - `search/lists/<hash>.json`: the whole lists of the words with long ones;
//! - `search/docs/<hash>.json`: the cards of a span of days ([`docs`]).
//!
//! Files are named by their content, so a rebuild rewrites only the files whose
//! bytes change (and the manifest), and a static host may cache them forever.
//! This module reads the site and rendered bodies; it writes through the sink.

mod docs;
mod shards;
mod terms;
mod words;

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

/// The manifest, which the search page loads first.
pub(crate) const SEARCH_MANIFEST: &str = "search-index.json";
/// The folder of the cards files (`<hash>.json`).
pub(crate) const SEARCH_CARDS: &str = "search/docs/";

use super::values::str_of;
use super::wording::summarize;
use super::Renderer;
use crate::error::Diagnostic;
use crate::fingerprint::hash_of;
use crate::sink::Sink;
use docs::Docs;
use shards::{name_of, Shard};
use terms::{push_number, Indexed, Term, Words};

/// Budget of a file of words and heads: what a one-word query downloads
/// besides its cards (about a third of it, gzip-compressed).
const TERM_FILE_BYTES: usize = 16 * 1024;
/// Budget of a file of whole lists, loaded to intersect common words.
const LIST_FILE_BYTES: usize = 64 * 1024;
/// Snippet text kept per card: an insight is one paragraph (the seeds' longest
/// is 365 characters), so this cuts nothing real; it keeps one runaway body
/// from bloating the cards of its whole span.
const SNIPPET_CHARS: usize = 500;

/// The version of the layout, for scripts that cache the manifest.
const FORMAT: u32 = 2;

impl Renderer<'_> {
    /// Writes the manifest and every file it names.
    pub(super) fn search_index(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let site = self.site;
        let stop = words::stop_words(&site.config.language);
        let docs = Docs::new(site);
        // Chunks of cards are runs of insights for the words too: each chunk's
        // words come from the build's memory unless the chunk changed.
        let words: Vec<Arc<Words>> = docs
            .chunks
            .par_iter()
            .map(|chunk| self.cached_words(chunk.clone()))
            .collect();
        // Chunks are oldest first; the index's lists are in site order.
        let runs: Vec<(usize, &Words)> = docs
            .chunks
            .iter()
            .zip(&words)
            .rev()
            .map(|(chunk, words)| (chunk.start, &**words))
            .collect();
        let terms = terms::merge(&runs, stop);
        // Unless the memory keeps them, the chunks' words go before the
        // index's files are made: at 100k insights they weigh as much as it.
        drop(runs);
        drop(words);
        let heads: Vec<(&str, Vec<u8>)> = terms
            .par_iter()
            .map(|term| (&*term.word, json(|out| term.head_json(&docs.keys, out))))
            .collect();
        let long: Vec<&Term> = terms.iter().filter(|t| !t.complete()).collect();
        let lists: Vec<(&str, Vec<u8>)> = long
            .par_iter()
            .map(|term| (&*term.word, json(|out| term.list_json(&docs.keys, out))))
            .collect();
        let term_files = shards::pack(&heads, "postings", TERM_FILE_BYTES);
        drop(heads);
        let list_files = shards::pack(&lists, "lists", LIST_FILE_BYTES);
        drop(lists);
        // Before the cards, which are most of the index's bytes.
        drop(terms);
        let doc_files: Vec<(i64, String, Vec<u8>)> = docs
            .chunks
            .par_iter()
            .map(|chunk| {
                let bytes = self.cached_cards(&docs.keys, chunk.clone());
                (docs.keys[chunk.end - 1], name_of(&bytes), bytes)
            })
            .collect();
        let manifest = self.manifest(stop, &term_files, &list_files, &doc_files);
        for (dir, files) in [("terms", term_files), ("lists", list_files)] {
            for shard in files {
                sink.put(&format!("search/{dir}/{}.json", shard.hash), shard.bytes)?;
            }
        }
        for (_, hash, bytes) in doc_files {
            sink.put(&format!("{SEARCH_CARDS}{hash}.json"), bytes)?;
        }
        sink.put(SEARCH_MANIFEST, manifest)
    }

    /// What search finds insight `i` by: its title, its text and its topics.
    fn indexed(&self, i: usize) -> Indexed<'_> {
        let config = self.site.config;
        Indexed {
            title: &self.site.insights[i].title,
            text: self.doc_text(i),
            topics: self.site.topics_of[i]
                .iter()
                .map(|&t| config.topics[t].name.as_str())
                .collect(),
        }
    }

    /// The text of insight `i` that search indexes and cuts snippets from: one
    /// function, so that what search reads of a body is decided in one place.
    /// It must depend only on what `body_keys` hash (see [`Self::cached_cards`]
    /// and [`Self::cached_words`]).
    fn doc_text(&self, i: usize) -> &str {
        &self.bodies[i].text
    }

    /// [`Self::cards`], taken from the build's memory when an earlier build
    /// encoded the same chunk: cards are most of the index's bytes, and an edit
    /// changes one chunk.
    fn cached_cards(&self, keys: &[i64], chunk: Range<usize>) -> Vec<u8> {
        let site = self.site;
        let inputs: Vec<_> = chunk
            .clone()
            .map(|i| {
                let insight = &site.insights[i];
                (
                    keys[i],
                    self.body_keys[i],
                    &insight.title,
                    &insight.slug,
                    &site.topics_of[i],
                )
            })
            .collect();
        let key = hash_of(&(FORMAT, "cards", inputs));
        let cards = self.memory.fragment(key, || self.cards(keys, chunk));
        // Moved out when the memory keeps nothing (`build`), copied for `serve`.
        Arc::unwrap_or_clone(cards)
    }

    /// The [`Words`] of the insights `chunk`, taken from the build's memory
    /// when an earlier build collected the same: collecting them is most of the
    /// index's time, and an edit changes one chunk.
    fn cached_words(&self, chunk: Range<usize>) -> Arc<Words> {
        let inputs: Vec<_> = chunk
            .clone()
            .map(|i| {
                let Indexed { title, topics, .. } = self.indexed(i);
                (title, self.body_keys[i], topics)
            })
            .collect();
        let key = hash_of(&(FORMAT, "words", inputs));
        self.memory.fragment(key, || {
            terms::collect(chunk.len(), |i| self.indexed(chunk.start + i))
        })
    }

    /// The cards of the insights `chunk` (site indices, newest first), oldest
    /// first: `{"keys":[deltas],"docs":[[title, slug, day, [topic indices],
    /// snippet text]]}`.
    fn cards(&self, keys: &[i64], chunk: Range<usize>) -> Vec<u8> {
        let mut out = Vec::with_capacity(chunk.len() * (SNIPPET_CHARS + 200));
        out.extend_from_slice(b"{\"keys\":[");
        let mut last = 0;
        for (n, i) in chunk.clone().rev().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            push_number(&mut out, keys[i] - last);
            last = keys[i];
        }
        out.extend_from_slice(b"],\"docs\":[");
        for (n, i) in chunk.rev().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let insight = &self.site.insights[i];
            let card = (
                &insight.title,
                &insight.slug,
                str_of(&self.shared.insights[i].day),
                &self.site.topics_of[i],
                summarize(self.doc_text(i), SNIPPET_CHARS),
            );
            serde_json::to_writer(&mut out, &card).expect("a card serializes");
        }
        out.extend_from_slice(b"]}");
        out
    }

    /// `search-index.json`: what the script needs to find every other file.
    fn manifest(
        &self,
        stop: &[&str],
        terms: &[Shard],
        lists: &[Shard],
        docs: &[(i64, String, Vec<u8>)],
    ) -> Vec<u8> {
        let config = self.site.config;
        let firsts = |files: &[Shard]| -> Vec<(String, String)> {
            files
                .iter()
                .map(|f| (f.first.clone(), f.hash.clone()))
                .collect()
        };
        let manifest = Manifest {
            format: FORMAT,
            insights: config.url("/insights/"),
            stop_words: stop,
            topics: config.topics.iter().map(|t| t.name.as_str()).collect(),
            terms: firsts(terms),
            lists: firsts(lists),
            docs: docs
                .iter()
                .map(|(key, hash, _)| (*key, hash.as_str()))
                .collect(),
        };
        let mut out = serde_json::to_vec(&manifest).expect("the manifest serializes");
        out.push(b'\n');
        out
    }
}

/// `search-index.json`.
#[derive(serde::Serialize)]
struct Manifest<'a> {
    format: u32,
    /// Prefix of every insight's URL: a card's URL is it plus the slug and `/`.
    insights: String,
    stop_words: &'a [&'a str],
    topics: Vec<&'a str>,
    /// `[first word, hash]` of each file of words, in word order.
    terms: Vec<(String, String)>,
    /// The same for the files of whole lists.
    lists: Vec<(String, String)>,
    /// `[smallest key, hash]` of each file of cards, oldest first.
    docs: Vec<(i64, &'a str)>,
}

fn json(write: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out);
    out
}
