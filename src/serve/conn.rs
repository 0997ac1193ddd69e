//! The preview server's HTTP/1.1 transport, on `std::net`, with `httparse`
//! reading request heads. It owns connections and nothing else: one thread per
//! connection (so an idle or slow client holds only its own thread, never one
//! another request needs), a cap on how many are open at once, a deadline for a
//! request to start (idle) and one for its whole head to arrive (header), a cap
//! on the head's size, and a short answer (`400`, `408`, `431`, `503`) instead of
//! a held connection. What a request is answered with is the handler's business:
//! this module never looks at the site.
//!
//! Why not tiny_http, which served before: it reads a head byte by byte with no
//! size cap and no timeout (a 200 MB header line grew memory by 500 MB), and its
//! accept loop is its own, so nothing can be put in front of it short of a proxy.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the transport allows a client.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// How long an open connection may wait before it starts a request (a new
    /// connection, or one kept alive after a response).
    pub(super) idle: Duration,
    /// How long a request head may take to arrive whole once its first byte has.
    pub(super) header: Duration,
    /// The largest request head (request line and headers), in bytes.
    pub(super) max_head: usize,
    /// Connections open at once, page requests and live-reload streams together.
    pub(super) max_connections: usize,
    /// How long a write may wait for a client that does not read.
    pub(super) write: Duration,
}

/// Browsers send heads of 1-2 kB; 16 kB is what most servers allow. Connections
/// stay well under the usual limit of 1,024 open files per process.
pub(super) const LIMITS: Limits = Limits {
    idle: Duration::from_secs(10),
    header: Duration::from_secs(10),
    max_head: 16 * 1024,
    max_connections: 512,
    write: Duration::from_secs(30),
};

/// Headers in one request; more is answered with 431.
const MAX_HEADERS: usize = 64;
/// After a refusal, what the client still sends is read and dropped for this long
/// (and up to this much) before closing, so it gets the answer rather than a reset.
const LINGER_TIME: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 1 << 20;
/// A connection thread parses one head at a time and writes a response: a small
/// stack keeps hundreds of them cheap.
const STACK_SIZE: usize = 256 * 1024;

/// A request head, as the handler sees it. Bodies are never read.
#[derive(Debug)]
pub(super) struct Request {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) host: Option<String>,
}

pub(super) struct Response {
    pub(super) status: u16,
    pub(super) headers: Vec<(&'static str, String)>,
    /// Shared, so a served file is not copied per request.
    pub(super) body: Arc<Vec<u8>>,
}

impl Response {
    pub(super) fn new(status: u16, body: Arc<Vec<u8>>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub(super) fn header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// A connection taken over by the handler, which writes its own response.
pub(super) type Takeover = Box<dyn FnOnce(TcpStream) + Send>;

pub(super) enum Answer {
    Respond(Response),
    /// The connection is handed over whole (the live-reload stream).
    TakeOver(Takeover),
}

/// Accepts connections on `listener` for as long as the process runs, each on a
/// thread of its own that answers its requests with `handler`.
pub(super) fn accept_loop<H>(listener: TcpListener, limits: Limits, handler: H)
where
    H: Fn(&Request) -> Answer + Send + Sync + 'static,
{
    let handler = Arc::new(handler);
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            // Out of file descriptors, or a client gone before it was accepted:
            // wait a moment (a busy loop helps nobody) and keep serving the others.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        let Some(slot) = Slot::take(&open, limits.max_connections) else {
            refuse_busy(stream);
            continue;
        };
        let handler = Arc::clone(&handler);
        // If no thread can be started, the closure is dropped with the stream and
        // the slot: the connection closes and its slot is free again.
        let _ = std::thread::Builder::new()
            .name("brief-http".into())
            .stack_size(STACK_SIZE)
            .spawn(move || {
                let _slot = slot;
                serve_connection(stream, &limits, &*handler);
            });
    }
}

/// One of the `max_connections`, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        open.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < max).then_some(n + 1)
        })
        .ok()
        .map(|_| Slot(Arc::clone(open)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers a connection over the cap from the accept loop itself, without
/// reading it or ever waiting on it.
fn refuse_busy(stream: TcpStream) {
    if stream.set_nonblocking(true).is_ok() {
        let response =
            text(503, "too many open connections; try again\n").header("Retry-After", "1");
        let _ = write_response(&stream, &response, false, false);
    }
}

/// Requests on one connection, one after the other, until either side closes it.
fn serve_connection(stream: TcpStream, limits: &Limits, handler: &dyn Fn(&Request) -> Answer) {
    let _ = stream.set_write_timeout(Some(limits.write));
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::new();
    loop {
        let (request, keep_alive) = match read_head(&stream, &mut buf, limits) {
            Head::Request {
                request,
                keep_alive,
                len,
            } => {
                buf.drain(..len);
                (request, keep_alive)
            }
            Head::Closed => return,
            Head::Refused(status, message) => {
                let _ = write_response(&stream, &text(status, message), false, false);
                return linger_close(stream);
            }
        };
        match handler(&request) {
            Answer::Respond(response) => {
                let head_only = request.method == "HEAD";
                if write_response(&stream, &response, head_only, keep_alive).is_err() {
                    return;
                }
                if !keep_alive {
                    return linger_close(stream);
                }
            }
            Answer::TakeOver(take) => return take(stream),
        }
    }
}

enum Head {
    Request {
        request: Request,
        keep_alive: bool,
        /// Bytes of the buffer the head took; what follows is the next request.
        len: usize,
    },
    /// The client closed, went quiet before starting a request, or failed.
    Closed,
    /// Answer with this status and text, then close.
    Refused(u16, &'static str),
}

/// Reads until `buf` holds a whole request head, within the limits.
fn read_head(mut stream: &TcpStream, buf: &mut Vec<u8>, limits: &Limits) -> Head {
    let started = Instant::now();
    // Set once a request has begun: from then on the header deadline applies.
    let mut head_deadline = (!buf.is_empty()).then(|| started + limits.header);
    let mut chunk = [0u8; 4096];
    loop {
        if !buf.is_empty() {
            if let Some(head) = parse_head(buf) {
                return head;
            }
            if buf.len() > limits.max_head {
                return Head::Refused(431, "the request head is too large\n");
            }
        }
        let deadline = head_deadline.unwrap_or(started + limits.idle);
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return timed_out(head_deadline.is_some());
        }
        // Never more than one byte past the cap: that byte is how it is noticed.
        let room = (limits.max_head + 1 - buf.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return Head::Closed,
            Ok(n) => {
                head_deadline.get_or_insert_with(|| Instant::now() + limits.header);
                buf.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return timed_out(head_deadline.is_some());
            }
            Err(_) => return Head::Closed,
        }
    }
}

/// A half-sent head gets a 408; a connection that never started a request is
/// simply closed, as browsers expect of an idle keep-alive connection.
fn timed_out(request_begun: bool) -> Head {
    if request_begun {
        Head::Refused(408, "the request head took too long\n")
    } else {
        Head::Closed
    }
}

/// The head at the start of `buf`, `None` while it is incomplete.
fn parse_head(buf: &[u8]) -> Option<Head> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let len = match parsed.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return None,
        Err(httparse::Error::TooManyHeaders) => {
            return Some(Head::Refused(431, "the request has too many headers\n"))
        }
        Err(_) => return Some(Head::Refused(400, "malformed request\n")),
    };
    let (Some(method), Some(target), Some(minor)) = (parsed.method, parsed.path, parsed.version)
    else {
        return Some(Head::Refused(400, "malformed request\n"));
    };
    let mut host = None;
    let mut has_body = false;
    let mut connection = String::new();
    for header in parsed.headers.iter() {
        let name = header.name;
        if name.eq_ignore_ascii_case("host") {
            let value = std::str::from_utf8(header.value).ok();
            // Two Host headers, or one that is not text, name no host (RFC 9112 §3.2).
            if host.is_some() || value.is_none() {
                return Some(Head::Refused(400, "malformed Host header\n"));
            }
            host = value.map(str::to_string);
        } else if name.eq_ignore_ascii_case("connection") {
            connection.push_str(&String::from_utf8_lossy(header.value).to_ascii_lowercase());
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            has_body = true;
        } else if name.eq_ignore_ascii_case("content-length") {
            match std::str::from_utf8(header.value).map(|v| v.trim().parse::<u64>()) {
                Ok(Ok(n)) => has_body |= n > 0,
                _ => return Some(Head::Refused(400, "malformed Content-Length header\n")),
            }
        }
    }
    // Bodies are never read, so after one the next request's start is unknown:
    // such a connection ends with its answer.
    let keep_alive = !has_body
        && if minor == 0 {
            connection.contains("keep-alive")
        } else {
            !connection.contains("close")
        };
    Some(Head::Request {
        request: Request {
            method: method.to_string(),
            target: target.to_string(),
            host,
        },
        keep_alive,
        len,
    })
}

fn text(status: u16, message: &'static str) -> Response {
    Response::new(status, Arc::new(message.as_bytes().to_vec()))
        .header("Content-Type", "text/plain; charset=utf-8")
}

fn write_response(
    mut stream: &TcpStream,
    response: &Response,
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: {}\r\n\r\n",
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    ));
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&response.body)?;
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Closes after telling the client no more is coming, reading (and dropping)
/// what it still sends for a moment: closing a socket with unread data resets
/// the connection, and the client would lose the answer it was just sent.
fn linger_close(mut stream: TcpStream) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let until = Instant::now() + LINGER_TIME;
    let mut drained = 0;
    let mut chunk = [0u8; 4096];
    while drained < LINGER_BYTES {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Option<Head> {
        parse_head(text.as_bytes())
    }

    fn status_of(text: &str) -> u16 {
        match head(text) {
            Some(Head::Refused(status, _)) => status,
            Some(Head::Request { .. }) => 200,
            Some(Head::Closed) | None => 0,
        }
    }

    #[test]
    fn parses_a_head_and_keeps_what_follows_for_the_next_request() {
        let text = "GET /a%20b/?x=1 HTTP/1.1\r\nHost: localhost:1111\r\n\r\nGET /next";
        let Some(Head::Request {
            request,
            keep_alive,
            len,
        }) = head(text)
        else {
            panic!("a complete head");
        };
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/a%20b/?x=1");
        assert_eq!(request.host.as_deref(), Some("localhost:1111"));
        assert!(keep_alive);
        assert_eq!(&text[len..], "GET /next");
        assert!(
            head("GET / HTTP/1.1\r\nHost: x\r\n").is_none(),
            "incomplete"
        );
    }

    #[test]
    fn connections_end_on_close_on_http_1_0_and_after_a_body() {
        for (text, keep) in [
            ("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
            ("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", true),
            (
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                false,
            ),
        ] {
            match head(text) {
                Some(Head::Request { keep_alive, .. }) => assert_eq!(keep_alive, keep, "{text}"),
                _ => panic!("{text} parses"),
            }
        }
    }

    #[test]
    fn malformed_heads_are_refused_with_400_or_431() {
        for text in [
            "GARBAGE\r\n\r\n",
            "GET /\r\n\r\n",
            "GET / HTTP/9.9\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon here\r\n\r\n",
            "GET /\0 HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: lots\r\n\r\n",
        ] {
            assert_eq!(status_of(text), 400, "{text:?}");
        }
        let many: String = (0..=MAX_HEADERS).map(|n| format!("X-{n}: y\r\n")).collect();
        assert_eq!(status_of(&format!("GET / HTTP/1.1\r\n{many}\r\n")), 431);
    }

    /// A server on a free loopback port with `limits`, answering every request 200.
    fn server(limits: Limits) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            accept_loop(listener, limits, |_| {
                Answer::Respond(Response::new(200, Arc::new(b"ok".to_vec())))
            })
        });
        port
    }

    fn exchange(port: u16, send: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        stream.write_all(send).unwrap();
        let mut reply = String::new();
        let _ = stream.read_to_string(&mut reply);
        reply
    }

    const SHORT: Limits = Limits {
        idle: Duration::from_millis(200),
        header: Duration::from_millis(200),
        max_head: 1024,
        max_connections: 2,
        write: Duration::from_secs(5),
    };

    #[test]
    fn a_half_sent_head_gets_408_and_a_silent_connection_is_closed() {
        let port = server(SHORT);
        let reply = exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\n");
        assert!(reply.starts_with("HTTP/1.1 408 "), "{reply}");
        assert_eq!(exchange(port, b""), "", "closed without a word");
    }

    #[test]
    fn an_oversized_head_gets_431() {
        let port = server(SHORT);
        let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(4096));
        let reply = exchange(port, long.as_bytes());
        assert!(reply.starts_with("HTTP/1.1 431 "), "{reply}");
    }

    #[test]
    fn connections_over_the_cap_get_503_and_keep_alive_serves_several_requests() {
        let port = server(Limits {
            idle: Duration::from_secs(60),
            ..SHORT
        });
        let mut held = TcpStream::connect(("127.0.0.1", port)).unwrap();
        held.set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        // Two requests on one kept-alive connection, pipelined.
        held.write_all(b"GET / HTTP/1.1\r\n\r\nHEAD / HTTP/1.1\r\n\r\n")
            .unwrap();
        let mut seen = String::new();
        let mut buf = [0u8; 1024];
        while seen.matches("HTTP/1.1 200 OK").count() < 2 {
            let n = held.read(&mut buf).unwrap();
            assert!(n > 0, "{seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        assert_eq!(seen.matches("ok").count(), 1, "HEAD sends no body: {seen}");
        // Connections are accepted in order, so this one takes the last slot
        // before the next is looked at.
        let _second = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let reply = exchange(port, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(reply.starts_with("HTTP/1.1 503 "), "{reply}");
    }
}
