//! Where a build may write. The output directory is resolved the way the system
//! will follow it (every symbolic link; for a folder not made yet, its nearest
//! existing parent) and refused when it is, holds, or lies inside the site root
//! or one of the site's sources (config, content, themes, templates, static
//! files, the build cache). Comparing paths as text let a link to the site root,
//! or a `public` that links to `content`, through, and the build then deleted the
//! site (issue 13). Nothing here writes; the build uses the resolved path from
//! then on.

use std::path::{Component, Path, PathBuf};

use crate::error::Diagnostic;

/// The output directory `output` of the site at `root`, resolved, or why the
/// build must not write there. `sources` are the names, in the site root, of
/// what the build reads or keeps.
pub(crate) fn output_dir(
    root: &Path,
    output: &Path,
    sources: &[&str],
) -> Result<PathBuf, Diagnostic> {
    let site = resolve(root)?;
    let out = resolve(output)?;
    let refuse = |why: String| {
        let shown = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
        let resolved = if shown == out {
            String::new()
        } else {
            format!(" (it resolves to {})", out.display())
        };
        Err(Diagnostic::error(format!(
            "refusing to build into {}{resolved}: {why}",
            output.display()
        ))
        .hint("choose an output directory of its own, such as public/ (the default)"))
    };
    if site.starts_with(&out) {
        return refuse("it contains the site or its content".into());
    }
    // A file there would be read as a folder: its journal and record "not a
    // directory", reported as a build cut short.
    if std::fs::metadata(&out).is_ok_and(|meta| !meta.is_dir()) {
        return refuse("it is a file, not a folder".into());
    }
    for name in sources {
        let source = resolve(&site.join(name))?;
        if out == source {
            return refuse(format!("it is the site's {name}"));
        }
        if out.starts_with(&source) {
            return refuse(format!("it lies inside the site's {name}"));
        }
        if source.starts_with(&out) {
            return refuse(format!("it contains the site's {name}"));
        }
    }
    Ok(out)
}

/// `path` as the system resolves it: absolute, every link followed. The part
/// that does not exist yet is appended as written (`..` in it taken lexically,
/// which is right once the existing part has no links left).
pub(crate) fn resolve(path: &Path) -> Result<PathBuf, Diagnostic> {
    let absolute = std::path::absolute(path).map_err(|e| Diagnostic::io("resolve", path, &e))?;
    let parts: Vec<Component> = absolute.components().collect();
    for existing in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..existing].iter().collect();
        match std::fs::canonicalize(&prefix) {
            Ok(mut real) => {
                for part in &parts[existing..] {
                    match part {
                        Component::ParentDir => {
                            real.pop();
                        }
                        Component::Normal(name) => real.push(name),
                        _ => {}
                    }
                }
                return Ok(real);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Not found, yet there: a link to something that does not exist.
                if std::fs::symlink_metadata(&prefix).is_ok() {
                    return Err(Diagnostic::error(format!(
                        "cannot use {}: it is a link to something that does not exist",
                        prefix.display()
                    ))
                    .hint("remove the link, or make what it points to"));
                }
            }
            Err(e) => return Err(Diagnostic::io("resolve", &prefix, &e)),
        }
    }
    Ok(absolute)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: &[&str] = &["config.toml", "content", "themes", "static", ".brief-cache"];

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for d in ["site/content", "site/themes", "site/sub"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        std::fs::write(dir.path().join("site/config.toml"), "").unwrap();
        dir
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_before_the_check() {
        use std::os::unix::fs::symlink;
        let tmp = site();
        let root = tmp.path().join("site");
        symlink(&root, tmp.path().join("site-link")).unwrap();
        symlink("..", root.join("sub/up")).unwrap();
        symlink("content", root.join("public")).unwrap();
        symlink(root.join("nowhere"), root.join("dangling")).unwrap();
        for (out, why) in [
            (tmp.path().join("site-link"), "it contains the site"),
            (root.join("sub/up"), "it contains the site"),
            (root.join("public"), "it is the site's content"),
            (root.join("public/x"), "it lies inside the site's content"),
            (root.join("themes"), "it is the site's themes"),
            (root.join("static/new"), "it lies inside the site's static"),
            (
                root.join("sub/up/content/../themes"),
                "it is the site's themes",
            ),
            (root.join("dangling"), "does not exist"),
        ] {
            let err = output_dir(&root, &out, SOURCES).unwrap_err().to_string();
            assert!(err.contains(why), "{}: {err}", out.display());
        }
        std::fs::write(root.join("sub/file"), "kept").unwrap();
        symlink(root.join("sub/file"), root.join("file-link")).unwrap();
        for out in [root.join("sub/file"), root.join("file-link")] {
            let err = output_dir(&root, &out, SOURCES).unwrap_err().to_string();
            assert!(err.contains("it is a file, not a folder"), "{err}");
        }
        let fine = output_dir(&root, &root.join("out/new"), SOURCES).unwrap();
        assert_eq!(fine, std::fs::canonicalize(&root).unwrap().join("out/new"));
    }
}
