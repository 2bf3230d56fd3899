//! `lemma serve`: the real binary on a free loopback port, talked to over real HTTP.
//!
//! Each test starts a server on its own site, edits files like an author would, and polls
//! until the change shows (rebuilds are asynchronous: a watcher, a debounce, a rebuild).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::util::{Site, browser, md};

/// How long a change may take to show before a test fails (debug builds, a busy machine).
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `lemma serve`, stopped when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a path.
    pub origin: String,
    /// The URL it printed: the site's home page.
    pub url: String,
    stderr: Arc<Mutex<Vec<String>>>,
    agent: ureq::Agent,
}

impl Server {
    /// `lemma serve --root <root> <args>`, on a port the system chooses unless `args` name one.
    pub fn start(root: &Path, args: &[&str]) -> Server {
        Server::start_env(root, args, &[])
    }

    /// [`Server::start`] with more environment variables.
    pub fn start_env(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut args = args.to_vec();
        if !args.contains(&"--port") {
            args.extend(["--port", "0"]);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_lemma"))
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run lemma serve");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (found, url) = mpsc::channel();
        let lines = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
        let log = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("serving ") {
                    let _ = found.send(rest.split_whitespace().next().unwrap_or("").to_string());
                }
                log.lock().unwrap().push(line);
            }
        });
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        let mut server = Server {
            child,
            origin: String::new(),
            url: String::new(),
            stderr,
            agent,
        };
        match url.recv_timeout(Duration::from_secs(120)) {
            Ok(url) => server.url = url,
            Err(_) => panic!("lemma serve did not start:\n{}", server.log()),
        }
        let after_scheme = server.url.find("://").unwrap() + 3;
        let path_start = server.url[after_scheme..].find('/').unwrap() + after_scheme;
        server.origin = server.url[..path_start].to_string();
        server
    }

    /// `node tests/browser/<script> <args…> <chromium>` against this server (see
    /// [`crate::util::browser`]): its output, or a failure showing it and the server's log.
    pub fn in_browser(&self, browser: &(PathBuf, String), script: &str, args: &[String]) -> String {
        let context = format!("--- server:\n{}", self.log());
        crate::util::run_browser_script(browser, script, args, &context)
    }

    /// What the server printed so far.
    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// The server's log once it holds `needle`: the log is read on another thread, and under
    /// load it can lag behind what the server already serves.
    pub fn log_with(&self, needle: &str) -> String {
        let start = std::time::Instant::now();
        loop {
            let log = self.log();
            if log.contains(needle) || start.elapsed() > PATIENCE {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// GET `path` (from the host root): status, Content-Type, body.
    pub fn get(&self, path: &str) -> Response {
        let url = format!("{}{path}", self.origin);
        let mut response = self
            .agent
            .get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}\n{}", self.log()));
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let (content_type, location) = (header("content-type"), header("location"));
        let pending = header("x-lemma-pending");
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Response {
            status,
            content_type,
            location,
            pending,
            body,
        }
    }

    /// Polls `path` until `done` holds; panics with the last response after [`PATIENCE`].
    pub fn wait_for(&self, path: &str, what: &str, done: impl Fn(&Response) -> bool) -> Response {
        let started = Instant::now();
        loop {
            let response = self.get(path);
            if done(&response) {
                return response;
            }
            if started.elapsed() > PATIENCE {
                panic!(
                    "waited {PATIENCE:?} for {what} at {path}; last answer {}:\n{}\n--- server log:\n{}",
                    response.status,
                    response.body,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The status line of a request sent byte for byte as given (no client normalizes it).
    pub fn raw(&self, request: &str) -> String {
        let address = self.origin.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer).into_owned();
        answer.lines().next().unwrap_or("").to_string()
    }

    /// The status code of `GET {path}` sent as is.
    pub fn raw_get(&self, path: &str) -> u16 {
        let line = self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        ));
        line.split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status for {path:?}: {line:?}"))
    }
}

impl Server {
    /// Sends Ctrl-C (SIGINT) and waits for the process to end: its exit status.
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        let signal = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(signal.success(), "kill -INT failed");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for lemma serve") {
                return status;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "lemma serve did not stop at Ctrl-C\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub location: String,
    /// How many pages the server has still to render (`0` once a cold start is done).
    pub pending: String,
    pub body: String,
}

impl Response {
    fn has_errors(&self) -> bool {
        self.body.contains("id=\"lemma-errors\"")
    }
}

/// Writes a file of the site, as an editor saving it would.
fn write(root: &Path, path: &str, text: &str) {
    let target = root.join(path);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(target, text).unwrap();
}

fn article(id: u32, title: &str, body: &str) -> String {
    md(
        &format!("title: {title}\ndate: 2024-01-0{id}\nid: {id}"),
        body,
    )
}

fn simple_site() -> Site {
    Site::new()
        .file("content/one.md", &article(1, "One", "First version.\n"))
        .file("content/two.md", &article(2, "Two", "Second article.\n"))
}

#[test]
fn an_edit_shows_up_and_the_site_is_never_written_to_disk() {
    let site = simple_site();
    let server = Server::start(site.root(), &[]);
    let page = server.get("/archives/1/");
    assert_eq!(page.status, 200);
    assert_contains!(page.body, "First version.");
    assert_contains!(
        page.body,
        "<script src=\"/__lemma/livereload.js\"></script>"
    );
    write(
        site.root(),
        "content/one.md",
        &article(1, "One", "Second version.\n"),
    );
    let page = server.wait_for("/archives/1/", "the edit", |r| {
        r.body.contains("Second version.")
    });
    assert_not_contains!(page.body, "First version.");
    // The listing shows the new excerpt too, and the other article is untouched.
    server.wait_for("/", "the new excerpt", |r| {
        r.body.contains("Second version.")
    });
    assert_contains!(server.get("/archives/2/").body, "Second article.");
    assert!(!site.root().join("public").exists(), "serve wrote public/");
}

#[test]
fn pages_that_change_get_a_reload_event() {
    let site = simple_site();
    let server = Server::start(site.root(), &[]);
    let url = format!("{}/__lemma/events", server.origin);
    let response = ureq::get(&url).call().expect("event stream");
    assert_contains!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let (lines_tx, lines) = mpsc::channel();
    let reader = BufReader::new(response.into_body().into_reader());
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    // The stream opens with a comment, so the client knows it is live before any edit.
    assert_eq!(lines.recv_timeout(PATIENCE).unwrap(), ": lemma");
    write(
        site.root(),
        "content/two.md",
        &article(2, "Two", "Edited.\n"),
    );
    let started = Instant::now();
    let mut event = Vec::new();
    while started.elapsed() < PATIENCE {
        let Ok(line) = lines.recv_timeout(PATIENCE) else {
            break;
        };
        if line.is_empty() && event.iter().any(|l: &String| l == "event: reload") {
            break;
        }
        if line.starts_with("event:") || line.starts_with("data:") {
            event.push(line);
        }
    }
    assert!(
        event.contains(&"event: reload".to_string()),
        "{event:?}\n{}",
        server.log()
    );
    assert!(
        event.contains(&"data: /archives/2/".to_string()),
        "{event:?}"
    );
    assert!(
        !event.contains(&"data: *".to_string()),
        "a text edit must not reload every page: {event:?}"
    );
}

#[test]
fn drafts_and_future_articles_are_shown_and_marked() {
    let site = simple_site()
        .file(
            "content/draft.md",
            &md(
                "title: Unfinished\ndate: 2024-02-01\nid: 3\ndraft: true",
                "Draft text.\n",
            ),
        )
        .file(
            "content/future.md",
            &md("title: Later\ndate: 2999-01-01\nid: 4", "Future text.\n"),
        );
    let server = Server::start(site.root(), &[]);
    for path in ["/archives/3/", "/archives/4/"] {
        let page = server.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert_contains!(page.body, "<span class=\"draft\">");
    }
    let published = server.get("/archives/1/");
    assert_not_contains!(published.body, "<span class=\"draft\">");
    let home = server.get("/");
    assert_contains!(home.body, "Unfinished</a> <span class=\"draft\">");
    assert_contains!(home.body, "Later</a> <span class=\"draft\">");
    drop(server);

    let server = Server::start(site.root(), &["--no-drafts"]);
    assert_eq!(server.get("/archives/3/").status, 404);
    assert_not_contains!(server.get("/").body, "Unfinished");
}

#[test]
fn a_broken_formula_shows_an_error_box_then_recovers() {
    let site = simple_site().file(
        "content/math.md",
        &article(5, "Math", "Good $a^2$ here.\n\nMore text.\n"),
    );
    let server = Server::start(site.root(), &[]);
    assert!(!server.get("/archives/5/").has_errors());
    let broken = article(5, "Math", "Good $\\frac{a}$ here.\n\nMore text.\n");
    write(site.root(), "content/math.md", &broken);
    let page = server.wait_for("/archives/5/", "the error box", Response::has_errors);
    // The box names the place as `path:line:col: error: message`; the body line is line 6.
    assert_contains!(page.body, "content/math.md:6:6: error: KaTeX:");
    // Every page shows it, and every other page keeps being served.
    let other = server.get("/archives/1/");
    assert_eq!(other.status, 200);
    assert!(other.has_errors());
    assert_contains!(other.body, "First version.");
    assert!(server.get("/nope/").has_errors());
    assert_contains!(
        server.log_with("content/math.md:6:6: error: KaTeX:"),
        "content/math.md:6:6: error: KaTeX:"
    );
    write(
        site.root(),
        "content/math.md",
        &article(5, "Math", "Fixed $b^2$ here.\n"),
    );
    let page = server.wait_for("/archives/5/", "the fix", |r| !r.has_errors());
    assert_contains!(page.body, "Fixed");
    assert!(!server.get("/archives/1/").has_errors());
}

#[test]
fn bad_front_matter_keeps_the_last_good_page() {
    let site = simple_site();
    let server = Server::start(site.root(), &[]);
    write(
        site.root(),
        "content/one.md",
        "---\ntitle: [unclosed\n---\nBroken.\n",
    );
    let page = server.wait_for("/archives/1/", "the error box", Response::has_errors);
    assert_eq!(page.status, 200);
    assert_contains!(page.body, "First version.");
    assert_contains!(page.body, "content/one.md:2:");
    write(
        site.root(),
        "content/one.md",
        &article(1, "One", "Third version.\n"),
    );
    let page = server.wait_for("/archives/1/", "the fix", |r| !r.has_errors());
    assert_contains!(page.body, "Third version.");
}

#[test]
fn articles_come_and_go() {
    let site = simple_site();
    let server = Server::start(site.root(), &[]);
    assert_eq!(server.get("/archives/9/").status, 404);
    write(
        site.root(),
        "content/2024/new.md",
        &article(9, "Newcomer", "Hello.\n"),
    );
    server.wait_for("/archives/9/", "the new article", |r| r.status == 200);
    server.wait_for("/", "the listing", |r| r.body.contains("Newcomer"));
    std::fs::remove_file(site.root().join("content/2024/new.md")).unwrap();
    server.wait_for("/archives/9/", "the removal", |r| r.status == 404);
    // A folder moved away takes its articles along.
    write(
        site.root(),
        "content/2024/new.md",
        &article(9, "Newcomer", "Hello.\n"),
    );
    server.wait_for("/archives/9/", "the new article", |r| r.status == 200);
    std::fs::rename(
        site.root().join("content/2024"),
        site.root().join("elsewhere"),
    )
    .unwrap();
    server.wait_for("/archives/9/", "the folder's removal", |r| r.status == 404);
}

#[test]
fn templates_static_files_and_config_are_watched() {
    let site = simple_site()
        .file("static/extra.css", "a { color: red }")
        .file(
            "templates/article.html",
            "{% extends \"base.html\" %}{% block content %}<p>v1</p>{{ article.content_html | safe }}{% endblock content %}",
        );
    let server = Server::start(site.root(), &[]);
    assert_contains!(server.get("/archives/1/").body, "<p>v1</p>");
    write(
        site.root(),
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}<p>v2</p>{{ article.content_html | safe }}{% endblock content %}",
    );
    server.wait_for("/archives/2/", "the template edit", |r| {
        r.body.contains("<p>v2</p>")
    });
    write(site.root(), "static/extra.css", "a { color: blue }");
    server.wait_for("/extra.css", "the static edit", |r| r.body.contains("blue"));
    // A template error is shown, and the pages stay as they were.
    write(
        site.root(),
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}{{ oops( }}{% endblock content %}",
    );
    let page = server.wait_for("/archives/1/", "the template error", Response::has_errors);
    assert_contains!(page.body, "<p>v2</p>");
    assert_contains!(page.body, "templates/article.html:1:");
    std::fs::remove_file(site.root().join("templates/article.html")).unwrap();
    server.wait_for("/archives/1/", "the built-in template", |r| {
        !r.has_errors() && !r.body.contains("<p>v2</p>") && r.body.contains("First version.")
    });
    // The config: a new title everywhere; a broken config is an error and changes nothing.
    write(
        site.root(),
        "lemma.yaml",
        "title: Renamed\nbase_url: https://x.org/\n",
    );
    server.wait_for("/archives/2/", "the new title", |r| {
        r.body.contains("Renamed")
    });
    write(
        site.root(),
        "lemma.yaml",
        "title: Renamed\nbase_url: https://x.org/\npaginte: 3\n",
    );
    let page = server.wait_for("/", "the config error", Response::has_errors);
    assert_contains!(page.body, "lemma.yaml:3:");
    assert_contains!(page.body, "Renamed");
}

#[test]
fn the_subpath_of_base_url_is_kept() {
    let site = simple_site().config("title: T\nbase_url: https://x.org/blog/\n");
    let server = Server::start(site.root(), &[]);
    assert!(server.url.ends_with("/blog/"), "{}", server.url);
    let root = server.get("/");
    assert_eq!(root.status, 302);
    assert_eq!(root.location, "/blog/");
    assert_eq!(server.get("/blog").location, "/blog/");
    let home = server.get("/blog/");
    assert_eq!(home.status, 200);
    assert_contains!(home.body, "href=\"/blog/archives/1/\"");
    assert_contains!(home.body, "href=\"/blog/style.css\"");
    assert_contains!(
        home.body,
        &format!("<link rel=\"canonical\" href=\"{}/blog/\">", server.origin)
    );
    assert_eq!(server.get("/blog/archives/1/").status, 200);
    assert_eq!(server.get("/blog/style.css").status, 200);
    assert_eq!(server.get("/archives/1/").status, 404);
}

#[test]
fn files_get_their_content_type_and_folders_their_index() {
    let site = simple_site()
        .file(
            "static/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .file("static/app.js", "console.log(1)")
        .file("content/fig.png", "png");
    let server = Server::start(site.root(), &[]);
    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/archives/1/index.html", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/logo.svg", "image/svg+xml; charset=utf-8"),
        ("/fig.png", "image/png"),
        ("/katex/fonts/KaTeX_Main-Regular.woff2", "font/woff2"),
        ("/katex/fonts/KaTeX_Main-Regular.woff", "font/woff"),
        ("/katex/fonts/KaTeX_Main-Regular.ttf", "font/ttf"),
        ("/atom.xml", "text/xml; charset=utf-8"),
        ("/sitemap.xml", "text/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/__lemma/livereload.js", "text/javascript; charset=utf-8"),
    ];
    for (path, content_type) in cases {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.content_type, content_type, "{path}");
    }
    let folder = server.get("/archives/1");
    assert_eq!(
        (folder.status, folder.location.as_str()),
        (302, "/archives/1/")
    );
    let head = server.raw("HEAD /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(head, "HTTP/1.1 200 OK");
}

#[test]
fn missing_pages_get_the_sites_404_page() {
    let server = Server::start(simple_site().root(), &[]);
    let response = server.get("/no/such/page/");
    assert_eq!(response.status, 404);
    assert_eq!(response.content_type, "text/html; charset=utf-8");
    assert_contains!(response.body, "页面不存在");
    assert_eq!(server.get("/no-such-file.png").status, 404);
}

#[test]
fn nothing_outside_the_site_can_be_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "SECRET").unwrap();
    let site = simple_site().file("static/ok.txt", "fine");
    let link = |from: &Path, name: &str| {
        #[cfg(unix)]
        std::os::unix::fs::symlink(from, site.root().join(name)).unwrap();
    };
    link(&outside.path().join("secret.txt"), "static/leak.txt");
    link(outside.path(), "static/outside");
    link(&outside.path().join("secret.txt"), "content/leak.png");
    let server = Server::start(site.root(), &[]);
    assert_eq!(server.get("/ok.txt").body, "fine");
    for path in ["/leak.txt", "/outside/secret.txt", "/leak.png"] {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}");
        assert_not_contains!(response.body, "SECRET");
    }
    for path in [
        "/../Cargo.toml",
        "/../../../../etc/passwd",
        "/archives/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/Cargo.toml",
        "/.%2e/etc/passwd",
        "/%2F..%2Fetc%2Fpasswd",
        "/archives%2F..%2F..%2Fetc%2Fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/./style.css",
        "/%ff%fe",
        "/a%00b",
    ] {
        assert_eq!(server.raw_get(path), 400, "{path}");
    }
    // Malformed requests get a 4xx, and the server goes on.
    for request in [
        "GARBAGE\r\n\r\n",
        "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
    ] {
        let status = server.raw(request);
        assert!(status.starts_with("HTTP/1.1 4"), "{request:?} → {status:?}");
    }
    let post =
        server.raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert_eq!(post, "HTTP/1.1 405 Method Not Allowed");
    assert_eq!(server.get("/archives/1/").status, 200);
}

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = simple_site();
    let server = Server::start(site.root(), &["--port", &port.to_string()]);
    assert!(
        !server.origin.ends_with(&format!(":{port}")),
        "{} should not use the taken port {port}",
        server.origin
    );
    assert_eq!(server.get("/").status, 200);
}

/// The end-to-end test: headless Chromium opens an article, the file is edited, and the page
/// reloads by itself with the new text and its scroll position (tests/browser/).
#[test]
fn a_browser_reloads_the_edited_page() {
    let Some(browser) = browser("the browser test", &["playwright-core"]) else {
        return;
    };
    let long_body: String = (1..=80)
        .map(|i| format!("Paragraph {i} of a long derivation, $x_{{{i}}}$.\n\n"))
        .collect();
    let site = simple_site().file(
        "content/long.md",
        &article(7, "Long", &format!("{long_body}The end: before.\n")),
    );
    let server = Server::start(site.root(), &[]);
    let file = site.root().join("content/long.md");
    let stdout = server.in_browser(
        &browser,
        "live-reload.mjs",
        &[
            format!("{}/archives/7/", server.origin),
            file.display().to_string(),
        ],
    );
    assert_contains!(stdout, "reloaded with the new text");
    eprintln!("{}", stdout.trim());
}

/// Article `id` of a site of 24 that take seconds of KaTeX in the background: 20 display
/// formulas, none shared with another article.
fn formula_article(id: u32, opening: &str) -> String {
    let formulas: String = (0..20)
        .map(|k| format!("$$\\sum_{{i=0}}^{{{k}}} a_{{{id}}} x^{{{k}}}$$\n\n"))
        .collect();
    md(
        &format!("title: A{id}\ndate: 2024-01-{id:02}\nid: {id}"),
        &format!("{opening}\n\n{formulas}Closing.\n"),
    )
}

/// Ctrl-C in the middle of a cold start's background work: the formulas rendered so far
/// (at least the first page's) are in the disk cache when `serve` has stopped, so the next
/// run does not render them again.
#[test]
fn ctrl_c_saves_the_formulas_rendered_so_far() {
    let site = (1..=24).fold(Site::new(), |site, id| {
        site.file(
            &format!("content/a{id:02}.md"),
            &formula_article(id, "Opening."),
        )
    });
    let mut server = Server::start(site.root(), &[]);
    let first = server.get("/archives/24/");
    assert_eq!(first.status, 200);
    assert_ne!(
        first.pending,
        "0",
        "the background work had ended\n{}",
        server.log()
    );
    let status = server.interrupt();
    assert!(status.success(), "{status:?}\n{}", server.log());
    assert_contains!(server.log(), "stopping: saving the rendered formulas");
    let build = site.build();
    build.assert_success();
    let from_cache: usize = build
        .stderr
        .split(" from cache")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(from_cache >= 20, "{}", build.stderr);
}

/// A cold start (no formula cache): the page asked for comes first, with its formulas, while
/// the other articles' formulas are still being rendered, and an edit made meanwhile is kept.
#[test]
fn a_cold_start_answers_the_first_page_before_the_background_work_ends() {
    let article = formula_article;
    let mut site = Site::new();
    for id in 1..=24 {
        site = site.file(&format!("content/a{id:02}.md"), &article(id, "Opening."));
    }
    let server = Server::start(site.root(), &["--no-cache"]);
    let first = server.get("/archives/24/");
    assert_eq!(first.status, 200);
    let displays = |r: &Response| r.body.matches("class=\"katex-display\"").count();
    assert_eq!(displays(&first), 20, "{}", first.body);
    assert_ne!(
        first.pending,
        "0",
        "the first page came after the background work\n{}",
        server.log()
    );
    // The oldest article is rendered last: this edit comes while it waits.
    write(
        site.root(),
        "content/a01.md",
        &article(1, "Edited opening."),
    );
    server.wait_for("/archives/1/", "the edit", |r| {
        r.body.contains("Edited opening.")
    });
    let started = Instant::now();
    while !server.log().contains("formulas done: ") {
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "the background work never ended\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = server.log();
    assert!(
        log.lines()
            .any(|l| l.starts_with("formulas ") && l.contains(" / 480, about ")),
        "no progress line\n{log}"
    );
    let last = server.get("/archives/1/");
    assert_eq!(last.pending, "0");
    assert_contains!(last.body, "Edited opening.");
    assert_eq!(displays(&last), 20);
    assert_serves_a_fresh_build(&server, site.root(), "after a cold start");
}

/// The pages of `lemma build --drafts --base-url <server>` of the site as it is now, compared
/// with what the server serves: the same site but for the live-reload script.
fn assert_serves_a_fresh_build(server: &Server, root: &Path, step: &str) {
    let out = tempfile::tempdir().unwrap();
    let build = Command::new(env!("CARGO_BIN_EXE_lemma"))
        .args(["build", "--drafts", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out.path())
        .args(["--base-url", &format!("{}/", server.origin)])
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{step}: build failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(out.path()) {
        let entry = entry.unwrap();
        let path = entry
            .path()
            .strip_prefix(out.path())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text_page = [".html", ".xml", ".txt"].iter().any(|e| path.ends_with(e));
        if !entry.file_type().is_file() || !text_page {
            continue;
        }
        let built = std::fs::read_to_string(entry.path()).unwrap();
        let url = format!("/{}", path.strip_suffix("index.html").unwrap_or(&path));
        let served = server.get(&url);
        let served = served
            .body
            .replace("\n<script src=\"/__lemma/livereload.js\"></script>", "");
        assert!(
            served == built,
            "{step}: {url} differs from a fresh build\n--- served:\n{served}\n--- built:\n{built}"
        );
        compared += 1;
    }
    assert!(compared > 10, "{step}: only {compared} pages");
}

#[test]
fn incremental_rebuilds_serve_what_a_full_build_makes() {
    let a = |tags: &str, first: &str| {
        md(
            &format!(
                "title: Alpha\ndate: 2024-01-01\nid: 1\ntags: [{tags}]\ncategories: [c1]\nseries: S"
            ),
            &format!(
                "{first} $x$.\n\n$$\\begin{{equation}}E=mc^2\\label{{e1}}\\end{{equation}}$$\n\nBy \\eqref{{e1}}, see [Beta](b.md).\n"
            ),
        )
    };
    let b = |title: &str| {
        md(
            &format!(
                "title: {title}\ndate: 2024-01-02\nid: 2\ntags: [t1]\nseries: S\nsummary: A *summary*.\naliases: [/old-b/]"
            ),
            "Beta body with $y^2$.\n",
        )
    };
    let c = |tags: &str, rest: &str| {
        md(
            &format!("title: Gamma\ndate: 2024-01-03\nid: 3\ncategories: [c1]\ntags: [{tags}]"),
            &format!("Intro.\n\n<!--more-->\n\n{rest}\n"),
        )
    };
    let e = |date: &str| {
        md(
            &format!("title: Epsilon\ndate: {date}\nid: 5\ntags: [t2]"),
            "Epsilon.\n",
        )
    };
    let site = Site::new()
        .config("title: T\nbase_url: https://x.org/\npaginate: 2\n")
        .file("content/a.md", &a("t1, t2", "First"))
        .file("content/b.md", &b("Beta"))
        .file("content/c.md", &c("t1", "Rest."))
        .file(
            "content/d.md",
            &md(
                "title: Delta\ndate: 2024-01-04\nid: 4\ndraft: true",
                "Draft.\n",
            ),
        )
        .file("content/e.md", &e("2024-01-05"));
    let root = site.root();
    let server = Server::start(root, &[]);
    assert_serves_a_fresh_build(&server, root, "start");

    let steps: [(&str, &str, String, &str, &str); 6] = [
        (
            "text after <!--more-->",
            "content/c.md",
            c("t1", "Rest, edited."),
            "/archives/3/",
            "Rest, edited.",
        ),
        (
            "the excerpt",
            "content/a.md",
            a("t1, t2", "Premier"),
            "/page/3/",
            "Premier",
        ),
        (
            "a title",
            "content/b.md",
            b("Beta Two"),
            "/archives/1/",
            "Beta Two",
        ),
        (
            "a date that reorders",
            "content/e.md",
            e("2023-12-01"),
            "/archives/",
            "2023",
        ),
        (
            "a tag left",
            "content/a.md",
            a("t1", "Premier"),
            "/tags/t2/",
            "Epsilon",
        ),
        (
            "a new tag",
            "content/c.md",
            c("t1, fresh", "Rest, edited."),
            "/tags/fresh/",
            "Gamma",
        ),
    ];
    for (step, file, text, page, needle) in steps {
        write(root, file, &text);
        server.wait_for(page, step, |r| r.status == 200 && r.body.contains(needle));
        if step == "a tag left" {
            server.wait_for(page, step, |r| !r.body.contains("Alpha"));
        }
        assert_serves_a_fresh_build(&server, root, step);
    }
}
