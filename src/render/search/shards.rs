//! Entries packed into files of about a byte budget, each file named by a hash
//! of its bytes. Files are cut where the content says, not by counting from
//! the start: a cut falls before a word whose hash picks it (each byte of an
//! entry is a cut with chance 1/budget), once the file holds a quarter of the
//! budget, and is forced at twice the budget. An edit that grows or shrinks
//! one entry thus moves no cut outside its own file, or at most the next one,
//! so the other files keep their bytes and names. Content-named files are what
//! lets a static host cache them for good: the manifest that names them is the
//! only file that must be fetched fresh.

use rayon::prelude::*;

use crate::fingerprint::hash_of;

/// One packed file.
pub(super) struct Shard {
    /// The first word it holds: the script finds a word's file as the last
    /// file whose first word is not greater than it.
    pub(super) first: String,
    /// The hash its name is made of (`<dir>/<hash>.json`).
    pub(super) hash: String,
    pub(super) bytes: Vec<u8>,
}

/// Packs `entries` (word, JSON value, in word order) into files
/// `{"terms":[words],"<field>":[values]}` of about `budget` bytes.
pub(super) fn pack(entries: &[(&str, Vec<u8>)], field: &str, budget: usize) -> Vec<Shard> {
    let starts = cuts(entries, budget);
    let ends = starts.iter().skip(1).copied().chain([entries.len()]);
    let ranges: Vec<(usize, usize)> = starts.iter().copied().zip(ends).collect();
    ranges
        .into_par_iter()
        .map(|(start, end)| {
            let part = &entries[start..end];
            let mut bytes = Vec::with_capacity(
                part.iter()
                    .map(|e| e.0.len() + e.1.len() + 4)
                    .sum::<usize>()
                    + 32,
            );
            bytes.extend_from_slice(b"{\"terms\":[");
            for (n, (word, _)) in part.iter().enumerate() {
                if n > 0 {
                    bytes.push(b',');
                }
                serde_json::to_writer(&mut bytes, word).expect("a word serializes");
            }
            bytes.extend_from_slice(format!("],\"{field}\":[").as_bytes());
            for (n, (_, value)) in part.iter().enumerate() {
                if n > 0 {
                    bytes.push(b',');
                }
                bytes.extend_from_slice(value);
            }
            bytes.extend_from_slice(b"]}");
            Shard {
                first: part[0].0.to_string(),
                hash: name_of(&bytes),
                bytes,
            }
        })
        .collect()
}

/// The indices where files start (see the module docs).
fn cuts(entries: &[(&str, Vec<u8>)], budget: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut held = 0;
    for (i, (word, value)) in entries.iter().enumerate() {
        // The bytes it adds: quotes around the word and two commas.
        let size = word.len() + value.len() + 4;
        let picked = hash_of(word) % budget as u64 <= size as u64;
        if i == 0 || (held >= budget / 4 && (picked || held + size > 2 * budget)) {
            starts.push(i);
            held = 0;
        }
        held += size;
    }
    starts
}

/// A file name for `bytes`: 48 bits of their hash, in hex. Two files of one
/// build share a name with odds of about one in 10^8 at 100k insights.
pub(super) fn name_of(bytes: &[u8]) -> String {
    format!("{:012x}", hash_of(bytes) >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words with a JSON string of `size` bytes each.
    fn entries(sizes: &[usize]) -> Vec<(String, Vec<u8>)> {
        sizes
            .iter()
            .enumerate()
            .map(|(n, &size)| (format!("w{n:05}"), json_string(size)))
            .collect()
    }

    fn json_string(size: usize) -> Vec<u8> {
        format!("\"{}\"", "x".repeat(size - 2)).into_bytes()
    }

    fn borrowed(entries: &[(String, Vec<u8>)]) -> Vec<(&str, Vec<u8>)> {
        entries
            .iter()
            .map(|(w, v)| (w.as_str(), v.clone()))
            .collect()
    }

    #[test]
    fn files_hold_about_the_budget() {
        let all = entries(&[40; 5000]);
        let shards = pack(&borrowed(&all), "postings", 4096);
        let total: usize = shards.iter().map(|s| s.bytes.len()).sum();
        assert!(
            shards.len() > 20 && shards.len() < 120,
            "{} files",
            shards.len()
        );
        assert!(shards.iter().all(|s| s.bytes.len() < 2 * 4096 + 200));
        assert!(total > 5000 * 40);
        let first: serde_json::Value = serde_json::from_slice(&shards[0].bytes).unwrap();
        assert_eq!(first["terms"][0], "w00000");
        assert_eq!(first["postings"][0], "x".repeat(38));
    }

    #[test]
    fn an_entry_that_grows_changes_only_its_own_files() {
        let before = entries(&[40; 5000]);
        let mut after = before.clone();
        after[2500].1 = json_string(340);
        let (a, b) = (
            pack(&borrowed(&before), "p", 4096),
            pack(&borrowed(&after), "p", 4096),
        );
        let names = |s: &[Shard]| {
            s.iter()
                .map(|s| s.hash.clone())
                .collect::<std::collections::BTreeSet<_>>()
        };
        let changed = names(&b).difference(&names(&a)).count();
        assert!((1..=2).contains(&changed), "{changed} files changed");
    }
}
