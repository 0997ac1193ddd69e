"""Feeds through a strict third-party parser, as feed readers see them.

Builds the sample digest and the fixture sites (with a base_url path; `months`
has three months of issues, so archive documents, and XML-special topic names)
and parses
every RSS/Atom document (site, topic and archive feeds) with feedparser, failing
on anything it flags as malformed ("bozo"), on items without a date, title or
absolute link, and on RSS dates without a numeric zone; checks every feed.json
against JSON Feed 1.1's required fields, and opml.xml for well-formed XML whose
outlines all carry absolute URLs. A copy of the fixture with `[feeds]
websub_hub` must also name the hub and itself in every feed (WebSub
discovery), as feedparser reads them.
    python3 tests/feeds/validate.py path/to/brief
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import feedparser

RFC822_NUMERIC = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


def fail(msg):
    print(f"feed validation: {msg}", file=sys.stderr)
    sys.exit(1)


def check_xml_feed(path, origin):
    feed = feedparser.parse(path.read_bytes())
    if feed.bozo:
        fail(f"{path}: {feed.bozo_exception}")
    if not feed.entries:
        fail(f"{path}: no entries")
    for entry in feed.entries:
        if not entry.get("title") or not entry.get("published_parsed") and not entry.get("updated_parsed"):
            fail(f"{path}: entry without title or date: {entry.get('link')}")
        if not entry.get("link", "").startswith(origin):
            fail(f"{path}: link not absolute under {origin}: {entry.get('link')}")
        # An insight of one sentence is all headline: its item may carry no body.
        html = entry.get("summary") or (entry.content[0].value if "content" in entry else "")
        if "<script" in html.lower():
            fail(f"{path}: a <script> element in {entry.link}")
    text = path.read_text(encoding="utf-8")
    for date in re.findall(r"<pubDate>([^<]*)</pubDate>", text):
        if not RFC822_NUMERIC.match(date):
            fail(f"{path}: RFC 822 date without a numeric zone: {date}")
    return len(feed.entries)


def check_json_feed(path, origin):
    feed = json.loads(path.read_text(encoding="utf-8"))
    if feed.get("version") != "https://jsonfeed.org/version/1.1" or not feed.get("title"):
        fail(f"{path}: version and title are required")
    for item in feed["items"]:
        if not item.get("id") or not ("content_html" in item or "content_text" in item):
            fail(f"{path}: item without id or content")
        if not item["url"].startswith(origin):
            fail(f"{path}: url not absolute: {item['url']}")
    return len(feed["items"])


def check_opml(path, origin):
    """OPML 2.0, well-formed, every feed outline with absolute URLs."""
    root = ET.parse(path).getroot()
    if root.tag != "opml" or root.get("version") != "2.0":
        fail(f"{path}: not OPML 2.0")
    feeds = [o for o in root.iter("outline") if o.get("type") == "rss"]
    if not feeds:
        fail(f"{path}: no feed outlines")
    for outline in feeds:
        for key in ("xmlUrl", "htmlUrl"):
            if not (outline.get(key) or "").startswith(origin):
                fail(f"{path}: {key} not absolute under {origin}: {outline.get(key)}")
        if not outline.get("text"):
            fail(f"{path}: an outline without text")
    return len(feeds)


def with_hub(fixture, tmp, hub):
    """A copy of the fixture site whose feeds name a WebSub hub."""
    root = pathlib.Path(tmp) / f"{fixture.name}-with-hub"
    shutil.copytree(fixture, root)
    config = root / "config.toml"
    config.write_text(config.read_text().replace("[feeds]\n", f'[feeds]\nwebsub_hub = "{hub}"\n'))
    return root


def check_hub(path, hub):
    """WebSub discovery: the feed names the hub and itself."""
    if path.suffix == ".json":
        feed = json.loads(path.read_text(encoding="utf-8"))
        if feed.get("hubs") != [{"type": "WebSub", "url": hub}]:
            fail(f"{path}: hubs is {feed.get('hubs')!r}")
        return
    links = feedparser.parse(path.read_bytes()).feed.get("links", [])
    rels = {link.get("rel"): link.get("href") for link in links}
    if rels.get("hub") != hub or not rels.get("self", "").endswith(path.name):
        fail(f"{path}: hub and self links are {rels!r}")


def main():
    brief = pathlib.Path(sys.argv[1]).resolve()
    repo = pathlib.Path(__file__).resolve().parents[2]
    fixture = repo / "tests/fixtures/basic"
    hub = "https://hub.example.net/websub?site=1&x=2"
    with tempfile.TemporaryDirectory() as tmp:
        months = repo / "tests/fixtures/months"
        sites = [(fixture, "https://example.org/digest/", None),
                 (with_hub(fixture, tmp, hub), "https://example.org/digest/", hub),
                 (months, None, None),
                 (with_hub(months, tmp, hub), None, hub)]
        if (repo / "config.toml").exists():
            sites.append((repo, None, None))
        for n, (root, base_url, site_hub) in enumerate(sites):
            out = pathlib.Path(tmp) / str(n)
            args = [str(brief), "--root", str(root), "build", "-o", str(out)]
            if base_url:
                args += ["--base-url", base_url]
            subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
            origin = base_url or re.search(r'base_url\s*=\s*"([^"]+)"', (root / "config.toml").read_text()).group(1)
            feeds = sorted(out.rglob("rss.xml")) + sorted(out.rglob("atom.xml"))
            json_feeds = sorted(out.rglob("feed.json"))
            entries = sum(check_xml_feed(f, origin) for f in feeds)
            entries += sum(check_json_feed(f, origin) for f in json_feeds)
            outlines = check_opml(out / "opml.xml", origin)
            if site_hub:
                for feed in feeds + json_feeds:
                    check_hub(feed, site_hub)
            print(f"feeds: {root.name or root}: {len(feeds) + len(json_feeds)} feeds, {entries} entries, "
                  f"{outlines} OPML outlines, all valid"
                  + (", each naming its WebSub hub" if site_hub else ""))


if __name__ == "__main__":
    main()
