//! brief: a static site generator for a public insight digest.
//!
//! The pipeline runs one way: `config` → `content` → `site` → `render` → `output`.
//! `import` turns raw insight files into content; `serve` and `check` reuse `build`.

pub mod config;
pub mod content;
pub mod error;
pub mod import;
pub mod scaffold;

use std::fmt;
use std::path::{Path, PathBuf};

use error::{Diagnostic, Diagnostics};

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

/// Builds the site under `root` into its output directory.
pub fn build(_root: &Path, _options: &BuildOptions) -> Result<(Summary, Diagnostics), Diagnostics> {
    Err(Diagnostic::error("build is being written").into())
}
