//! Rendered Markdown bodies kept between disk builds, as `.brief-bodies` in the
//! output's build cache (`.brief-cache/<key>/` in the site root), so a rebuild renders
//! only new or edited bodies: Markdown with highlighting was a quarter of a no-op
//! rebuild. Entries are keyed by a hash of everything a body's rendering reads
//! (see `render::Renderer::new`), so they never go stale; a missing, damaged or foreign
//! file just means rendering again. Binary, and written as bodies come: a build
//! never holds every body at once to write them.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;

use super::Bodies;
use crate::markdown::{InternalLink, Rendered};

pub(super) const BODY_CACHE_FILE: &str = ".brief-bodies";

/// What comes before each body, and after the last.
const ENTRY: u64 = 1;
const END: u64 = 0;

const MAGIC: &[u8] = concat!("brief-bodies 2 ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();

/// The cache in `dir`, or an empty one if there is none usable.
pub(super) fn load(dir: &Path) -> Bodies {
    let Ok(file) = std::fs::File::open(dir.join(BODY_CACHE_FILE)) else {
        return Bodies::new();
    };
    read_all(&mut BufReader::new(file)).unwrap_or_default()
}

/// Writes bodies to a staged cache file as they come, so that no build holds
/// every body to write them at the end; [`install`] then puts it in place.
pub(super) struct Writer {
    out: BufWriter<std::fs::File>,
}

impl Writer {
    pub(super) fn create(staged: &Path) -> std::io::Result<Writer> {
        let mut out = BufWriter::new(std::fs::File::create(staged)?);
        out.write_all(MAGIC)?;
        Ok(Writer { out })
    }

    pub(super) fn add(&mut self, key: u64, body: &Rendered) -> std::io::Result<()> {
        let out = &mut self.out;
        write_u64(out, ENTRY)?;
        write_u64(out, key)?;
        write_str(out, body.html())?;
        write_str(out, &body.text)?;
        write_u64(out, body.internal_links.len() as u64)?;
        for link in &body.internal_links {
            write_str(out, &link.path)?;
            write_str(out, link.fragment.as_deref().unwrap_or(""))?;
            write_u64(out, u64::from(link.fragment.is_some()))?;
            write_u64(out, link.offset as u64)?;
        }
        Ok(())
    }

    /// Marks the end, so that a file cut short reads as damaged, not as fewer bodies.
    pub(super) fn finish(mut self) -> std::io::Result<()> {
        write_u64(&mut self.out, END)?;
        self.out.flush()
    }
}

/// Renames a cache file written by a [`Writer`] to the cache file of `dir`.
pub(super) fn install(dir: &Path, staged: &Path) -> std::io::Result<()> {
    std::fs::rename(staged, dir.join(BODY_CACHE_FILE))
}

fn read_all(input: &mut impl Read) -> std::io::Result<Bodies> {
    let mut magic = vec![0; MAGIC.len()];
    input.read_exact(&mut magic)?;
    if magic != MAGIC {
        return Err(damaged());
    }
    let mut bodies = Bodies::new();
    loop {
        match read_u64(input)? {
            END => return Ok(bodies),
            ENTRY => {}
            _ => return Err(damaged()),
        }
        let key = read_u64(input)?;
        let html = read_str(input)?;
        let text = read_str(input)?;
        let links = read_u64(input)?;
        let mut internal_links = Vec::new();
        for _ in 0..links {
            let path = read_str(input)?;
            let fragment = read_str(input)?;
            let has_fragment = read_u64(input)? == 1;
            internal_links.push(InternalLink {
                path,
                fragment: has_fragment.then_some(fragment),
                offset: usize::try_from(read_u64(input)?).map_err(|_| damaged())?,
            });
        }
        let body = Rendered::new(&html, text, internal_links);
        bodies.insert(key, Arc::new(body));
    }
}

fn damaged() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, "damaged body cache")
}

fn write_u64(out: &mut impl Write, n: u64) -> std::io::Result<()> {
    out.write_all(&n.to_le_bytes())
}

fn write_str(out: &mut impl Write, s: &str) -> std::io::Result<()> {
    write_u64(out, s.len() as u64)?;
    out.write_all(s.as_bytes())
}

fn read_u64(input: &mut impl Read) -> std::io::Result<u64> {
    let mut bytes = [0; 8];
    input.read_exact(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

fn read_str(input: &mut impl Read) -> std::io::Result<String> {
    let len = read_u64(input)?;
    let mut bytes = Vec::new();
    // `take` bounds the read, so a damaged length cannot allocate wildly.
    input.take(len).read_to_end(&mut bytes)?;
    if bytes.len() as u64 != len {
        return Err(damaged());
    }
    String::from_utf8(bytes).map_err(|_| damaged())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let tmp = tempfile::tempdir().unwrap();
        let body = Rendered::new(
            "<p>Hi <a href=\"/x/#y\">x</a></p>",
            "Hi x".into(),
            vec![InternalLink {
                path: "/x/".into(),
                fragment: Some("y".into()),
                offset: 3,
            }],
        );
        let bodies = Bodies::from([(7, Arc::new(body))]);
        let staged = tmp.path().join("staged");
        let mut writer = Writer::create(&staged).unwrap();
        writer.add(7, &bodies[&7]).unwrap();
        writer.finish().unwrap();
        install(tmp.path(), &staged).unwrap();
        let back = load(tmp.path());
        assert_eq!(back[&7].html(), bodies[&7].html());
        assert_eq!(back[&7].text, bodies[&7].text);
        assert_eq!(back[&7].internal_links, bodies[&7].internal_links);
        let path = tmp.path().join(BODY_CACHE_FILE);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        assert!(load(tmp.path()).is_empty());
    }
}
