//! The last good build as `serve` keeps it: its files, which the server
//! serves, and the build's memory of it ([`Recall`]: each render job's
//! fingerprint and files, the rendered Markdown bodies, the search index's files
//! of cards and words per span of days, and the parsed content files). A rebuild starts from both, so an edit
//! of one insight reads and parses one file and re-renders only the pages that
//! show it; the files of the other jobs are shared (`Arc`), not copied.

use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::error::Diagnostics;
use crate::memory::{Memory, Recall};
use crate::output::{Files, MemoryOutput};
use crate::Summary;

/// One complete build as served.
#[derive(Default)]
pub(super) struct Memo {
    pub(super) files: Arc<Files>,
    recall: Arc<Recall>,
}

impl Memo {
    /// A site of `files`, remembering nothing else.
    #[cfg(test)]
    pub(super) fn of(files: Files) -> Memo {
        Memo {
            files: Arc::new(files),
            recall: Arc::default(),
        }
    }

    /// The site under `root` built into memory with `config`, reusing what it
    /// can of this build.
    pub(super) fn rebuild(
        &self,
        root: &Path,
        config: &Config,
        drafts: bool,
    ) -> Result<(Memo, Summary, Diagnostics), Diagnostics> {
        let memory = Memory::in_memory(Arc::clone(&self.recall));
        let sink = MemoryOutput::after(Arc::clone(&self.files));
        let (summary, warnings) = crate::render_site(root, config, drafts, &memory, &sink, false)?;
        let memo = Memo {
            files: Arc::new(sink.into_files()),
            recall: Arc::new(memory.into_recall()),
        };
        Ok((memo, summary, warnings))
    }
}
