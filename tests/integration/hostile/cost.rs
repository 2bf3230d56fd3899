//! Hostile input: cost. Output and work stay in proportion to the input: a report shows a few
//! diagnostics per file and kind, each with a window of its line; big pages, many identical
//! headings and many footnotes build in linear time; a client that never finishes its request
//! does not hold a connection of `lemma serve` forever.
//!
//! Linearity itself is asserted by counting the work in unit tests next to the code
//! (`render::tests`, `markdown::tests`); here the inputs are big enough that a quadratic pass
//! would take minutes in a debug build.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::util::Site;

/// Broken links and suspicious formulas, all on one long line: an error and a warning each.
fn one_line_of_problems(problems: usize) -> String {
    let mut line = String::new();
    for _ in 0..problems {
        line.push_str("[x](nope.md) $价$ ");
    }
    line.push('\n');
    line
}

const PROBLEMS: usize = 2000;

#[test]
fn many_problems_on_one_long_line_print_a_few_short_reports() {
    let b = Site::with_article(&one_line_of_problems(PROBLEMS)).build();
    b.assert_failure();
    // Each diagnostic used to carry the whole 40 kB line: 160 MB of report.
    assert!(b.stderr.len() < 64 * 1024, "{} bytes", b.stderr.len());
    assert_eq!(b.diagnostics("error").len(), 20, "{}", b.stderr);
    assert_eq!(b.diagnostics("warning").len(), 20, "{}", b.stderr);
    b.assert_stderr("… and 1980 more errors in content/a.md")
        .assert_stderr("… and 1980 more warnings in content/a.md")
        .assert_stderr("error: 2000 error(s), 2000 warning(s)");
    for line in b.stderr.lines() {
        assert!(line.chars().count() <= 200, "{line}");
    }
    // The caret still points at the problem in the window shown: the 20th link, far from the
    // start of the line.
    let report = b
        .stderr
        .split("content/a.md:6:")
        .filter(|report| report.contains(": error: "))
        .nth(19)
        .unwrap();
    let lines: Vec<&str> = report.lines().collect();
    let caret = lines[3].chars().count() - 1;
    assert!(lines[2].starts_with("6 | …"), "{report}");
    assert_eq!(lines[2].chars().nth(caret), Some('['), "{report}");
}

#[test]
fn check_json_lists_a_few_problems_and_counts_the_rest() {
    let b = Site::with_article(&one_line_of_problems(PROBLEMS)).run(&["check", "--format", "json"]);
    b.assert_failure();
    let report: serde_json::Value = serde_json::from_str(&b.stdout).unwrap();
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(2000), Some(2000))
    );
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 40);
    assert_eq!(
        report["omitted"],
        serde_json::json!([
            {"path": "content/a.md", "severity": "error", "count": 1980},
            {"path": "content/a.md", "severity": "warning", "count": 1980},
        ])
    );
}

#[test]
fn the_serve_error_box_shows_a_few_errors_and_counts_them_all() {
    let site = Site::with_article(&one_line_of_problems(PROBLEMS));
    let server = crate::serve::Server::start(site.root(), &[]);
    let page = server.get("/archives/1/");
    assert_contains!(page.body, "lemma serve: 2000 error(s)");
    assert_contains!(page.body, "… and 1980 more errors in content/a.md");
    // The box used to hold every error with its whole line: 80 MB in every page.
    let error_box = crate::util::between(&page.body, "<div id=\"lemma-errors\"", "</div>");
    assert!(error_box.len() < 64 * 1024, "{} bytes", error_box.len());
}

/// An article as big as a long thesis chapter: `n` identical headings, `n` paragraphs each
/// with a link and a footnote cited twice, and the `n` notes.
fn big_article(n: usize) -> String {
    let mut body = "## Same\n\n".repeat(n);
    for i in 0..n {
        body.push_str(&format!(
            "See [it](/archives/1/) and ![i](/archives/1/)[^n{i}], again[^n{i}].\n\n"
        ));
    }
    for i in 0..n {
        body.push_str(&format!("[^n{i}]: Note {i}, [back](#same).\n"));
    }
    body
}

#[test]
fn a_big_page_of_headings_footnotes_and_links_builds_in_linear_time() {
    // Quadratic passes took minutes here in a debug build; linear ones take about a second.
    let n = 10_000;
    let b = Site::with_article(&big_article(n)).build();
    b.assert_success();
    let page = b.read("archives/1/index.html");
    // Repeated heading ids are numbered as before: `same`, `same-1`, … `same-9999`.
    assert_eq!(page.matches("<h2 id=\"same").count(), n);
    assert_contains!(page, "<h2 id=\"same\">");
    assert_contains!(page, &format!("<h2 id=\"same-{}\">", n - 1));
    assert_eq!(page.matches("class=\"footnote-ref\"").count(), 2 * n);
    assert_contains!(page, &format!("id=\"fn-n{}-ref-2\"", n - 1));
    // Every link of the feed's copy is absolute, each rewritten once.
    let feed = b.read("atom.xml");
    let absolute = |url: &str| feed.matches(&format!("=&quot;{url}&quot;")).count();
    // The content's links and images, and the two in the summary (the first paragraph).
    assert_eq!(absolute("https://x.org/archives/1/"), 2 * n + 2);
    assert_eq!(
        absolute("https://x.org/archives/1/#same"),
        n,
        "in-page links"
    );
    assert_eq!(feed.matches("=&quot;/").count(), 0, "relative URLs left");
}

/// A raw connection to `server` (`http://127.0.0.1:PORT`).
fn connect(server: &crate::serve::Server) -> TcpStream {
    TcpStream::connect(server.origin.trim_start_matches("http://")).unwrap()
}

/// Whether the server closed `stream`: a read ends (or is reset) instead of waiting for data.
fn is_closed(stream: &mut TcpStream, wait: Duration) -> bool {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut byte = [0u8; 1];
    loop {
        match stream.read(&mut byte) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn serve_closes_a_connection_whose_request_never_ends() {
    let site = Site::with_article("Hello.");
    let server = crate::serve::Server::start(site.root(), &["--header-timeout-ms", "500"]);
    // The live-reload stream is a request long answered: it stays open past the timeout.
    let mut events = connect(&server);
    events
        .write_all(b"GET /__lemma/events HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut opening = [0u8; 64];
    events.read_exact(&mut opening).unwrap();
    assert!(opening.starts_with(b"HTTP/1.1 200"));
    // A client that sends half a request line and then nothing held its connection forever.
    let mut slow = connect(&server);
    slow.write_all(b"GET /archives/1/ HT").unwrap();
    assert!(
        is_closed(&mut slow, Duration::from_secs(60)),
        "still open after a minute"
    );
    assert!(!is_closed(&mut events, Duration::from_millis(200)));
    assert_eq!(server.get("/archives/1/").status, 200);
}
