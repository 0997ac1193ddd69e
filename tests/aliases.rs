//! Aliases: an insight's old paths kept working as redirect pages, through the
//! real binary on copies of the sample digest. A rename end to end (build,
//! `brief rename`, build), what a redirect page holds and where it is not
//! listed, aliases that collide or are malformed, and a removed alias's page
//! cleaned up.

mod common;

use common::{snapshot, stderr, stdout, Site};
use scraper::{Html, Selector};

const BASE_URL: &str = "https://example.org/digest/";
const OLD: &str = "ai-lab-deepseek-deliberately-delayed-a-major-model-release";
const NEW: &str = "deepseek-delays-release";

fn old_page() -> String {
    format!("public/insights/{OLD}/index.html")
}

/// The value of `attr` of the first element `selector` matches in `html`.
fn attr(html: &str, selector: &str, attr: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(selector).unwrap();
    let found = doc
        .select(&selector)
        .next()?
        .value()
        .attr(attr)?
        .to_string();
    Some(found)
}

/// The number after "written" in a build's summary line.
fn written(summary: &str) -> usize {
    let words: Vec<&str> = summary.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "written").unwrap();
    words[at - 2].parse().unwrap()
}

/// Every `href` of the links in `public/<page>`'s main content.
fn main_links(site: &Site, page: &str) -> Vec<String> {
    let doc = Html::parse_document(&site.read(&format!("public/{page}")));
    let links = Selector::parse("main a[href]").unwrap();
    doc.select(&links)
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

/// Sets `aliases = ALIASES` (a TOML array) in the content file of `slug`.
fn set_aliases(site: &Site, slug: &str, aliases: &str) {
    let file = format!("content/insights/{slug}.md");
    let text = site.read(&file);
    site.write(
        &file,
        &text.replacen("+++\n", &format!("+++\naliases = {aliases}\n"), 1),
    );
}

/// The sample digest built at `BASE_URL`, then `OLD` renamed to `NEW` and built again.
fn renamed() -> Site {
    let site = Site::sample();
    site.build(&["--base-url", BASE_URL]);
    assert!(site.path(&old_page()).exists());
    let out = site.brief(&["rename", OLD, NEW]);
    assert!(out.status.success(), "{}", stderr(&out));
    site.build(&["--base-url", BASE_URL]);
    site
}

#[test]
fn a_renamed_insight_s_old_url_redirects_to_its_new_page() {
    let site = renamed();
    let new_url = format!("{BASE_URL}insights/{NEW}/");
    let redirect = site.read(&old_page());
    assert_eq!(
        attr(&redirect, "link[rel=canonical]", "href").as_deref(),
        Some(new_url.as_str())
    );
    assert_eq!(
        attr(&redirect, "meta[http-equiv=refresh]", "content"),
        Some(format!("0; url={new_url}"))
    );
    assert_eq!(
        attr(&redirect, "meta[name=robots]", "content").as_deref(),
        Some("noindex")
    );
    assert_eq!(
        attr(&redirect, "body a", "href"),
        Some(format!("/digest/insights/{NEW}/")),
        "the link for readers without refresh carries the base path"
    );
    // Nothing of the old page is left there: its folder holds the redirect only.
    let old_dir = snapshot(&site.path(&format!("public/insights/{OLD}")));
    assert_eq!(old_dir.keys().collect::<Vec<_>>(), ["index.html"]);
    assert!(site
        .path(&format!("public/insights/{NEW}/index.html"))
        .exists());

    // Other insights' related links point at the new page, none at the old one.
    let referrer = "insights/china-is-accelerating-its-ai-independence-by/index.html";
    let links = main_links(&site, referrer);
    assert!(
        links.contains(&format!("/digest/insights/{NEW}/")),
        "{links:?}"
    );
    let everywhere = snapshot(&site.public());
    for (file, bytes) in &everywhere {
        if file != &format!("insights/{OLD}/index.html") {
            // Feed entries keep the id they were first published with (the
            // old address, which redirects): only ids may name it.
            let text: String = String::from_utf8_lossy(bytes)
                .lines()
                .filter(|line| {
                    let line = line.trim_start();
                    !(line.starts_with("<id>")
                        || line.starts_with("<guid")
                        || line.starts_with("\"id\": "))
                })
                .collect();
            assert!(!text.contains(OLD), "{file} still names the old slug");
        }
    }

    let check = site.brief(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("0 errors, 0 warnings"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn redirects_are_not_in_the_sitemap_feeds_or_search_index() {
    let site = renamed();
    for file in ["sitemap.xml", "rss.xml", "atom.xml", "feed.json"] {
        let text = site.read(&format!("public/{file}"));
        assert!(!text.contains(OLD), "{file} lists the redirect");
        assert!(text.contains(NEW), "{file} lists the insight's page");
    }
    // The search index names insights by slug in its files of cards.
    let cards: String = std::fs::read_dir(site.public().join("search/docs"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    assert!(!cards.contains(OLD), "the search cards list the redirect");
    assert!(cards.contains(NEW), "the search cards list the insight");
}

#[test]
fn a_no_op_rebuild_keeps_redirects_and_writes_nothing() {
    let site = renamed();
    let before = snapshot(&site.public());
    let line = site.build(&["--base-url", BASE_URL]);
    assert_eq!(written(&line), 0, "{line}");
    assert_eq!(snapshot(&site.public()), before);
}

#[test]
fn a_removed_alias_s_redirect_is_deleted_as_stale() {
    let site = renamed();
    let file = format!("content/insights/{NEW}.md");
    let text = site.read(&file);
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("aliases = "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(without, text);
    site.write(&file, &without);
    site.build(&["--base-url", BASE_URL]);
    assert!(!site.path(&format!("public/insights/{OLD}")).exists());
}

#[test]
fn an_alias_naming_an_html_file_is_written_at_that_file() {
    let site = Site::sample();
    set_aliases(&site, OLD, "[\"/2025/deepseek.html\"]");
    site.build(&["--base-url", BASE_URL]);
    let redirect = site.read("public/2025/deepseek.html");
    assert_eq!(
        attr(&redirect, "link[rel=canonical]", "href"),
        Some(format!("{BASE_URL}insights/{OLD}/"))
    );
}

/// Runs `build` and `check` on `site`; both must fail with every `needles` in stderr.
fn both_refuse(site: &Site, needles: &[&str]) {
    for command in ["build", "check"] {
        let out = site.brief(&[command]);
        assert_eq!(out.status.code(), Some(1), "{command}: {}", stdout(&out));
        let err = stderr(&out);
        for needle in needles {
            assert!(err.contains(needle), "{command} lacks {needle:?}:\n{err}");
        }
    }
}

#[test]
fn build_and_check_refuse_an_alias_taken_by_a_page_or_another_alias() {
    let site = Site::sample();
    let other = "beyond-low-electricity-costs-chinese-ai-models-achieve-a";
    set_aliases(
        &site,
        OLD,
        "[\"/topics/\", \"/old/\", \"/style.css/\", \"/issues/2026-11-22/email.html\", \
         \"/rss.xml/\", \"/feeds/archive/2026-11/atom.xml/\", \"/topics/chips/feed.json/\", \
         \"/Issues/\", \"/search/terms/0123.json/\", \"/issues/page/1/\"]",
    );
    set_aliases(&site, other, &format!("[\"/old/\", \"/insights/{OLD}/\"]"));
    both_refuse(
        &site,
        &[
            &format!("{OLD}.md:2: error: alias \"/topics/\" is already taken by the page /topics/"),
            "hint: remove the alias: a redirect there would replace a page or file",
            "alias \"/style.css/\" is already taken by the static file /style.css",
            "alias \"/issues/2026-11-22/email.html\" is already taken by the email edition",
            "alias \"/rss.xml/\" is already taken by the file /rss.xml the site writes",
            "alias \"/feeds/archive/2026-11/atom.xml/\" is already taken by the feed archives /feeds/archive/",
            "alias \"/topics/chips/feed.json/\" is already taken by the file /topics/chips/feed.json",
            // Hosts and disks that ignore case would serve the redirect there.
            "alias \"/Issues/\" is already taken by the page /issues/",
            // Its files are named by their content: a later build may take any name.
            "alias \"/search/terms/0123.json/\" is already taken by the search index's folder /search/terms/",
            "alias \"/issues/page/1/\" is already taken by the redirect /issues/page/1/",
            &format!(
                "{other}.md:2: error: alias \"/insights/{OLD}/\" is already taken by the page"
            ),
            "alias \"/old/\" is already taken by an alias of",
            "hint: an old path can redirect to one insight only",
        ],
    );
    assert!(!site.public().exists(), "nothing was built");
}

#[test]
fn build_and_check_refuse_a_malformed_alias() {
    let site = Site::sample();
    set_aliases(
        &site,
        OLD,
        "[\"insights/old/\", \"/a/../b/\", \"/.well-known/x/\"]",
    );
    both_refuse(
        &site,
        &[
            &format!("{OLD}.md:2: error: alias \"insights/old/\" is not a site-relative path"),
            "alias \"/a/../b/\" has an empty, `.` or `..` segment",
            &format!("{OLD}.md:2: error: alias \"/.well-known/x/\" has a hidden segment"),
            "hint: an alias is an old path of this insight on the site",
        ],
    );
}

/// A content file renamed by hand moves its insight's URL: `check` says so
/// until a build has, and the build says so once, with the alias that would
/// keep the old URL; with that alias, or after `brief rename`, neither says
/// anything.
#[test]
fn a_file_renamed_by_hand_warns_once_that_its_old_url_goes() {
    let site = Site::sample();
    site.build(&[]);
    let victim = site.unreferenced_insight();
    let old = victim.trim_end_matches(".md");
    let file = |slug: &str| site.path(&format!("content/insights/{slug}.md"));
    std::fs::rename(file(old), file(NEW)).unwrap();
    let warning = format!(
        "{NEW}.md:2: warning: this insight was at /insights/{old}/ in the last build and is now at /insights/{NEW}/"
    );
    // `check` says it before the build does, and changes nothing.
    for _ in 0..2 {
        let checked = site.brief(&["check"]);
        assert!(checked.status.success(), "{}", stderr(&checked));
        assert!(stderr(&checked).contains(&warning), "{}", stderr(&checked));
    }
    let out = site.brief(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(&warning), "{}", stderr(&out));
    let checked = site.brief(&["check"]);
    assert!(
        !stderr(&checked).contains("warning"),
        "{}",
        stderr(&checked)
    );
    assert!(stderr(&out).contains(&format!("aliases = [\"/insights/{old}/\"]")));
    let again = site.brief(&["build"]);
    assert!(!stderr(&again).contains("warning"), "{}", stderr(&again));

    // Renamed back by hand, with the alias the hint names: nothing to say.
    std::fs::rename(file(NEW), file(old)).unwrap();
    set_aliases(&site, old, &format!("[\"/insights/{NEW}/\"]"));
    let out = site.brief(&["build"]);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert!(site
        .path(&format!("public/insights/{NEW}/index.html"))
        .exists());

    let out = site.brief(&["rename", old, "renamed-by-brief"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = site.brief(&["build"]);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

/// A file renamed by hand while another insight's `related` names its old
/// slug: the error says what the insight is called now, in `check`, `build`
/// and (from its memory of the last build) `serve`'s overlay alike.
#[test]
fn a_related_slug_renamed_by_hand_names_the_new_slug() {
    let site = Site::sample();
    site.build(&[]);
    let related_line = snapshot(&site.path("content/insights"))
        .into_values()
        .map(|bytes| String::from_utf8(bytes).unwrap())
        .find_map(|text| {
            let line = text.lines().find(|l| l.starts_with("related = [\""))?;
            Some(line.to_string())
        })
        .expect("the sample digest relates insights");
    let old = related_line.split('"').nth(1).unwrap().to_string();
    let file = |slug: &str| site.path(&format!("content/insights/{slug}.md"));
    std::fs::rename(file(&old), file(NEW)).unwrap();
    let before = snapshot(&site.path("public"));
    for command in ["check", "build"] {
        let out = site.brief(&[command]);
        assert_eq!(out.status.code(), Some(1), "{command}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "`related` names {old:?}, which is no insight's slug"
            )),
            "{command}: {err}"
        );
        assert!(
            err.contains(&format!("that insight is {NEW:?} since the last build")),
            "{command}: {err}"
        );
    }
    assert_eq!(
        snapshot(&site.path("public")),
        before,
        "a failed build changes nothing"
    );
}
