//! brief: a static site generator for a public insight digest.
//!
//! The pipeline runs one way: `config` → `content` → `site` → `render` → `output`
//! (`render_site` into any sink; [`build`] into the output directory), with the
//! build's memory (`memory`) passed to the stages that reuse an earlier build's
//! work. `import` and `scaffold` write content and `rename` renames it; `serve`,
//! `check` and `email` sit above the pipeline and run it with memories and sinks
//! of their own, `ping`
//! reads a built output and `deploy` uploads one. Leaf helpers (`error`,
//! `hints`, `escape`, `hidden`, `printable`, `urls`, `fingerprint`, `filters`,
//! …) know no stage. The README's Architecture section gives each module's role.

// The binary, the integration tests and the fuzz targets use these.
pub mod check;
pub mod config;
pub mod content;
pub mod count;
pub mod deploy;
pub mod email;
pub mod error;
pub mod import;
pub mod lock;
pub mod markdown;
pub mod output;
pub mod ping;
pub mod printable;
pub mod rename;
pub mod scaffold;
pub mod serve;
pub mod week;

mod arrange;
mod eml;
mod escape;
mod filters;
mod fingerprint;
mod headers;
mod hidden;
mod hints;
mod mailbox;
mod media_type;
mod memory;
mod moved;
mod progress;
mod render;
mod sink;
mod site;
mod text;
mod theme;
mod urls;
mod words;

use std::fmt;
use std::path::{Path, PathBuf};

use std::io::IsTerminal;
use std::time::Instant;

use config::{Config, CONFIG_FILE};
use count::Count;
use error::{Diagnostic, Diagnostics};
use lock::SiteLock;
use memory::{DiskMemory, Memory};
use moved::Moves;
use output::{CommitError, DiskOutput, Recovery};
use render::Renderer;
use sink::Sink;
use site::Site;
use theme::Theme;

pub use memory::CACHE_DIR;

/// Where `build` writes the site unless told `--output DIR`, under the site root.
pub(crate) const OUTPUT_DIR: &str = "public";

/// What a site is made from, in its root: an output directory may not be,
/// hold, or lie inside any of them (see [`output::place`]).
const SOURCES: &[&str] = &[
    CONFIG_FILE,
    "content",
    "themes",
    "templates",
    "static",
    CACHE_DIR,
];

/// What `brief build` was asked for.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Build into an output holding files brief did not write, replacing those
    /// the build writes (and links in the way); no such file is ever deleted.
    pub force: bool,
}

/// A failed build: its errors, and the truth about the output directory.
#[derive(Debug)]
pub struct BuildFailure {
    pub errors: Diagnostics,
    /// `None` when the output directory is exactly as it was; otherwise what
    /// changed before the build stopped, for the summary line.
    pub changed: Option<String>,
}

impl From<Diagnostics> for BuildFailure {
    fn from(errors: Diagnostics) -> Self {
        BuildFailure {
            errors,
            changed: None,
        }
    }
}

impl From<Diagnostic> for BuildFailure {
    fn from(error: Diagnostic) -> Self {
        Diagnostics::from(error).into()
    }
}

/// The one line every build ends with.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub insights: usize,
    pub issues: usize,
    pub topics: usize,
    pub written: usize,
    pub files: usize,
    pub millis: u128,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {}, {}, {} written of {} in {} ms",
            Count(self.insights, "insight"),
            Count(self.issues, "issue"),
            Count(self.topics, "topic"),
            Count(self.written, "file"),
            self.files,
            self.millis
        )
    }
}

/// Builds the site under `root` into its output directory (default `public/`),
/// holding the site's lock. A build cut short there earlier is completed or
/// rolled back first. On any error the output directory is left exactly as it
/// was, unless the error struck while files were being replaced: then
/// [`BuildFailure::changed`] says so, and the next build completes the job.
pub fn build(root: &Path, options: &BuildOptions) -> Result<(Summary, Diagnostics), BuildFailure> {
    let started = Instant::now();
    let mut config = load_config(root, options.drafts)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(Diagnostics::from)?;
    }
    let requested = options.output.as_deref();
    let output_dir = output::place::output_dir(root, &output_path(root, requested), SOURCES)?;
    let lock = SiteLock::acquire(root)?;
    let mut notes = recover_output(&output_dir, &lock)?;
    // The cache lives outside the output, so a deploy never ships it (it would
    // carry drafts from a `--drafts` build).
    let cache = cache_dir(root, &output_dir);
    let memory = DiskMemory::open(&cache, &output_dir);
    let mut out = DiskOutput::open(&output_dir, memory.files_on_record(), options.force)?;
    let mut moves = Moves::default();
    let rendered = render_site_inspect(
        root,
        &config,
        options.drafts,
        memory.memory(),
        &out,
        std::io::stderr().is_terminal(),
        &mut |renderer| moves = Moves::since_last_build(&cache, &renderer.site.insights),
    );
    let rendered = rendered.and_then(|done| {
        write_headers_file(&config, &out)?;
        Ok(done)
    });
    let (mut summary, warnings) = match rendered {
        Ok(done) => done,
        Err(errors) => {
            out.abort();
            memory.abort();
            return Err(errors.into());
        }
    };
    // Equal text means no file changed: then even the manifest stays as it is.
    let manifest = memory.manifest(out.emitted());
    let committed = out.commit(|| {
        if manifest.is_some() {
            memory.forget_manifest();
        }
    });
    let stats = match committed {
        Ok(stats) => stats,
        Err(e) => {
            memory.abort();
            return Err(commit_failure(e, &output_dir));
        }
    };
    memory.save(manifest);
    moves.record(&cache);
    notes.extend(moves.warnings);
    summary.files = stats.files;
    summary.written = stats.written;
    summary.millis = started.elapsed().as_millis();
    notes.extend(warnings);
    Ok((summary, notes))
}

/// The output directory asked for, or `public/` in the site root.
fn output_path(root: &Path, requested: Option<&Path>) -> PathBuf {
    requested.map_or_else(|| root.join(OUTPUT_DIR), Path::to_path_buf)
}

/// Completes or rolls back a build into `dir` that was cut short; what it did
/// comes back as a warning, so the user learns of it.
fn recover_output(dir: &Path, lock: &SiteLock) -> Result<Diagnostics, BuildFailure> {
    let recovery = output::recover(dir, lock).map_err(|errors| BuildFailure {
        errors,
        changed: Some(format!(
            "{} still holds a build that was cut short (see above)",
            dir.display()
        )),
    })?;
    let mut notes = Diagnostics::default();
    if recovery != Recovery::Clean {
        notes.push(Diagnostic::warning(recovery.to_string()).at(dir));
    }
    Ok(notes)
}

/// What `serve` does before anything else: completes or rolls back a build
/// into the site's `public/` that was cut short, so it holds a whole site again.
/// Left to the build that is running, if one is (it holds the lock). Returns
/// what it did, or why it could not, as warnings.
pub fn recover_default_output(root: &Path) -> Diagnostics {
    let failure = match recover_public(root) {
        Ok(notes) => return notes,
        Err(failure) => failure,
    };
    let warnings = failure.errors.0.into_iter().map(|d| Diagnostic {
        severity: error::Severity::Warning,
        ..d
    });
    Diagnostics(warnings.collect())
}

fn recover_public(root: &Path) -> Result<Diagnostics, BuildFailure> {
    let dir = output::place::output_dir(root, &output_path(root, None), SOURCES)?;
    if !dir.exists() {
        return Ok(Diagnostics::default());
    }
    match SiteLock::try_acquire(root)? {
        Some(lock) => recover_output(&dir, &lock),
        None => Ok(Diagnostics::default()),
    }
}

/// A failed commit as a build failure, with the truth about `dir`.
fn commit_failure(error: CommitError, dir: &Path) -> BuildFailure {
    BuildFailure {
        errors: error.errors,
        changed: error.progress.map(|progress| {
            format!(
                "the build stopped while it replaced files: {progress}. {} is marked as cut short; \
                 run `brief build` again once the cause is fixed and it completes the job first",
                dir.display()
            )
        }),
    }
}

/// `_headers` for Netlify and Cloudflare Pages, from the `[deploy]` rules, when
/// `[deploy] headers_file = true`.
fn write_headers_file(config: &Config, sink: &dyn Sink) -> Result<(), Diagnostics> {
    let Some(deploy) = config.deploy.as_ref().filter(|d| d.headers_file) else {
        return Ok(());
    };
    sink.put("_headers", headers::headers_file(deploy))
        .map_err(|e| {
            Diagnostic::error(format!(
                "cannot write _headers (`[deploy] headers_file = true`): {}",
                e.message
            ))
            .at(&config.path)
            .hint(
                "if static/ has a _headers file of its own, remove it or set headers_file = false",
            )
            .into()
        })
}

/// Loads, models and renders the site into `sink`, redoing only what `memory`
/// does not hold from an earlier build: the one pipeline behind `build`,
/// `serve`, `check` and `email`.
pub(crate) fn render_site(
    root: &Path,
    config: &Config,
    drafts: bool,
    memory: &Memory,
    sink: &dyn Sink,
    show_progress: bool,
) -> Result<(Summary, Diagnostics), Diagnostics> {
    render_site_inspect(
        root,
        config,
        drafts,
        memory,
        sink,
        show_progress,
        &mut |_| {},
    )
}

/// `render_site`, then `inspect` sees the finished renderer (site model and rendered
/// bodies): how `check` gets at what only rendering knows.
pub(crate) fn render_site_inspect(
    root: &Path,
    config: &Config,
    drafts: bool,
    memory: &Memory,
    sink: &dyn Sink,
    show_progress: bool,
    inspect: &mut dyn FnMut(&Renderer),
) -> Result<(Summary, Diagnostics), Diagnostics> {
    let ((summary, rendering), mut warnings) =
        with_renderer(root, config, drafts, memory, |renderer| {
            let rendering = renderer.render_all(sink, show_progress)?;
            inspect(renderer);
            let site = renderer.site;
            let summary = Summary {
                insights: site.insights.len(),
                issues: site.issues.len(),
                topics: site.used_topics().count(),
                ..Summary::default()
            };
            Ok((summary, rendering))
        })?;
    warnings.extend(rendering);
    Ok((summary, warnings))
}

/// Loads the theme and content, models the site and hands `use_it` a renderer
/// with every body rendered and no page yet: [`render_site`] renders them all, and
/// `email` one edition. Returns what `use_it` made, with the load's warnings.
/// `content` reads only the files `memory` does not know unchanged.
pub(crate) fn with_renderer<T>(
    root: &Path,
    config: &Config,
    drafts: bool,
    memory: &Memory,
    use_it: impl FnOnce(&Renderer) -> Result<T, Diagnostics>,
) -> Result<(T, Diagnostics), Diagnostics> {
    let mut errors = Diagnostics::default();
    let theme = Theme::load(root, config);
    let insights = content::load_insights_from(root, config, memory.known_files());
    let (theme, mut insights) = match (theme, insights) {
        (Ok(mut t), Ok(loaded)) => {
            errors.extend(std::mem::take(&mut t.warnings));
            errors.extend(loaded.warnings.sorted());
            memory.keep_files(loaded.files);
            (t, loaded.insights)
        }
        (t, i) => {
            let files_failed = i.is_err();
            for e in [t.err(), i.err()].into_iter().flatten() {
                errors.extend(e);
            }
            if files_failed {
                errors.extend(mistakes_between_the_other_files(root, config, drafts));
            }
            return Err(errors.sorted());
        }
    };
    let drafts_left_out = if drafts {
        Vec::new()
    } else {
        leave_out_drafts(&mut insights, &mut errors)
    };
    let mut site =
        Site::after(config, insights, &|| memory.former_slugs()).map_err(Diagnostics::sorted)?;
    site.drafts_left_out = drafts_left_out;
    let renderer = Renderer::new(&site, &theme, memory);
    let made = use_it(&renderer)?;
    // Freed on another thread: `serve`'s browsers need not wait for it (a
    // tenth of a rebuild at 10k insights), and a build's manifest and commit
    // reuse the memory it frees (the site model is a third of a build's peak
    // at 100k insights, the manifest's lines the next largest part).
    drop_elsewhere((renderer.into_owned(), site.into_owned()));
    Ok((made, errors))
}

/// The config of the site at `root`. When it has mistakes, the theme and the
/// content are still read with what of it reads, so one run lists every
/// mistake, as the spec asks (unless a `[[topics]]` entry did not read: the
/// content's topics would then be refused against topics the editor did
/// not mean to drop).
pub(crate) fn load_config(root: &Path, drafts: bool) -> Result<Config, Diagnostics> {
    let lenient = Config::load_lenient(root)?;
    let mut errors = lenient.errors;
    if !errors.has_errors() {
        return Ok(lenient.config);
    }
    if lenient.topics_intact {
        let memory = Memory::nothing();
        if let Err(rest) = with_renderer(root, &lenient.config, drafts, &memory, |_| Ok(())) {
            errors
                .0
                .extend(rest.0.into_iter().filter(Diagnostic::is_error));
        }
    }
    Err(errors)
}

/// When some content files do not parse, the mistakes between the others, so
/// that one run lists every mistake (the files' own first; these would
/// otherwise wait until those are fixed). Drafts are left out as a build
/// leaves them out.
fn mistakes_between_the_other_files(root: &Path, config: &Config, drafts: bool) -> Diagnostics {
    let (mut parsed, unreadable) = content::load_what_parses(root, config);
    if !drafts {
        leave_out_drafts(&mut parsed, &mut Diagnostics::default());
    }
    let mut mistakes = site::mistakes_between(&parsed, &unreadable);
    mistakes.0.retain(Diagnostic::is_error);
    mistakes
}

/// Frees `value` on a thread of its own: a build's maps, strings and values
/// take tens of milliseconds to free at 10k insights, which neither the
/// process's exit nor `serve`'s browsers need to wait for.
pub(crate) fn drop_elsewhere<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// Takes the drafts out of `insights`, and out of the `related` lists of the
/// others, and returns their slugs: a draft's page is not built, and naming
/// one is not a mistake (it is published later), so each such name is a
/// warning, not the error of a slug that names no insight.
fn leave_out_drafts(
    insights: &mut Vec<content::Insight>,
    warnings: &mut Diagnostics,
) -> Vec<String> {
    if !insights.iter().any(|i| i.draft) {
        return Vec::new();
    }
    let (drafts, published): (Vec<_>, Vec<_>) = insights.drain(..).partition(|i| i.draft);
    let mut draft_slugs: std::collections::HashSet<&str> =
        drafts.iter().map(|i| i.slug.as_str()).collect();
    // A slug both a draft and a published insight have names the published one.
    for insight in &published {
        draft_slugs.remove(insight.slug.as_str());
    }
    for mut insight in published {
        insight.related.retain(|slug| {
            let draft = draft_slugs.contains(slug.as_str());
            if draft {
                warnings.push(
                    Diagnostic::warning(format!(
                        "`related` names {slug:?}, a draft: left out until it is published"
                    ))
                    .at(&insight.path)
                    .line(insight.key_lines.related)
                    .hint("set `draft = false` in it, or build with --drafts to see both"),
                );
            }
            !draft
        });
        insights.push(insight);
    }
    drafts.into_iter().map(|i| i.slug).collect()
}

/// The build cache of the site's default output (`public/`), when that output
/// can be placed at all: what `check` compares the site with.
pub(crate) fn default_cache_dir(root: &Path) -> Option<PathBuf> {
    let dir = output::place::output_dir(root, &output_path(root, None), SOURCES).ok()?;
    Some(cache_dir(root, &dir))
}

/// Where the build cache of `output` (a resolved path) lives:
/// `.brief-cache/<hash of its path>/` in the site root, one per output
/// directory, never inside the output.
fn cache_dir(root: &Path, output: &Path) -> PathBuf {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    output.hash(&mut hasher);
    root.join(CACHE_DIR)
        .join(format!("{:016x}", hasher.finish()))
}
