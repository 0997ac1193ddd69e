//! Templates and static files, layered: the default theme embedded in the binary,
//! then `themes/<name>/` on disk, then the site's own `templates/` and `static/`.
//! A site overrides single files by name; nobody has to copy the whole theme.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use tera::{ErrorKind, Tera};

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::escape::write_html_escaped;
use crate::hidden::is_hidden;
use crate::words::{source_col, Shift, Words, WordsFile, FALLBACK_LANGUAGE};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a template came from, and how its phrases were folded in (see
/// `words::fold`), for messages.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    place: Place,
    shifts: Vec<Shift>,
}

#[derive(Debug, Clone)]
enum Place {
    Embedded(String),
    File(PathBuf),
}

impl Origin {
    fn embedded(rel: &str) -> Origin {
        Origin {
            place: Place::Embedded(rel.to_string()),
            shifts: Vec::new(),
        }
    }

    fn file(path: PathBuf) -> Origin {
        Origin {
            place: Place::File(path),
            shifts: Vec::new(),
        }
    }

    pub(crate) fn display_path(&self) -> PathBuf {
        match &self.place {
            Place::Embedded(rel) => Path::new("<embedded default theme>").join(rel),
            Place::File(p) => p.clone(),
        }
    }

    /// The template's text, read again: only error messages need it.
    pub(crate) fn source(&self) -> Option<String> {
        match &self.place {
            Place::Embedded(rel) => DEFAULT_THEME
                .get_file(rel)
                .and_then(|f| f.contents_utf8())
                .map(str::to_string),
            Place::File(p) => std::fs::read_to_string(p).ok(),
        }
    }

    /// Tera's column `col` of `line` as a column of the template's own text.
    fn col(&self, line: usize, col: usize) -> usize {
        source_col(&self.shifts, line, col)
    }
}

pub(crate) struct Theme {
    pub(crate) tera: Tera,
    /// Template name → the file it was read from.
    pub(crate) template_origins: BTreeMap<String, Origin>,
    /// Output path (relative, `/`-separated) → bytes; the site's files win.
    pub(crate) static_files: BTreeMap<String, Vec<u8>>,
    /// The file each static file of the site or its theme was read from (the
    /// default theme's are built in).
    pub(crate) static_origins: BTreeMap<String, PathBuf>,
    /// The phrases the templates show, in the site's language.
    pub(crate) words: Words,
    /// A hash of every template source and static file: an incremental render
    /// may reuse pages only while it is unchanged.
    pub(crate) fingerprint: u64,
    /// What loading noticed (a hidden folder in `static/`, not published).
    pub(crate) warnings: Diagnostics,
}

impl Theme {
    pub(crate) fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
        let theme_dir = root.join("themes").join(&config.theme);
        let mut sources: BTreeMap<String, (Origin, String)> = BTreeMap::new();
        let mut static_files = BTreeMap::new();
        let mut static_origins = BTreeMap::new();
        let mut words_files = BTreeMap::new();
        let mut errors = Diagnostics::default();
        let mut warnings = Diagnostics::default();
        collect_embedded(
            &DEFAULT_THEME,
            &mut sources,
            &mut static_files,
            &mut words_files,
        );
        collect_words(&theme_dir, &mut words_files, &mut errors);
        for dir in [theme_dir, root.to_path_buf()] {
            for (rel, path, bytes) in collect_dir(&dir.join("templates"), &mut errors, None) {
                match String::from_utf8(bytes) {
                    Ok(text) => {
                        sources.insert(rel, (Origin::file(path), text));
                    }
                    Err(_) => {
                        errors.push(Diagnostic::error("template is not valid UTF-8").at(&path))
                    }
                }
            }
            let mut hidden = Vec::new();
            let static_dir = dir.join("static");
            for (rel, path, bytes) in collect_dir(&static_dir, &mut errors, Some(&mut hidden)) {
                static_origins.insert(rel.clone(), path);
                static_files.insert(rel, bytes);
            }
            warnings.0.extend(hidden.into_iter().map(unpublished));
        }
        errors.into_result()?;
        let words = Words::load(&words_files, config)?;

        let mut template_origins = BTreeMap::new();
        let mut raw = Vec::with_capacity(sources.len());
        let mut errors = Diagnostics::default();
        for (name, (mut origin, text)) in sources {
            let folded = words.fold(&text);
            for (phrase, line, col) in &folded.unknown {
                errors.push(unknown_phrase(&words, &origin, phrase, *line, *col));
            }
            origin.shifts = folded.shifts;
            template_origins.insert(name.clone(), origin);
            raw.push((name, folded.text));
        }
        // An unknown phrase is listed with the templates' other mistakes.
        let mut tera = new_tera(&words, config);
        let fingerprint = crate::fingerprint::hash_of(&(&raw, &static_files, words.fingerprint()));
        if let Err(e) = tera.add_raw_templates(raw.iter().map(|(name, text)| (name, text))) {
            errors.extend(match e.kind() {
                ErrorKind::SyntaxError(_) => {
                    all_template_errors(&raw, &template_origins, &words, config)
                }
                _ => load_diagnostics(&e, &template_origins),
            });
        }
        errors.into_result()?;
        Ok(Theme {
            tera,
            template_origins,
            static_files,
            static_origins,
            words,
            fingerprint,
            warnings,
        })
    }

    /// Renders `name` as text (see [`Theme::render_bytes`]).
    pub(crate) fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        let bytes = self.render_bytes(name, context)?;
        String::from_utf8(bytes).map_err(|e| Diagnostic::error(format!("{name}: {e}")))
    }

    /// Renders `name` into bytes, turning Tera's error chain into one located
    /// diagnostic. A page goes to the output as bytes: skipping the text check
    /// of `Tera::render` and starting with room for a whole page (rather than
    /// growing the buffer page by page) saves a copy or two of every page.
    pub(crate) fn render_bytes(
        &self,
        name: &str,
        context: &tera::Context,
    ) -> Result<Vec<u8>, Diagnostic> {
        /// Larger than the default theme's pages at 10k insights (5-12 kB).
        const PAGE_ROOM: usize = 16 * 1024;
        let mut out = Vec::with_capacity(PAGE_ROOM);
        self.tera.render_to(name, context, &mut out).map_err(|e| {
            let d = template_diagnostic(&e, &self.template_origins);
            // Tera names no template for some errors (a component calling
            // itself without end): the one being rendered is where to look.
            match (&d.path, self.template_origins.get(name)) {
                (None, Some(origin)) => d.at(origin.display_path()),
                _ => d,
            }
        })?;
        Ok(out)
    }
}

fn collect_embedded(
    dir: &Dir<'static>,
    templates: &mut BTreeMap<String, (Origin, String)>,
    statics: &mut BTreeMap<String, Vec<u8>>,
    words: &mut BTreeMap<String, Vec<WordsFile>>,
) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            templates.insert(name.to_string(), (Origin::embedded(&path), text));
        } else if let Some(name) = path.strip_prefix("static/") {
            statics.insert(name.to_string(), file.contents().to_vec());
        } else if let Some(language) = path.strip_prefix("words/").and_then(words_language) {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            let path = Origin::embedded(&path).display_path();
            words
                .entry(language)
                .or_default()
                .push(WordsFile { path, text });
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, templates, statics, words);
    }
}

/// The language of a theme's words file, from its path inside `words/`
/// (`pt_BR.toml` is `pt-BR`; a file in a subfolder is none).
fn words_language(rel: &str) -> Option<String> {
    let name = rel.strip_suffix(".toml")?;
    (!name.contains('/')).then(|| name.replace('_', "-"))
}

/// The words files of the theme on disk (`themes/<name>/words/`), after the
/// built-in theme's of the same language.
fn collect_words(
    theme_dir: &Path,
    words: &mut BTreeMap<String, Vec<WordsFile>>,
    errors: &mut Diagnostics,
) {
    for (rel, path, bytes) in collect_dir(&theme_dir.join("words"), errors, None) {
        let Some(language) = words_language(&rel) else {
            continue;
        };
        match String::from_utf8(bytes) {
            Ok(text) => words
                .entry(language)
                .or_default()
                .push(WordsFile { path, text }),
            Err(_) => errors.push(Diagnostic::error("words file is not valid UTF-8").at(&path)),
        }
    }
}

/// Every file under `dir` (if it exists) as (relative path, path, bytes),
/// skipping hidden files and editors' backups; the hidden folders passed
/// over go to `hidden` when it is given (`.well-known`: no output gets them).
fn collect_dir(
    dir: &Path,
    errors: &mut Diagnostics,
    mut hidden: Option<&mut Vec<PathBuf>>,
) -> Vec<(String, PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return files;
    }
    let mut shown = |e: &walkdir::DirEntry| {
        if !is_hidden(e.file_name()) {
            return true;
        }
        if let Some(hidden) = hidden.as_deref_mut().filter(|_| e.file_type().is_dir()) {
            hidden.push(e.path().to_path_buf());
        }
        false
    };
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| shown(e))
    {
        // A file or folder gone since its folder was listed (a checkout) is
        // deleted, as far as this run goes: `serve` rebuilds when it is back.
        let gone = |e: &std::io::Error| e.kind() == std::io::ErrorKind::NotFound;
        let entry = match entry {
            Ok(e) => e,
            Err(e) if e.io_error().is_some_and(gone) => continue,
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
            Err(e) if gone(&e) => {}
            Err(e) => errors.push(Diagnostic::io("read", entry.path(), &e)),
        }
    }
    files
}

/// The warning for `folder`, a hidden folder of a `static/`.
fn unpublished(folder: PathBuf) -> Diagnostic {
    Diagnostic::warning("this folder is not published: brief never writes a hidden file or folder (a name starting with `.`), since the output's and the bucket's are left to their owners (a `.git`, a certificate tool's `.well-known`)")
        .at(folder)
        .hint("put its files on the host another way: `brief deploy` never deletes a hidden key, so one upload (`aws s3 cp --recursive`) stays")
}

/// Tera's verdict on a theme's templates, as diagnostics. Tera checks every
/// template when they are added and reports each problem it finds (an unknown
/// filter, a missing include) as a report of its own, all joined in one message.
/// A template's `words.NAME` that names no phrase: a typo that `say` would
/// otherwise print as nothing.
fn unknown_phrase(
    words: &Words,
    origin: &Origin,
    name: &str,
    line: usize,
    col: usize,
) -> Diagnostic {
    let hint = match words.closest_name(name) {
        Some(near) => format!("did you mean `words.{near}`? The theme's phrases are in its words/{FALLBACK_LANGUAGE}.toml"),
        None => format!("the theme's phrases are in its words/{FALLBACK_LANGUAGE}.toml; add new ones there"),
    };
    Diagnostic::error(format!("template error: unknown phrase `words.{name}`"))
        .at(origin.display_path())
        .line_col(line, col)
        .hint(hint)
}

/// A Tera set up for the theme: escaping, brief's filters, `say` with the
/// theme's `words`, and the values every template may read.
fn new_tera(words: &Words, config: &Config) -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on([".html", ".xml"]);
    tera.set_escape_fn(write_html_escaped);
    crate::filters::register(&mut tera);
    tera.register_filter("say", words.filter());
    // Tera's global context is read after a page's own: `dir` costs the
    // lookups of other values nothing (as a key of `site` it would make
    // every lookup there a hash, past twelve keys).
    let direction = crate::text::direction_of(&config.language);
    tera.global_context().insert("dir", direction);
    tera.global_context().insert("words", &words.value());
    tera
}

/// Every mistake of `templates` when one does not parse, where Tera stops
/// at the first such template and checks nothing else: the syntax error of
/// each template, parsed alone, then the mistakes of the rest (an unknown
/// filter, a missing include), found with a stand-in for each template that
/// does not parse (the default theme's of that name, else an empty one).
fn all_template_errors(
    templates: &[(String, String)],
    origins: &BTreeMap<String, Origin>,
    words: &Words,
    config: &Config,
) -> Diagnostics {
    let mut errors = Diagnostics::default();
    let mut stand_ins = Vec::with_capacity(templates.len());
    let mut emptied = Vec::new();
    for (name, text) in templates {
        let text = match Tera::default().add_raw_template(name, text) {
            Err(err) if matches!(err.kind(), ErrorKind::SyntaxError(_)) => {
                errors.push(template_diagnostic(&err, origins));
                match DEFAULT_THEME.get_file(format!("templates/{name}")) {
                    Some(file) => words.fold(&String::from_utf8_lossy(file.contents())).text,
                    None => {
                        emptied.push(name.as_str());
                        String::new()
                    }
                }
            }
            _ => text.clone(),
        };
        stand_ins.push((name.as_str(), text));
    }
    let Err(err) = new_tera(words, config).add_raw_templates(stand_ins.iter().cloned()) else {
        return errors;
    };
    let broken: Vec<PathBuf> = errors.0.iter().filter_map(|d| d.path.clone()).collect();
    let below_emptied: Vec<PathBuf> = stand_ins
        .iter()
        .filter(|(name, _)| extends_any(name, &stand_ins, &emptied))
        .filter_map(|(name, _)| origins.get(*name).map(Origin::display_path))
        .collect();
    let others = load_diagnostics(&err, origins).0.into_iter().filter(|d| {
        // Not the stand-ins' mistakes, nor the blocks an empty stand-in
        // parent lacks: only the templates' own.
        let at = |paths: &[PathBuf]| d.path.as_ref().is_some_and(|p| paths.contains(p));
        let unknown_block = d.message.contains("not defined in any parent");
        !(at(&broken) || (unknown_block && at(&below_emptied)))
    });
    errors.0.extend(others);
    errors
}

/// Whether template `name` of `templates` extends one of `names`, directly
/// or through its parents (read from each one's `{% extends "…" %}`).
fn extends_any(name: &str, templates: &[(&str, String)], names: &[&str]) -> bool {
    let text_of = |name: &str| templates.iter().find(|(n, _)| *n == name).map(|(_, t)| t);
    let mut seen = vec![name];
    let mut current = name;
    while let Some(parent) = text_of(current).and_then(|text| parent_name(text)) {
        if names.contains(&parent) {
            return true;
        }
        if seen.contains(&parent) {
            return false;
        }
        seen.push(parent);
        current = parent;
    }
    false
}

/// The template `text` extends: the quoted name after its `extends`.
fn parent_name(text: &str) -> Option<&str> {
    let rest = &text[text.find("extends")? + "extends".len()..];
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    rest[1..].split(quote).next()
}

fn load_diagnostics(err: &tera::Error, origins: &BTreeMap<String, Origin>) -> Diagnostics {
    let ErrorKind::Msg(text) = err.kind() else {
        return template_diagnostic(err, origins).into();
    };
    let reports: Vec<Diagnostic> = text
        .split("\n\n")
        .filter_map(|report| parse_report(report, origins))
        .collect();
    if reports.is_empty() {
        template_diagnostic(err, origins).into()
    } else {
        Diagnostics(reports)
    }
}

/// One of Tera's rendered reports: `error: MESSAGE` then ` --> NAME:LINE:COL`.
fn parse_report(report: &str, origins: &BTreeMap<String, Origin>) -> Option<Diagnostic> {
    let mut lines = report.lines();
    let message = lines.next()?.strip_prefix("error: ")?;
    let spot = lines.next()?.trim_start().strip_prefix("--> ")?;
    let mut parts = spot.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let d = Diagnostic::error(format!("template error: {message}"));
    let d = match origins.get(name) {
        Some(origin) => d
            .at(origin.display_path())
            .line_col(line, origin.col(line, col)),
        None => d,
    };
    Some(hint_for(d, message, origins))
}

/// A Tera error as one diagnostic: the template's file and, when Tera points at
/// a spot, its line and column; any causes follow on their own lines.
pub(crate) fn template_diagnostic(
    err: &tera::Error,
    origins: &BTreeMap<String, Origin>,
) -> Diagnostic {
    let at = |name: &str| origins.get(name).map(Origin::display_path);
    let (message, file, spot) = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            let spot = (span.start_line > 0).then(|| {
                let col = span.start_col + 1;
                let line = span.start_line;
                let origin = origins.get(report.filename());
                (line, origin.map_or(col, |o| o.col(line, col)))
            });
            let message = format!("template error: {}", report.message());
            (message, at(report.filename()), spot)
        }
        ErrorKind::CircularInclude { include_chain, .. } => {
            let from = include_chain.first().map_or("", String::as_str);
            let to = include_chain.get(1).map_or("", String::as_str);
            let message = format!(
                "templates include each other in a loop: {}",
                include_chain.join(" → ")
            );
            (message, at(from), quoted_spot(origins, from, to))
        }
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            let message = format!(
                "templates extend each other in a loop: {tpl} → {}",
                inheritance_chain.join(" → ")
            );
            (message, at(tpl), None)
        }
        ErrorKind::MissingParent { current, parent } => (
            format!("template error: Unknown template `{parent}` (extended by `{current}`)"),
            at(current),
            quoted_spot(origins, current, parent),
        ),
        _ => (format!("template error: {err}"), None, None),
    };
    let mut chain = vec![message];
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    let message = chain.join("\n  caused by: ");
    let mut d = Diagnostic::error(&message);
    if let Some(file) = file {
        d = d.at(file);
    }
    if let Some((line, col)) = spot {
        d = d.line_col(line, col);
    }
    hint_for(d, &message, origins)
}

/// Where template `name`'s source first quotes `quoted`, e.g. the `extends` or
/// `include` that names a template.
fn quoted_spot(
    origins: &BTreeMap<String, Origin>,
    name: &str,
    quoted: &str,
) -> Option<(usize, usize)> {
    let source = origins.get(name)?.source()?;
    let at = [format!("\"{quoted}\""), format!("'{quoted}'")]
        .iter()
        .find_map(|q| source.find(q.as_str()))?;
    Some(crate::error::line_col(&source, at))
}

fn hint_for(d: Diagnostic, message: &str, origins: &BTreeMap<String, Origin>) -> Diagnostic {
    if message.contains("not defined in any parent") {
        d.hint("a template that extends another fills only the blocks defined above it (the default base.html has `title`, `head`, `feeds`, `content` and `scripts`): check the block's name against the parent's `{% block … %}`s")
    } else if message.contains("is not defined") {
        d.hint("the README lists the variables each template receives; use `| default(value=…)` for optional ones")
    } else if message.contains("Unknown tag") {
        d.hint("Tera 2, brief's template language, has no `macro` or `import` tags (Tera 1's, as in Zola): write a component (`{% component name(arg: string) %}…{% endcomponent name %}`, called as `{{ <name arg=\"x\" /> }}`) or an `include`")
    } else if message.contains("recursion depth") {
        d.hint("a component calls itself (or another that calls it back) without end: give it a condition that stops it")
    } else if message.contains("in a loop") {
        d.hint("rendering would never end; remove one of these includes or extends")
    } else if let Some(name) = backquoted_after(message, "Unknown template `") {
        d.hint(missing_template_hint(name, origins))
    } else if message.contains("Unknown filter `") {
        d.hint(
            "brief adds `say`, `wrap`, `json_script`, `json_encode`, `slug`, `urlencode` and `urlencode_strict` to Tera's built-in filters; the README lists them",
        )
    } else {
        d
    }
}

fn backquoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    rest.split('`').next()
}

/// Suggests the template whose name (without `.html`, which all share) is closest.
fn missing_template_hint(name: &str, origins: &BTreeMap<String, Origin>) -> String {
    let stem = |n: &str| n.trim_end_matches(".html").to_string();
    let stems: Vec<String> = origins.keys().map(|k| stem(k)).collect();
    match crate::hints::closest(&stem(name), stems.iter().map(String::as_str)) {
        Some(best) => format!("there is no template {name:?}; did you mean \"{best}.html\"?"),
        None => format!("there is no template {name:?}; add it to templates/ or fix the name"),
    }
}
