//! "1 issue", "2 issues": the one way a count and its noun are written in what
//! brief prints (summary lines, reports, errors). Every noun brief counts takes
//! an `s`; `Count` needs no allocation, so it fits `write!` and `format!` alike.
//! A leaf: it depends on nothing in the crate.

use std::fmt;

/// `n` and `noun`, the noun plural unless `n` is one.
#[derive(Clone, Copy)]
pub struct Count<'a>(pub usize, pub &'a str);

impl fmt::Display for Count<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Count(n, noun) = *self;
        write!(f, "{n} {noun}{}", if n == 1 { "" } else { "s" })
    }
}

#[cfg(test)]
mod tests {
    use super::Count;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(Count(1, "issue").to_string(), "1 issue");
        assert_eq!(Count(0, "issue").to_string(), "0 issues");
        assert_eq!(Count(2, "near-duplicate").to_string(), "2 near-duplicates");
    }
}
