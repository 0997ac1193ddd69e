//! The reload hub: every open page holds one server-sent-events stream at
//! `/__brief/events`, served by a thread of its own. A finished rebuild is
//! broadcast to all of them as one SSE frame. A stream whose tab was closed is
//! noticed when a write fails (a heartbeat is written every few seconds, so a
//! silent server notices too); its thread then ends and the hub forgets it, so
//! closed tabs never leak threads.

use std::io::Write;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

/// How often an idle stream is written to, so a closed tab is noticed.
pub(super) const HEARTBEAT: Duration = Duration::from_secs(5);

/// What a browser is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Event {
    /// A rebuild succeeded: reload the page.
    Reload { build: u64 },
    /// A rebuild failed: show this text in the overlay.
    BuildError(String),
}

impl Event {
    /// The SSE frame. Data is JSON so the error's newlines survive the line format.
    pub(super) fn frame(&self) -> String {
        match self {
            Event::Reload { build } => format!("event: reload\ndata: {build}\n\n"),
            Event::BuildError(text) => format!(
                "event: build-error\ndata: {}\n\n",
                serde_json::Value::from(text.as_str())
            ),
        }
    }
}

#[derive(Default)]
pub(super) struct Hub {
    clients: Mutex<Vec<Sender<String>>>,
}

impl Hub {
    pub(super) fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        self.lock().push(tx);
        rx
    }

    /// Sends `event` to every open stream, dropping those whose thread has ended.
    pub(super) fn broadcast(&self, event: &Event) {
        let frame = event.frame();
        self.lock().retain(|tx| tx.send(frame.clone()).is_ok());
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Sender<String>>> {
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Writes the SSE response on a raw connection until the client goes away or the
/// hub is dropped. `first` is sent straight away: a page that is already stale
/// or a build that is already broken must not wait for the next change.
pub(super) fn stream(
    mut out: impl Write,
    events: Receiver<String>,
    first: Option<Event>,
    heartbeat: Duration,
) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\nConnection: close\r\n\r\nretry: 1000\n\n";
    let mut send = |text: &str| out.write_all(text.as_bytes()).and_then(|_| out.flush());
    if send(head).is_err() {
        return;
    }
    if let Some(event) = first {
        if send(&event.frame()).is_err() {
            return;
        }
    }
    loop {
        let frame = match events.recv_timeout(heartbeat) {
            Ok(frame) => frame,
            Err(RecvTimeoutError::Timeout) => ": heartbeat\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if send(&frame).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts `budget` writes, then fails like a socket whose peer has gone.
    struct ClosingWriter {
        budget: usize,
        written: Vec<u8>,
    }

    impl Write for ClosingWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.budget == 0 {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            self.budget -= 1;
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn error_frames_keep_newlines_inside_one_data_line() {
        let frame = Event::BuildError("a.md:3: error: bad\n  = hint: <fix>".into()).frame();
        assert_eq!(
            frame,
            "event: build-error\ndata: \"a.md:3: error: bad\\n  = hint: <fix>\"\n\n"
        );
    }

    #[test]
    fn a_closed_client_ends_its_stream_and_leaves_the_hub() {
        let hub = Hub::default();
        let rx = hub.subscribe();
        let writer = ClosingWriter {
            budget: 2,
            written: Vec::new(),
        };
        // The hub is still alive, so only the failing heartbeat can end this.
        stream(writer, rx, None, Duration::from_millis(1));
        assert_eq!(hub.len(), 1);
        hub.broadcast(&Event::Reload { build: 2 });
        assert_eq!(hub.len(), 0, "the dead stream is forgotten");
    }

    #[test]
    fn sends_the_first_event_then_broadcasts() {
        let hub = Hub::default();
        let rx = hub.subscribe();
        hub.broadcast(&Event::Reload { build: 3 });
        drop(hub);
        let mut out = Vec::new();
        stream(&mut out, rx, Some(Event::Reload { build: 2 }), HEARTBEAT);
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(
            text.ends_with("retry: 1000\n\nevent: reload\ndata: 2\n\nevent: reload\ndata: 3\n\n")
        );
    }
}
