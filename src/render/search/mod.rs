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
//! This module reads the site and the bodies' Markdown; it writes through the sink.

mod docs;
mod shards;
mod terms;
mod words;

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

/// The manifest, which the search page loads first.
pub(crate) const SEARCH_MANIFEST: &str = "search-index.json";
/// The folder of the cards files (`<hash>.json`).
pub(crate) const SEARCH_CARDS: &str = "search/docs/";
/// The folders of the index's files: the words, the whole lists, the cards.
pub(crate) const SEARCH_DIRS: [&str; 3] = ["search/terms", "search/lists", "search/docs"];

use super::values::str_of;
use super::wording::summarize;
use super::Renderer;
use crate::error::Diagnostic;
use crate::fingerprint::hash_of;
use crate::markdown;
use crate::sink::Sink;
use crate::text::composed;
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
        // text is read once, its cards written at once and its words kept
        // for the index (from the build's memory unless the chunk changed).
        let chunks: Vec<(Arc<Words>, (i64, String))> = docs
            .chunks
            .par_iter()
            .map(|chunk| {
                let Chunk { words, cards } = self.cached_chunk(&docs.keys, chunk.clone());
                // Moved out when the memory keeps nothing (`build`), copied for `serve`.
                let cards = Arc::unwrap_or_clone(cards);
                let hash = name_of(&cards);
                sink.put(&format!("{SEARCH_CARDS}{hash}.json"), cards)?;
                Ok((words, (docs.keys[chunk.end - 1], hash)))
            })
            .collect::<Result<_, Diagnostic>>()?;
        let (words, doc_files): (Vec<Arc<Words>>, Vec<(i64, String)>) = chunks.into_iter().unzip();
        // Chunks are oldest first; the index's lists are in site order.
        let runs: Vec<(usize, Arc<Words>)> = docs
            .chunks
            .iter()
            .map(|chunk| chunk.start)
            .zip(words)
            .rev()
            .collect();
        // The chunks' words are let go as soon as they are merged (unless the
        // memory keeps them).
        let terms = terms::merge(runs, stop);
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
        drop(terms);
        let manifest = self.manifest(stop, &term_files, &list_files, &doc_files);
        for (dir, files) in [("terms", term_files), ("lists", list_files)] {
            for shard in files {
                sink.put(&format!("search/{dir}/{}.json", shard.hash), shard.bytes)?;
            }
        }
        sink.put(SEARCH_MANIFEST, manifest)
    }

    /// What search finds insight `i` by: its title and text (as
    /// [`Self::chunk`] composed them) and its topics.
    fn indexed<'s>(&'s self, i: usize, title: &'s str, text: &'s str) -> Indexed<'s> {
        let config = self.site.config;
        Indexed {
            title,
            text,
            topics: self.site.topics_of[i]
                .iter()
                .map(|&t| config.topics[t].name.as_str())
                .collect(),
        }
    }

    /// The text of insight `i` that search indexes and cuts snippets from: one
    /// function, so that what search reads of a body is decided in one place.
    /// It must depend only on what `body_keys` hash (see
    /// [`Self::cached_chunk`]). It is the rendered body's plain text, read
    /// from the Markdown again: search reads every insight at once, and its
    /// rendered bodies are not all kept (see [`Renderer::body`]). In composed
    /// form (see [`composed`]), as the script reads a query.
    fn doc_text(&self, i: usize) -> String {
        let config = self.site.config;
        let text = markdown::plain_text(self.site.insights[i].shown_body(), &config.markdown);
        match composed(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(text) => text,
        }
    }

    /// [`Self::chunk`], taken from the build's memory when an earlier build
    /// made the same: an edit changes one chunk.
    fn cached_chunk(&self, keys: &[i64], chunk: Range<usize>) -> Chunk {
        let site = self.site;
        let config = site.config;
        let inputs: Vec<_> = chunk
            .clone()
            .map(|i| {
                let insight = &site.insights[i];
                let topics = &site.topics_of[i];
                let names: Vec<&str> = topics.iter().map(|&t| &*config.topics[t].name).collect();
                (
                    keys[i],
                    self.body_keys[i],
                    &insight.title,
                    &insight.slug,
                    topics,
                    names,
                )
            })
            .collect();
        let key = hash_of(&(FORMAT, "chunk", inputs));
        Arc::unwrap_or_clone(self.memory.fragment(key, || self.chunk(keys, chunk)))
    }

    /// The cards and the words of the insights `chunk`, from one reading of
    /// their text: collecting words is most of the index's time, and cards
    /// most of its bytes.
    fn chunk(&self, keys: &[i64], chunk: Range<usize>) -> Chunk {
        // Titles in composed form, as the script reads a query.
        let titles: Vec<Cow<str>> = chunk
            .clone()
            .map(|i| composed(&self.site.insights[i].title))
            .collect();
        let texts: Vec<String> = chunk.clone().map(|i| self.doc_text(i)).collect();
        let words = terms::collect(chunk.len(), |k| {
            self.indexed(chunk.start + k, &titles[k], &texts[k])
        });
        Chunk {
            words: Arc::new(words),
            cards: Arc::new(self.cards(keys, chunk, &titles, &texts)),
        }
    }

    /// The cards of the insights `chunk` (site indices, newest first; `titles`
    /// and `texts` theirs), oldest first: `{"keys":[deltas],"docs":[[title,
    /// slug, day, [topic indices], snippet text]]}`.
    fn cards(
        &self,
        keys: &[i64],
        chunk: Range<usize>,
        titles: &[Cow<str>],
        texts: &[String],
    ) -> Vec<u8> {
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
        for (n, i) in chunk.clone().rev().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let insight = &self.site.insights[i];
            let card = (
                &titles[i - chunk.start],
                &insight.slug,
                str_of(&self.shared.insights[i].day),
                &self.site.topics_of[i],
                summarize(&texts[i - chunk.start], SNIPPET_CHARS),
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
        docs: &[(i64, String)],
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
                .map(|(key, hash)| (*key, hash.as_str()))
                .collect(),
        };
        let mut out = serde_json::to_vec(&manifest).expect("the manifest serializes");
        out.push(b'\n');
        out
    }
}

/// One chunk's part of the index (see [`Docs`]).
#[derive(Clone)]
struct Chunk {
    words: Arc<Words>,
    cards: Arc<Vec<u8>>,
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
