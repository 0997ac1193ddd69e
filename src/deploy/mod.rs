//! `brief deploy`: publish what `brief build` wrote to S3-compatible object
//! storage, uploading only what changed, in an order that keeps the remote site
//! working at every moment: assets, then pages, then feeds and the sitemap, and
//! deletions last, only once every upload succeeded, and only under the
//! target's prefix. A deploy cut short leaves the old site plus some new files;
//! running it again finishes the job.
//!
//! This module resolves the settings (config, flags, environment), drives the
//! plan ([`plan`]) against the store ([`s3`]) with bounded parallel workers and
//! reports. It reads the built site and never writes it; it sits above the
//! build pipeline and shares only its config and file-type rules.

mod plan;
mod s3;
mod settings;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use crate::config::{Config, Target};
use crate::count::Count;
use crate::error::{Diagnostic, Diagnostics};
use crate::escape::url_path;
use crate::headers::Rules;
use crate::hints::find_key_line;
use crate::lock::SiteLock;
use crate::output::{self, Recovery};
use crate::progress;
use plan::{LocalFile, Phase, Reason, Verdict};
use s3::Store;
use settings::Settings;

/// Where a deploy keeps the description of the metadata scheme it stored
/// objects with (see [`Rules::scheme`]), beside the site under the prefix.
/// Hidden, so no deploy ever deletes it.
const SCHEME_KEY: &str = ".brief-deploy";

/// Parallel requests by default: uploads wait on the network, not the CPU.
pub const DEFAULT_JOBS: usize = 16;

/// Failed uploads listed one by one; the rest are counted.
const LISTED_FAILURES: usize = 10;

/// What `brief deploy` was asked for.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// The built site; default `public/` under the root.
    pub dir: Option<PathBuf>,
    /// Overrides `[deploy] target`.
    pub target: Option<Target>,
    pub dry_run: bool,
    /// Deploy even if it deletes more than `max_deletes` objects.
    pub force: bool,
    /// Where to write the URLs of uploaded and deleted files.
    pub changed_urls: Option<PathBuf>,
    /// Parallel requests.
    pub jobs: usize,
    pub progress: bool,
}

/// What a deploy did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// What the deploy noticed before it began (a cut-short build it completed).
    pub warnings: Diagnostics,
    /// Dry run: one line per planned upload and delete, with its reason.
    pub actions: Vec<String>,
    pub(crate) dry_run: bool,
    pub(crate) uploaded: usize,
    /// Bytes uploaded (as stored, so compressed where a rule says gzip).
    pub(crate) bytes: u64,
    pub(crate) deleted: usize,
    pub(crate) unchanged: usize,
    pub(crate) seconds: f64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mb = self.bytes as f64 / 1e6;
        if self.dry_run {
            write!(
                f,
                "dry run: {} to upload ({mb:.1} MB), {} to delete, {} unchanged in {:.1} s; nothing was changed",
                self.uploaded, self.deleted, self.unchanged, self.seconds
            )
        } else {
            write!(
                f,
                "{} uploaded ({mb:.1} MB), {} deleted, {} unchanged in {:.1} s",
                self.uploaded, self.deleted, self.unchanged, self.seconds
            )
        }
    }
}

/// Deploys the built site of `root` as `options` and `[deploy]` say.
pub fn deploy(root: &Path, options: &DeployOptions) -> Result<Report, Diagnostics> {
    let started = Instant::now();
    let config = Config::load(root)?;
    let settings = Settings::resolve(&config, options.target.as_ref(), |name| {
        std::env::var(name).ok()
    })?;
    let dir = options.dir.clone().unwrap_or_else(|| root.join("public"));
    let (_lock, recovered) = claim_output(root, &dir)?;
    // Opened (and emptied) before anything is sent: a path that cannot be
    // written fails the deploy while nothing has changed, rather than losing
    // the list of what did, and a deploy that fails early leaves no old list.
    let changed_urls = match &options.changed_urls {
        Some(path) if !options.dry_run => Some(open_changed_urls(path)?),
        _ => None,
    };
    let rules = Rules::new(config.deploy.as_ref());
    let scheme = rules.scheme();
    let store = settings.store()?;
    let deploy = Deploy {
        settings: &settings,
        store: &store,
        jobs: options.jobs.max(1),
    };
    // The listing waits on the store, hashing the site on the CPU: side by side.
    let (local, remote) = std::thread::scope(|scope| {
        let remote = scope.spawn(|| deploy.remote(&scheme));
        let local = plan::local_files(&dir, &settings.target.prefix, &rules);
        (
            local,
            remote.join().expect("the listing thread does not panic"),
        )
    });
    let ((local, skipped), remote) = (local?, remote?);
    let plan = deploy.plan(&local, &remote)?;
    let too_many = plan.deletes.len() > settings.max_deletes && !options.force;
    if too_many && !options.dry_run {
        return Err(too_many_deletes(&config, &settings, plan.deletes.len()).into());
    }
    let mut report = Report {
        warnings: Diagnostics(recovered.into_iter().chain(skipped.0).collect()),
        dry_run: options.dry_run,
        uploaded: plan.uploads.len(),
        bytes: plan.uploads.iter().map(|(f, _)| f.size).sum(),
        deleted: plan.deletes.len(),
        unchanged: plan.unchanged,
        ..Report::default()
    };
    if options.dry_run {
        report.actions = plan.describe();
        if too_many {
            report.actions.push(format!(
                "without --force, this deploy would be refused: more deletes than `max_deletes` = {}",
                settings.max_deletes
            ));
        }
    } else {
        let outcome = deploy.carry_out(&plan, &dir, &scheme, options.progress);
        if let Some((path, file)) = changed_urls {
            write_changed_urls(path, file, &config, &outcome.changed)?;
        }
        outcome.result?;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Makes `dir` safe to upload and keeps it so: takes the site lock for the
/// whole deploy (no build can change the files while they are hashed and sent),
/// completes or rolls back a build that was cut short there (as `build` and
/// `serve` do first), and refuses an output that still holds one, or that holds
/// no site at all (deploying it would delete the remote site). What recovery did
/// comes back as a warning.
fn claim_output(root: &Path, dir: &Path) -> Result<(SiteLock, Option<Diagnostic>), Diagnostics> {
    let build_first = "run `brief build` first (or pass --dir DIR)";
    if !dir.is_dir() {
        let why = match dir.exists() {
            true => "it is a file, not a folder",
            false => "the folder does not exist",
        };
        return Err(Diagnostic::error(format!("no built site here: {why}"))
            .at(dir)
            .hint(build_first)
            .into());
    }
    let lock = SiteLock::acquire(root)?;
    let recovery = output::recover(dir, &lock)?;
    output::refuse_unfinished(dir)?;
    if !dir.join("index.html").is_file() {
        return Err(
            Diagnostic::error("no built site here: there is no index.html")
                .at(dir)
                .hint(build_first)
                .into(),
        );
    }
    let note = (recovery != Recovery::Clean)
        .then(|| Diagnostic::warning(format!("before deploying: {recovery}")).at(dir));
    Ok((lock, note))
}

fn too_many_deletes(config: &Config, settings: &Settings, count: usize) -> Diagnostic {
    let text = std::fs::read_to_string(&config.path).unwrap_or_default();
    let d = Diagnostic::error(format!(
        "this deploy would delete {} under {}, more than `max_deletes` = {}; nothing was changed",
        Count(count, "object"),
        settings.target,
        settings.max_deletes
    ))
    .at(&config.path)
    .hint("check the target and the built site (`brief deploy --dry-run` lists every delete); then pass --force, or raise `[deploy] max_deletes`");
    match find_key_line(&text, "max_deletes") {
        Some(line) => d.line(line),
        None => d,
    }
}

/// The decided deploy.
struct Plan<'a, 'r> {
    /// In upload order: by phase, then key.
    uploads: Vec<(&'a LocalFile<'r>, Reason)>,
    deletes: Vec<String>,
    /// Stale files of the search index kept for readers of the last
    /// deploy's manifest (sorted); a later deploy deletes them.
    kept: Vec<String>,
    unchanged: usize,
    /// Whether the stored metadata scheme must be written after this deploy.
    scheme_stale: bool,
}

impl Plan<'_, '_> {
    /// Whether the prefix holds none of the site yet: every file is new.
    fn first(&self) -> bool {
        self.unchanged == 0
            && self.deletes.is_empty()
            && self
                .uploads
                .iter()
                .all(|(_, reason)| matches!(reason, Reason::New))
    }

    /// One line per action, for a dry run.
    fn describe(&self) -> Vec<String> {
        let uploads = self
            .uploads
            .iter()
            .map(|(f, reason)| format!("upload {} ({}): {reason}", f.key, plan::phase(f)));
        let deletes = self
            .deletes
            .iter()
            .map(|key| format!("delete {key}: not in the built site"));
        let kept = self.kept.iter().map(|key| {
            format!("keep {key}: not in the built site, but the stored search index names it (a later deploy deletes it)")
        });
        uploads.chain(deletes).chain(kept).collect()
    }
}

/// The store's side of a deploy.
struct Remote {
    objects: Vec<s3::Listed>,
    scheme_current: bool,
}

/// What carrying out a plan did.
struct Outcome {
    /// Site paths uploaded or deleted, for `--changed-urls`.
    changed: Vec<String>,
    result: Result<(), Diagnostics>,
}

struct Deploy<'s> {
    settings: &'s Settings,
    store: &'s Store,
    jobs: usize,
}

impl Deploy<'_> {
    /// What the store holds under the prefix: one listing, and whether the
    /// metadata scheme stored by the last deploy is `scheme`.
    fn remote(&self, scheme: &str) -> Result<Remote, Diagnostics> {
        let target = &self.settings.target;
        let objects = self
            .store
            .list(&target.prefix)
            .map_err(|f| self.settings.explain(&f, &format!("list {target}")))?;
        let scheme_key = format!("{}{SCHEME_KEY}", target.prefix);
        let stored = self.store.get(&scheme_key).map_err(|f| {
            self.settings
                .explain(&f, &format!("read s3://{}/{scheme_key}", target.bucket))
        })?;
        Ok(Remote {
            objects,
            scheme_current: stored.as_deref() == Some(scheme.as_bytes()),
        })
    }

    /// Decides every file against the listing; asks the store about the files
    /// the listing cannot decide.
    fn plan<'a, 'r>(
        &self,
        local: &'a [LocalFile<'r>],
        remote: &Remote,
    ) -> Result<Plan<'a, 'r>, Diagnostics> {
        let target = &self.settings.target;
        let scheme_current = remote.scheme_current;
        let index = plan::by_key(&remote.objects);
        let mut uploads = Vec::new();
        let mut ask = Vec::new();
        let mut unchanged = 0;
        for file in local {
            match plan::compare(file, index.get(file.key.as_str()).copied(), scheme_current) {
                Verdict::Unchanged => unchanged += 1,
                Verdict::Upload(reason) => uploads.push((file, reason)),
                Verdict::Ask { etag_matches } => ask.push((file, etag_matches)),
            }
        }
        let answers = parallel(&ask, self.jobs, |&(file, etag_matches)| {
            let stored = self.store.head(&file.key).map_err(|f| {
                self.settings.explain(
                    &f,
                    &format!("read the metadata of s3://{}/{}", target.bucket, file.key),
                )
            })?;
            Ok::<_, Diagnostic>(plan::compare_stored(file, stored.as_ref(), etag_matches))
        });
        for (&(file, _), answer) in ask.iter().zip(answers) {
            match answer.map_err(Diagnostics::from)? {
                Some(reason) => uploads.push((file, reason)),
                None => unchanged += 1,
            }
        }
        uploads.sort_by(|(a, _), (b, _)| (plan::phase(a), &a.key).cmp(&(plan::phase(b), &b.key)));
        let stale = plan::stale_keys(&remote.objects, local, &target.prefix);
        let kept = self.search_files_in_use(&stale)?;
        Ok(Plan {
            uploads,
            deletes: stale.into_iter().filter(|k| !kept.contains(k)).collect(),
            kept: kept.into_iter().collect(),
            unchanged,
            scheme_stale: !scheme_current,
        })
    }

    /// Of the `stale` keys, the search index's files that the stored
    /// manifest names (see [`plan::search_files_in_use`]); asks the store for
    /// the manifest only when a stale key is in the index's folders.
    fn search_files_in_use(&self, stale: &[String]) -> Result<HashSet<String>, Diagnostics> {
        let target = &self.settings.target;
        let in_index = |key: &String| {
            let rel = key.strip_prefix(&target.prefix).unwrap_or(key);
            crate::render::SEARCH_DIRS.iter().any(|dir| {
                rel.strip_prefix(dir)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
        };
        if !stale.iter().any(in_index) {
            return Ok(HashSet::new());
        }
        let key = format!("{}{}", target.prefix, crate::render::SEARCH_MANIFEST);
        let stored = self.store.get(&key).map_err(|f| {
            self.settings
                .explain(&f, &format!("read s3://{}/{key}", target.bucket))
        })?;
        Ok(stored.map_or_else(HashSet::new, |manifest| {
            plan::search_files_in_use(stale, &manifest, &target.prefix)
        }))
    }

    /// Uploads phase by phase, then deletes, then records the metadata scheme.
    /// Stops at the first phase with a failed upload: nothing is deleted then.
    fn carry_out(&self, plan: &Plan, dir: &Path, scheme: &str, progress: bool) -> Outcome {
        let bar = progress::bar("uploading", plan.uploads.len() as u64, progress);
        let mut changed = Vec::new();
        for phase in Phase::ALL {
            let batch: Vec<_> = plan
                .uploads
                .iter()
                .filter(|(f, _)| plan::phase(f) == phase)
                .map(|(f, _)| *f)
                .collect();
            let failed = AtomicBool::new(false);
            let results = parallel(&batch, self.jobs, |file| {
                if failed.load(Ordering::Relaxed) {
                    return None;
                }
                let result = self.upload(dir, file);
                bar.inc(1);
                failed.fetch_or(result.is_err(), Ordering::Relaxed);
                Some(result)
            });
            let mut errors = Diagnostics::default();
            for (file, result) in batch.iter().zip(&results) {
                match result {
                    Some(Ok(())) => changed.push(file.path.clone()),
                    Some(Err(e)) => errors.push(e.clone()),
                    None => {}
                }
            }
            if errors.has_errors() {
                bar.finish_and_clear();
                let done = changed.len();
                return Outcome {
                    changed,
                    result: Err(stopped(errors, done, plan, phase, &self.settings.target)),
                };
            }
        }
        bar.finish_and_clear();
        let finish = self.delete_stale(plan, &mut changed).and_then(|()| {
            if !plan.scheme_stale {
                return Ok(());
            }
            self.put_scheme(scheme).map_err(Diagnostics::from)
        });
        Outcome {
            changed,
            result: finish,
        }
    }

    /// Reads `file` again (it was hashed, not kept) and puts it.
    fn upload(&self, dir: &Path, file: &LocalFile) -> Result<(), Diagnostic> {
        let full = dir.join(&file.path);
        let raw = std::fs::read(&full).map_err(|e| Diagnostic::io("read", &full, &e))?;
        let again = LocalFile::new(
            file.path.clone(),
            &self.settings.target.prefix,
            file.metadata,
            raw.clone(),
        );
        if again.md5 != file.md5 {
            return Err(Diagnostic::error("the file changed while the deploy ran")
                .at(&full)
                .hint("let the build finish, then deploy again"));
        }
        let body = plan::stored_bytes(raw, file.metadata.gzip);
        let object = s3::Object {
            body: &body,
            content_type: file.metadata.content_type,
            cache_control: file.metadata.cache_control,
            gzip: file.metadata.gzip,
            sha256: &file.sha256,
        };
        let target = &self.settings.target;
        self.store.put(&file.key, &object).map_err(|f| {
            self.settings
                .explain(&f, &format!("upload s3://{}/{}", target.bucket, file.key))
        })
    }

    fn delete_stale(&self, plan: &Plan, changed: &mut Vec<String>) -> Result<(), Diagnostics> {
        let prefix = &self.settings.target.prefix;
        // The plan only lists keys under the prefix; this guards the guarantee.
        assert!(plan.deletes.iter().all(|k| k.starts_with(prefix.as_str())));
        if plan.deletes.is_empty() {
            return Ok(());
        }
        self.store.delete(&plan.deletes).map_err(|f| {
            let d = self.settings.explain(&f, &format!("delete stale objects under {}", self.settings.target));
            Diagnostics::from(d.hint("every upload succeeded, so the site is complete; run `brief deploy` again to delete what is left"))
        })?;
        changed.extend(plan.deletes.iter().map(|k| k[prefix.len()..].to_string()));
        Ok(())
    }

    fn put_scheme(&self, scheme: &str) -> Result<(), Diagnostic> {
        let key = format!("{}{SCHEME_KEY}", self.settings.target.prefix);
        let sha256 = plan::hex(&<sha2::Sha256 as sha2::Digest>::digest(scheme.as_bytes()));
        let object = s3::Object {
            body: scheme.as_bytes(),
            content_type: "text/plain; charset=utf-8",
            cache_control: "no-store",
            gzip: false,
            sha256: &sha256,
        };
        self.store.put(&key, &object).map_err(|f| {
            self.settings.explain(
                &f,
                &format!(
                    "record the metadata scheme at s3://{}/{key}",
                    self.settings.target.bucket
                ),
            )
        })
    }
}

/// The errors of a phase, then what state the remote is in and what to do.
fn stopped(
    errors: Diagnostics,
    done: usize,
    plan: &Plan,
    phase: Phase,
    target: &Target,
) -> Diagnostics {
    let total = plan.uploads.len();
    let count = errors.0.len();
    let mut out = Diagnostics(errors.0.into_iter().take(LISTED_FAILURES).collect());
    if count > LISTED_FAILURES {
        out.push(Diagnostic::error(format!(
            "… and {} more uploads failed",
            count - LISTED_FAILURES
        )));
    }
    // Assets go first, so an old site there still has all it links to; a
    // first deploy leaves only part of a site.
    let state = if plan.first() {
        format!("{target} held no site before, and holds part of one now")
    } else {
        format!("{target} still serves a working site")
    };
    out.push(
        Diagnostic::error(format!(
            "deploy stopped while uploading {phase}: {done} of {total} uploads done, nothing deleted; {state}"
        ))
        .hint("run `brief deploy` again: it uploads only what is still missing, then deletes"),
    );
    out
}

/// Runs `work` on every item with at most `jobs` threads; results in item order.
fn parallel<T: Sync, R: Send>(items: &[T], jobs: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<HashMap<usize, R>> = Mutex::new(HashMap::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(items.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = work(item);
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(i, result);
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    (0..items.len())
        .map(|i| results.remove(&i).expect("every item ran"))
        .collect()
}

/// Writes the absolute URL of every uploaded or deleted file to `file`, one a
/// line, sorted, escaped as URLs are (`files/a%20b.pdf`): what a CDN purge
/// needs. A page (`x/index.html`) is listed under the URL readers use (`…/x/`)
/// and its file URL.
/// `--changed-urls FILE`, created or emptied.
fn open_changed_urls(path: &Path) -> Result<(&Path, std::fs::File), Diagnostic> {
    std::fs::File::create(path)
        .map(|file| (path, file))
        .map_err(|e| {
            Diagnostic::io("create the file for the changed URLs", path, &e).hint(
                "name a file in a folder that exists and can be written; nothing was deployed",
            )
        })
}

fn write_changed_urls(
    path: &Path,
    mut file: std::fs::File,
    config: &Config,
    changed: &[String],
) -> Result<(), Diagnostic> {
    let mut urls: Vec<String> = changed
        .iter()
        .flat_map(|path| {
            let path = url_path(path);
            let folder = (path == "index.html" || path.ends_with("/index.html"))
                .then(|| config.permalink(&path[..path.len() - "index.html".len()]));
            folder.into_iter().chain([config.permalink(&path)])
        })
        .collect();
    urls.sort_unstable();
    urls.dedup();
    let text: String = urls.iter().map(|u| format!("{u}\n")).collect();
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| Diagnostic::io("write the changed URLs into", path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_keeps_the_order_of_its_items() {
        let items: Vec<usize> = (0..100).collect();
        assert_eq!(
            parallel(&items, 7, |i| i * 2),
            items.iter().map(|i| i * 2).collect::<Vec<_>>()
        );
        assert!(parallel(&[] as &[u8], 4, |_| ()).is_empty());
    }

    #[test]
    fn a_site_that_is_not_built_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let public = root.path().join("public");
        let err = claim_output(root.path(), &public).unwrap_err().to_string();
        assert!(err.contains("run `brief build` first"), "{err}");
        std::fs::create_dir(&public).unwrap();
        let err = claim_output(root.path(), &public).unwrap_err().to_string();
        assert!(err.contains("no index.html"), "{err}");
        std::fs::write(public.join("index.html"), "x").unwrap();
        let (_lock, note) = claim_output(root.path(), &public).unwrap();
        assert!(note.is_none(), "nothing to recover");
    }
}
