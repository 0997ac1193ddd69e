//! Redirect pages for insights' `aliases`: each old path of an insight gets a
//! small page (`redirect.html`: meta refresh, canonical link, `noindex`) that
//! sends readers and search engines on to the insight's page, so a published URL
//! keeps working after `brief rename`. Paginated lists get one too, from their
//! `page/1/` to their first page. Redirects are not pages of the site: the
//! sitemap, feeds and search index never list them (they are not among
//! [`Renderer::page_paths`]). Before anything renders, every alias is checked
//! against the site's pages and the other aliases, so a redirect never replaces
//! a page or another redirect. The alias's own form (site-relative, safe
//! segments) is checked where it is parsed, in `content`.

use std::collections::HashMap;

use super::context::Fields;
use super::feeds;
use super::values::{object, plain};
use super::{Renderer, SEARCH_DIRS};
use crate::content::Insight;
use crate::error::{Diagnostic, Diagnostics};
use crate::sink::Sink;
use crate::site::{insight_path, topic_path};

/// The output file of the redirect for `alias`: the path itself when it names
/// an HTML file (`/2026/old.html`, as an older site may have published), else
/// the `index.html` of that folder, like every page of the site.
pub(super) fn alias_file(alias: &str) -> String {
    let rel = alias.trim_start_matches('/');
    if rel.ends_with(".html") || rel.ends_with(".htm") {
        rel.to_string()
    } else if rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        format!("{rel}/index.html")
    }
}

/// The output file of the page at site path `path` (`/issues/` → `issues/index.html`).
fn page_file(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

impl Renderer<'_> {
    /// Refuses an alias whose redirect would be written where a page, an
    /// email edition, a static file or another alias's redirect is, or inside a
    /// folder that is one of those files (a feed, `/rss.xml/`, included):
    /// naming the content file, the alias's line and what is there. Paths are
    /// compared without case: on a host or disk that ignores it (macOS,
    /// Windows, some object stores' websites), `/Issues/` is `/issues/`.
    pub(super) fn check_aliases(&self) -> Result<(), Diagnostics> {
        let insights = &self.site.insights;
        if insights.iter().all(|i| i.aliases.is_empty()) {
            return Ok(());
        }
        let mut taken: HashMap<String, String> = self
            .files_aliases_may_not_take()
            .into_iter()
            .map(|(file, there)| (file.to_lowercase(), there))
            .collect();
        let mut errors = Diagnostics::default();
        for insight in insights {
            for alias in redirected(insight) {
                let file = alias_file(alias).to_lowercase();
                match in_the_way(&taken, &file) {
                    Some(there) => errors.push(collision(insight, alias, &there)),
                    None => {
                        let owner = format!("an alias of {}", insight.path.display());
                        taken.insert(file, owner);
                    }
                }
            }
        }
        errors.into_result().map(|_| ())
    }

    /// Refuses a static file (the site's `static/` or its theme's) at a path
    /// the build writes itself, or in a folder that is such a file: it would
    /// clash with a page or a generated file (`robots.txt`, `rss.xml`). Most
    /// sites' static files lie elsewhere, and are told apart from these
    /// without listing every page.
    pub(super) fn check_static_files(&self) -> Result<(), Diagnostics> {
        let statics = &self.theme.static_files;
        let mut top = self.files_beside_pages();
        top.insert(page_file("/"), "the page /".into());
        let among_pages = |path: &String| {
            let first = path.split('/').next().unwrap_or_default();
            PAGE_FOLDERS.contains(&first) || (path.contains('/') && top.contains_key(first))
        };
        let made = statics
            .keys()
            .any(among_pages)
            .then(|| self.files_the_build_makes());
        let folders = made.as_ref().map(folders_of).unwrap_or_default();
        let made = made.as_ref().unwrap_or(&top);
        let errors: Vec<Diagnostic> = statics
            .keys()
            .filter_map(|path| {
                let there = in_the_way(made, path).or_else(|| folders.get(path.as_str()).cloned())?;
                let d = Diagnostic::error(format!(
                    "the static file /{path} is at the place of {there}"
                ))
                .hint("brief writes there itself: remove the static file, or change what brief makes through its template or config");
                Some(match self.theme.static_origins.get(path) {
                    Some(origin) => d.at(origin),
                    None => d,
                })
            })
            .collect();
        Diagnostics(errors).into_result().map(|_| ())
    }

    /// The output files an alias's redirect may not replace (nor make a
    /// folder of), each with how to name it in a message: every file the
    /// build makes, and the static files.
    fn files_aliases_may_not_take(&self) -> HashMap<String, String> {
        let mut taken = self.files_the_build_makes();
        for path in self.theme.static_files.keys() {
            taken.insert(path.clone(), format!("the static file /{path}"));
        }
        taken
    }

    /// The files the build makes, each with how to name it in a message:
    /// every page, the redirects from lists' `page/1/`, the issues' email
    /// editions, the generated files, and the folders of the feed archives
    /// and of the search index.
    fn files_the_build_makes(&self) -> HashMap<String, String> {
        let mut taken: HashMap<String, String> = self
            .page_paths()
            .map(|(path, _)| (page_file(&path), format!("the page {path}")))
            .collect();
        taken.extend(self.files_beside_pages());
        let topics = self
            .site
            .used_topics()
            .map(|group| topic_path(&self.site.config.topics[group.topic].slug));
        for base in std::iter::once("/issues/".to_string()).chain(topics) {
            let alias = first_page_alias(&base);
            taken.insert(alias_file(&alias), format!("the redirect {alias}"));
        }
        for issue in &self.site.issues {
            let dir = issue.path();
            for edition in ["email.html", "email.txt"] {
                let file = format!("{}{edition}", dir.trim_start_matches('/'));
                taken.insert(file, format!("the email edition {dir}{edition}"));
            }
        }
        let archives = feeds::ARCHIVE_DIR.trim_matches('/');
        taken.insert(
            archives.into(),
            format!("the feed archives {}", feeds::ARCHIVE_DIR),
        );
        // The search index's files are named by their content, so any name
        // in its folders may be taken by a later build: the folders are its.
        for dir in SEARCH_DIRS {
            taken.insert(dir.into(), format!("the search index's folder /{dir}/"));
        }
        taken
    }

    /// The top-level files the build makes beside its pages: the 404 page and
    /// the [`generated_files`](Self::generated_files), each with how to name
    /// it in a message.
    fn files_beside_pages(&self) -> HashMap<String, String> {
        let generated = self.generated_files().into_iter().map(|file| {
            let there = format!("the file /{file} the site writes");
            (file, there)
        });
        [("404.html".to_string(), "the page 404.html".to_string())]
            .into_iter()
            .chain(generated)
            .collect()
    }

    /// The files the site writes beside its pages (but the monthly feed
    /// archives, taken by their folder): feeds, the OPML, sitemap, robots and search manifest, the
    /// highlight stylesheet and the `_headers` file. The site-wide names are
    /// listed whether or not this configuration writes them, so that turning a
    /// feed on never meets a redirect in its place; topic feeds as configured.
    fn generated_files(&self) -> Vec<String> {
        let site_feeds = feeds::Format::ALL.map(feeds::Format::file);
        let others = [
            "opml.xml",
            "sitemap.xml",
            "robots.txt",
            super::SEARCH_MANIFEST,
            "highlight.css",
            "_headers",
        ];
        let topics =
            (0..self.site.topics.len()).flat_map(|t| feeds::topic_feed_paths(self.site, t));
        let topic_feeds = topics.map(|(_, path)| path.trim_start_matches('/').to_string());
        (site_feeds.into_iter().chain(others))
            .map(String::from)
            .chain(topic_feeds)
            .collect()
    }

    /// The redirect pages of insight `i`, one per alias.
    pub(super) fn redirects(&self, sink: &dyn Sink, i: usize) -> Result<(), Diagnostic> {
        let insight = &self.site.insights[i];
        let mut fields =
            self.base_context("redirect", &insight.title, &insight_path(&insight.slug), "");
        for alias in redirected(insight) {
            self.redirect(sink, &mut fields, alias)?;
        }
        Ok(())
    }

    /// With page `page` = 1 of the paginated list at `base` (titled `title`),
    /// the redirect from its `page/1/` to it (its path is `base` itself): as
    /// in Zola and Hugo, an address made by counting pages from 1 (a theme's
    /// pager, a reader editing `page/2/`) reaches the first page.
    pub(super) fn first_page_redirect(
        &self,
        sink: &dyn Sink,
        page: usize,
        base: &str,
        title: &str,
    ) -> Result<(), Diagnostic> {
        if page != 1 {
            return Ok(());
        }
        let mut fields = self.base_context("redirect", title, base, "");
        self.redirect(sink, &mut fields, &first_page_alias(base))
    }

    /// Writes the redirect from `alias` to the page `fields` describe.
    fn redirect(
        &self,
        sink: &dyn Sink,
        fields: &mut Fields,
        alias: &str,
    ) -> Result<(), Diagnostic> {
        let config = self.site.config;
        fields.insert(
            "alias",
            object([
                ("path", plain(alias)),
                ("permalink", plain(&config.permalink(alias))),
                ("url", plain(&config.url(alias))),
            ]),
        );
        let html = self.render_bytes("redirect.html", fields)?;
        sink.put(&alias_file(alias), html)
    }
}

/// The aliases of `insight` that get a redirect: all but its own page's path,
/// which a rename back to an old slug keeps in place (the first of the
/// aliases is the address the insight was first published at: its feed id).
fn redirected(insight: &Insight) -> impl Iterator<Item = &String> {
    let own = page_file(&insight_path(&insight.slug));
    insight
        .aliases
        .iter()
        .filter(move |alias| alias_file(alias) != own)
}

/// The address of page 1 of the paginated list at `base`, which redirects to it.
pub(super) fn first_page_alias(base: &str) -> String {
    format!("{base}page/1/")
}

/// The top folders of the site's pages (`/issues/…`, `/insights/…`).
const PAGE_FOLDERS: [&str; 6] = [
    "issues",
    "topics",
    "insights",
    "search",
    "subscribe",
    "feeds",
];

/// What of `taken` is at `file`, or at one of the folders it would be written in.
fn in_the_way(taken: &HashMap<String, String>, file: &str) -> Option<String> {
    let folders = file.match_indices('/').map(|(at, _)| &file[..at]);
    folders.chain([file]).find_map(|f| taken.get(f)).cloned()
}

/// Every folder the files of `made` are written in, each with how to name it
/// in a message (after one of its files): a static file at a folder's place
/// would stop the pages in it being written.
fn folders_of(made: &HashMap<String, String>) -> HashMap<&str, String> {
    let mut files: Vec<_> = made.iter().collect();
    // Each folder is named after its first file, the same in every run.
    files.sort_unstable();
    let mut folders = HashMap::new();
    for (file, what) in files {
        for (at, _) in file.match_indices('/') {
            folders
                .entry(&file[..at])
                .or_insert_with(|| format!("the folder /{}/, which holds {what}", &file[..at]));
        }
    }
    folders
}

/// An alias whose redirect would replace `there`.
fn collision(insight: &Insight, alias: &str, there: &str) -> Diagnostic {
    let hint = if there.starts_with("an alias") {
        "an old path can redirect to one insight only: remove it from one of the two"
    } else {
        "remove the alias: a redirect there would replace a page or file the site still has"
    };
    Diagnostic::error(format!(
        "alias {alias:?} is already taken by {there}, so its redirect cannot be written"
    ))
    .at(&insight.path)
    .line(insight.key_lines.aliases)
    .hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alias_is_written_as_its_folder_index_or_as_the_html_file_it_names() {
        assert_eq!(alias_file("/insights/old/"), "insights/old/index.html");
        assert_eq!(alias_file("/insights/old"), "insights/old/index.html");
        assert_eq!(alias_file("/2026/china.html"), "2026/china.html");
        assert_eq!(alias_file("/old.htm"), "old.htm");
    }
}
