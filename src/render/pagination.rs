//! Pagination maths: how many pages a list needs, which items a page holds, and
//! the window of page links a pager shows.

use tera::Value;

use super::values::{object, plain};
use crate::config::Config;
use crate::site::page_path;

/// How many pages either side of the current one a paginator's `pages` lists.
pub(super) const PAGER_WINDOW: usize = 3;

/// Pages needed for `items` at `per_page`; an empty list still has one page.
pub(super) fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// Positions of page `page`'s items in a list of `len`.
pub(super) fn page_range(len: usize, page: usize, per_page: usize) -> std::ops::Range<usize> {
    let start = ((page - 1) * per_page).min(len);
    start..(start + per_page).min(len)
}

pub(super) fn page_slice<T>(items: &[T], page: usize, per_page: usize) -> &[T] {
    &items[page_range(items.len(), page, per_page)]
}

/// The part of `pages` (all of a list's pages, in order) a pager around page
/// `current` shows: the first, the last and up to [`PAGER_WINDOW`] either side.
pub(super) fn pager_window(all: &[Value], current: usize) -> Vec<Value> {
    let mut numbers = vec![1];
    numbers.extend(current.saturating_sub(PAGER_WINDOW)..=current + PAGER_WINDOW);
    numbers.push(all.len());
    numbers.retain(|&n| (1..=all.len()).contains(&n));
    numbers.sort_unstable();
    numbers.dedup();
    numbers.into_iter().map(|n| all[n - 1].clone()).collect()
}

/// Every page of a paginated list as `{number, url}`, computed once per list.
pub(super) fn pager_links(config: &Config, base: &str, total_pages: usize) -> Vec<Value> {
    (1..=total_pages)
        .map(|p| {
            object([
                ("number", p.into()),
                ("url", plain(&config.url(&page_path(base, p)))),
            ])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn pagination_math() {
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(41, 20), 3);
        assert_eq!(page_slice(&[1, 2, 3, 4, 5], 3, 2), &[5]);
    }

    #[test]
    fn pager_window_keeps_ends_and_neighbours() {
        let numbers = |total: usize, current: usize| {
            let pages: Vec<Value> = (1..=total)
                .map(|n| object([("number", n.into())]))
                .collect();
            pager_window(&pages, current)
                .iter()
                .map(|p| p.get_from_path("number").unwrap().as_u64().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(1, 1), [1]);
        assert_eq!(numbers(5, 3), [1, 2, 3, 4, 5]);
        assert_eq!(numbers(100, 50), [1, 47, 48, 49, 50, 51, 52, 53, 100]);
        assert_eq!(numbers(100, 99), [1, 96, 97, 98, 99, 100]);
    }
}
