//! WebSub through the real binary: the hub and `self` links of every feed, and
//! `brief ping` against a hub stub on loopback (tiny_http) that records every
//! request and answers as a test tells it to. All under a base_url with a path.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use common::{stderr, stdout, Site};

const BASE: &str = "https://example.org/digest/";

/// A WebSub hub on loopback: records each request; answers 500 to a ping of a
/// feed URL ending in one of `failing`, 202 to any other.
struct Hub {
    server: Arc<tiny_http::Server>,
    requests: Arc<Mutex<Vec<Ping>>>,
    failing: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

/// One request the hub received.
#[derive(Debug, Clone)]
struct Ping {
    method: String,
    content_type: String,
    user_agent: String,
    form: BTreeMap<String, String>,
}

impl Hub {
    fn start() -> Hub {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind loopback"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let failing = Arc::new(Mutex::new(Vec::<String>::new()));
        let thread = {
            let (server, requests, failing) = (server.clone(), requests.clone(), failing.clone());
            std::thread::spawn(move || {
                // `unblock` on drop ends the loop.
                for mut request in server.incoming_requests() {
                    let mut body = String::new();
                    let _ = request.as_reader().read_to_string(&mut body);
                    let header = |name: &'static str| {
                        request
                            .headers()
                            .iter()
                            .find(|h| h.field.equiv(name))
                            .map_or(String::new(), |h| h.value.to_string())
                    };
                    let ping = Ping {
                        method: request.method().to_string(),
                        content_type: header("Content-Type"),
                        user_agent: header("User-Agent"),
                        form: form_decode(&body),
                    };
                    let feed = ping.form.get("hub.url").cloned().unwrap_or_default();
                    let fail = failing.lock().unwrap().iter().any(|f| feed.ends_with(f));
                    requests.lock().unwrap().push(ping);
                    let status = if fail { 500 } else { 202 };
                    let answer = if fail { "feed fetch failed" } else { "" };
                    let _ = request
                        .respond(tiny_http::Response::from_string(answer).with_status_code(status));
                }
            })
        };
        Hub {
            server,
            requests,
            failing,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}/hub", self.server.server_addr().to_ip().unwrap())
    }

    /// The requests received since the last call.
    fn take(&self) -> Vec<Ping> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }

    fn fail_for(&self, suffixes: &[&str]) {
        *self.failing.lock().unwrap() = suffixes.iter().map(|s| s.to_string()).collect();
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `application/x-www-form-urlencoded` → map.
fn form_decode(body: &str) -> BTreeMap<String, String> {
    let decode = |s: &str| {
        let bytes = s.replace('+', " ").into_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).expect("percent escape"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The fixture site under [`BASE`], with `hub` as its WebSub hub (if any).
fn site_with_hub(hub: Option<&str>) -> Site {
    let site = Site::fixture("basic");
    let config = site
        .read("config.toml")
        .replace("https://example.org/", BASE);
    let config = match hub {
        Some(hub) => config.replace("[feeds]\n", &format!("[feeds]\nwebsub_hub = \"{hub}\"\n")),
        None => config,
    };
    site.write("config.toml", &config);
    site
}

/// Every feed file of the built output (relative path → bytes).
fn feeds(site: &Site) -> BTreeMap<String, Vec<u8>> {
    common::snapshot(&site.public())
        .into_iter()
        .filter(|(path, _)| {
            ["rss.xml", "atom.xml", "feed.json"]
                .iter()
                .any(|n| path.ends_with(n))
        })
        .collect()
}

fn urls<'a>(paths: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
    paths.into_iter().map(|p| format!("{BASE}{p}")).collect()
}

fn pinged(requests: &[Ping]) -> BTreeSet<String> {
    requests.iter().map(|p| p.form["hub.url"].clone()).collect()
}

#[test]
fn feeds_link_the_hub_and_themselves_under_a_base_path() {
    let hub = "https://hub.example.net/websub?site=1&x=2";
    let site = site_with_hub(Some(hub));
    site.build(&[]);
    for (path, kind) in [
        ("rss.xml", "rss"),
        ("topics/pricing/rss.xml", "rss"),
        ("atom.xml", "atom"),
    ] {
        let text = site.read(&format!("public/{path}"));
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let head = match kind {
            "rss" => doc
                .descendants()
                .find(|n| n.has_tag_name("channel"))
                .unwrap(),
            _ => doc.root_element(),
        };
        let link = |rel: &str| {
            let links: Vec<_> = head
                .children()
                .filter(|n| {
                    n.has_tag_name(("http://www.w3.org/2005/Atom", "link"))
                        && n.attribute("rel") == Some(rel)
                })
                .map(|n| n.attribute("href").unwrap().to_string())
                .collect();
            assert_eq!(links.len(), 1, "{path}: one rel={rel} link: {links:?}");
            links[0].clone()
        };
        assert_eq!(link("hub"), hub, "{path}");
        assert_eq!(link("self"), format!("{BASE}{path}"), "{path}");
    }
    let json: serde_json::Value = serde_json::from_str(&site.read("public/feed.json")).unwrap();
    assert_eq!(
        json["hubs"],
        serde_json::json!([{ "type": "WebSub", "url": hub }])
    );
    assert_eq!(json["feed_url"], format!("{BASE}feed.json"));
}

#[test]
fn feeds_name_no_hub_without_one_configured() {
    let site = site_with_hub(None);
    site.build(&[]);
    for (path, bytes) in feeds(&site) {
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.contains("\"hub\"") && !text.contains("\"hubs\""),
            "{path}"
        );
    }
}

#[test]
fn an_invalid_hub_url_fails_the_build_naming_the_key() {
    let site = site_with_hub(Some("hub.example.net/websub"));
    let out = site.brief(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("invalid `feeds.websub_hub` \"hub.example.net/websub\": it has no scheme"),
        "{err}"
    );
    assert!(
        err.contains("config.toml:"),
        "names the file and line: {err}"
    );
    assert!(!site.public().join("index.html").exists());
}

#[test]
fn ping_notifies_each_changed_feed_once_and_retries_failures() {
    let hub = Hub::start();
    let site = site_with_hub(Some(&hub.url()));
    site.build(&[]);
    let first_feeds = feeds(&site);
    assert!(
        first_feeds.len() >= 5,
        "site and topic feeds: {first_feeds:?}"
    );

    // First ping: every feed, one request each, form-encoded.
    let out = site.brief(&["ping"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let requests = hub.take();
    assert_eq!(requests.len(), first_feeds.len(), "{requests:?}");
    assert_eq!(pinged(&requests), urls(first_feeds.keys()));
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.content_type, "application/x-www-form-urlencoded");
        assert_eq!(request.form["hub.mode"], "publish");
        assert_eq!(request.form.len(), 2, "{:?}", request.form);
        assert_eq!(
            request.user_agent,
            format!("brief/{}", env!("CARGO_PKG_VERSION"))
        );
    }
    let said = stdout(&out);
    for url in urls(first_feeds.keys()) {
        assert!(
            said.contains(&format!("pinged {url}: the hub answered 202")),
            "{said}"
        );
    }

    // Nothing changed: nothing sent.
    let out = site.brief(&["ping"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(hub.take().len(), 0);
    assert!(stdout(&out).contains("nothing to ping"), "{}", stdout(&out));

    // One insight edited and rebuilt: exactly the feeds whose bytes changed.
    let path = "content/insights/price-war.md";
    site.write(path, &(site.read(path) + "\nA new closing sentence.\n"));
    site.build(&[]);
    let second_feeds = feeds(&site);
    let changed: Vec<&String> = second_feeds
        .iter()
        .filter(|(path, bytes)| first_feeds.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(
        !changed.is_empty() && changed.len() < second_feeds.len(),
        "the edit changes some feeds, not all: {changed:?}"
    );
    assert!(changed.contains(&&"topics/pricing/rss.xml".to_string()));
    hub.fail_for(&["/digest/atom.xml"]);
    let out = site.brief(&["ping"]);
    assert_eq!(out.status.code(), Some(1), "a failed ping fails the run");
    assert_eq!(pinged(&hub.take()), urls(changed.iter().copied()));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "ping of {BASE}atom.xml failed: the hub answered 500 Internal Server Error (feed fetch failed)"
        )),
        "{err}"
    );
    let summary = format!(
        "1 of {} feeds not pinged, the next `brief ping` tries again",
        second_feeds.len()
    );
    assert!(err.contains(&summary), "{err}");

    // The failed feed, and only it, is retried by the next run.
    hub.fail_for(&[]);
    let out = site.brief(&["ping"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        pinged(&hub.take()),
        BTreeSet::from([format!("{BASE}atom.xml")])
    );
    assert_eq!(hub.take().len(), 0);
    assert!(
        !site.public().join(brief::ping::STATE_FILE).exists(),
        "the state is never in the output"
    );
    assert!(site
        .path(brief::CACHE_DIR)
        .join(brief::ping::STATE_FILE)
        .is_file());
}

#[test]
fn dry_run_lists_the_changed_feeds_and_sends_nothing() {
    let hub = Hub::start();
    let site = site_with_hub(Some(&hub.url()));
    site.build(&[]);
    let all = urls(feeds(&site).keys());
    let out = site.brief(&["ping", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(hub.take().is_empty(), "a dry run sends nothing");
    let said = stdout(&out);
    for url in &all {
        assert!(said.contains(&format!("would ping {url}\n")), "{said}");
    }
    assert!(said.contains("nothing was sent"), "{said}");
    // Nor does it keep any state: the real ping still has every feed to send.
    let out = site.brief(&["ping"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(pinged(&hub.take()), all);
}

#[test]
fn an_unreachable_hub_is_reported_per_feed_and_retried() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = site_with_hub(Some(&format!("http://127.0.0.1:{port}/hub")));
    site.build(&[]);
    let all = urls(feeds(&site).keys());
    let out = site.brief(&["ping"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for url in &all {
        assert!(err.contains(url.as_str()), "each feed is named: {err}");
    }
    assert!(err.contains("cannot reach the hub"), "{err}");
    // Nothing was recorded as sent: a reachable hub gets every feed next time.
    let hub = Hub::start();
    let config = site
        .read("config.toml")
        .replace(&format!("http://127.0.0.1:{port}/hub"), &hub.url());
    site.write("config.toml", &config);
    site.build(&[]);
    let out = site.brief(&["ping"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(pinged(&hub.take()), all);
}

#[test]
fn ping_refuses_without_a_hub_a_build_or_feeds_that_name_the_hub() {
    let site = site_with_hub(None);
    let out = site.brief(&["ping"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("no WebSub hub is configured"), "{err}");
    assert!(err.contains("websub_hub = \"https://"), "an example: {err}");
    assert!(err.contains("`[feeds]`"), "{err}");

    let hub = Hub::start();
    // Built before the hub was configured.
    site.build(&[]);
    let config = site.read("config.toml").replace(
        "[feeds]\n",
        &format!("[feeds]\nwebsub_hub = \"{}\"\n", hub.url()),
    );
    site.write("config.toml", &config);
    let out = site.brief(&["ping"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("does not name the hub"), "{err}");
    assert!(
        err.contains("it was built before `[feeds] websub_hub` was set"),
        "{err}"
    );
    assert!(err.contains("run `brief build`"), "{err}");
    assert!(hub.take().is_empty());
    // Built with another hub: that hub is named, and the change said.
    site.build(&[]);
    site.write(
        "config.toml",
        &config.replace(&hub.url(), "https://hub.example.org/"),
    );
    let err = stderr(&site.brief(&["ping"]));
    assert!(
        err.contains(&format!(
            "it names {}: it was built before `[feeds] websub_hub` changed",
            hub.url()
        )),
        "{err}"
    );
    assert!(hub.take().is_empty());

    let empty = site_with_hub(Some(&hub.url()));
    let out = empty.brief(&["ping"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("run `brief build` first"),
        "{}",
        stderr(&out)
    );

    // Every feed switched off.
    let config = empty.read("config.toml").replace(
        "[feeds]\n",
        "[feeds]\nrss = false\natom = false\njson = false\ntopics = false\n",
    );
    empty.write("config.toml", &config);
    empty.build(&[]);
    let out = empty.brief(&["ping"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("holds no feed (rss.xml, atom.xml, feed.json)"),
        "{err}"
    );
    assert!(hub.take().is_empty());
}

/// Every page's footer lists the feeds that are on, with a separator only
/// between two of them, and no list (nor its colon) when none is; the
/// subscribe page offers the OPML for topics only when they have feeds, and
/// says so when there is no feed at all.
#[test]
fn the_footer_and_subscribe_page_follow_the_feeds_that_are_on() {
    let built = |switches: &str| {
        let site = Site::fixture("basic");
        let config = site.read("config.toml");
        let config = match config.contains("[feeds]\n") {
            true => config.replace("[feeds]\n", &format!("[feeds]\n{switches}")),
            false => format!("{config}\n[feeds]\n{switches}"),
        };
        site.write("config.toml", &config);
        site.build(&[]);
        let page = site.read("public/index.html");
        let start = page.find("<p class=\"feeds\">").unwrap();
        let footer = page[start..start + page[start..].find("</p>").unwrap()].to_string();
        (footer, site.read("public/subscribe/index.html"))
    };
    let (without_rss, _) = built("rss = false\n");
    assert!(
        without_rss.contains("</a>: <a href=\"/atom.xml\">Atom</a> · "),
        "{without_rss}"
    );
    let (_, no_topic_feeds) = built("topics = false\n");
    assert!(
        no_topic_feeds.contains("To follow the digest, import the"),
        "{no_topic_feeds}"
    );
    let (none, page) = built("rss = false\natom = false\njson = false\n");
    assert!(none.trim_end().ends_with("Subscribe</a>"), "{none}");
    assert!(
        page.contains("This site has no feeds to subscribe to."),
        "{page}"
    );
    assert!(!page.contains("A feed is a web address"), "{page}");
}
