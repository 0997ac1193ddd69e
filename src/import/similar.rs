//! Near-duplicate detection: the same insight with a typo fixed or a word changed.
//!
//! Texts are compared as sets of word shingles (runs of [`SHINGLE_WORDS`] normalized
//! words) by Jaccard similarity. Comparing every pair would be quadratic, so the
//! index uses *prefix filtering* (the PPJoin algorithm): list every set's shingles
//! in one global order, rarest first, and index only the first `|A| - ⌈t·|A|⌉ + 1`
//! of each. Two sets with Jaccard ≥ t share at least ⌈t·|A|⌉ shingles, so they
//! must share one in those prefixes: a lookup finds every true match (no false
//! negatives, unlike MinHash) while touching only the short posting lists of rare
//! shingles. Stock phrases shared by thousands of insights sit at the end of the
//! order, outside every prefix.
//!
//! A set found that way is a candidate; cheap bounds then rule most candidates
//! out before their shingles are compared: the position filter while walking the
//! posting lists, then a bitmap of each set (see [`Signature`]). On the 10,000
//! synthetic insights of `gen_corpus`, whose small vocabulary makes every pair
//! share a little, this does about a tenth of the work of counting every
//! shared shingle of every pair, the method it replaced.

use std::collections::HashMap;

use crate::text::unspaced::stretches;

/// Three words: a typo costs at most three shingles, yet insights that merely
/// share a phrase such as "mixture of experts" stay far apart.
const SHINGLE_WORDS: usize = 3;

/// The shingle set of a text: sorted, deduplicated hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shingles(Vec<u64>);

impl Shingles {
    /// The shingles of text already [`normalize`](crate::content::normalize)d.
    pub(crate) fn of_normalized(normalized: &str) -> Shingles {
        let mut words: Vec<&str> = Vec::new();
        for word in normalized.split(' ').filter(|w| !w.is_empty()) {
            push_tokens(word, &mut words);
        }
        // A text shorter than one shingle is a single shingle of all its words.
        let size = SHINGLE_WORDS.min(words.len()).max(1);
        let mut hashes: Vec<u64> = words.windows(size).map(hash_words).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Shingles(hashes)
    }
}

/// Pushes the tokens of `word` that shingles are made of: the word, or, when
/// it holds letters of a script written without spaces (Chinese, Japanese),
/// each such letter on its own and each stretch of other letters and digits
/// between them. (A Chinese sentence reads as one or two "words" between its
/// commas: a typo in it would change every shingle.)
fn push_tokens<'t>(word: &'t str, tokens: &mut Vec<&'t str>) {
    if word.is_ascii() {
        tokens.push(word);
        return;
    }
    for (stretch, unspaced) in stretches(word) {
        if unspaced {
            tokens.extend(
                stretch
                    .char_indices()
                    .map(|(at, c)| &stretch[at..at + c.len_utf8()]),
            );
        } else {
            tokens.push(stretch);
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

/// The one global order of shingles that prefix filtering needs: each shingle
/// has a rank, and a set is listed by ascending rank.
#[derive(Debug, Default)]
struct ShingleOrder {
    ranks: HashMap<u64, u32>,
}

impl ShingleOrder {
    /// Ranks the shingles of `sets` by how many of the sets hold them, fewest
    /// first (ties by hash, so the order is deterministic): prefixes then hold
    /// rare shingles, whose posting lists are short.
    fn by_frequency<'a>(sets: impl IntoIterator<Item = &'a Shingles>) -> Self {
        let mut counts: HashMap<u64, u32> = HashMap::new();
        for set in sets {
            for &hash in &set.0 {
                *counts.entry(hash).or_default() += 1;
            }
        }
        let mut by_count: Vec<(u32, u64)> = counts.into_iter().map(|(h, n)| (n, h)).collect();
        by_count.sort_unstable();
        let ranks = by_count
            .into_iter()
            .zip(0..)
            .map(|((_, hash), rank)| (hash, rank))
            .collect();
        ShingleOrder { ranks }
    }

    fn len(&self) -> usize {
        self.ranks.len()
    }

    /// The ranks of a set's shingles, ascending. A shingle not ranked yet goes
    /// last: no set listed before holds it, so their order is still the global one.
    fn rank(&mut self, shingles: &Shingles) -> Vec<u32> {
        let mut ranked: Vec<u32> = shingles
            .0
            .iter()
            .map(|&hash| {
                let next = self.ranks.len() as u32;
                *self.ranks.entry(hash).or_insert(next)
            })
            .collect();
        ranked.sort_unstable();
        ranked
    }
}

/// A set whose prefix holds a shingle: which set, its size, and how many of its
/// shingles come after this one (what the position filter needs, kept here so
/// that walking a posting list reads nothing else).
#[derive(Debug, Clone, Copy)]
struct Posting {
    key: u32,
    len: u32,
    after: u32,
}

/// A set's shingle ranks folded into 512 bits (one cache line): a bound on the
/// overlap of two sets from a few bitwise operations, to rule out most
/// candidates without reading their shingles (the bitmap filter of Sandes et
/// al., "Bitmap filter: speeding up exact set similarity joins", 2019).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Signature {
    bits: [u64; 8],
    /// The bits set, counted once (counting bits is a dozen instructions a
    /// word on baseline x86-64, which has no `popcnt`).
    ones: usize,
}

impl Signature {
    fn of(ranks: &[u32]) -> Signature {
        let mut bits = [0u64; 8];
        for &rank in ranks {
            let bit = rank as usize % 512;
            bits[bit / 64] |= 1 << (bit % 64);
        }
        let ones = bits.iter().map(|w| w.count_ones() as usize).sum();
        Signature { bits, ones }
    }

    /// At most how many shingles sets of these sizes and signatures share.
    /// A shared shingle sets a bit in both, so it is one of the shared bits or
    /// one of a set's shingles that fell on a bit already set (its size
    /// minus its ones).
    fn max_overlap(&self, len: usize, other: &Signature, other_len: usize) -> usize {
        let shared: usize = (self.bits.iter().zip(&other.bits))
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum();
        shared + (len - self.ones).min(other_len - other.ones)
    }
}

/// Marks a candidate the position filter has ruled out for the current lookup.
const PRUNED: u32 = u32::MAX;

/// Shingle sets of known insights, looked up by similarity.
#[derive(Debug)]
pub(crate) struct SimilarityIndex {
    threshold: f64,
    order: ShingleOrder,
    /// Each set's shingle ranks, ascending.
    sets: Vec<Vec<u32>>,
    /// Each set's [`Signature`], by key.
    signatures: Vec<Signature>,
    /// By rank: the sets whose prefix holds that shingle.
    postings: Vec<Vec<Posting>>,
    /// By key, during a lookup: shingles found in common so far, or [`PRUNED`].
    /// Kept between lookups (all zero) so a lookup costs what it touches, not
    /// the size of the index.
    overlaps: Vec<u32>,
    /// By rank, during a verification: whether the looked-up set holds it.
    in_query: Vec<bool>,
}

impl SimilarityIndex {
    /// An index for `threshold`, its shingle order taken from `expected`: the
    /// sets it will likely be given. Any order is exact; one from the sets
    /// themselves is fast.
    pub(crate) fn new<'a>(
        threshold: f64,
        expected: impl IntoIterator<Item = &'a Shingles>,
    ) -> Self {
        SimilarityIndex {
            threshold,
            order: ShingleOrder::by_frequency(expected),
            sets: Vec::new(),
            signatures: Vec::new(),
            postings: Vec::new(),
            overlaps: Vec::new(),
            in_query: Vec::new(),
        }
    }

    /// Adds a set under the caller's number `key` (the caller numbers them 0, 1, …).
    pub(crate) fn insert(&mut self, key: usize, shingles: &Shingles) {
        debug_assert_eq!(key, self.sets.len(), "keys are dense");
        let set = self.order.rank(shingles);
        if self.postings.len() < self.order.len() {
            self.postings.resize_with(self.order.len(), Vec::new);
        }
        let prefix = prefix_len(set.len(), self.threshold);
        for (position, &rank) in set[..prefix].iter().enumerate() {
            self.postings[rank as usize].push(Posting {
                key: key as u32,
                len: set.len() as u32,
                after: (set.len() - position - 1) as u32,
            });
        }
        self.signatures.push(Signature::of(&set));
        self.sets.push(set);
        self.overlaps.push(0);
    }

    /// The most similar indexed set at or above the threshold, with its similarity;
    /// on a tie, the one indexed first.
    pub(crate) fn best_match(&mut self, shingles: &Shingles) -> Option<(usize, f64)> {
        let query = self.order.rank(shingles);
        let candidates = self.candidates(&query);
        self.best_verified(&query, &candidates)
    }

    /// The keys of the sets that may reach the threshold with `query`.
    ///
    /// Walks the posting lists of the query's prefix, counting shingles in
    /// common. Both sets are listed in the same order, so the position filter
    /// can drop a set as soon as the shingles left after a match, in the query
    /// and in the set, could not make up the overlap the threshold needs.
    fn candidates(&mut self, query: &[u32]) -> Vec<u32> {
        let mut touched = Vec::new();
        let prefix = prefix_len(query.len(), self.threshold);
        for (i, &rank) in query[..prefix].iter().enumerate() {
            let Some(postings) = self.postings.get(rank as usize) else {
                continue;
            };
            for posting in postings {
                let seen = &mut self.overlaps[posting.key as usize];
                if *seen == PRUNED {
                    continue;
                }
                if *seen == 0 {
                    touched.push(posting.key);
                }
                let left = (query.len() - i - 1).min(posting.after as usize);
                let reachable = *seen as usize + 1 + left;
                *seen = if can_reach(self.threshold, reachable, query.len(), posting.len as usize) {
                    *seen + 1
                } else {
                    PRUNED
                };
            }
        }
        touched.retain(|&key| {
            let seen = std::mem::take(&mut self.overlaps[key as usize]);
            seen != PRUNED
        });
        touched
    }

    /// The best of `candidates` at or above the threshold; on a tie, the lowest key.
    fn best_verified(&mut self, query: &[u32], candidates: &[u32]) -> Option<(usize, f64)> {
        self.in_query.resize(self.order.len(), false);
        for &rank in query {
            self.in_query[rank as usize] = true;
        }
        let signature = Signature::of(query);
        let best = candidates
            .iter()
            .filter_map(|&key| {
                let set = &self.sets[key as usize];
                let needed = min_overlap(self.threshold, query.len(), set.len());
                let bound =
                    signature.max_overlap(query.len(), &self.signatures[key as usize], set.len());
                if bound < needed {
                    return None;
                }
                let common = overlap_if_at_least(set, &self.in_query, needed)?;
                Some((key as usize, jaccard(query.len(), set.len(), common)))
            })
            .filter(|(_, similarity)| *similarity >= self.threshold)
            .fold(None, |best: Option<(usize, f64)>, (key, s)| match best {
                Some((k, b)) if b > s || (b == s && k < key) => best,
                _ => Some((key, s)),
            });
        for &rank in query {
            self.in_query[rank as usize] = false;
        }
        best
    }
}

/// How many of `set`'s shingles the query holds (`in_query`, by rank), if at
/// least `needed`. Gives up at the first miss too many: most candidates share a
/// few rare shingles and little else, and they come first in the set.
fn overlap_if_at_least(set: &[u32], in_query: &[bool], needed: usize) -> Option<usize> {
    let mut misses_left = set.len().checked_sub(needed)?;
    let mut common = 0;
    for &rank in set {
        if in_query[rank as usize] {
            common += 1;
        } else if misses_left == 0 {
            return None;
        } else {
            misses_left -= 1;
        }
    }
    Some(common)
}

/// |A ∩ B| / |A ∪ B| from the sizes of A, B and A ∩ B.
fn jaccard(a: usize, b: usize, common: usize) -> f64 {
    let union = a + b - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// How many of a set's first shingles are indexed and probed: a set B with
/// J(A, B) ≥ t shares at least ⌈t·|A|⌉ shingles with A (and at least one, even
/// at t = 0), so it shares one with the first |A| − ⌈t·|A|⌉ + 1.
fn prefix_len(len: usize, threshold: f64) -> usize {
    len + 1 - at_least(threshold * len as f64).min(len.max(1))
}

/// The shingles two sets of these sizes must share to reach `threshold`:
/// |A ∩ B| ≥ t / (1 + t) · (|A| + |B|) is J(A, B) ≥ t solved for the overlap.
fn min_overlap(threshold: f64, a: usize, b: usize) -> usize {
    at_least(threshold / (1.0 + threshold) * (a + b) as f64)
}

/// Whether `overlap` (at least one) shingles in common can reach `threshold`:
/// `overlap >= min_overlap(threshold, a, b)` without rounding up, as the
/// position filter asks it for every posting it walks (`f64::ceil` is a libm
/// call on baseline x86-64).
fn can_reach(threshold: f64, overlap: usize, a: usize, b: usize) -> bool {
    overlap as f64 >= threshold / (1.0 + threshold) * (a + b) as f64 - SLACK
}

/// The least whole number of shared shingles, at least one, that can reach an
/// overlap of `bound`.
fn at_least(bound: f64) -> usize {
    (bound - SLACK).ceil().max(1.0) as usize
}

/// Keeps float rounding in a bound from demanding one shingle too many.
const SLACK: f64 = 1e-9;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const SEED: &str = "China is compensating for its deficit in cutting-edge semiconductors by pursuing an asymmetric strategy. It focuses on massive 'superclusters' of less advanced domestic chips and creating hyper-efficient, open-source AI models.";

    fn shingles(text: &str) -> Shingles {
        Shingles::of_normalized(&crate::content::normalize(text))
    }

    /// Jaccard by the definition, to check the index against.
    fn reference_jaccard(a: &Shingles, b: &Shingles) -> f64 {
        let (a, b): (HashSet<_>, HashSet<_>) = (a.0.iter().collect(), b.0.iter().collect());
        let union = a.union(&b).count();
        if union == 0 {
            0.0
        } else {
            a.intersection(&b).count() as f64 / union as f64
        }
    }

    #[test]
    fn a_typo_or_changed_word_stays_similar() {
        let typo = SEED.replace("asymmetric", "asymetric");
        let word = SEED.replace("massive", "huge");
        let a = shingles(SEED);
        assert!(reference_jaccard(&a, &shingles(&typo)) > 0.8);
        assert!(reference_jaccard(&a, &shingles(&word)) > 0.8);
    }

    #[test]
    fn chinese_text_is_compared_character_by_character() {
        let text = "深度求索将进一步的API降价与华为芯片供应挂钩，如果昇腾芯片的产能跟不上，降价计划可能会推迟到明年第二季度。";
        let typo = text.replace("昇腾", "升腾");
        let other = "日本の電力会社はデータセンター向けの長期契約を見直し始めている。";
        let a = shingles(text);
        assert!(reference_jaccard(&a, &shingles(&typo)) > 0.8);
        assert!(reference_jaccard(&a, &shingles(other)) < 0.1);
        let mut tokens = Vec::new();
        push_tokens("的api降价", &mut tokens);
        assert_eq!(tokens, ["的", "api", "降", "价"]);
    }

    #[test]
    fn jaccard_is_shared_over_all_distinct() {
        // {0, 2, 3} and {1, 2}: one in common, four in all.
        assert_eq!(jaccard(3, 2, 1), 0.25);
        assert_eq!(jaccard(0, 0, 0), 0.0);
    }

    #[test]
    fn can_reach_is_min_overlap_without_rounding() {
        for t in [0.0, 0.1, 0.5, 0.6, 0.75, 0.9, 1.0] {
            for (a, b) in [(1, 1), (3, 7), (48, 50), (90, 90), (200, 13)] {
                for overlap in 1..=a.min(b) {
                    assert_eq!(
                        can_reach(t, overlap, a, b),
                        overlap >= min_overlap(t, a, b),
                        "t {t}, sizes {a} and {b}, overlap {overlap}"
                    );
                }
            }
        }
    }

    #[test]
    fn signatures_bound_the_overlap_from_above() {
        // 0 and 512 fall on one bit: the bound counts them once, plus the extra.
        let a: Vec<u32> = vec![0, 1, 2, 512];
        let b: Vec<u32> = vec![2, 3, 512, 1024];
        let (sa, sb) = (Signature::of(&a), Signature::of(&b));
        assert_eq!(sa.ones, 3);
        assert_eq!(sa.max_overlap(a.len(), &sb, b.len()), 3);
        assert_eq!(sa.max_overlap(a.len(), &sa, a.len()), 4);
        let far = Signature::of(&[7, 8]);
        assert_eq!(sa.max_overlap(a.len(), &far, 2), 0);
    }

    #[test]
    fn verification_counts_the_overlap_or_gives_up() {
        let in_query = [true, false, true, true];
        assert_eq!(overlap_if_at_least(&[1, 2, 3], &in_query, 2), Some(2));
        assert_eq!(overlap_if_at_least(&[1, 2, 3], &in_query, 3), None);
        assert_eq!(overlap_if_at_least(&[0, 2], &in_query, 3), None);
        assert_eq!(overlap_if_at_least(&[], &in_query, 0), Some(0));
    }

    #[test]
    fn prefixes_leave_out_what_a_match_must_share_but_one() {
        // 48 shingles at 0.6: a match shares ⌈28.8⌉ = 29, so 20 are probed.
        assert_eq!(prefix_len(48, 0.6), 20);
        assert_eq!(prefix_len(48, 1.0), 1);
        // At 0 a match still shares one shingle: the whole set is probed.
        assert_eq!(prefix_len(48, 0.0), 48);
        assert_eq!(prefix_len(0, 0.6), 0);
        assert_eq!(prefix_len(5, 0.6), 3);
        // 0.6 · (10 + 10) / 1.6 = 7.5 shingles in common at least.
        assert_eq!(min_overlap(0.6, 10, 10), 8);
        assert_eq!(min_overlap(0.5, 3, 3), 2);
    }

    #[test]
    fn the_order_puts_rare_shingles_first_and_new_ones_last() {
        let (common, rare) = (shingles("a b c d"), shingles("a b c"));
        // "a b c" is in both sets, "b c d" in one.
        let mut order = ShingleOrder::by_frequency([&common, &rare]);
        assert_eq!(order.len(), 2);
        assert_eq!(order.rank(&rare), vec![1]);
        assert_eq!(order.rank(&common), vec![0, 1]);
        // Four shingles, three of them new.
        assert_eq!(order.rank(&shingles("x y z a b c")), vec![1, 2, 3, 4]);
        assert_eq!(order.len(), 5);
    }

    #[test]
    fn index_finds_the_near_duplicate_and_not_a_different_insight() {
        let texts = [
            shingles("Huawei could surprise the market within 2-3 years with low-cost AI chips."),
            shingles(SEED),
        ];
        let mut index = SimilarityIndex::new(0.6, &texts);
        for (key, set) in texts.iter().enumerate() {
            index.insert(key, set);
        }
        let variant = shingles(&SEED.replace("cutting-edge", "leading-edge"));
        let (key, similarity) = index.best_match(&variant).unwrap();
        assert_eq!(key, 1);
        assert!((0.6..1.0).contains(&similarity));
        assert_eq!(similarity, reference_jaccard(&texts[1], &variant));
        let other = shingles("China is compensating for its deficit in talent by hiring abroad.");
        assert_eq!(index.best_match(&other), None);
    }

    #[test]
    fn the_index_misses_nothing_a_full_scan_finds() {
        // 300 texts over a tiny vocabulary: every shingle is a stock phrase.
        let texts: Vec<Shingles> = (0..300)
            .map(|i| {
                shingles(&format!(
                    "w{} w{} w{} w{} w{} w{} w{} w{}",
                    i % 7,
                    i % 5,
                    i % 3,
                    i % 4,
                    i % 6,
                    i % 2,
                    i % 9,
                    i % 8
                ))
            })
            .collect();
        // The order from the sets themselves, from half of them, and from none.
        let orders: [&[Shingles]; 3] = [&texts, &texts[150..], &[]];
        for t in [0.0, 0.3, 0.5, 0.6, 0.9, 1.0] {
            for expected in orders {
                let mut index = SimilarityIndex::new(t, expected);
                for (key, set) in texts.iter().enumerate() {
                    // The best by the definition: highest, then first.
                    let scan = texts[..key]
                        .iter()
                        .map(|other| reference_jaccard(other, set))
                        .enumerate()
                        .filter(|&(_, s)| s >= t && (t > 0.0 || s > 0.0))
                        .fold(None, |best: Option<(usize, f64)>, (k, s)| match best {
                            Some((_, b)) if b >= s => best,
                            _ => Some((k, s)),
                        });
                    assert_eq!(index.best_match(set), scan, "threshold {t}, text {key}");
                    index.insert(key, set);
                }
            }
        }
    }
}
