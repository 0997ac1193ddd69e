//! `brief email`: [`edition`] renders a site through the one pipeline and picks
//! one issue's email edition. The editions themselves are rendered by `render`
//! from the `email.html` and `email.txt` templates, like every other page (the
//! plain text of their bodies comes from `render::email_text`); this command
//! only chooses which one to print.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use chrono::NaiveDate;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::output::Sink;

/// Which file of an edition to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
}

impl Format {
    fn file_name(self) -> &'static str {
        match self {
            Format::Text => "email.txt",
            Format::Html => "email.html",
        }
    }
}

/// Keeps only the email editions of a render; every other page is dropped as
/// soon as it is made, so memory holds the editions and nothing else.
#[derive(Default)]
struct EditionSink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Sink for EditionSink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        if path.starts_with("issues/") && path.contains("/email.") {
            let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
            files.insert(path.to_string(), bytes);
        }
        Ok(())
    }
}

/// Renders the site under `root` and returns the email edition of the issue
/// dated `date` (default: the latest issue), with the render's warnings.
pub fn edition(
    root: &Path,
    date: Option<NaiveDate>,
    format: Format,
) -> Result<(Vec<u8>, Diagnostics), Diagnostics> {
    let config = Config::load(root)?;
    let sink = EditionSink::default();
    let (_, warnings) = crate::render_site(root, &config, false, &sink, false)?;
    let mut files = sink.files.into_inner().unwrap_or_else(|e| e.into_inner());
    let dates: Vec<String> = files
        .keys()
        .filter_map(|p| p.strip_prefix("issues/")?.strip_suffix("/email.txt"))
        .map(str::to_string)
        .collect();
    let wanted = match date {
        Some(d) => d.to_string(),
        None => dates.last().cloned().ok_or_else(|| {
            Diagnostic::error("the site has no issues yet, so there is no email edition")
                .at(&config.path)
                .hint("add insights with `brief import FILES` or `brief new \"Title\"`")
        })?,
    };
    let path = format!("issues/{wanted}/{}", format.file_name());
    match files.remove(&path) {
        Some(bytes) => Ok((bytes, warnings)),
        None => Err(missing_issue(&wanted, &dates).into()),
    }
}

fn missing_issue(wanted: &str, dates: &[String]) -> Diagnostic {
    let recent: Vec<&str> = dates.iter().rev().take(5).map(String::as_str).collect();
    let hint = if recent.is_empty() {
        "the site has no issues yet".to_string()
    } else {
        format!(
            "the latest issues are dated {}; run `brief email` without a date for the latest",
            recent.join(", ")
        )
    };
    Diagnostic::error(format!("no issue is dated {wanted}")).hint(hint)
}
