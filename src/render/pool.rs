//! Values made once per build and dropped after their last use: each insight's
//! rendered body and its `insight` object. Several pages show each of them (its
//! own page, its issue, a page of each of its topics, a feed or two); making
//! them again for each page costs time, and keeping every one of them for the
//! whole build costs memory that grows with the site (a third of a build's
//! peak at 100k insights). So each is made on first use, shared while in use,
//! and dropped after the last use the jobs were counted to make; the render
//! order ([`Renderer::in_date_order`](super::Renderer)) brings an insight's
//! uses close together, so only a few weeks of insights are alive at a time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// One value per insight, each made on demand and dropped after its counted uses.
pub(super) struct Pool<T> {
    slots: Vec<Mutex<Option<T>>>,
    uses_left: Vec<AtomicUsize>,
}

impl<T: Clone> Pool<T> {
    /// A pool whose value `i` is used `uses[i]` times.
    pub(super) fn new(uses: Vec<usize>) -> Pool<T> {
        Pool {
            slots: uses.iter().map(|_| Mutex::new(None)).collect(),
            uses_left: uses.into_iter().map(AtomicUsize::new).collect(),
        }
    }

    /// Value `i`, made by `make` unless an earlier use made it. A use beyond
    /// those counted (a page the count missed) makes it again: slower, never wrong.
    pub(super) fn take(&self, i: usize, make: impl FnOnce() -> T) -> T {
        let mut slot = self.slots[i].lock().unwrap_or_else(|e| e.into_inner());
        let value = match slot.as_ref() {
            Some(value) => value.clone(),
            None => slot.insert(make()).clone(),
        };
        let last = self.uses_left[i]
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            == Ok(1);
        if last {
            *slot = None;
        }
        value
    }

    /// The values still alive or with uses left: after a build whose uses
    /// were counted right, none (an uncounted use leaves its value alive).
    #[cfg(test)]
    pub(super) fn unsettled(&self) -> Vec<usize> {
        (0..self.slots.len())
            .filter(|&i| {
                self.slots[i].lock().unwrap().is_some()
                    || self.uses_left[i].load(Ordering::Relaxed) > 0
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_each_value_once_and_lets_go_after_its_last_use() {
        let pool = Pool::new(vec![3, 0]);
        let makes = AtomicUsize::new(0);
        let make = || {
            makes.fetch_add(1, Ordering::Relaxed);
            "insight"
        };
        for _ in 0..3 {
            assert_eq!(pool.take(0, make), "insight");
        }
        assert_eq!(makes.load(Ordering::Relaxed), 1);
        assert!(pool.unsettled().is_empty(), "dropped after the last use");
        // An uncounted use still gets its value, made again, and keeps it.
        assert_eq!(pool.take(0, make), "insight");
        assert_eq!(pool.take(1, make), "insight");
        assert_eq!(makes.load(Ordering::Relaxed), 3);
        assert_eq!(pool.unsettled(), [0, 1]);
    }
}
