//! A throwaway site folder, the `lemma` binary run over it, and assertions on what it produced.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// Asserts that `haystack` contains `needle`, printing the haystack when it does not.
macro_rules! assert_contains {
    ($haystack:expr, $needle:expr $(,)?) => {{
        let (haystack, needle): (&str, &str) = (&$haystack, &$needle);
        assert!(
            haystack.contains(needle),
            "expected to find\n  {needle:?}\nin\n-----\n{haystack}\n-----"
        );
    }};
}

/// Asserts that `haystack` does not contain `needle`, printing the haystack when it does.
macro_rules! assert_not_contains {
    ($haystack:expr, $needle:expr $(,)?) => {{
        let (haystack, needle): (&str, &str) = (&$haystack, &$needle);
        assert!(
            !haystack.contains(needle),
            "expected NOT to find\n  {needle:?}\nin\n-----\n{haystack}\n-----"
        );
    }};
}

/// The `lemma.yaml` every site starts with.
pub const CONFIG: &str = "title: T\nbase_url: https://x.org/\n";

/// An article: `front` is the YAML between the `---` lines, so the body starts on line
/// `front.lines().count() + 3`.
pub fn md(front: &str, body: &str) -> String {
    format!("---\n{front}\n---\n{body}")
}

/// The front matter of the one article most tests need, published at `/archives/1/`.
pub const FRONT_A: &str = "title: A\ndate: 2024-01-01\nid: 1";

/// A site folder in a temporary directory.
pub struct Site {
    dir: TempDir,
}

impl Site {
    pub fn new() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
        }
        .config(CONFIG)
    }

    /// A site with one article, `content/a.md` (front matter [`FRONT_A`]), holding `body`.
    pub fn with_article(body: &str) -> Site {
        Site::new().file("content/a.md", &md(FRONT_A, body))
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Replaces `lemma.yaml`.
    pub fn config(self, yaml: &str) -> Site {
        self.file("lemma.yaml", yaml)
    }

    /// Writes a file of the site (`content/a.md`, `templates/x.html`, `static/a.png`).
    pub fn file(self, path: &str, text: &str) -> Site {
        let target = self.root().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
        self
    }

    /// `lemma build --root <site>`.
    pub fn build(self) -> Build {
        self.build_with(&[])
    }

    /// `lemma build --root <site>` with more arguments (`--drafts`, `--base-url …`).
    pub fn build_with(self, args: &[&str]) -> Build {
        let mut args = args.to_vec();
        args.insert(0, "build");
        self.run(&args)
    }

    /// `lemma <args> --root <site>`: any subcommand (`&["check", "--format", "json"]`).
    pub fn run(self, args: &[&str]) -> Build {
        self.run_env(args, &[])
    }

    /// [`Site::run`] with more environment variables.
    pub fn run_env(self, args: &[&str], env: &[(&str, &str)]) -> Build {
        let output = Command::new(env!("CARGO_BIN_EXE_lemma"))
            .args(args)
            .envs(env.iter().copied())
            .arg("--root")
            .arg(self.root())
            .output()
            .expect("run lemma");
        Build {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            site: self,
        }
    }
}

/// One run of `lemma build` (or another subcommand), owning its site so it can be edited and
/// built again.
pub struct Build {
    pub site: Site,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Build {
    pub fn out(&self) -> PathBuf {
        self.site.root().join("public")
    }

    /// Panics with stderr unless the build exited 0.
    pub fn assert_success(&self) -> &Build {
        assert_eq!(self.code, Some(0), "lemma build failed:\n{}", self.stderr);
        self
    }

    /// Panics unless the build exited with code 1 (content errors).
    pub fn assert_failure(&self) -> &Build {
        assert_eq!(
            self.code,
            Some(1),
            "expected exit code 1; stderr:\n{}",
            self.stderr
        );
        self
    }

    /// Panics unless stderr holds `needle`.
    pub fn assert_stderr(&self, needle: &str) -> &Build {
        assert_contains!(self.stderr, needle);
        self
    }

    /// Lines of stderr that are diagnostics of `kind` (`error` or `warning`) with a position.
    pub fn diagnostics(&self, kind: &str) -> Vec<&str> {
        let marker = format!(": {kind}: ");
        self.stderr
            .lines()
            .filter(|l| l.contains(&marker) && !l.starts_with(&format!("{kind}:")))
            .collect()
    }

    /// Text of an output file, relative to the output folder (`archives/1/index.html`).
    pub fn read(&self, path: &str) -> String {
        let full = self.out().join(path);
        std::fs::read_to_string(&full).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}\nfiles: {:#?}",
                full.display(),
                self.paths()
            )
        })
    }

    pub fn exists(&self, path: &str) -> bool {
        self.out().join(path).exists()
    }

    /// Every output file and its bytes, by `/`-separated path.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let out = self.out();
        walk(&out)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(&out)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect()
    }

    pub fn paths(&self) -> Vec<String> {
        self.files().into_keys().collect()
    }

    /// Every output file that is text (HTML, XML, CSS, txt), by path.
    pub fn texts(&self) -> BTreeMap<String, String> {
        self.files()
            .into_iter()
            .filter_map(|(p, bytes)| String::from_utf8(bytes).ok().map(|t| (p, t)))
            .collect()
    }

    /// Every `.html` output file, by path.
    pub fn html_pages(&self) -> BTreeMap<String, String> {
        self.texts()
            .into_iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .collect()
    }

    /// Gives the site back, to edit it and build again.
    pub fn into_site(self) -> Site {
        self.site
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path))
        } else {
            found.push(path)
        }
    }
    found.sort();
    found
}

/// The text (tags stripped) of the first `<a>` element whose attributes hold `href="{href}"`.
pub fn link_text(html: &str, href: &str) -> Option<String> {
    let attribute = format!(" href=\"{href}\"");
    html.match_indices("<a ").find_map(|(at, _)| {
        let rest = &html[at..];
        let close = rest.find('>')?;
        let inner = &rest[close + 1..];
        rest[..close]
            .contains(&attribute)
            .then(|| strip_tags(&inner[..inner.find("</a>").unwrap_or(0)]))
    })
}

pub fn strip_tags(html: &str) -> String {
    let mut in_tag = false;
    html.chars()
        .filter(|&c| {
            let keep = !in_tag && c != '<' && c != '>';
            in_tag = (in_tag || c == '<') && c != '>';
            keep
        })
        .collect()
}

/// Every value of `attr="…"` in `html`, in order.
pub fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pattern = format!(" {attr}=\"");
    html.match_indices(&pattern)
        .filter_map(|(at, _)| {
            let start = at + pattern.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

/// The part of `html` from the first `start` up to the following `end` (panics if absent).
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in\n{html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Asserts `needles` occur in `haystack` in this order.
pub fn assert_in_order(haystack: &str, needles: &[&str]) {
    let found: Vec<usize> = needles
        .iter()
        .map(|n| {
            haystack
                .find(n)
                .unwrap_or_else(|| panic!("no {n:?} in\n{haystack}"))
        })
        .collect();
    assert!(
        found.windows(2).all(|w| w[0] < w[1]),
        "expected {needles:?} in this order, found at {found:?} in\n{haystack}"
    );
}

/// tests/browser and the Chromium to drive, for the browser tests; `None` (after printing
/// why) when Chromium or one of the npm `packages` in tests/browser/node_modules is missing.
/// Under CI the tests must run: there a missing piece fails the test.
pub fn browser(what: &str, packages: &[&str]) -> Option<(PathBuf, String)> {
    let browser_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("LEMMA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let installed = |package: &&str| browser_dir.join("node_modules").join(package).is_dir();
    let missing = if !packages.iter().all(installed) {
        Some("tests/browser/node_modules is missing (run `npm ci` in tests/browser; .ci/run does)")
    } else if !Path::new(&chromium).exists() {
        Some("no Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does)")
    } else {
        None
    };
    if let Some(reason) = missing {
        if std::env::var_os("CI").is_some() {
            panic!("{what} cannot run in CI: {reason}");
        }
        eprintln!("skipping {what}: {reason}");
        return None;
    }
    Some((browser_dir, chromium))
}

/// `node tests/browser/<script> <args…> <chromium>` with `browser` from [`browser`]: its
/// standard output, or a failure that shows both outputs and `context` (e.g. a server's log).
pub fn run_browser_script(
    browser: &(PathBuf, String),
    script: &str,
    args: &[String],
    context: &str,
) -> String {
    let (browser_dir, chromium) = browser;
    let output = Command::new("node")
        .arg(browser_dir.join(script))
        .args(args)
        .arg(chromium)
        .current_dir(browser_dir)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser test {script} failed\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}\n{context}"
    );
    stdout
}
