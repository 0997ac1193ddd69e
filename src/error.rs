//! Located diagnostics: every problem brief reports names a file (and a line when
//! one is known) plus, where the likely mistake is known, a hint. Pipeline stages
//! collect them into [`Diagnostics`] so a run lists all its errors, not the first.
//! Only `main.rs` and `serve.rs` print them.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::printable::printable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub(crate) severity: Severity,
    pub(crate) path: Option<PathBuf>,
    pub line: Option<usize>,
    pub(crate) col: Option<usize>,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: None,
            line: None,
            col: None,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub(crate) fn at(mut self, path: impl AsRef<Path>) -> Self {
        self.path = Some(path.as_ref().to_path_buf());
        self
    }

    pub(crate) fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub(crate) fn line_col(mut self, line: usize, col: usize) -> Self {
        self.line = Some(line);
        self.col = Some(col);
        self
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// An I/O failure on `path`, phrased for a user rather than a programmer.
    pub(crate) fn io(action: &str, path: &Path, err: &std::io::Error) -> Self {
        let hint = match err.kind() {
            std::io::ErrorKind::PermissionDenied => Some("check the permissions of this path"),
            std::io::ErrorKind::NotFound => Some("check that the path exists"),
            _ => None,
        };
        let d = Diagnostic::error(format!("cannot {action}: {err}")).at(path);
        match hint {
            Some(h) => d.hint(h),
            None => d,
        }
    }

    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// What a terminal shows: control characters in a file name, or quoted from a
/// file into a message, are dropped (an ESC would be obeyed as a command).
/// A path as messages show it: `--root .` joins to `./content/…`, and users
/// read and paste `content/…`.
pub(crate) fn shown_path(path: &Path) -> std::path::Display<'_> {
    match path.strip_prefix(".") {
        // `.` itself stays `.`: nothing at all would name no place.
        Ok(rest) if !rest.as_os_str().is_empty() => rest.display(),
        _ => path.display(),
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}", printable(&shown_path(path).to_string()))?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.col {
                    write!(f, ":{col}")?;
                }
            }
            write!(f, ": ")?;
        }
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}", printable(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {}", printable(hint))?;
        }
        Ok(())
    }
}

/// All the diagnostics of one run. As an `Err`, it holds at least one error.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// `Err(self)` when any error was collected, so callers can stop a stage.
    pub(crate) fn into_result(self) -> Result<Diagnostics, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(self)
        }
    }

    /// Sorted by file, then line, so output is stable whatever order threads finished in.
    pub(crate) fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (a.severity, &a.path, a.line, a.col, &a.message)
                .cmp(&(b.severity, &b.path, b.line, b.col, &b.message))
        });
        self.0.dedup();
        self
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// 1-based line and column of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_path_line_col_and_hint() {
        let d = Diagnostic::error("unknown field `titel`")
            .at("content/insights/a.md")
            .line_col(3, 1)
            .hint("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "content/insights/a.md:3:1: error: unknown field `titel`\n  = hint: did you mean `title`?"
        );
    }

    #[test]
    fn a_path_under_dot_is_shown_without_it_and_dot_itself_as_dot() {
        let shown = |p: &str| shown_path(Path::new(p)).to_string();
        assert_eq!(shown("./content/a.md"), "content/a.md");
        assert_eq!(shown("."), ".");
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx", 1), (1, 1));
    }
}
