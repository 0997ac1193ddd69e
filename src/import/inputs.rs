//! What `brief import PATH...` reads: the files named and those found in the
//! folders named, each once, sorted by kind (text, `.eml`, mbox, Maildir), and
//! their bytes, read with care. Only regular files are opened (a FIFO would
//! block the read, `/dev/zero` never end it), and no more than
//! [`MAX_INPUT_BYTES`] of one. A walk never enters the site's own folders
//! (content, themes, templates, static), its output (`public/`, or any folder
//! holding a brief build record), its build cache or hidden folders: `brief
//! import .` at the site root reads only raw files. It reads; it interprets
//! nothing (see [`super::raw`] and [`super::email`]).

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::email::{is_maildir, is_mbox, starts_like_message};
use crate::content::INSIGHTS_DIR;
use crate::error::Diagnostic;
use crate::hidden::is_hidden;
use crate::memory::CACHE_DIR;

/// The largest file import reads: far more than a day's raw insights or a
/// year of daily emails, far less than would exhaust memory.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Why an input was not imported. `Empty`, `NoText` and `SiteFolder` are
/// harmless; the others lose text the editor meant to import, and fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SkipReason {
    Empty,
    /// An email without a text part.
    NoText,
    /// A folder of the site named on the command line.
    SiteFolder,
    Binary,
    NotUtf8,
    Unreadable,
    NotRegular,
    TooLarge,
    /// An email that is truncated, not an email, or in an unknown charset.
    BadEmail,
}

impl SkipReason {
    pub(crate) fn is_error(self) -> bool {
        !matches!(
            self,
            SkipReason::Empty | SkipReason::NoText | SkipReason::SiteFolder
        )
    }
}

/// An input that could not be imported, with the warning that names it.
#[derive(Debug)]
pub(crate) struct Skipped {
    pub(crate) reason: SkipReason,
    pub(crate) warning: Diagnostic,
}

impl Skipped {
    pub(crate) fn new(reason: SkipReason, at: &Path, message: String, hint: &str) -> Skipped {
        Skipped {
            reason,
            warning: Diagnostic::warning(format!("skipped: {message}"))
                .at(at)
                .hint(hint),
        }
    }
}

/// One thing to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Input {
    /// A raw insight file: plain text.
    Text(PathBuf),
    /// One email message.
    Eml(PathBuf),
    /// A file of many messages.
    Mbox(PathBuf),
    /// A Maildir folder (`cur/`, `new/`, `tmp/`).
    Maildir(PathBuf),
    /// One message of a Maildir (a file in its `cur/` or `new/`), named
    /// alone or with its folder: known by the name the whole Maildir gives it.
    MaildirMessage(PathBuf),
}

impl Input {
    fn path(&self) -> &Path {
        match self {
            Input::Text(p)
            | Input::Eml(p)
            | Input::Mbox(p)
            | Input::Maildir(p)
            | Input::MaildirMessage(p) => p,
        }
    }
}

/// The site's folders, resolved, that a walk must not read as raw input.
#[derive(Debug, Default)]
pub(crate) struct SiteFolders {
    /// Never read, even when named: the content import writes, the output,
    /// the build cache.
    never: Vec<PathBuf>,
    /// Not entered by a walk, but read when named (`content/raw/` is a
    /// folder of raw files, `content/` is not).
    not_walked: Vec<PathBuf>,
}

impl SiteFolders {
    pub(crate) fn of(root: &Path) -> SiteFolders {
        let resolve = |names: &[&str]| {
            names
                .iter()
                .filter_map(|name| root.join(name).canonicalize().ok())
                .collect()
        };
        SiteFolders {
            never: resolve(&[INSIGHTS_DIR, "public", CACHE_DIR]),
            not_walked: resolve(&["content", "themes", "templates", "static"]),
        }
    }

    /// Whether a walk that reaches `dir` passes it by.
    fn walk_skips(&self, dir: &Path) -> bool {
        let resolved = dir.canonicalize().ok();
        let is = |list: &[PathBuf]| resolved.as_ref().is_some_and(|d| list.contains(d));
        is(&self.never) || is(&self.not_walked) || holds_build_record(dir)
    }

    /// Whether the file `path`, named on the command line (or by a shell's
    /// `*`), lies in the site's own content, output or build cache.
    fn owns_file(&self, path: &Path) -> bool {
        let resolved = path.canonicalize().ok();
        resolved.is_some_and(|p| self.never.iter().any(|dir| p.starts_with(dir)))
    }

    /// Whether `dir`, named on the command line, is the site's own.
    fn never_read(&self, dir: &Path) -> bool {
        let resolved = dir.canonicalize().ok();
        resolved.is_some_and(|d| self.never.contains(&d)) || holds_build_record(dir)
    }
}

/// Whether `dir` holds a file brief writes into an output it builds
/// (`.brief-files`, `.brief-staging`, …): then it is a build's output. (The
/// site root's build cache, `.brief-cache`, does not make the root one.)
fn holds_build_record(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let name = e.file_name();
            name.to_string_lossy().starts_with(".brief-") && name != CACHE_DIR
        })
    })
}

/// Every input under `paths`, each once, in the order named and walked.
pub(crate) fn find_inputs(
    paths: &[PathBuf],
    site: &SiteFolders,
    skipped: &mut Vec<Skipped>,
) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        if !path.is_dir() && site.owns_file(path) {
            skipped.push(Skipped::new(
                SkipReason::SiteFolder,
                path,
                "a file of the site's own content, output or build cache is not raw input".into(),
                "edit an insight's file to change it; import reads raw insight files and emails",
            ));
        } else if !path.is_dir() {
            // A named file is imported whatever its extension; a missing one
            // is reported when it is read.
            inputs.push(named_file_kind(path));
        } else if site.never_read(path) {
            skipped.push(Skipped::new(
                SkipReason::SiteFolder,
                path,
                "the site's own content, output or build cache is not raw input".into(),
                "name the folder that holds the raw insight files or emails",
            ));
        } else if is_maildir(path) {
            inputs.push(Input::Maildir(path.clone()));
        } else {
            walk(path, site, &mut inputs, skipped);
        }
    }
    let mut seen = HashSet::new();
    inputs.retain(|input| {
        let path = input.path();
        seen.insert(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()))
    });
    inputs
}

/// The inputs found in the folder `dir`, depth first, by name.
fn walk(dir: &Path, site: &SiteFolders, inputs: &mut Vec<Input>, skipped: &mut Vec<Skipped>) {
    let mut walker = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                skipped.push(Skipped::new(
                    SkipReason::Unreadable,
                    e.path().unwrap_or(dir),
                    format!("cannot read: {e}"),
                    "check the folder's permissions",
                ));
                continue;
            }
        };
        // The folder named is walked even when hidden.
        let hidden = entry.depth() > 0 && is_hidden(entry.file_name());
        let kind = entry.file_type();
        if kind.is_dir() {
            if entry.depth() > 0 && (hidden || site.walk_skips(entry.path())) {
                walker.skip_current_dir();
            } else if entry.depth() > 0 && is_maildir(entry.path()) {
                inputs.push(Input::Maildir(entry.into_path()));
                walker.skip_current_dir();
            }
        } else if !hidden {
            found_file(entry, inputs, skipped);
        }
    }
}

/// A file the walk found: an input if it is one, a warning if it looks like
/// one but is not a regular file (a FIFO) or is a link (to a file or to a
/// folder: either may hold raw files the editor meant), else nothing.
fn found_file(entry: walkdir::DirEntry, inputs: &mut Vec<Input>, skipped: &mut Vec<Skipped>) {
    let path = entry.path();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let named_like_input = matches!(extension.as_deref(), Some("txt" | "md" | "eml" | "mbox"));
    if !entry.file_type().is_file() {
        // The folder named may itself be a link: it is what was asked for.
        if named_like_input || (entry.depth() > 0 && entry.path_is_symlink()) {
            skipped.push(not_regular(path));
        }
        return;
    }
    let input = if in_maildir(path) {
        Some(Input::MaildirMessage(path.to_path_buf()))
    } else {
        // Mail clients keep mailboxes, and some keep messages, in files
        // without an extension.
        by_extension(path, extension.as_deref())
            .or_else(|| extension.is_none().then(|| mail_kind(path)).flatten())
    };
    inputs.extend(input);
}

/// A named file's kind: a Maildir's message by where it is, else by its
/// extension, else by how it starts (an mbox's `From ` line, a message's
/// headers), else plain text.
fn named_file_kind(path: &Path) -> Input {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let regular = is_regular(path);
    if regular && in_maildir(path) {
        return Input::MaildirMessage(path.to_path_buf());
    }
    by_extension(path, extension.as_deref())
        .or_else(|| regular.then(|| mail_kind(path)).flatten())
        .unwrap_or_else(|| Input::Text(path.to_path_buf()))
}

/// The input a file's extension names (`.txt` and `.md` are text), if any.
fn by_extension(path: &Path, extension: Option<&str>) -> Option<Input> {
    let path = path.to_path_buf();
    match extension? {
        "txt" | "md" => Some(Input::Text(path)),
        "eml" => Some(Input::Eml(path)),
        "mbox" => Some(Input::Mbox(path)),
        _ => None,
    }
}

/// Whether `path` is a message file of a Maildir: in its `cur/` or `new/`.
fn in_maildir(path: &Path) -> bool {
    let Some(folder) = path.parent() else {
        return false;
    };
    let is_message_folder = folder
        .file_name()
        .is_some_and(|name| name == "cur" || name == "new");
    is_message_folder
        && !is_hidden(path.file_name().unwrap_or_default())
        && folder.parent().is_some_and(is_maildir)
}

/// An mbox or one message, by the file's first bytes; `None` for anything else.
fn mail_kind(path: &Path) -> Option<Input> {
    let mut start = Vec::with_capacity(MESSAGE_SNIFF_BYTES);
    std::fs::File::open(path)
        .and_then(|f| f.take(MESSAGE_SNIFF_BYTES as u64).read_to_end(&mut start))
        .ok()?;
    if is_mbox(&start) {
        Some(Input::Mbox(path.to_path_buf()))
    } else if starts_like_message(&start) {
        Some(Input::Eml(path.to_path_buf()))
    } else {
        None
    }
}

/// How much of a file without an extension is read to tell a message.
const MESSAGE_SNIFF_BYTES: usize = 4096;

fn is_regular(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

fn not_regular(path: &Path) -> Skipped {
    Skipped::new(
        SkipReason::NotRegular,
        path,
        "not a regular file (a link, FIFO, socket or device)".into(),
        "import reads regular files only: copy the file here",
    )
}

/// The bytes of the regular file `path`, at most [`MAX_INPUT_BYTES`] of them.
/// The type is checked before the file is opened: opening a FIFO blocks.
pub(crate) fn read_capped(path: &Path) -> Result<Vec<u8>, Skipped> {
    let unreadable = |e: std::io::Error| {
        Skipped::new(
            SkipReason::Unreadable,
            path,
            format!("cannot read the file: {e}"),
            "check that it exists and is readable",
        )
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    let too_large = || {
        Skipped::new(
            SkipReason::TooLarge,
            path,
            format!(
                "the file is larger than {} MiB",
                MAX_INPUT_BYTES / 1024 / 1024
            ),
            "raw insight files and mailboxes are read whole: split it into smaller files",
        )
    };
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // Capped again while reading: a file may grow, and some report no size.
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_for_raw_files_and_emails_and_skips_the_sites_folders() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("raw/a.txt", "x");
        write("raw/b.md", "x");
        write("raw/c.eml", "x");
        write("raw/d.mbox", "x");
        write("raw/Inbox", "From a@b Wed Nov 18 07:30:00 2026\n");
        write("raw/notes.pdf", "x");
        write("raw/.hidden.txt", "x");
        write("mail/cur/1.M1.h:2,S", "x");
        write("mail/new/.keep", "");
        write("mail/tmp/2.M1.h", "x");
        write("content/insights/i.md", "x");
        write("content/raw/r.txt", "x");
        write("themes/t/templates/x.txt", "x");
        write("public/index.txt", "x");
        write("out/.brief-files", "x");
        write("out/page.txt", "x");
        write(".brief-cache/x.txt", "x");
        let site_folders = SiteFolders::of(root);
        let mut skipped = Vec::new();
        let found = find_inputs(&[root.to_path_buf()], &site_folders, &mut skipped);
        let rel = |p: &Path| p.strip_prefix(root).unwrap().display().to_string();
        let paths: Vec<String> = found.iter().map(|i| rel(i.path())).collect();
        assert_eq!(
            paths,
            [
                "mail",
                "raw/Inbox",
                "raw/a.txt",
                "raw/b.md",
                "raw/c.eml",
                "raw/d.mbox"
            ],
            "{found:?}"
        );
        assert_eq!(found[0], Input::Maildir(root.join("mail")));
        assert_eq!(found[1], Input::Mbox(root.join("raw/Inbox")));
        assert_eq!(found[4], Input::Eml(root.join("raw/c.eml")));
        assert!(skipped.is_empty());

        // Named, content/raw is read; the output never is.
        let named = [root.join("content/raw"), root.join("public")];
        let found = find_inputs(&named, &site_folders, &mut skipped);
        assert_eq!(found, [Input::Text(root.join("content/raw/r.txt"))]);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].reason, SkipReason::SiteFolder);

        // Named one by one (a shell's `content/insights/*`), the site's own
        // files are not read either; a raw file in content/raw is.
        skipped.clear();
        let named = [
            root.join("content/insights/i.md"),
            root.join("public/index.txt"),
            root.join(".brief-cache/x.txt"),
            root.join("content/raw/r.txt"),
        ];
        let found = find_inputs(&named, &site_folders, &mut skipped);
        assert_eq!(found, [Input::Text(root.join("content/raw/r.txt"))]);
        assert_eq!(skipped.len(), 3);
        assert!(skipped.iter().all(|s| s.reason == SkipReason::SiteFolder));

        // A Maildir's message, named alone or with its folder, is one of its
        // messages; a file without an extension is read by how it starts.
        let message = root.join("mail/cur/1.M1.h:2,S");
        write(
            "loose/17",
            "From: a@b.example\nDate: Wed, 18 Nov 2026 23:30:00 -0500\n\nBody\n",
        );
        write("loose/notes", "China: chips are scarce.\n");
        let found = find_inputs(std::slice::from_ref(&message), &site_folders, &mut skipped);
        assert_eq!(found, [Input::MaildirMessage(message.clone())]);
        let found = find_inputs(&[root.join("mail/cur")], &site_folders, &mut skipped);
        assert_eq!(found, [Input::MaildirMessage(message)]);
        let found = find_inputs(&[root.join("loose")], &site_folders, &mut skipped);
        assert_eq!(found, [Input::Eml(root.join("loose/17"))]);
        let named = [root.join("loose/17"), root.join("loose/notes")];
        let found = find_inputs(&named, &site_folders, &mut skipped);
        assert_eq!(
            found,
            [
                Input::Eml(root.join("loose/17")),
                Input::Text(root.join("loose/notes"))
            ]
        );
    }

    #[test]
    fn reads_regular_files_only_and_caps_their_size() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.txt");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_INPUT_BYTES + 1)
            .unwrap();
        assert_eq!(read_capped(&big).unwrap_err().reason, SkipReason::TooLarge);
        assert_eq!(
            read_capped(dir.path()).unwrap_err().reason,
            SkipReason::NotRegular
        );
        #[cfg(unix)]
        assert_eq!(
            read_capped(Path::new("/dev/zero")).unwrap_err().reason,
            SkipReason::NotRegular
        );
        let ok = dir.path().join("ok.txt");
        std::fs::write(&ok, "fine").unwrap();
        assert_eq!(read_capped(&ok).unwrap(), b"fine");
    }
}
