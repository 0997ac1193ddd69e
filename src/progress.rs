//! The one progress bar style, for long runs on a terminal (rendering a build,
//! uploading a deploy): on stderr, so stdout keeps only a command's results. A
//! leaf helper: it knows nothing of what is counted.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar counting `len` steps of `verb` (`rendering`, `uploading`); hidden when
/// not `show`n (no terminal) or when there is nothing to count.
pub(crate) fn bar(verb: &str, len: u64, show: bool) -> ProgressBar {
    if !show || len == 0 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let template = format!("{{spinner}} {verb} {{pos}}/{{len}} [{{bar:30}}] {{eta}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
