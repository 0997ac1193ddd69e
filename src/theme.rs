//! Templates and static files, layered: the default theme embedded in the binary,
//! then `themes/<name>/` on disk, then the site's own `templates/` and `static/`.
//! A site overrides single files by name; nobody has to copy the whole theme.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use tera::Tera;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a template or static file came from, for messages.
#[derive(Debug, Clone)]
pub enum Origin {
    Embedded(String),
    File(PathBuf),
}

impl Origin {
    pub(crate) fn display_path(&self) -> PathBuf {
        match self {
            Origin::Embedded(rel) => Path::new("<embedded default theme>").join(rel),
            Origin::File(p) => p.clone(),
        }
    }

    /// The template's text, read again: only error messages need it.
    pub(crate) fn source(&self) -> Option<String> {
        match self {
            Origin::Embedded(rel) => DEFAULT_THEME
                .get_file(rel)
                .and_then(|f| f.contents_utf8())
                .map(str::to_string),
            Origin::File(p) => std::fs::read_to_string(p).ok(),
        }
    }
}

pub struct Theme {
    pub tera: Tera,
    /// Template name → the file it was read from.
    pub template_origins: BTreeMap<String, Origin>,
    /// Output path (relative, `/`-separated) → bytes; the site's files win.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// A hash of every template source and static file: an incremental render
    /// may reuse pages only while it is unchanged.
    pub fingerprint: u64,
}

impl Theme {
    pub fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
        let theme_dir = root.join("themes").join(&config.theme);
        let mut sources: BTreeMap<String, (Origin, String)> = BTreeMap::new();
        let mut static_files = BTreeMap::new();
        let mut errors = Diagnostics::default();
        collect_embedded(&DEFAULT_THEME, &mut sources, &mut static_files);
        for dir in [theme_dir, root.to_path_buf()] {
            for (rel, path, bytes) in collect_dir(&dir.join("templates"), &mut errors) {
                match String::from_utf8(bytes) {
                    Ok(text) => {
                        sources.insert(rel, (Origin::File(path), text));
                    }
                    Err(_) => {
                        errors.push(Diagnostic::error("template is not valid UTF-8").at(&path))
                    }
                }
            }
            for (rel, _, bytes) in collect_dir(&dir.join("static"), &mut errors) {
                static_files.insert(rel, bytes);
            }
        }
        errors.into_result()?;

        let template_origins: BTreeMap<String, Origin> = sources
            .iter()
            .map(|(name, (origin, _))| (name.clone(), origin.clone()))
            .collect();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_markup);
        crate::filters::register(&mut tera);
        let raw: Vec<(String, String)> = sources
            .into_iter()
            .map(|(name, (_, text))| (name, text))
            .collect();
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::hash::DefaultHasher::new();
            (&raw, &static_files).hash(&mut hasher);
            hasher.finish()
        };
        tera.add_raw_templates(raw)
            .map_err(|e| template_diagnostic(&e, &template_origins))?;
        if let Some(d) = crate::template_errors::include_loop(&tera, &template_origins) {
            return Err(d.into());
        }
        Ok(Theme {
            tera,
            template_origins,
            static_files,
            fingerprint,
        })
    }

    /// Renders `name`, turning Tera's error chain into one located diagnostic.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|e| template_diagnostic(&e, &self.template_origins))
    }
}

/// Escapes what HTML and XML need and nothing more. Tera's default also escapes
/// `/`, which is legal but turns every URL into `&#x2F;` soup.
fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    // Copies the runs between special characters whole: most values have none.
    // Every special character is ASCII, so each index is a char boundary.
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[copied..at]);
        out.push_str(entity);
        copied = at + 1;
    }
    out.push_str(&text[copied..]);
    out
}

fn collect_embedded(
    dir: &Dir<'static>,
    templates: &mut BTreeMap<String, (Origin, String)>,
    statics: &mut BTreeMap<String, Vec<u8>>,
) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            templates.insert(name.to_string(), (Origin::Embedded(path.clone()), text));
        } else if let Some(name) = path.strip_prefix("static/") {
            statics.insert(name.to_string(), file.contents().to_vec());
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, templates, statics);
    }
}

/// Every file under `dir` (if it exists) as (relative path, path, bytes),
/// skipping hidden files and editors' backups.
fn collect_dir(dir: &Path, errors: &mut Diagnostics) -> Vec<(String, PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name()))
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(
                    Diagnostic::error(format!("cannot read: {e}")).at(e.path().unwrap_or(dir)),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().ends_with('~') {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push((rel, entry.path().to_path_buf(), bytes)),
            Err(e) => errors.push(Diagnostic::io("read", entry.path(), &e)),
        }
    }
    files
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Tera's error chain as one diagnostic: the template's file, the line Tera points
/// at when it knows one, and every cause on its own line.
pub fn template_diagnostic(err: &tera::Error, origins: &BTreeMap<String, Origin>) -> Diagnostic {
    let mut chain = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    let template = chain.iter().find_map(|m| quoted_template_name(m, origins));
    let line = chain.iter().find_map(|m| parse_arrow_line(m));
    let message = chain
        .iter()
        .map(|m| m.trim().to_string())
        .collect::<Vec<_>>()
        .join("\n  caused by: ");
    let mut d = Diagnostic::error(format!("template error: {message}"));
    if let Some(origin) = template.and_then(|t| origins.get(t)) {
        d = d.at(origin.display_path());
    }
    match line {
        Some((line, col)) => d = d.line_col(line, col),
        None => d = crate::template_errors::locate(d, &chain, template, origins),
    }
    if chain.iter().any(|m| m.contains("not found in context")) {
        d = d.hint("the README lists the variables each template receives; use `| default(value=…)` for optional ones");
    }
    d
}

fn quoted_template_name<'a>(
    message: &str,
    origins: &'a BTreeMap<String, Origin>,
) -> Option<&'a str> {
    message
        .split(['\'', '`', '"'])
        .skip(1)
        .step_by(2)
        .find_map(|q| origins.get_key_value(q).map(|(k, _)| k.as_str()))
}

/// Tera's parse errors point with ` --> LINE:COL`.
fn parse_arrow_line(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find("--> ")? + 4..];
    let spec: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .collect();
    let (line, col) = spec.split_once(':')?;
    Some((line.parse().ok()?, col.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::escape_markup;

    #[test]
    fn escapes_markup_characters_only() {
        assert_eq!(escape_markup(""), "");
        assert_eq!(escape_markup("a/b?c=d"), "a/b?c=d");
        assert_eq!(
            escape_markup("<script>\"x\" & 'y'</script>é"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;é"
        );
    }
}
