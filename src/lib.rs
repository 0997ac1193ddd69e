//! brief: a static site generator for a public insight digest.
//!
//! The pipeline runs one way: `config` → `content` → `site` → `render` → `output`.
//! `import` turns raw insight files into content; `serve` and `check` reuse `build`;
//! `email` renders editions through the same model, and `ping` reads a built output.

pub mod body_cache;
pub mod check;
pub mod config;
pub mod content;
pub mod deploy;
pub mod email;
mod eml;
pub mod error;
pub mod feeds;
mod filters;
pub mod fingerprint;
pub mod import;
mod mailbox;
pub mod manifest;
pub mod markdown;
mod media_type;
pub mod output;
pub mod ping;
pub mod printable;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod theme;
mod urls;
pub mod week;

use std::fmt;
use std::path::{Path, PathBuf};

use std::io::IsTerminal;
use std::time::Instant;

use config::Config;
use error::{Diagnostic, Diagnostics};
use output::{DiskOutput, Sink};
use render::Renderer;
use site::Site;
use theme::Theme;

/// The build cache in the site root (safe to delete; keep it out of git).
pub const CACHE_DIR: &str = ".brief-cache";

/// What `brief build` was asked for.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
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
            "{} insights, {} issues, {} topics, {} files written of {} in {} ms",
            self.insights, self.issues, self.topics, self.written, self.files, self.millis
        )
    }
}

/// Builds the site under `root` into its output directory (default `public/`).
/// On any error the output directory is left exactly as it was.
pub fn build(root: &Path, options: &BuildOptions) -> Result<(Summary, Diagnostics), Diagnostics> {
    let started = Instant::now();
    let mut config = Config::load(root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(Diagnostics::from)?;
    }
    let output_dir = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    check_output_dir(root, &output_dir)?;
    let out =
        DiskOutput::open(&output_dir, &cache_dir(root, &output_dir)).map_err(Diagnostics::from)?;
    let rendered = render(
        root,
        &config,
        options.drafts,
        &out,
        std::io::stderr().is_terminal(),
    );
    let rendered = rendered.and_then(|done| {
        write_headers_file(&config, &out)?;
        Ok(done)
    });
    let (mut summary, warnings) = match rendered {
        Ok(done) => done,
        Err(errors) => {
            out.abort();
            return Err(errors);
        }
    };
    let stats = out.commit()?;
    summary.files = stats.files;
    summary.written = stats.written;
    summary.millis = started.elapsed().as_millis();
    Ok((summary, warnings))
}

/// `_headers` for Netlify and Cloudflare Pages, from the `[deploy]` rules, when
/// `[deploy] headers_file = true`.
fn write_headers_file(config: &Config, sink: &dyn Sink) -> Result<(), Diagnostics> {
    let Some(deploy) = config.deploy.as_ref().filter(|d| d.headers_file) else {
        return Ok(());
    };
    sink.put("_headers", deploy::headers_file(deploy))
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

/// Loads, models and renders the site into `sink`: the one pipeline behind
/// `build`, `serve` and `check`.
pub fn render(
    root: &Path,
    config: &Config,
    drafts: bool,
    sink: &dyn Sink,
    show_progress: bool,
) -> Result<(Summary, Diagnostics), Diagnostics> {
    render_inspect(root, config, drafts, sink, show_progress, &mut |_| {})
}

/// [`render`], then `inspect` sees the finished renderer (site model and rendered
/// bodies): how `check` gets at what only rendering knows.
pub(crate) fn render_inspect(
    root: &Path,
    config: &Config,
    drafts: bool,
    sink: &dyn Sink,
    show_progress: bool,
    inspect: &mut dyn FnMut(&Renderer),
) -> Result<(Summary, Diagnostics), Diagnostics> {
    with_renderer(root, config, drafts, sink, |renderer| {
        renderer.render_all(sink, show_progress)?;
        inspect(renderer);
        let site = renderer.site;
        Ok(Summary {
            insights: site.insights.len(),
            issues: site.issues.len(),
            topics: site.used_topics().count(),
            ..Summary::default()
        })
    })
}

/// Loads the theme and content, models the site and hands `use_it` a renderer
/// with every body rendered and no page yet: [`render`] renders them all, and
/// `email` one edition. Returns what `use_it` made, with the load's warnings.
pub(crate) fn with_renderer<T>(
    root: &Path,
    config: &Config,
    drafts: bool,
    sink: &dyn Sink,
    use_it: impl FnOnce(&Renderer) -> Result<T, Diagnostics>,
) -> Result<(T, Diagnostics), Diagnostics> {
    let mut errors = Diagnostics::default();
    let theme = Theme::load(root, config);
    let insights = content::load_insights_from(root, config, sink);
    let (theme, mut insights) = match (theme, insights) {
        (Ok(t), Ok((i, warnings))) => {
            errors.extend(warnings.sorted());
            (t, i)
        }
        (t, i) => {
            for e in [t.err(), i.err()].into_iter().flatten() {
                errors.extend(e);
            }
            return Err(errors.sorted());
        }
    };
    if !drafts {
        insights.retain(|i| !i.draft);
    }
    let site = Site::new(config, insights).map_err(Diagnostics::sorted)?;
    let renderer = Renderer::new(&site, &theme, sink);
    let made = use_it(&renderer)?;
    Ok((made, errors))
}

/// Where the build cache of `output` lives: `.brief-cache/<hash of its path>/`
/// in the site root, one per output directory, never inside the output.
fn cache_dir(root: &Path, output: &Path) -> PathBuf {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    absolute_path(output).hash(&mut hasher);
    root.join(CACHE_DIR)
        .join(format!("{:016x}", hasher.finish()))
}

/// The output directory must not be the site itself or hold it: stale-file removal
/// would otherwise delete the content.
fn check_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let (root_abs, out_abs) = (absolute_path(root), absolute_path(output));
    let content = root_abs.join("content");
    if root_abs.starts_with(&out_abs)
        || content.starts_with(&out_abs)
        || out_abs.starts_with(&content)
    {
        return Err(Diagnostic::error(format!(
            "refusing to build into {}: it contains the site or its content",
            output.display()
        ))
        .hint("choose an output directory of its own, such as public/"));
    }
    Ok(())
}

/// `path` made absolute and normalized, without touching the disk.
fn absolute_path(path: &Path) -> PathBuf {
    normalize_path(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Folds `.` and `..` without touching the disk (the output may not exist yet).
fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
