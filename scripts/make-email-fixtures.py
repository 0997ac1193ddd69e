#!/usr/bin/env python3
"""Writes tests/fixtures/email/: the five seed files of content/raw/ as the
emails a scanning service would send, one per transfer encoding and body shape
brief must read, and one mbox holding all five. tests/import.rs checks that
importing them gives the same 39 insights as importing the text files.

    python3 scripts/make-email-fixtures.py

Python's standard `email` package builds the messages, so the fixtures do not
come from the code under test. The output is deterministic (fixed dates,
Message-IDs and boundaries); run it again after changing a seed.
"""

import calendar
import html
import mailbox
import os
import pathlib
import time
from email.charset import BASE64, QP, Charset
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "content" / "raw").glob("*.txt"))
OUT = ROOT / "tests" / "fixtures" / "email"


def text_part(text, charset, encoding):
    """A text/plain part in `charset`, with the given transfer encoding."""
    return encoded_part(text, "plain", charset, encoding)


def encoded_part(text, subtype, charset, encoding):
    """A text/`subtype` part whose body is in `charset` and `encoding`."""
    cs = Charset(charset)
    cs.body_encoding = encoding
    part = MIMEText("", subtype)
    # MIMEText set 7bit; set_payload only picks the charset's encoding when
    # the header is not there yet.
    del part["Content-Transfer-Encoding"]
    part.set_payload(text, cs)
    return part


def html_body(text):
    """The seed as a newsletter would send it: one paragraph per line."""
    paragraphs = "\n".join(
        f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip()
    )
    return f"<!DOCTYPE html>\n<html><head><style>p {{ margin: 0 }}</style></head>\n<body>\n{paragraphs}\n</body></html>\n"


def alternative(text):
    """multipart/alternative: a UTF-8 text part and an HTML part."""
    msg = MIMEMultipart("alternative", boundary="=_brief_alt_boundary")
    msg.attach(text_part(text, "utf-8", QP))
    msg.attach(MIMEText(html_body(text), "html", "utf-8"))
    return msg


def html_only(text):
    """A single text/html part, base64: brief converts it to text."""
    return encoded_part(html_body(text), "html", "utf-8", BASE64)


# One shape per seed, in date order.
SHAPES = [
    ("multipart/alternative, quoted-printable text and HTML", alternative),
    ("ISO-8859-1, quoted-printable", lambda t: text_part(t, "iso-8859-1", QP)),
    ("UTF-8, base64", lambda t: text_part(t, "utf-8", BASE64)),
    ("UTF-8, quoted-printable", lambda t: text_part(t, "utf-8", QP)),
    ("HTML only, base64", html_only),
]


def message(n, seed, shape):
    text = seed.read_text(encoding="utf-8")
    describe, build = shape
    msg = build(text)
    day = seed.name[:10]
    year, month, date = (int(x) for x in day.split("-"))
    # 07:30 UTC on the seed's day.
    stamp = calendar.timegm((year, month, date, 7, 30, 0))
    msg["From"] = "Podcast Brief <brief@scanner.example>"
    msg["To"] = "editor@digest.example"
    msg["Subject"] = f"Your podcast brief, {day} ({describe})"
    msg["Date"] = formatdate(stamp, usegmt=False)
    msg["Message-ID"] = f"<seed-{n:03d}@scanner.example>"
    return msg, stamp


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    box = mailbox.mbox(OUT / "seeds.mbox", create=True)
    for n, (seed, shape) in enumerate(zip(SEEDS, SHAPES)):
        msg, stamp = message(n, seed, shape)
        data = msg.as_bytes()
        (OUT / seed.with_suffix(".eml").name).write_bytes(data)
        entry = mailbox.mboxMessage(msg)
        entry.set_from("brief@scanner.example", time_=time.gmtime(stamp))
        box.add(entry)
    box.flush()
    box.close()
    os.chmod(OUT / "seeds.mbox", 0o644)


if __name__ == "__main__":
    main()
