//! Raw insight files as a scanning service delivers them: found (files named,
//! folders walked), read and checked (bytes → UTF-8 text, or a reason to skip),
//! dated, and split into insight lines with boilerplate dropped and the `Related
//! Insights` section marked. It reads files but knows nothing of content files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};

use crate::config::{ImportConfig, SiteTz};
use crate::error::Diagnostic;
use crate::hidden::is_hidden;

/// Why a file was not imported. `Empty` is harmless; the others fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SkipReason {
    Empty,
    Binary,
    NotUtf8,
    Unreadable,
}

impl SkipReason {
    pub(crate) fn is_error(self) -> bool {
        self != SkipReason::Empty
    }
}

/// A file that could not be imported, with the warning that names it.
#[derive(Debug)]
pub(crate) struct Skipped {
    pub reason: SkipReason,
    pub warning: Diagnostic,
}

/// Every raw file under `paths`, read and dated (`date` overrides the file's
/// own), oldest first; and the files skipped, with why.
pub(crate) fn read_files(
    paths: &[PathBuf],
    date: Option<NaiveDate>,
    insights_dir: &Path,
    tz: &SiteTz,
) -> (Vec<RawFile>, Vec<Skipped>) {
    let mut skipped = Vec::new();
    let mut files: Vec<RawFile> = collect_files(paths, insights_dir, &mut skipped)
        .into_iter()
        .filter_map(|path| match read_raw(&path) {
            Ok(text) => {
                let date = date.unwrap_or_else(|| file_date(&path, tz));
                Some(RawFile { path, date, text })
            }
            Err(skip) => {
                skipped.push(skip);
                None
            }
        })
        .collect();
    // Oldest first, so the first sighting of an insight is its earliest, and a
    // folder imported at once gives what importing its files one by one would.
    files.sort_by(|a, b| (a.date, &a.path).cmp(&(b.date, &b.path)));
    (files, skipped)
}

/// A raw file read and dated.
pub(crate) struct RawFile {
    pub path: PathBuf,
    pub date: NaiveDate,
    pub text: String,
}

impl RawFile {
    /// What `sources` records: the file name, not where it happened to lie.
    pub(crate) fn source_name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// The files named or found under the folders named, each once, in order.
/// The site's own `content/insights/` is never taken for raw input.
fn collect_files(
    paths: &[PathBuf],
    insights_dir: &Path,
    skipped: &mut Vec<Skipped>,
) -> Vec<PathBuf> {
    let own_content = insights_dir.canonicalize().ok();
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            // A named file is imported whatever its extension; a missing one is
            // reported when it is read.
            files.push(path.clone());
            continue;
        }
        let walker = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            // A folder named explicitly is walked even when hidden.
            .filter_entry(|e| {
                let hidden = e.depth() > 0 && is_hidden(e.file_name());
                !hidden && !is_same_dir(e.path(), own_content.as_deref())
            });
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() && is_raw_file(e.path()) => {
                    files.push(e.into_path())
                }
                Ok(_) => {}
                Err(e) => skipped.push(Skipped {
                    reason: SkipReason::Unreadable,
                    warning: Diagnostic::warning(format!("skipped: cannot read: {e}"))
                        .at(e.path().unwrap_or(path)),
                }),
            }
        }
    }
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(f.canonicalize().unwrap_or_else(|_| f.clone())));
    files
}

fn is_same_dir(path: &Path, dir: Option<&Path>) -> bool {
    dir.is_some_and(|dir| path.is_dir() && path.canonicalize().is_ok_and(|p| p == dir))
}

fn is_raw_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "txt" || e == "md")
}

/// A date in the file name, else the day of its modification time in the site's zone.
fn file_date(path: &Path, tz: &SiteTz) -> NaiveDate {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    date_in_name(&name).unwrap_or_else(|| {
        let modified: DateTime<Utc> = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .map_or_else(|_| Utc::now(), DateTime::from);
        tz.day_of(&modified.fixed_offset())
    })
}

/// Reads `path` as the text of a raw insight file, or says why it is skipped.
pub(crate) fn read_raw(path: &Path) -> Result<String, Skipped> {
    let skip = |reason, message: String, hint: &str| Skipped {
        reason,
        warning: Diagnostic::warning(format!("skipped: {message}"))
            .at(path)
            .hint(hint),
    };
    let bytes = std::fs::read(path).map_err(|e| {
        skip(
            SkipReason::Unreadable,
            format!("cannot read the file: {e}"),
            "check that it exists and is readable",
        )
    })?;
    // A NUL byte never occurs in text; checking it first names the real problem
    // (a binary file) instead of reporting it as bad UTF-8.
    if bytes.contains(&0) {
        return Err(skip(
            SkipReason::Binary,
            "the file is binary, not text".into(),
            "raw insight files are plain text, one insight per line",
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        skip(
            SkipReason::NotUtf8,
            format!(
                "the file is not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
            "convert it to UTF-8, e.g. `iconv -f latin1 -t utf-8`",
        )
    })?;
    if text.trim().is_empty() {
        return Err(skip(
            SkipReason::Empty,
            "the file is empty".into(),
            "nothing to import from it",
        ));
    }
    Ok(text)
}

/// Where an insight line stands relative to the `Related Insights` marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Above the marker (or in a file without one).
    Lead,
    /// Below the marker: related to every lead of the file.
    Related,
}

/// One insight line of a raw file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawLine<'a> {
    pub text: &'a str,
    /// 1-based line in the file, for reports.
    pub line: usize,
    pub role: Role,
}

/// Splits raw text into insight lines: blank and boilerplate lines dropped, text
/// kept verbatim apart from surrounding whitespace (and a BOM).
pub(crate) fn insight_lines<'a>(text: &'a str, rules: &ImportConfig) -> Vec<RawLine<'a>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut role = Role::Lead;
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || rules.skip_lines.iter().any(|s| same_line(s, line)) {
            continue;
        }
        if same_line(&rules.related_marker, line) {
            role = Role::Related;
            continue;
        }
        lines.push(RawLine {
            text: line,
            line: i + 1,
            role,
        });
    }
    lines
}

/// Boilerplate and the marker are recognised whatever their case and spacing.
fn same_line(pattern: &str, line: &str) -> bool {
    pattern.trim().eq_ignore_ascii_case(line)
}

/// The first valid `YYYY-MM-DD` in a file name, e.g. `2026-11-18_000_x.txt`.
pub(crate) fn date_in_name(name: &str) -> Option<NaiveDate> {
    let bytes = name.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let candidate = name.get(i..i + 10)?;
        let shape_ok = candidate.bytes().enumerate().all(|(j, b)| match j {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
        // Not part of a longer number: `12026-11-18` is no date.
        let alone = i == 0 || !bytes[i - 1].is_ascii_digit();
        let alone = alone && bytes.get(i + 10).is_none_or(|b| !b.is_ascii_digit());
        (shape_ok && alone)
            .then(|| NaiveDate::parse_from_str(candidate, "%Y-%m-%d").ok())
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_boilerplate_and_blank_lines_and_marks_related() {
        let text = "\u{feff}Get your free personalized podcast brief\r\n\r\nWe scan new podcasts and send you the top 5 insights daily.\nLead one.\n\nRelated Insights\n  Other one.  \n";
        let lines = insight_lines(text, &ImportConfig::default());
        assert_eq!(
            lines,
            vec![
                RawLine {
                    text: "Lead one.",
                    line: 4,
                    role: Role::Lead
                },
                RawLine {
                    text: "Other one.",
                    line: 7,
                    role: Role::Related
                },
            ]
        );
    }

    #[test]
    fn boilerplate_and_marker_come_from_config() {
        let rules = ImportConfig {
            skip_lines: vec!["-- sent by Digestor --".into()],
            related_marker: "See also".into(),
            ..ImportConfig::default()
        };
        let text = "-- SENT BY DIGESTOR --\nLead.\nsee also\nOther.\nRelated Insights\n";
        let lines: Vec<(&str, Role)> = insight_lines(text, &rules)
            .iter()
            .map(|l| (l.text, l.role))
            .collect();
        assert_eq!(
            lines,
            [
                ("Lead.", Role::Lead),
                ("Other.", Role::Related),
                ("Related Insights", Role::Related)
            ]
        );
    }

    #[test]
    fn finds_a_date_in_a_file_name() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            date_in_name("2026-11-18_000_7253d8bbe40a356c.txt"),
            d("2026-11-18")
        );
        assert_eq!(date_in_name("brief-2026-02-03.txt"), d("2026-02-03"));
        assert_eq!(
            date_in_name("2026-13-45 then 2026-01-02.txt"),
            d("2026-01-02")
        );
        assert_eq!(date_in_name("000_7253d8bbe40a356c.txt"), None);
        assert_eq!(date_in_name("12026-11-18.txt"), None);
    }

    #[test]
    fn classifies_unimportable_files() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let reason = |p: &Path| read_raw(p).unwrap_err().reason;
        assert_eq!(reason(&write("e.txt", b" \n\n")), SkipReason::Empty);
        assert_eq!(
            reason(&write("b.txt", b"PK\x03\x04\x00\x01")),
            SkipReason::Binary
        );
        assert_eq!(
            reason(&write("l.txt", b"caf\xe9 au lait")),
            SkipReason::NotUtf8
        );
        assert_eq!(
            reason(&dir.path().join("missing.txt")),
            SkipReason::Unreadable
        );
        assert_eq!(
            read_raw(&write("ok.txt", "café".as_bytes())).unwrap(),
            "café"
        );
    }
}
