//! The hash behind every fingerprint and cache key a build keeps or compares:
//! xxh3, the same in every run and on every platform, and several times faster
//! than std's SipHash on the long inputs fingerprints read (each insight body is
//! hashed for its cache key, each content file's text, each job's inputs).

use std::hash::{Hash, Hasher as _};

pub(crate) use xxhash_rust::xxh3::Xxh3Default as Hasher;

/// The fingerprint of `value`.
pub(crate) fn hash_of(value: &(impl Hash + ?Sized)) -> u64 {
    let mut hasher = Hasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}
