//! `brief serve`: build into memory, serve it, watch the sources, rebuild, and
//! live-reload every open page. A build is exactly `crate::render_site` into an
//! in-memory sink with `base_url` pointed at the server, so nothing with a
//! loopback URL ever lands in `public/`. The last good site is kept as an
//! immutable snapshot and swapped atomically after a successful rebuild, which
//! reuses the pages whose inputs did not change (see `memo`); a failed
//! rebuild keeps it, prints the errors and shows them in every open page. Pages
//! are told to reload only once a rebuild has finished. This module and `main.rs`
//! are the only printers.

mod conn;
mod http;
mod hub;
mod memo;
mod watch;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::config::Config;
use crate::count::Count;
use crate::error::{Diagnostic, Diagnostics};
use crate::Summary;
use hub::{Event, Hub};
use memo::Memo;
use watch::{SourceWatcher, Touched};

/// When the asked-for port is taken, this many ports from it are tried.
const PORT_TRIES: u16 = 10;

/// What `brief serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
}

/// One built site as served: replaced whole, never edited in place.
struct Snapshot {
    site: Arc<Memo>,
    /// Counts successful builds; a page knows the build it came from.
    build: u64,
    /// The last rebuild's errors, while it is broken.
    error: Option<String>,
}

/// What the request threads share with the rebuild loop.
struct Live {
    current: RwLock<Arc<Snapshot>>,
    hub: Hub,
    /// Host names a request may name when bound to loopback (see `host_allowed`).
    loopback_hosts: Option<Vec<String>>,
}

impl Live {
    fn new(ip: IpAddr) -> Live {
        let loopback_hosts = ip.is_loopback().then(|| {
            let own = match ip {
                IpAddr::V4(v4) => v4.to_string(),
                IpAddr::V6(v6) => format!("[{v6}]"),
            };
            vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into(), own]
        });
        Live {
            current: RwLock::new(Arc::new(Snapshot {
                site: Arc::default(),
                build: 0,
                error: None,
            })),
            hub: Hub::default(),
            loopback_hosts,
        }
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Swaps in `snapshot`; returns the one it replaces.
    fn replace(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *current, Arc::new(snapshot))
    }

    /// Serves `site` from now on, then tells every open page to reload.
    fn publish_site(&self, site: Memo) {
        let build = self.snapshot().build + 1;
        let old = self.replace(Snapshot {
            site: Arc::new(site),
            build,
            error: None,
        });
        self.hub.broadcast(&Event::Reload { build });
        // Usually the last reference to the previous build.
        crate::drop_elsewhere(old);
    }

    /// Keeps serving the last good files and shows `text` in every open page.
    fn publish_error(&self, text: String) {
        let old = self.snapshot();
        self.replace(Snapshot {
            site: Arc::clone(&old.site),
            build: old.build,
            error: Some(text.clone()),
        });
        self.hub.broadcast(&Event::BuildError(text));
    }

    /// A page on a loopback-only server must have been asked for by a loopback
    /// name: a web page that rebinds its own DNS name to 127.0.0.1 must not read
    /// the preview. A missing Host (HTTP/1.0 tools) is not a browser, so allowed.
    fn host_allowed(&self, host: Option<&str>) -> bool {
        let (Some(allowed), Some(host)) = (&self.loopback_hosts, host) else {
            return true;
        };
        let name = match host.rfind(':') {
            Some(i) if !host[i..].contains(']') => &host[..i],
            _ => host,
        };
        allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
    }
}

/// Serves the site under `root` until the process is stopped. Returns only when
/// the server cannot start.
pub fn serve(root: &Path, options: &ServeOptions) -> Result<(), Diagnostics> {
    // Serve never writes public/, but a build cut short there is finished first,
    // so what an editor deploys next is a whole site.
    eprint!("{}", crate::recover_default_output(root));
    let ip = parse_bind(&options.bind)?;
    let listener = listen(ip, options.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(format!("cannot read the bound address: {e}")))?;
    let base_url = base_url(addr);
    let live = Arc::new(Live::new(ip));
    // Watch before the first build, so an edit made during it is not missed.
    let watch_root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let mut watcher = SourceWatcher::start(&watch_root)?;

    let started = Instant::now();
    let first = build_in_memory(root, &base_url, options.drafts, Arc::default());

    println!(
        "Serving {} at {base_url} (Ctrl+C to stop)",
        watch_root.display()
    );
    if !ip.is_loopback() {
        eprintln!(
            "warning: bound to {ip}, not loopback: anyone who can reach this machine can read the preview"
        );
    }
    if let Some(reason) = &watcher.fallback {
        println!("watching for changes by polling: the OS file watcher could not start ({reason})");
    }
    publish(&live, first, started, None);
    // Only now: a request that came in early waits in the listen queue for the
    // first build instead of finding an empty site.
    let server = Arc::clone(&live);
    std::thread::spawn(move || {
        conn::accept_loop(listener, conn::LIMITS, move |request| {
            http::respond(request, &server)
        })
    });

    while let Some(batch) = watcher.next_batch() {
        let started = Instant::now();
        let previous = Arc::clone(&live.snapshot().site);
        let outcome = build_in_memory(root, &base_url, options.drafts, previous);
        publish(&live, outcome, started, Some(describe(root, &batch)));
    }
    Ok(())
}

fn parse_bind(bind: &str) -> Result<IpAddr, Diagnostic> {
    if bind.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    bind.parse().map_err(|_| {
        Diagnostic::error(format!("--bind {bind:?} is not an IP address"))
            .hint("use 127.0.0.1 (the default), ::1, or 0.0.0.0 to expose the preview")
    })
}

/// Binds `port`, or the next free one when it is taken (port 0: the system picks).
fn listen(ip: IpAddr, port: u16) -> Result<TcpListener, Diagnostic> {
    let tries = if port == 0 { 1 } else { PORT_TRIES };
    for candidate in (0..tries).filter_map(|offset| port.checked_add(offset)) {
        match TcpListener::bind((ip, candidate)) {
            Ok(listener) => {
                if candidate != port {
                    eprintln!("note: port {port} is taken; using {candidate}");
                }
                return Ok(listener);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => {
                return Err(Diagnostic::error(format!(
                    "cannot listen on {}: {e}",
                    SocketAddr::new(ip, candidate)
                ))
                .hint("check --bind: it must be an address of this machine"))
            }
        }
    }
    Err(Diagnostic::error(format!(
        "port {port} and the {} after it are taken",
        tries - 1
    ))
    .hint("pass --port with a free port, or --port 0 to let the system choose"))
}

/// The URL the site is rendered for. A wildcard bind is reached via loopback
/// locally; its pages' links are root-relative, so they work from elsewhere too.
fn base_url(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    format!("http://{addr}/")
}

type Built = (Memo, Summary, Diagnostics);

/// The build pipeline, into memory, for the server's own URL, reusing what it
/// can of the `previous` good build.
fn build_in_memory(
    root: &Path,
    base_url: &str,
    drafts: bool,
    previous: Arc<Memo>,
) -> Result<Built, Diagnostics> {
    let mut config = Config::load(root)?;
    config.set_base_url(base_url)?;
    previous.rebuild(root, &config, drafts)
}

/// Swaps in a good build or keeps the last one, and prints what happened.
/// `cause` names the changed files of a rebuild; `None` for the first build.
fn publish(
    live: &Live,
    outcome: Result<Built, Diagnostics>,
    started: Instant,
    cause: Option<String>,
) {
    let (what, after) = match &cause {
        Some(paths) => ("rebuild", format!(" after {paths}")),
        None => ("build", String::new()),
    };
    match outcome {
        Ok((site, summary, warnings)) => {
            for warning in &warnings.0 {
                eprintln!("{warning}");
            }
            let count = site.files.len();
            live.publish_site(site);
            println!(
                "{what}{after}: done in {} ms: {}, {}, {}, {}",
                started.elapsed().as_millis(),
                Count(summary.insights, "insight"),
                Count(summary.issues, "issue"),
                Count(summary.topics, "topic"),
                Count(count, "file")
            );
        }
        Err(errors) => {
            eprint!("{errors}");
            let n = errors.error_count();
            eprintln!(
                "error: {what}{after} failed with {}; still serving the last good site",
                Count(n, "error")
            );
            live.publish_error(errors.to_string());
        }
    }
}

/// `content/insights/a.md and 2 more`, for the rebuild line: a file still
/// under `root` named first, since an editor that saves through a temporary
/// file (`sed -i`, many IDEs) renames it over the real one, and it is gone.
fn describe(root: &Path, batch: &BTreeSet<Touched>) -> String {
    let named = batch
        .iter()
        .find(|p| root.join(p).exists())
        .or_else(|| batch.first());
    let first = named.map_or_else(String::new, |p| {
        crate::printable::printable(&p.display().to_string()).into_owned()
    });
    match batch.len() {
        0 | 1 => first,
        n => format!("{first} and {} more", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuild_is_named_after_a_file_still_there() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/b.md"), "x").unwrap();
        // `sed -i` writes `sedXXXXXX` and renames it over the file.
        let batch: BTreeSet<Touched> = ["content/a1Sed", "content/b.md"]
            .map(std::path::PathBuf::from)
            .into();
        assert_eq!(describe(dir.path(), &batch), "content/b.md and 1 more");
    }

    #[test]
    fn loopback_servers_answer_only_loopback_host_names() {
        let live = Live::new(IpAddr::V4(Ipv4Addr::LOCALHOST));
        for host in [
            "127.0.0.1:1111",
            "localhost:1111",
            "[::1]:1111",
            "LOCALHOST",
        ] {
            assert!(live.host_allowed(Some(host)), "{host}");
        }
        for host in ["evil.example:1111", "127.0.0.1.evil.example", "[::2]:1"] {
            assert!(!live.host_allowed(Some(host)), "{host}");
        }
        let open = Live::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert!(open.host_allowed(Some("my-laptop.lan:1111")));
    }

    #[test]
    fn a_failed_build_keeps_the_last_good_files() {
        let live = Live::new(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let good = Arc::new(b"good".to_vec());
        live.publish_site(Memo::of([("index.html".to_string(), good)].into()));
        live.publish_error("content/a.md:2: error: bad".into());
        let snapshot = live.snapshot();
        assert_eq!(&*snapshot.site.files["index.html"], b"good");
        assert_eq!((snapshot.build, snapshot.error.is_some()), (1, true));
        live.publish_site(Memo::default());
        assert_eq!(
            (live.snapshot().build, live.snapshot().error.is_none()),
            (2, true)
        );
    }

    /// A temporary copy of the basic fixture site.
    fn fixture() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let to = tmp.path();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let dest = to.join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(dest).unwrap();
            } else {
                std::fs::copy(entry.path(), dest).unwrap();
            }
        }
        tmp
    }

    /// Sets `path`'s modification time, as `touch -d` would.
    fn set_mtime(path: &Path, time: std::time::SystemTime) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(time).unwrap();
    }

    /// The incremental rebuild must produce exactly what a fresh build does.
    /// Every content file keeps one modification time an hour back, so its stamp
    /// is trusted and same-size edits leave size and mtime as they were: only the
    /// file's change time and inode tell them apart. The feeds carry one issue,
    /// so edits fall both inside and outside them.
    #[test]
    fn incremental_rebuilds_match_fresh_builds() {
        let tmp = fixture();
        let root = tmp.path();
        let config = root.join("config.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, text.replace("limit = 20", "limit = 1")).unwrap();
        let insights = root.join("content/insights");
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for entry in std::fs::read_dir(&insights).unwrap() {
            set_mtime(&entry.unwrap().path(), an_hour_ago);
        }
        let edit = |file: &str, from: &str, to: &str| {
            let path = insights.join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains(from), "{file} has {from:?}");
            std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
            set_mtime(&path, an_hour_ago);
        };
        let save_by_rename = |file: &str, from: &str, to: &str| {
            let path = insights.join(file);
            let temp = insights.join(".saving.tmp");
            std::fs::copy(&path, &temp).unwrap();
            let text = std::fs::read_to_string(&temp).unwrap();
            std::fs::write(&temp, text.replacen(from, to, 1)).unwrap();
            set_mtime(&temp, an_hour_ago);
            std::fs::rename(temp, path).unwrap();
        };
        let edits: [&dyn Fn(); 9] = [
            &|| {
                edit(
                    "moe.md",
                    "Mixture of experts cuts the cost per token.\n",
                    "A new body.\n",
                )
            },
            &|| edit("moe.md", "A new body.", "A NEW BODY."),
            &|| save_by_rename("moe.md", "A NEW BODY.", "a new body!"),
            // In the latest issue: in the site feeds and the pricing feed.
            &|| edit("price-war.md", "lure customers", "draw buyers"),
            &|| edit("price-war.md", "draw buyers", "DRAW BUYERS"),
            &|| edit("moe.md", "title = \"Mixture", "title = \"Retitled mixture"),
            &|| {
                edit(
                    "price-war.md",
                    "topics = [\"pricing\"]",
                    "topics = [\"chips\"]",
                )
            },
            // Joins the latest issue, so the feeds still show price-war.md.
            &|| {
                std::fs::write(
                    insights.join("new.md"),
                    "+++\ntitle = \"New\"\ndate = 2026-11-20\n+++\nNew.\n",
                )
                .unwrap()
            },
            &|| std::fs::remove_file(insights.join("cheap-tokens.md")).unwrap(),
        ];
        let previous = rebuilds_match_fresh_builds(root, &edits);
        let feed = String::from_utf8_lossy(&previous.files["rss.xml"]).into_owned();
        assert!(feed.contains("DRAW BUYERS"), "{feed}");
        let cards: Vec<u8> = (previous.files.iter())
            .filter(|(path, _)| path.starts_with(crate::render::SEARCH_CARDS))
            .flat_map(|(_, bytes)| bytes.iter().copied())
            .collect();
        let cards = String::from_utf8_lossy(&cards);
        assert!(cards.contains("a new body!") && cards.contains("DRAW BUYERS"));
    }

    /// Builds the site under `root`, then after each of `edits` rebuilds it
    /// from the last build and asserts that the rebuild made exactly the files
    /// of a fresh build. Returns the last build.
    fn rebuilds_match_fresh_builds(root: &Path, edits: &[&dyn Fn()]) -> Memo {
        let url = "http://127.0.0.1:1111/";
        let build = |previous: Arc<Memo>| build_in_memory(root, url, false, previous).unwrap().0;
        let mut previous = Arc::new(build(Arc::default()));
        for (n, apply) in edits.iter().enumerate() {
            apply();
            let incremental = build(Arc::clone(&previous));
            let fresh = build(Arc::default());
            let mut paths: Vec<&String> = fresh.files.keys().collect();
            paths.sort();
            assert_eq!(
                incremental.files.keys().len(),
                paths.len(),
                "edit {n}: same files"
            );
            for path in paths {
                assert!(
                    incremental.files[path] == fresh.files[path],
                    "edit {n}: {path} differs from a fresh build"
                );
            }
            assert!(
                incremental.files != previous.files,
                "edit {n} changed the site"
            );
            previous = Arc::new(incremental);
        }
        Arc::into_inner(previous).expect("the last build is not shared")
    }

    /// The search index is collected in runs of insights (its chunks of cards)
    /// that a rebuild takes from memory unless they changed: after edits in one
    /// run, a new word, an insight added, removed or moved to another run, the
    /// merged index must still be the one a fresh build makes. 700 insights a
    /// day apart make three runs.
    #[test]
    fn search_files_rebuilt_from_kept_runs_match_fresh_builds() {
        let tmp = fixture();
        let root = tmp.path();
        let insights = root.join("content/insights");
        let vocabulary = ["grid", "chip", "export", "token", "model", "price", "über"];
        let write = |n: usize, title: &str, date: &str, body: &str| {
            let file = insights.join(format!("gen-{n}.md"));
            let text = format!("+++\ntitle = \"{title}\"\ndate = {date}\n+++\n{body}\n");
            std::fs::write(file, text).unwrap();
        };
        let day = |n: usize| {
            let first = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
            (first + chrono::Days::new(n as u64)).to_string()
        };
        for n in 0..700 {
            let word = vocabulary[n % vocabulary.len()];
            let body = format!("The {word} story, told once: unique{n} and the power {word}.");
            write(n, &format!("Insight {n} on {word}"), &day(n), &body);
        }
        let edits: [&dyn Fn(); 5] = [
            &|| {
                write(
                    350,
                    "Insight 350 on grid",
                    &day(350),
                    "A zeppelin, new to the site.",
                )
            },
            &|| {
                write(
                    350,
                    "Zeppelin retitled",
                    &day(350),
                    "A zeppelin, new to the site.",
                )
            },
            &|| {
                write(
                    700,
                    "Added on a busy day",
                    &day(351),
                    "Another zeppelin chip.",
                )
            },
            &|| std::fs::remove_file(insights.join("gen-100.md")).unwrap(),
            &|| {
                write(
                    500,
                    "Insight 500 moved",
                    &day(20),
                    "Moved to the oldest run.",
                )
            },
        ];
        let last = rebuilds_match_fresh_builds(root, &edits);
        let words: Vec<u8> = (last.files.iter())
            .filter(|(path, _)| path.starts_with("search/terms/"))
            .flat_map(|(_, bytes)| bytes.iter().copied())
            .collect();
        assert!(String::from_utf8_lossy(&words).contains("\"zeppelin\""));
    }

    /// Files last changed well before a build are known by their stamp from then
    /// on and not read again; a rewrite keeping size and modification time still
    /// changes the stamp (the change time), so it is seen.
    #[test]
    fn a_rewrite_keeping_size_and_mtime_is_seen_after_a_quiet_spell() {
        let tmp = fixture();
        let root = tmp.path();
        let moe = root.join("content/insights/moe.md");
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        set_mtime(&moe, an_hour_ago);
        std::thread::sleep(crate::content::RACY_WINDOW + std::time::Duration::from_millis(200));
        let url = "http://127.0.0.1:1111/";
        let first = build_in_memory(root, url, false, Arc::default()).unwrap().0;
        let text = std::fs::read_to_string(&moe).unwrap();
        std::fs::write(&moe, text.replace("cuts the cost", "CUTS THE COST")).unwrap();
        set_mtime(&moe, an_hour_ago);
        let second = build_in_memory(root, url, false, Arc::new(first))
            .unwrap()
            .0;
        let page = String::from_utf8_lossy(&second.files["insights/moe/index.html"]).into_owned();
        assert!(page.contains("CUTS THE COST"), "{page}");
    }

    #[test]
    fn wildcard_binds_render_for_loopback() {
        assert_eq!(
            base_url("0.0.0.0:1111".parse().unwrap()),
            "http://127.0.0.1:1111/"
        );
        assert_eq!(
            base_url("[::1]:8080".parse().unwrap()),
            "http://[::1]:8080/"
        );
    }
}
