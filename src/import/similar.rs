//! Near-duplicate detection: the same insight with a typo fixed or a word changed.
//!
//! Texts are compared as sets of word shingles (runs of [`SHINGLE_WORDS`] normalized
//! words) by Jaccard similarity. Comparing every pair would be quadratic, so the
//! index uses *prefix filtering*: order each set's shingle hashes the same global
//! way and index only its first `|A| - ⌈t·|A|⌉ + 1`. Two sets with Jaccard ≥ t
//! share at least ⌈t·|A|⌉ shingles, so they must share one in those prefixes: a
//! lookup finds every true match (no false negatives, unlike MinHash) while
//! touching only a few short posting lists.

use std::collections::HashMap;

/// Three words: a typo costs at most three shingles, yet insights that merely
/// share a phrase such as "mixture of experts" stay far apart.
const SHINGLE_WORDS: usize = 3;

/// The shingle set of a text: sorted, deduplicated hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shingles(Vec<u64>);

impl Shingles {
    /// The shingles of text already [`normalize`](crate::content::normalize)d.
    pub(crate) fn of_normalized(normalized: &str) -> Shingles {
        let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
        // A text shorter than one shingle is a single shingle of all its words.
        let size = SHINGLE_WORDS.min(words.len()).max(1);
        let mut hashes: Vec<u64> = words.windows(size).map(hash_words).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Shingles(hashes)
    }

    /// |A ∩ B| / |A ∪ B| by a merge of the two sorted lists.
    pub(crate) fn jaccard(&self, other: &Shingles) -> f64 {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut common) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let union = a.len() + b.len() - common;
        if union == 0 {
            0.0
        } else {
            common as f64 / union as f64
        }
    }
}

/// FNV-1a over the words and a separator: fast, and as good as any hash for
/// sets compared within one run (nothing hashed is ever stored).
fn hash_words(words: &[&str]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for word in words {
        for &b in word.as_bytes().iter().chain(b" ") {
            h = (h ^ u64::from(b)).wrapping_mul(PRIME);
        }
    }
    h
}

/// Shingle sets of known insights, looked up by similarity.
#[derive(Debug)]
pub(crate) struct SimilarityIndex {
    threshold: f64,
    sets: Vec<Shingles>,
    postings: HashMap<u64, Vec<usize>>,
}

impl SimilarityIndex {
    pub(crate) fn new(threshold: f64) -> Self {
        SimilarityIndex {
            threshold,
            sets: Vec::new(),
            postings: HashMap::new(),
        }
    }

    /// Adds a set under the caller's number `key` (the caller numbers them 0, 1, …).
    pub(crate) fn insert(&mut self, key: usize, shingles: Shingles) {
        debug_assert_eq!(key, self.sets.len(), "keys are dense");
        for &h in &shingles.0 {
            self.postings.entry(h).or_default().push(key);
        }
        self.sets.push(shingles);
    }

    /// The most similar indexed set at or above the threshold, with its similarity;
    /// on a tie, the one indexed first.
    ///
    /// Exact, by a count filter: a set B with J(A, B) ≥ t shares at least
    /// ⌈t·|A|⌉ shingles with A, so only sets counted that often in A's posting
    /// lists are compared. Counting in a dense array keeps stock phrases shared
    /// by thousands of insights cheap; comparing every set that shares any
    /// shingle (the obvious filter) made 10,000 synthetic insights take a minute.
    pub(crate) fn best_match(&self, shingles: &Shingles) -> Option<(usize, f64)> {
        let needed = ((self.threshold * shingles.0.len() as f64) - 1e-9)
            .ceil()
            .max(1.0) as u32;
        let mut counts = vec![0u32; self.sets.len()];
        let mut candidates = Vec::new();
        for h in &shingles.0 {
            for &key in self.postings.get(h).map_or(&[][..], Vec::as_slice) {
                counts[key] += 1;
                if counts[key] == needed {
                    candidates.push(key);
                }
            }
        }
        candidates.sort_unstable();
        candidates
            .into_iter()
            .map(|key| (key, self.sets[key].jaccard(shingles)))
            .filter(|(_, similarity)| *similarity >= self.threshold)
            .fold(None, |best: Option<(usize, f64)>, (key, s)| match best {
                Some((_, b)) if b >= s => best,
                _ => Some((key, s)),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "China is compensating for its deficit in cutting-edge semiconductors by pursuing an asymmetric strategy. It focuses on massive 'superclusters' of less advanced domestic chips and creating hyper-efficient, open-source AI models.";

    fn shingles(text: &str) -> Shingles {
        Shingles::of_normalized(&crate::content::normalize(text))
    }

    #[test]
    fn a_typo_or_changed_word_stays_similar() {
        let typo = SEED.replace("asymmetric", "asymetric");
        let word = SEED.replace("massive", "huge");
        let a = shingles(SEED);
        assert!(a.jaccard(&shingles(&typo)) > 0.8);
        assert!(a.jaccard(&shingles(&word)) > 0.8);
        assert_eq!(a.jaccard(&a), 1.0);
    }

    #[test]
    fn index_finds_the_near_duplicate_and_not_a_different_insight() {
        let mut index = SimilarityIndex::new(0.6);
        index.insert(
            0,
            shingles("Huawei could surprise the market within 2-3 years with low-cost AI chips."),
        );
        index.insert(1, shingles(SEED));
        let variant = shingles(&SEED.replace("cutting-edge", "leading-edge"));
        let (key, similarity) = index.best_match(&variant).unwrap();
        assert_eq!(key, 1);
        assert!((0.6..1.0).contains(&similarity));
        let other = shingles("China is compensating for its deficit in talent by hiring abroad.");
        assert_eq!(index.best_match(&other), None);
    }

    #[test]
    fn the_index_misses_nothing_a_full_scan_finds() {
        // 300 texts over a tiny vocabulary: every shingle is a stock phrase.
        let texts: Vec<String> = (0..300)
            .map(|i| {
                format!(
                    "w{} w{} w{} w{} w{} w{} w{} w{}",
                    i % 7,
                    i % 5,
                    i % 3,
                    i % 4,
                    i % 6,
                    i % 2,
                    i % 9,
                    i % 8
                )
            })
            .collect();
        for t in [0.3, 0.5, 0.6, 0.9] {
            let mut index = SimilarityIndex::new(t);
            for (key, text) in texts.iter().enumerate() {
                let s = shingles(text);
                let scan = (0..key)
                    .map(|k| shingles(&texts[k]).jaccard(&s))
                    .fold(0.0f64, f64::max);
                let found = index.best_match(&s).map_or(0.0, |(_, sim)| sim);
                if scan >= t {
                    assert_eq!(found, scan, "threshold {t}, text {key}");
                }
                index.insert(key, s);
            }
        }
    }
}
