//! The job records of a disk build between runs: for each render job, the
//! fingerprint of its inputs and the files it wrote, each with the size and mtime
//! it had when written. Kept as `.brief-manifest` in the output's build cache
//! (`.brief-cache/<key>/` in the site root, never in the deployable output). The
//! build's memory reuses a job whose fingerprint is unchanged and whose files are
//! still exactly as written, so a rebuild renders only what changed. Anything
//! unexpected — a missing, corrupt or foreign manifest, or a file touched since —
//! just means rendering again.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

use super::{JobRecord, Jobs};

pub(crate) const MANIFEST_FILE: &str = ".brief-manifest";

/// First line of a manifest: another brief version may fingerprint differently.
const HEADER: &str = concat!("brief-manifest 1 ", env!("CARGO_PKG_VERSION"));

/// What identifies an output file as the one written: its size and mtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) len: u64,
    pub(crate) mtime_nanos: u128,
}

impl Stamp {
    pub(crate) fn of(meta: &std::fs::Metadata) -> Stamp {
        let mtime_nanos = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Stamp {
            len: meta.len(),
            mtime_nanos,
        }
    }
}

/// Render job → fingerprint, files and their stamps.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Manifest {
    pub(super) jobs: Jobs,
}

impl Manifest {
    /// The manifest text in `dir`; empty if there is none.
    pub(super) fn read(dir: &Path) -> String {
        std::fs::read_to_string(dir.join(MANIFEST_FILE)).unwrap_or_default()
    }

    /// The manifest in `text`, or an empty one if it is not usable.
    pub(super) fn parse(text: &str) -> Manifest {
        Manifest::try_parse(text).unwrap_or_default()
    }

    /// One job a line: `job`, fingerprint, then `len mtime path` per file, all
    /// tab-separated. `None` if anything is off.
    fn try_parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut jobs = HashMap::new();
        for line in lines {
            let mut fields = line.split('\t');
            let job = fields.next()?.to_string();
            let fingerprint = u64::from_str_radix(fields.next()?, 16).ok()?;
            let (mut paths, mut stamps) = (Vec::new(), Vec::new());
            while let Some(len) = fields.next() {
                stamps.push(Stamp {
                    len: len.parse().ok()?,
                    mtime_nanos: fields.next()?.parse().ok()?,
                });
                paths.push(fields.next()?.to_string());
            }
            let record = JobRecord {
                fingerprint,
                paths: paths.into(),
                stamps: Some(stamps.into()),
            };
            jobs.insert(job, record);
        }
        Some(Manifest { jobs })
    }
}

/// The manifest text of `lines` (each job's key and its [`line`]), in job
/// order, so that equal builds give equal text. Sorted in parallel: a manifest
/// has a line per page (170k at 100k insights), and this is the one step of a
/// commit that grows with the site.
pub(super) fn text_of(mut lines: Vec<(String, String)>) -> String {
    lines.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let size = HEADER.len() + 1 + lines.iter().map(|(_, line)| line.len()).sum::<usize>();
    let mut text = String::with_capacity(size);
    text.push_str(HEADER);
    text.push('\n');
    for (_, line) in lines {
        text.push_str(&line);
    }
    text
}

/// The manifest line of `job`: `job`, `fingerprint`, then `len mtime path` per
/// file, all tab-separated (what [`Manifest::parse`] reads). `None` for a job or
/// path that cannot be written in this format (a tab or line break in it): the
/// job renders again next time.
pub(super) fn line(job: &str, fingerprint: u64, files: &[(&str, Stamp)]) -> Option<String> {
    let plain = |s: &str| !s.contains(['\t', '\n', '\r']);
    if !plain(job) || !files.iter().all(|(path, _)| plain(path)) {
        return None;
    }
    let mut text = String::with_capacity(64 + 80 * files.len());
    let _ = write!(text, "{job}\t{fingerprint:x}");
    for (path, stamp) in files {
        let _ = write!(text, "\t{}\t{}\t{path}", stamp.len, stamp.mtime_nanos);
    }
    text.push('\n');
    Some(text)
}

/// Whether the file at `path` is still exactly as it was written.
pub(super) fn unchanged(path: &Path, stamp: Stamp) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.is_file() && Stamp::of(&meta) == stamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let stamp = Stamp {
            len: 12,
            mtime_nanos: 1_700_000_000_123_456_789,
        };
        let files = [("topics/a/index.html", stamp)];
        let lines = [
            ("Topic(3, 1)", 0xdead_beef, &files[..]),
            ("Bad\tjob", 1, &[]),
        ]
        .into_iter()
        .filter_map(|(job, fingerprint, files)| {
            Some((job.to_string(), line(job, fingerprint, files)?))
        })
        .collect();
        let text = text_of(lines);
        let back = Manifest::parse(&text);
        assert_eq!(back.jobs.len(), 1, "unwritable job left out");
        let record = JobRecord {
            fingerprint: 0xdead_beef,
            paths: ["topics/a/index.html".to_string()].into(),
            stamps: Some([stamp].into()),
        };
        assert_eq!(back.jobs["Topic(3, 1)"], record);
        let other_version = text.replace("brief-manifest 1", "brief-manifest 0");
        assert!(Manifest::try_parse(&other_version).is_none());
        assert!(Manifest::try_parse(&text[..text.rfind('\t').unwrap()]).is_none());
    }
}
