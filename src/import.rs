//! `brief import`: raw insight files → `content/insights/*.md`.
//!
//! One run loads the existing content, reads every raw file (oldest first), and
//! resolves each insight line to an insight: the same normalized text (its `id`),
//! else a near duplicate by shingle similarity, else a new insight. A sighting
//! only ever *adds*: a source file name to `sources`, slugs to `related`. New
//! insights get a date, title, topics and a unique slug; existing files are edited
//! in place, keeping every hand edit. Nothing is written until the whole run is
//! resolved, and `--dry-run` writes nothing at all. It touches config and content
//! only; printing is left to the caller.

mod email;
pub(crate) mod frontmatter;
mod html;
mod inputs;
mod raw;
mod similar;
mod text;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, normalize, normalized_id, Insight, INSIGHTS_DIR};
use crate::count::Count;
use crate::error::{Diagnostic, Diagnostics};
use crate::lock::SiteLock;
use crate::text::headline::{headline_of, is_cut_of};
use frontmatter::{grow, render_new, EditError, Growth, NewInsight};
use raw::{insight_lines, read_files, RawFile, RawLine, Reading, Role};
use similar::{Shingles, SimilarityIndex};
use text::TopicMatcher;

pub use inputs::MAX_INPUT_BYTES;
pub(crate) use text::new_headline_slug;

/// What `brief import` was asked for.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Raw files, emails (`.eml`, mbox) or folders (walked recursively for
    /// them; a Maildir is read as a mailbox).
    pub paths: Vec<PathBuf>,
    /// The date of every imported insight, instead of the file's.
    pub date: Option<NaiveDate>,
    /// Resolve everything, write nothing.
    pub dry_run: bool,
}

/// The counts of the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub files_read: usize,
    /// Of the texts read, those that came from emails (an mbox holds many).
    pub(crate) emails: usize,
    pub insights_seen: usize,
    pub new: usize,
    /// Sightings that added a source to an insight already known.
    pub merged: usize,
    /// Of `merged`, those matched by similarity rather than identical text.
    pub near_duplicates: usize,
    /// Files and email messages skipped.
    pub skipped: usize,
    /// Of `skipped`, those skipped for an error (binary, not UTF-8,
    /// unreadable, too large, a truncated or undecodable email).
    pub failed: usize,
    /// Content files that could not be written.
    pub write_failures: usize,
    /// Content files with new sources or related insights that import does
    /// not write (YAML front matter): each is a warning, for the editor.
    pub left_to_edit: usize,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} read", Count(self.files_read, "file"))?;
        if self.emails > 0 {
            write!(f, " ({})", Count(self.emails, "email"))?;
        }
        write!(
            f,
            ", {} seen, {} new, {} merged ({}), {} skipped",
            Count(self.insights_seen, "insight"),
            self.new,
            self.merged,
            Count(self.near_duplicates, "near-duplicate"),
            self.skipped
        )
    }
}

/// A line merged into an insight whose text differs slightly.
#[derive(Debug, Clone)]
pub struct NearDuplicate {
    /// The file (and message) the line was read from.
    pub origin: String,
    pub line: usize,
    pub text: String,
    /// The content file it merged into (relative to the site root) and its text.
    pub into: PathBuf,
    pub into_text: String,
    pub similarity: f64,
}

/// One content file the run creates or grows (paths relative to the site root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Created {
        path: PathBuf,
        title: String,
    },
    Updated {
        path: PathBuf,
        sources: Vec<String>,
        related: Vec<String>,
        /// A new headline for a title an earlier import cut mid-phrase.
        title: Option<String>,
    },
}

/// Everything a run did (or, with `--dry-run`, would do).
#[derive(Debug, Default)]
pub struct ImportReport {
    pub summary: ImportSummary,
    pub near_duplicates: Vec<NearDuplicate>,
    pub changes: Vec<Change>,
    /// Warnings (skipped files) and errors (files that could not be written).
    pub diagnostics: Diagnostics,
}

impl ImportReport {
    /// Exit 1: a file was skipped for an error or content could not be written.
    pub fn failed(&self) -> bool {
        self.summary.failed > 0 || self.diagnostics.has_errors()
    }
}

/// Imports `options.paths` into the site at `root`. `Err` when the config or the
/// existing content does not load: then nothing is read or written.
/// A run that writes holds the site's lock from before it reads the content to
/// after its last write: two imports at once would otherwise both read the same
/// content and the later writer would drop what the other added.
pub fn import(root: &Path, options: &ImportOptions) -> Result<ImportReport, Diagnostics> {
    let config = Config::load(root)?;
    let _lock = (!options.dry_run)
        .then(|| SiteLock::acquire(root))
        .transpose()?;
    let existing = content::load_insights(root, &config)?;
    let mut report = ImportReport::default();
    let reading = Reading {
        root,
        date: options.date,
        tz: &config.timezone,
    };
    let read = read_files(&options.paths, &reading);
    let files = read.texts;
    // Each line's normalized text, id and shingles depend on that line alone:
    // worked out for all lines in parallel, then resolved in order.
    let sightings: Vec<Vec<Sighting>> = files
        .par_iter()
        .map(|file| {
            insight_lines(&file.text, &config.import)
                .into_iter()
                .map(Sighting::new)
                .collect()
        })
        .collect();
    let mut run = Run::new(root, &config, existing, &sightings);
    for (file, lines) in files.iter().zip(&sightings) {
        run.add_file(file, lines, &mut report);
    }
    report.summary.files_read = read.files;
    report.summary.emails = read.emails;
    report.summary.skipped = read.skipped.len();
    report.summary.failed = read.skipped.iter().filter(|s| s.reason.is_error()).count();
    for skip in read.skipped {
        report.diagnostics.push(skip.warning);
    }
    run.finish(options.dry_run, &mut report);
    Ok(report)
}

/// An insight as the run knows it: loaded from content or created by this run.
#[derive(Debug)]
struct Entry {
    slug: String,
    /// Relative to the site root.
    path: PathBuf,
    text: String,
    sources: Vec<String>,
    related: Vec<String>,
    /// Whether this run saw the insight's text.
    sighted: bool,
    origin: Origin,
}

#[derive(Debug)]
enum Origin {
    /// Already in content with this many sources and related slugs (the rest
    /// are new), and this title.
    Existing {
        sources: usize,
        related: usize,
        title: String,
    },
    New {
        id: String,
        title: String,
        date: NaiveDate,
        /// The text [`normalize`]d, which topics are matched against when the
        /// file is written.
        normalized: String,
    },
}

/// One insight line, normalized once: its id, shingles and topics all derive from that.
struct Sighting<'t> {
    text: &'t str,
    line: usize,
    role: Role,
    normalized: String,
    id: String,
    shingles: Shingles,
}

impl<'t> Sighting<'t> {
    fn new(line: RawLine<'t>) -> Self {
        let normalized = normalize(line.text);
        Sighting {
            text: line.text,
            line: line.line,
            role: line.role,
            id: normalized_id(&normalized),
            shingles: Shingles::of_normalized(&normalized),
            normalized,
        }
    }
}

/// The state of one import run.
struct Run<'a> {
    root: &'a Path,
    topics: TopicMatcher,
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    similar: SimilarityIndex,
    taken_slugs: HashSet<String>,
}

impl<'a> Run<'a> {
    /// A run over the `existing` content, about to resolve `sightings`.
    fn new(
        root: &'a Path,
        config: &'a Config,
        existing: Vec<Insight>,
        sightings: &[Vec<Sighting>],
    ) -> Self {
        let existing_shingles: Vec<Shingles> = existing
            .par_iter()
            .map(|insight| Shingles::of_normalized(&normalize(&insight.body)))
            .collect();
        let expected = existing_shingles
            .iter()
            .chain(sightings.iter().flatten().map(|s| &s.shingles));
        let mut run = Run {
            root,
            topics: TopicMatcher::new(&config.topics),
            entries: Vec::with_capacity(existing.len()),
            by_id: HashMap::with_capacity(existing.len()),
            similar: SimilarityIndex::new(config.import.near_duplicate_threshold, expected),
            taken_slugs: HashSet::new(),
        };
        for (insight, shingles) in existing.into_iter().zip(&existing_shingles) {
            run.taken_slugs.extend(insight.slugs_taken());
            run.by_id
                .entry(insight.id.clone())
                .or_insert(run.entries.len());
            let entry = Entry {
                origin: Origin::Existing {
                    sources: insight.sources.len(),
                    related: insight.related.len(),
                    title: insight.title,
                },
                sighted: false,
                slug: insight.slug,
                path: insight
                    .path
                    .strip_prefix(root)
                    .unwrap_or(&insight.path)
                    .to_path_buf(),
                text: insight.body,
                sources: insight.sources,
                related: insight.related,
            };
            run.push_entry(entry, shingles);
        }
        run
    }

    fn push_entry(&mut self, entry: Entry, shingles: &Shingles) -> usize {
        let index = self.entries.len();
        self.similar.insert(index, shingles);
        self.entries.push(entry);
        index
    }

    /// Every insight line of `file`, then the links its `Related Insights` section makes.
    fn add_file(&mut self, file: &RawFile, sightings: &[Sighting], report: &mut ImportReport) {
        let source = file.source.as_str();
        let (mut leads, mut related) = (Vec::new(), Vec::new());
        for sighting in sightings {
            report.summary.insights_seen += 1;
            let index = self.sight(file, source, sighting, report);
            match sighting.role {
                Role::Lead => leads.push(index),
                Role::Related => related.push(index),
            }
        }
        for &lead in &leads {
            for &other in &related {
                self.link(lead, other);
                self.link(other, lead);
            }
        }
    }

    /// Resolves one insight line to an entry, merging or creating; returns its index.
    fn sight(
        &mut self,
        file: &RawFile,
        source: &str,
        sighting: &Sighting,
        report: &mut ImportReport,
    ) -> usize {
        if let Some(&index) = self.by_id.get(&sighting.id) {
            self.entries[index].sighted = true;
            if self.add_source(index, source) {
                report.summary.merged += 1;
            }
            return index;
        }
        if let Some((index, similarity)) = self.similar.best_match(&sighting.shingles) {
            self.entries[index].sighted = true;
            if self.add_source(index, source) {
                report.summary.merged += 1;
                report.summary.near_duplicates += 1;
                report.near_duplicates.push(NearDuplicate {
                    origin: file.origin(),
                    line: sighting.line,
                    text: sighting.text.to_string(),
                    into: self.entries[index].path.clone(),
                    into_text: self.entries[index].text.clone(),
                    similarity,
                });
            }
            return index;
        }
        report.summary.new += 1;
        let index = self.create(sighting, file.date, source);
        self.by_id.insert(sighting.id.clone(), index);
        index
    }

    fn create(&mut self, sighting: &Sighting, date: NaiveDate, source: &str) -> usize {
        let title = headline_of(sighting.text);
        let slug = new_headline_slug(&title, &sighting.id, |s| self.taken_slugs.contains(s));
        self.taken_slugs.insert(slug.clone());
        let entry = Entry {
            path: Path::new(INSIGHTS_DIR).join(format!("{slug}.md")),
            slug,
            text: sighting.text.to_string(),
            sources: vec![source.to_string()],
            related: Vec::new(),
            sighted: true,
            origin: Origin::New {
                id: sighting.id.clone(),
                title,
                date,
                normalized: sighting.normalized.clone(),
            },
        };
        self.push_entry(entry, &sighting.shingles)
    }

    fn add_source(&mut self, index: usize, source: &str) -> bool {
        push_new(&mut self.entries[index].sources, source)
    }

    /// Lists `to` in the `related` of `from` (never an insight in its own).
    fn link(&mut self, from: usize, to: usize) {
        if from != to {
            let slug = self.entries[to].slug.clone();
            push_new(&mut self.entries[from].related, &slug);
        }
    }

    /// Writes (unless `dry_run`) every created or grown file and records it.
    /// The files' texts are worked out in parallel, then written one by one in
    /// order: creating files in one folder in parallel was slower.
    fn finish(self, dry_run: bool, report: &mut ImportReport) {
        let (root, topics) = (self.root, &self.topics);
        let plans: Vec<_> = self
            .entries
            .par_iter()
            .map(|entry| match &entry.origin {
                Origin::New { .. } => plan_new(root, entry, topics, dry_run).map(Some),
                Origin::Existing { .. } => plan_grown(root, entry, dry_run),
            })
            .collect();
        for plan in plans {
            match plan.and_then(|plan| plan.map(Plan::carry_out).transpose()) {
                Ok(Some(change)) => report.changes.push(change),
                Ok(None) => {}
                Err(d) => {
                    report.summary.write_failures += usize::from(d.is_error());
                    report.summary.left_to_edit += usize::from(!d.is_error());
                    report.diagnostics.push(d);
                }
            }
        }
    }
}

/// Appends `value` unless present; true when it was added.
fn push_new(list: &mut Vec<String>, value: &str) -> bool {
    let absent = !list.iter().any(|v| v == value);
    if absent {
        list.push(value.to_string());
    }
    absent
}

/// A content file's change, worked out but not yet written.
struct Plan {
    change: Change,
    /// What to write; nothing on a dry run.
    write: Option<FileWrite>,
}

/// A whole file to write, at an absolute path.
enum FileWrite {
    Create { path: PathBuf, text: String },
    Replace { path: PathBuf, text: String },
}

impl Plan {
    /// Writes the file, if any; the change once it is made.
    fn carry_out(self) -> Result<Change, Diagnostic> {
        match &self.write {
            Some(FileWrite::Create { path, text }) => create_file(path, text)
                .map_err(|e| Diagnostic::io("write the new insight", path, &e))?,
            Some(FileWrite::Replace { path, text }) => {
                replace_file(path, text).map_err(|e| Diagnostic::io("update", path, &e))?
            }
            None => {}
        }
        Ok(self.change)
    }
}

fn plan_new(
    root: &Path,
    entry: &Entry,
    topics: &TopicMatcher,
    dry_run: bool,
) -> Result<Plan, Diagnostic> {
    let Origin::New {
        id,
        title,
        date,
        normalized,
    } = &entry.origin
    else {
        unreachable!("plan_new is only called for new entries")
    };
    let change = Change::Created {
        path: entry.path.clone(),
        title: title.clone(),
    };
    if dry_run {
        return Ok(Plan {
            change,
            write: None,
        });
    }
    let text = render_new(&NewInsight {
        id,
        title,
        date: *date,
        topics: &topics.topics_of(normalized),
        sources: &entry.sources,
        related: &entry.related,
        body: &entry.text,
    });
    let path = root.join(&entry.path);
    Ok(Plan {
        change,
        write: Some(FileWrite::Create { path, text }),
    })
}

fn plan_grown(root: &Path, entry: &Entry, dry_run: bool) -> Result<Option<Plan>, Diagnostic> {
    let Origin::Existing {
        sources,
        related,
        ref title,
    } = entry.origin
    else {
        unreachable!("plan_grown is only called for existing entries")
    };
    let (new_sources, new_related) = (&entry.sources[sources..], &entry.related[related..]);
    let retitle = renewed_title(entry, title);
    if new_sources.is_empty() && new_related.is_empty() && retitle.is_none() {
        return Ok(None);
    }
    let path = root.join(&entry.path);
    let old = std::fs::read_to_string(&path).map_err(|e| Diagnostic::io("read", &path, &e))?;
    let growth = Growth {
        sources: new_sources,
        related: new_related,
        title: retitle.as_deref(),
    };
    let edited = match grow(&old, &growth) {
        Ok(Some(edited)) => edited,
        Ok(None) => return Ok(None),
        Err(EditError::Yaml) => {
            return Err(Diagnostic::warning(format!(
                "not updated: YAML front matter is not edited by import; add sources {new_sources:?} and related {new_related:?} by hand"
            ))
            .at(&entry.path)
            .hint("convert the front matter to TOML (`+++`) to let import keep it up to date"))
        }
        Err(EditError::Invalid(msg)) => return Err(Diagnostic::error(format!("cannot update: {msg}")).at(&entry.path)),
    };
    Ok(Some(Plan {
        change: Change::Updated {
            path: entry.path.clone(),
            sources: new_sources.to_vec(),
            related: new_related.to_vec(),
            title: retitle,
        },
        write: (!dry_run).then_some(FileWrite::Replace { path, text: edited }),
    }))
}

/// The headline that replaces `title`, when an earlier import cut it from the
/// text mid-phrase ("…") and this run saw the text again. Any other title is
/// an editor's (or already a whole sentence or clause) and stays.
fn renewed_title(entry: &Entry, title: &str) -> Option<String> {
    if !entry.sighted || !is_cut_of(title, &entry.text) {
        return None;
    }
    Some(headline_of(&entry.text)).filter(|new| new != title)
}

/// Creates a file that must not exist yet: brief never overwrites a file it did
/// not load (e.g. one an editor created since the run started). The text is
/// written to a hidden copy first and linked into place whole, so a run killed
/// halfway (or a full disk) never leaves an empty or cut file that every later
/// command would stop at; where the file system has no hard links, the file
/// is created and written in place.
pub(crate) fn create_file(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temp = temp_path(path);
    std::fs::write(&temp, text)?;
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => create_in_place(path, text),
        linked => linked,
    }
}

/// [`create_file`] without a hard link: exclusive, but not whole if cut short.
fn create_in_place(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(text.as_bytes())
}

/// The hidden file beside `path` that a new text is written to first (the
/// content loader skips hidden files, so one left by a killed run is ignored,
/// and the next write of the same file replaces it).
fn temp_path(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.brief-tmp"))
}

/// Replaces a file by renaming a complete copy over it, so a crash or a full disk
/// never leaves an editor's file half written.
pub(crate) fn replace_file(path: &Path, text: &str) -> std::io::Result<()> {
    let temp = temp_path(path);
    std::fs::write(&temp, text)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}
