//! Raw insight files as a scanning service delivers them, as text files or
//! emails: read and checked (bytes → UTF-8 text, or a reason to skip), dated,
//! and split into insight lines with boilerplate dropped and the `Related
//! Insights` section marked. Finding the files is [`super::inputs`]'s job,
//! reading emails [`super::email`]'s. It knows nothing of content files.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};

use super::email::{self, maildir_files, maildir_unique_name, mbox_messages, Letter, Problem};
use super::inputs::{find_inputs, read_capped, Input, SiteFolders, SkipReason, Skipped};
use crate::config::{ImportConfig, SiteTz};
use crate::content::normalize;

/// What a run reads, and how it dates it.
pub(crate) struct Reading<'a> {
    /// The site's root: its own folders are not raw input.
    pub(crate) root: &'a Path,
    /// The date of everything read, instead of each text's own.
    pub(crate) date: Option<NaiveDate>,
    pub(crate) tz: &'a SiteTz,
}

/// Every text read from the inputs, oldest first, and what was skipped.
#[derive(Default)]
pub(crate) struct ReadResult {
    pub(crate) texts: Vec<RawFile>,
    pub(crate) skipped: Vec<Skipped>,
    /// Files read (an mbox counts once, each Maildir message once).
    pub(crate) files: usize,
    /// Of `texts`, those that came from emails.
    pub(crate) emails: usize,
}

/// Every raw text under `paths`, read and dated, oldest first; and the inputs
/// (files or messages) skipped, with why.
pub(crate) fn read_files(paths: &[PathBuf], reading: &Reading) -> ReadResult {
    let mut result = ReadResult::default();
    let inputs = find_inputs(paths, &SiteFolders::of(reading.root), &mut result.skipped);
    for input in inputs {
        match input {
            Input::Text(path) => result.add_text_file(read_text(&path, reading)),
            Input::Eml(path) => {
                let source = file_name(&path);
                result.add_message_file(&path, reading, |_| (source.clone(), false));
            }
            Input::Mbox(path) => result.add_mbox(&path, reading),
            Input::Maildir(dir) => result.add_maildir(&dir, reading),
            Input::MaildirMessage(path) => result.add_maildir_message(path, reading),
        }
    }
    // Oldest first, so the first sighting of an insight is its earliest, and a
    // folder imported at once gives what importing its files one by one would.
    result
        .texts
        .sort_by(|a, b| (a.date, &a.path, a.index).cmp(&(b.date, &b.path, b.index)));
    result
}

impl ReadResult {
    /// One text file's text, or why it was skipped.
    fn add_text_file(&mut self, read: Result<RawFile, Skipped>) {
        match read {
            Ok(text) => {
                self.files += 1;
                self.texts.push(text);
            }
            Err(skip) => self.skipped.push(skip),
        }
    }

    /// The message file at `path` (an `.eml`, a Maildir's message): each of
    /// its letters (a forward holds several), known by the source
    /// `source_of` gives it (and, when it says so, named in messages by that
    /// source), or why it was skipped.
    fn add_message_file(
        &mut self,
        path: &Path,
        reading: &Reading,
        source_of: impl Fn(&Letter) -> (String, bool),
    ) {
        let letters = match read_letters(path) {
            Ok(letters) => letters,
            Err(skip) => return self.skipped.push(skip),
        };
        self.files += 1;
        for (k, letter) in letters.into_iter().enumerate() {
            let (source, named) = source_of(&letter);
            let mut text = letter_text(path.to_path_buf(), source, None, letter, reading);
            if named {
                text.message = Some(text.source.clone());
            }
            text.index = k;
            self.emails += 1;
            self.texts.push(text);
        }
    }

    /// Every message of the mbox at `path`; a bad one is skipped, the others read.
    fn add_mbox(&mut self, path: &Path, reading: &Reading) {
        let bytes = match read_capped(path) {
            Ok(bytes) => bytes,
            Err(skip) => return self.skipped.push(skip),
        };
        self.files += 1;
        for (n, message) in mbox_messages(&bytes).into_iter().enumerate() {
            let number = n + 1;
            let letters = message.and_then(|bytes| email::read_message(&bytes));
            match letters {
                Ok(letters) => {
                    for letter in letters {
                        let source = letter
                            .message_id
                            .clone()
                            .unwrap_or_else(|| format!("{}#{number}", file_name(path)));
                        let mut text =
                            letter_text(path.to_path_buf(), source, Some(number), letter, reading);
                        text.index = number;
                        self.emails += 1;
                        self.texts.push(text);
                    }
                }
                Err(problem) => self
                    .skipped
                    .push(skipped_message(path, Some(number), &problem)),
            }
        }
    }

    /// Every message of the Maildir `dir`, each file read as one `.eml`.
    fn add_maildir(&mut self, dir: &Path, reading: &Reading) {
        let files = match maildir_files(dir) {
            Ok(files) => files,
            Err(e) => {
                return self.skipped.push(Skipped::new(
                    SkipReason::Unreadable,
                    dir,
                    format!("cannot read the Maildir: {e}"),
                    "check the folder's permissions",
                ))
            }
        };
        for path in files {
            self.add_maildir_message(path, reading);
        }
    }

    /// The Maildir message at `path`, read as one `.eml` and known by its
    /// Message-ID, else by the name its Maildir gives it.
    fn add_maildir_message(&mut self, path: PathBuf, reading: &Reading) {
        self.add_message_file(&path, reading, |letter| {
            let source = letter
                .message_id
                .clone()
                .unwrap_or_else(|| maildir_unique_name(&path));
            (source, true)
        });
    }
}

/// The letters of the message file at `path` (see [`email::read_message`]),
/// or why it is skipped.
fn read_letters(path: &Path) -> Result<Vec<Letter>, Skipped> {
    let bytes = read_capped(path)?;
    email::read_message(&bytes).map_err(|problem| skipped_message(path, None, &problem))
}

/// A raw text file read and checked.
fn read_text(path: &Path, reading: &Reading) -> Result<RawFile, Skipped> {
    let text = read_raw(path)?;
    Ok(RawFile {
        source: file_name(path),
        date: reading.date.unwrap_or_else(|| file_date(path, reading.tz)),
        path: path.to_path_buf(),
        text,
        message: None,
        index: 0,
    })
}

/// A message's text as a raw file: dated by `--date`, else its `Date:` header
/// in the site's zone, else as the file holding it is.
fn letter_text(
    path: PathBuf,
    source: String,
    number: Option<usize>,
    letter: Letter,
    reading: &Reading,
) -> RawFile {
    let date = reading.date.unwrap_or_else(|| match letter.date {
        Some(sent) => reading.tz.day_of(&sent),
        None => file_date(&path, reading.tz),
    });
    RawFile {
        message: number.map(|n| format!("message {n}, {source}")),
        source,
        date,
        path,
        text: letter.text,
        index: 0,
    }
}

/// The warning for a message that gives no text: the file, and which message.
fn skipped_message(path: &Path, number: Option<usize>, problem: &Problem) -> Skipped {
    let reason = if problem.is_error() {
        SkipReason::BadEmail
    } else {
        SkipReason::NoText
    };
    let which = number.map_or_else(String::new, |n| format!("message {n}: "));
    let hint = match problem {
        Problem::NoText => "nothing to import from it",
        Problem::Charset(_) => "save the message again in UTF-8, or import its text as a .txt file",
        Problem::Truncated => "the file was cut short: export the message or mailbox again",
        Problem::NotAnEmail => {
            "an .eml file holds one email with its headers; a text file should end in .txt"
        }
    };
    Skipped::new(reason, path, format!("{which}{problem}"), hint)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A raw text read and dated: a raw insight file, or one email's text.
pub(crate) struct RawFile {
    /// The file it was read from.
    pub(crate) path: PathBuf,
    /// What `sources` records: the file name, or an email's Message-ID.
    pub(crate) source: String,
    pub(crate) date: NaiveDate,
    pub(crate) text: String,
    /// Which message of the file, for reports (`message 3, <id>`).
    pub(crate) message: Option<String>,
    /// Its place in its file (mbox messages), for a stable order.
    index: usize,
}

impl RawFile {
    /// Where the text came from, for reports: the file, and the message.
    pub(crate) fn origin(&self) -> String {
        match &self.message {
            Some(message) => format!("{} ({message})", self.path.display()),
            None => self.path.display().to_string(),
        }
    }
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
    let bytes = read_capped(path)?;
    // A NUL byte never occurs in text; checking it first names the real problem
    // (a binary file) instead of reporting it as bad UTF-8.
    if bytes.contains(&0) {
        return Err(Skipped::new(
            SkipReason::Binary,
            path,
            "the file is binary, not text".into(),
            "raw insight files are plain text, one insight per line",
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Skipped::new(
            SkipReason::NotUtf8,
            path,
            format!(
                "the file is not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
            "convert it to UTF-8, e.g. `iconv -f latin1 -t utf-8`",
        )
    })?;
    if text.trim().is_empty() {
        return Err(Skipped::new(
            SkipReason::Empty,
            path,
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
    pub(crate) text: &'a str,
    /// 1-based line in the file, for reports.
    pub(crate) line: usize,
    pub(crate) role: Role,
}

/// Splits raw text into insight lines: blank and boilerplate lines dropped, and
/// lines without a letter (dates, rules such as `---`); text kept verbatim
/// apart from surrounding whitespace (and a BOM) and the block marks it starts
/// with (see [`without_block_marks`]).
pub(crate) fn insight_lines<'a>(text: &'a str, rules: &ImportConfig) -> Vec<RawLine<'a>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let skip: Vec<Pattern> = rules.skip_lines.iter().map(|s| Pattern::of(s)).collect();
    let marker = Pattern::of(&rules.related_marker);
    let mut role = Role::Lead;
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let (line, heading) = without_block_marks(line.trim());
        if !line.chars().any(char::is_alphabetic) || skip.iter().any(|s| s.matches(line)) {
            continue;
        }
        if marker.matches(line) {
            role = Role::Related;
            continue;
        }
        // An email's headings title its sections ("Top insights"); an insight
        // is a paragraph.
        if heading {
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

/// `line` without the Markdown block marks it starts with: a list item's
/// (`- `, `* `, `+ `, `1. `, `1) `), a quote's (`>`) or a heading's (`## `),
/// and whether one was a heading's. Scanning services and HTML emails (their
/// `<li>` become `- `) number, bullet or quote their insights; kept, a mark
/// would make the insight a list or a quote, shown under a headline that
/// repeats its first sentence.
fn without_block_marks(mut line: &str) -> (&str, bool) {
    let mut heading = false;
    while let Some(end) = block_mark_end(line.as_bytes()) {
        heading |= line.starts_with('#');
        line = line[end..].trim_start();
    }
    (line, heading)
}

/// Where the block mark `line` starts with ends, if it starts with one.
fn block_mark_end(line: &[u8]) -> Option<usize> {
    let spaced = |at: usize| matches!(line.get(at), Some(b' ' | b'\t')).then_some(at + 1);
    match *line.first()? {
        b'-' | b'*' | b'+' => spaced(1),
        b'>' => Some(1),
        b'#' => {
            let level = line.iter().take_while(|&&b| b == b'#').count();
            (level <= 6).then(|| spaced(level)).flatten()
        }
        b'0'..=b'9' => {
            let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
            let numbered = digits <= 9 && matches!(line.get(digits), Some(b'.' | b')'));
            numbered.then(|| spaced(digits + 1)).flatten()
        }
        _ => None,
    }
}

/// A boilerplate line or the related marker, recognised as insights are:
/// whatever the case, the spacing (a no-break space, two spaces) and the
/// punctuation ("Related Insights:", "…daily" without its full stop).
struct Pattern {
    normalized: String,
    /// Its letters and digits: a line with another count is not it, and is
    /// not normalized to find out (insights are far longer than boilerplate).
    letters: usize,
}

impl Pattern {
    fn of(text: &str) -> Pattern {
        Pattern {
            normalized: normalize(text),
            letters: letters(text),
        }
    }

    fn matches(&self, line: &str) -> bool {
        letters(line) == self.letters && normalize(line) == self.normalized
    }
}

fn letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
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

    /// Each insight line of `text` and its role.
    fn roles<'a>(text: &'a str, rules: &ImportConfig) -> Vec<(&'a str, Role)> {
        insight_lines(text, rules)
            .iter()
            .map(|l| (l.text, l.role))
            .collect()
    }

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
    fn block_marks_are_left_out_and_headings_and_lines_without_letters_dropped() {
        let text = "2026-11-22\n1. First, the U.S. acts.\n- Bulleted one.\n* Starred one.\n\
                    + Plus one.\n> Quoted one.\n> - Quoted item.\n## Heading one.\n12) Twelfth.\n\
                    ---\n* * *\n===\n\n**Bold** stays.\n#1 priority stays.\n1.5 million stays.\n\
                    2025 stays a year.\n-5% stays.\n####### Seven hashes stay.\n## Related Insights\nAfter.\n";
        let lines = roles(text, &ImportConfig::default());
        assert_eq!(
            lines,
            [
                ("First, the U.S. acts.", Role::Lead),
                ("Bulleted one.", Role::Lead),
                ("Starred one.", Role::Lead),
                ("Plus one.", Role::Lead),
                ("Quoted one.", Role::Lead),
                ("Quoted item.", Role::Lead),
                ("Twelfth.", Role::Lead),
                ("**Bold** stays.", Role::Lead),
                ("#1 priority stays.", Role::Lead),
                ("1.5 million stays.", Role::Lead),
                ("2025 stays a year.", Role::Lead),
                ("-5% stays.", Role::Lead),
                ("####### Seven hashes stay.", Role::Lead),
                ("After.", Role::Related),
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
        let text = "-- SENT BY DIGESTOR --\nLead.\nsee also:\nOther.\nRelated Insights\n";
        let lines = roles(text, &rules);
        assert_eq!(
            lines,
            [
                ("Lead.", Role::Lead),
                ("Other.", Role::Related),
                ("Related Insights", Role::Related)
            ]
        );
    }

    /// The scanning service's lines as editors' tools change them: a no-break
    /// space, a doubled space, a colon, a missing full stop.
    #[test]
    fn boilerplate_is_recognised_whatever_its_spacing_and_punctuation() {
        let text = "We\u{a0}scan new podcasts and send you the top 5 insights daily\n\
                    Lead insight here.\n\
                    Get your  free personalized podcast brief.\n\
                    Related Insights:\n\
                    Other insight.\n";
        let lines = roles(text, &ImportConfig::default());
        assert_eq!(
            lines,
            [
                ("Lead insight here.", Role::Lead),
                ("Other insight.", Role::Related)
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
