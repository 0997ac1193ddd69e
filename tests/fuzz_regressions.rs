//! The fuzz targets on stable, without libFuzzer: every committed input under
//! `fuzz/regressions/<target>/` (crashes found by `cargo fuzz` and hand-made
//! seeds), then a few hundred deterministic mutations of those seeds, so CI
//! covers the targets on every run. A failure names the input file or the seed
//! and mutation step to reproduce it.

mod common;
#[path = "../fuzz/targets.rs"]
mod targets;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

type Target<'a> = Box<dyn Fn(&[u8]) + 'a>;

/// Every target by name; the raw-insight one imports into `site` (a test's
/// own temporary directory, removed when it ends).
fn targets(site: &Path) -> Vec<(&'static str, Target<'_>)> {
    targets::make_import_site(site);
    vec![
        ("front_matter", Box::new(targets::front_matter)),
        ("front_matter_toml", Box::new(targets::front_matter_toml)),
        ("markdown", Box::new(targets::markdown)),
        ("config", Box::new(targets::config)),
        (
            "raw_insight",
            Box::new(|data| targets::raw_insight(site, data)),
        ),
    ]
}

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = common::repo().join("fuzz/regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn committed_inputs_do_not_panic() {
    let site = tempfile::tempdir().unwrap();
    for (name, target) in targets(site.path()) {
        let inputs = inputs(name);
        assert!(!inputs.is_empty(), "no inputs for {name}");
        for (path, data) in inputs {
            let result = catch_unwind(AssertUnwindSafe(|| target(&data)));
            assert!(result.is_ok(), "{name} panicked on {path}");
        }
    }
}

/// xorshift64*: deterministic, so a failing step reproduces exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that matter to the parsers: splicing them in reaches deeper states
/// than flipping random bits.
const TOKENS: &[&str] = &[
    "+++\n",
    "---\n",
    "\r\n",
    "\n",
    "\u{feff}",
    "=",
    "\"",
    "'",
    "[",
    "]",
    "](",
    ")",
    "`",
    "```",
    "<",
    ">",
    "&",
    "#",
    "*",
    "_",
    "|",
    "\\",
    ":",
    "javascript:",
    "../",
    "/",
    "%",
    "[^1]",
    "title = \"x\"\n",
    "date = 2026-11-18\n",
    "date = 2026-13-01\n",
    "topics = [\"chips\"]\n",
    "é",
    "\u{202e}",
    "\0",
    "9999-12-31T23:59:59-23:59",
    "-262143-01-01",
];

fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(5) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => {
                let end = (at + rng.below(16)).min(data.len());
                data.drain(at.min(end)..end);
            }
            2 if !data.is_empty() => {
                let start = rng.below(data.len());
                let end = (start + rng.below(64)).min(data.len());
                let chunk = data[start..end].to_vec();
                data.splice(at..at, chunk);
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                data.splice(at..at, token.iter().copied());
            }
        }
    }
}

#[test]
fn mutated_seeds_do_not_panic() {
    const STEPS: usize = 300;
    let site = tempfile::tempdir().unwrap();
    for (name, target) in targets(site.path()) {
        let seeds: Vec<Vec<u8>> = inputs(name)
            .into_iter()
            .map(|(_, d)| d)
            .filter(|d| d.len() < 4096)
            .collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for step in 0..STEPS {
            let seed = rng.below(seeds.len());
            let mut data = seeds[seed].clone();
            mutate(&mut rng, &mut data);
            let result = catch_unwind(AssertUnwindSafe(|| target(&data)));
            assert!(
                result.is_ok(),
                "{name} panicked at step {step} on {:?}",
                String::from_utf8_lossy(&data)
            );
        }
    }
}
