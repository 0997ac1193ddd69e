//! `brief rename OLD-SLUG NEW-SLUG`: gives an insight a new slug without
//! breaking a published URL. Its file is renamed (or its `slug` key set), its
//! old path is recorded in `aliases` (the site keeps it as a redirect), and
//! every `related` list naming it is rewritten. Front matter is edited as a
//! `toml_edit` document, so comments and formatting stay. Everything is
//! checked and worked out before the first write, so a refused rename changes
//! nothing; `--dry-run` shows the changes and writes nothing. It sits above the
//! pipeline: it loads config and content and writes content files.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Value};

use crate::config::{slug_problem, Config};
use crate::content::{self, slug_from_path, Insight};
use crate::error::{Diagnostic, Diagnostics};
use crate::hints::closest;
use crate::import::frontmatter::{append_missing, edit_front_matter, set_string, EditError};
use crate::import::{create_file, replace_file};
use crate::lock::SiteLock;

/// What `brief rename` was asked for.
#[derive(Debug, Clone)]
pub struct RenameOptions {
    pub old: String,
    pub new: String,
    pub dry_run: bool,
}

/// Why a rename was refused. Nothing was written either way.
#[derive(Debug)]
pub enum RenameError {
    /// The arguments themselves are wrong (exit status 2).
    Usage(Diagnostic),
    /// The site does not allow it, or it failed (exit status 1).
    Refused(Diagnostics),
}

impl From<Diagnostics> for RenameError {
    fn from(d: Diagnostics) -> Self {
        RenameError::Refused(d)
    }
}

impl From<Diagnostic> for RenameError {
    fn from(d: Diagnostic) -> Self {
        RenameError::Refused(d.into())
    }
}

/// One content file the rename changes (paths relative to the site root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: PathBuf,
    /// Where the file moves, when it does.
    pub moved_to: Option<PathBuf>,
    /// Front-matter lines removed and added, for the report.
    pub removed: Vec<String>,
    pub added: Vec<String>,
}

/// What a rename did (or, with `--dry-run`, would do): the renamed insight's
/// file first, then every file whose `related` named it.
#[derive(Debug, Default)]
pub struct RenameReport {
    pub changes: Vec<FileChange>,
}

/// The path the old slug keeps working at.
pub(crate) fn alias_of(slug: &str) -> String {
    format!("/insights/{slug}/")
}

/// Renames the insight `options.old` of the site at `root` to `options.new`.
pub fn rename(root: &Path, options: &RenameOptions) -> Result<RenameReport, RenameError> {
    check_arguments(options)?;
    // Held from before content is read to after the last write, so no other
    // writer (an import adding `related`) can slip in between (a dry run writes
    // nothing and needs no lock).
    let _lock = (!options.dry_run)
        .then(|| SiteLock::acquire(root))
        .transpose()?;
    let config = Config::load(root)?;
    let insights = content::load_insights(root, &config)?;
    let (old, new) = (options.old.as_str(), options.new.as_str());
    let renamed = find(&insights, old, root)?;
    // The same rename, stopped after it wrote the new file: run again, it
    // finishes (the new file stays as written).
    let written = written_before(&insights, renamed, new);
    let first = match written {
        Some(written) => plan_finish(root, renamed, written),
        None => {
            check_free(&insights, renamed, new, root)?;
            plan_renamed(root, renamed, old, new)?
        }
    };
    let mut plans = vec![first];
    let is_one_of_the_two =
        |i: &Insight| std::ptr::eq(i, renamed) || written.is_some_and(|w| std::ptr::eq(i, w));
    for other in insights
        .iter()
        .filter(|i| i.related.iter().any(|r| r == old))
    {
        if !is_one_of_the_two(other) {
            plans.push(plan_related(root, other, old, new)?);
        }
    }
    let report = RenameReport {
        changes: plans.iter().map(|p| p.change.clone()).collect(),
    };
    if !options.dry_run {
        write(root, &plans)?;
    }
    Ok(report)
}

fn check_arguments(options: &RenameOptions) -> Result<(), RenameError> {
    if let Some(problem) = slug_problem(&options.new) {
        return Err(RenameError::Usage(
            Diagnostic::error(problem.message("the new slug", &options.new)).hint(
                "a slug is lowercase letters, digits, `-` and `_`, e.g. deepseek-delays-release",
            ),
        ));
    }
    if options.old == options.new {
        return Err(RenameError::Usage(
            Diagnostic::error(format!("the insight is already called {:?}", options.old))
                .hint("give a different new slug"),
        ));
    }
    Ok(())
}

/// The insight called `slug`, or an error naming the closest slug; refused
/// when two insights have it (`check` names them): which one the editor
/// means, and which the references mean, cannot be told.
fn find<'a>(insights: &'a [Insight], slug: &str, root: &Path) -> Result<&'a Insight, Diagnostic> {
    let mut named = insights.iter().filter(|i| i.slug == slug);
    match (named.next(), named.next()) {
        (Some(only), None) => Ok(only),
        (Some(first), Some(second)) => {
            let shown = |i: &Insight| shown(root, &i.path);
            Err(Diagnostic::error(format!(
                "two insights have the slug {slug:?}: {} and {}",
                shown(first),
                shown(second)
            ))
            .hint("give one of them a slug of its own first (its `slug` key or file name); `brief check` lists every clash"))
        }
        (None, _) => {
            let d = Diagnostic::error(format!("no insight has the slug {slug:?}"));
            Err(
                match closest(slug, insights.iter().map(|i| i.slug.as_str())) {
                    Some(best) => d.hint(format!("did you mean {best:?}?")),
                    None => {
                        d.hint("the slug is the file name without .md, or the file's `slug` key")
                    }
                },
            )
        }
    }
}

/// Refuses a `new` slug that another insight has (as its slug, its file name
/// or an alias), or whose file already exists.
fn check_free(
    insights: &[Insight],
    renamed: &Insight,
    new: &str,
    root: &Path,
) -> Result<(), Diagnostic> {
    // Renaming back to a slug of its own past keeps its alias (it is dropped).
    let taken_by = insights.iter().find(|i| {
        let own_alias = std::ptr::eq(*i, renamed);
        i.slug == new
            || slug_from_path(&i.path) == new
            || (!own_alias && i.slugs_taken().any(|s| s == new))
    });
    let file = renamed.path.with_file_name(format!("{new}.md"));
    let taken_at = taken_by
        .map(|i| i.path.clone())
        .or_else(|| file.exists().then_some(file));
    match taken_at {
        Some(path) => Err(Diagnostic::error(format!("the slug {new:?} is taken"))
            .at(relative(root, &path))
            .hint("choose another new slug; a published URL must keep its insight")),
        None => Ok(()),
    }
}

/// A file's change, worked out but not yet written.
struct Plan {
    change: FileChange,
    /// The file as it is (absolute), and where the new text goes.
    from: PathBuf,
    to: PathBuf,
    /// The new text; `None` when `to` already holds it (a rename finished).
    text: Option<String>,
}

/// The insight a rename of `renamed` to `new` that was stopped halfway wrote:
/// called `new`, with `renamed`'s id and its old page among its aliases,
/// while `renamed`'s own file is still there. Only while the two say the
/// same but for what a rename changes: had the old file been edited since,
/// finishing would delete the edit (the slug is then refused as taken).
fn written_before<'a>(
    insights: &'a [Insight],
    renamed: &Insight,
    new: &str,
) -> Option<&'a Insight> {
    let old_page = alias_of(&renamed.slug);
    insights.iter().find(|i| {
        !std::ptr::eq(*i, renamed)
            && i.slug == new
            && i.id == renamed.id
            && i.aliases.contains(&old_page)
            && i.same_but_for_a_rename(renamed)
    })
}

/// The renamed insight's file when a stopped rename already wrote the new
/// one: the old file only goes, once the references are rewritten.
fn plan_finish(root: &Path, renamed: &Insight, written: &Insight) -> Plan {
    Plan {
        change: FileChange {
            path: relative(root, &renamed.path),
            moved_to: Some(relative(root, &written.path)),
            removed: Vec::new(),
            added: Vec::new(),
        },
        from: renamed.path.clone(),
        to: written.path.clone(),
        text: None,
    }
}

/// The renamed insight's file: moved to `NEW.md` when its name is its slug,
/// `slug` set when the key is there, the old path added to `aliases`. A
/// rename back to an old slug leaves its path among the aliases, where it
/// writes no redirect: the first alias stays the address the insight was
/// first published at (its feed id), so readers do not see it again as new.
fn plan_renamed(root: &Path, insight: &Insight, old: &str, new: &str) -> Result<Plan, Diagnostic> {
    let to = if slug_from_path(&insight.path) == old {
        insight.path.with_file_name(format!("{new}.md"))
    } else {
        insight.path.clone()
    };
    let names_itself = insight.related.iter().any(|r| r == old);
    plan(root, insight, to, |doc| {
        if doc.contains_key("slug") {
            set_string(doc, "slug", new);
        }
        append_missing(doc, "aliases", &[alias_of(old)])?;
        // A `related` naming the insight itself (a copied line) follows too,
        // or the renamed file would name a slug no insight has.
        if names_itself {
            rename_related(doc, old, new)?;
        }
        Ok(true)
    })
}

/// Another insight's file, with `old` replaced by `new` in its `related`.
fn plan_related(root: &Path, insight: &Insight, old: &str, new: &str) -> Result<Plan, Diagnostic> {
    plan(root, insight, insight.path.clone(), |doc| {
        rename_related(doc, old, new)?;
        Ok(true)
    })
}

/// Replaces `old` by `new` in the `related` of `doc`, in the same quotes.
fn rename_related(doc: &mut DocumentMut, old: &str, new: &str) -> Result<(), EditError> {
    let related = doc
        .get_mut("related")
        .and_then(|r| r.as_array_mut())
        .ok_or_else(|| EditError::Invalid("`related` is not an array".into()))?;
    for value in related.iter_mut().filter(|v| v.as_str() == Some(old)) {
        let decor = value.decor().clone();
        *value = quoted_like(value, new);
        *value.decor_mut() = decor;
    }
    Ok(())
}

/// `text` as a string in the quotes `was` is written in: an editor's
/// single-quoted (literal) string stays single-quoted. (A slug holds no quote
/// or line break, so either kind of string can hold it.)
fn quoted_like(was: &Value, text: &str) -> Value {
    let literal = match was {
        Value::String(formatted) => formatted
            .as_repr()
            .and_then(|repr| repr.as_raw().as_str())
            .is_some_and(|raw| raw.starts_with('\'')),
        _ => false,
    };
    match literal {
        true => format!("'{text}'")
            .parse()
            .unwrap_or_else(|_| Value::from(text)),
        false => Value::from(text),
    }
}

fn plan(
    root: &Path,
    insight: &Insight,
    to: PathBuf,
    edit: impl FnOnce(&mut DocumentMut) -> Result<bool, EditError>,
) -> Result<Plan, Diagnostic> {
    let from = insight.path.clone();
    let shown = relative(root, &from);
    let old_text = std::fs::read_to_string(&from).map_err(|e| Diagnostic::io("read", &from, &e))?;
    let text = match edit_front_matter(&old_text, edit) {
        Ok(text) => text.unwrap_or_else(|| old_text.clone()),
        Err(EditError::Yaml) => {
            return Err(
                Diagnostic::error("YAML front matter is not edited by rename")
                    .at(&shown)
                    .hint("convert its front matter to TOML (`+++`), then rename again"),
            )
        }
        Err(EditError::Invalid(msg)) => {
            return Err(Diagnostic::error(format!("cannot edit: {msg}")).at(&shown))
        }
    };
    let (removed, added) = changed_lines(&old_text, &text);
    let moved_to = (to != from).then(|| relative(root, &to));
    Ok(Plan {
        change: FileChange {
            path: shown,
            moved_to,
            removed,
            added,
        },
        from,
        to,
        text: Some(text),
    })
}

/// The lines of `old` not in `new`, and of `new` not in `old`, in order: the
/// front matter changes line by line, so this shows what changed.
fn changed_lines(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let only_in = |a: &str, b: &str| {
        let others: Vec<&str> = b.lines().collect();
        a.lines()
            .filter(|l| !others.contains(l))
            .map(String::from)
            .collect()
    };
    (only_in(old, new), only_in(new, old))
}

/// Writes the plans: the renamed insight under its new name first (created,
/// never over a file), then the files that name it, then the old file goes.
/// Each file is replaced whole by rename, so a crash never leaves one half
/// written; at worst the old and new files both exist, and `check` names them.
fn write(root: &Path, plans: &[Plan]) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::default();
    let (renamed, others) = plans.split_first().expect("the renamed insight's plan");
    let written = match &renamed.text {
        None => Ok(()),
        Some(text) if renamed.to == renamed.from => replace_file(&renamed.to, text),
        Some(text) => create_file(&renamed.to, text),
    };
    written.map_err(|e| Diagnostic::io("write", &renamed.to, &e))?;
    // Every other plan has its text: only the renamed file's may be written.
    for plan in others {
        let Some(text) = &plan.text else { continue };
        if let Err(e) = replace_file(&plan.to, text) {
            errors.push(Diagnostic::io("update", &plan.to, &e));
        }
    }
    if errors.has_errors() {
        // The old file stays until every reference points at the new one.
        return Err(errors);
    }
    if renamed.to != renamed.from {
        std::fs::remove_file(&renamed.from).map_err(|e| {
            Diagnostic::io("remove the old file", &renamed.from, &e).hint(format!(
                "delete it by hand: {} holds the insight now",
                shown(root, &renamed.to)
            ))
        })?;
    }
    Ok(())
}

/// `path` under the site root `root` as messages and the report show it.
fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn shown(root: &Path, path: &Path) -> String {
    relative(root, path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_are_those_of_one_text_only() {
        let (removed, added) = changed_lines("a\nb\nc\n", "a\nB\nc\nd\n");
        assert_eq!(removed, ["b"]);
        assert_eq!(added, ["B", "d"]);
    }
}
