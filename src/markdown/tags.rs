//! The cross-link tags of other generators, rewritten as the Markdown links they stand for
//! before pulldown-cmark reads the body, so that they resolve and are checked like any `.md`
//! link: Jekyll's `{% post_url %}` and `{% link %}`, Hexo's `{% post_link %}`,
//! `{% asset_img %}` and `{% asset_link %}`, Hugo's `{{< ref >}}` and `{{< relref >}}`.
//!
//! Any other tag is left as text, with a warning at its place. Tags in code are text. An
//! [`Edits`] maps offsets of the rewritten body back to the author's, so every diagnostic
//! still points at the source.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use super::links::{LinkTargets, join, normalize, parent};

/// Maps offsets of a body with tags rewritten back to the body as written.
#[derive(Debug, Clone, Default)]
pub(super) struct Edits {
    /// Per rewritten tag: (start in the new text, new length, start in the old, old length).
    spans: Vec<(usize, usize, usize, usize)>,
}

impl Edits {
    pub(super) fn to_original(&self, offset: usize) -> usize {
        let index = self.spans.partition_point(|&(start, ..)| start <= offset);
        let Some(&(new_start, new_len, old_start, old_len)) =
            index.checked_sub(1).and_then(|i| self.spans.get(i))
        else {
            return offset;
        };
        if offset < new_start + new_len {
            // Inside a rewritten tag: its start.
            old_start
        } else {
            old_start + old_len + (offset - new_start - new_len)
        }
    }
}

/// A tag that was left as text, at its byte offset in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    pub offset: usize,
    pub message: String,
}

/// The body with its tags rewritten.
pub(super) struct Rewritten<'a> {
    pub text: Cow<'a, str>,
    pub edits: Edits,
    pub problems: Vec<Problem>,
}

/// Rewrites the tags of `body`, the article at content path `current`, as `@/` links.
pub(super) fn rewrite<'a>(body: &'a str, current: &str, targets: &LinkTargets) -> Rewritten<'a> {
    rewrite_as(body, current, targets, false)
}

/// For `lemma import`: the tags of `body` rewritten as relative `.md` links, and those left
/// as text, at their byte offsets in `body`.
pub(crate) fn rewrite_relative(
    body: &str,
    current: &str,
    targets: &LinkTargets,
) -> (String, Vec<(usize, String)>) {
    let rewritten = rewrite_as(body, current, targets, true);
    let problems = rewritten
        .problems
        .into_iter()
        .map(|p| (p.offset, p.message));
    (rewritten.text.into_owned(), problems.collect())
}

fn rewrite_as<'a>(
    body: &'a str,
    current: &str,
    targets: &LinkTargets,
    relative: bool,
) -> Rewritten<'a> {
    let mut rewritten = Rewritten {
        text: Cow::Borrowed(body),
        edits: Edits::default(),
        problems: Vec::new(),
    };
    if !body.contains("{%") && !body.contains("{{<") && !body.contains("{{%") {
        return rewritten;
    }
    let code = code_ranges(body);
    let mut out = String::with_capacity(body.len());
    let mut copied = 0;
    for found in find_tags(body) {
        if code
            .iter()
            .any(|c| c.start <= found.range.start && found.range.start < c.end)
        {
            continue;
        }
        let in_link = body[..found.range.start].trim_end().ends_with("](");
        let context = Context {
            current,
            targets,
            in_link: in_link || relative,
            relative,
        };
        match context.replacement(&found) {
            Ok(replacement) => {
                out.push_str(&body[copied..found.range.start]);
                rewritten.edits.spans.push((
                    out.len(),
                    replacement.len(),
                    found.range.start,
                    found.range.len(),
                ));
                out.push_str(&replacement);
                copied = found.range.end;
            }
            Err(problem) => rewritten.problems.push(Problem {
                offset: found.range.start,
                ..problem
            }),
        }
    }
    if copied > 0 {
        out.push_str(&body[copied..]);
        rewritten.text = Cow::Owned(out);
    }
    rewritten
}

/// Byte ranges of code spans and code blocks, where a tag is text.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(body, super::options()).into_offset_iter() {
        match event {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                if let Some(start) = block_start.take() {
                    ranges.push(start..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

/// One tag as written.
#[derive(Debug)]
struct Found<'a> {
    range: Range<usize>,
    /// `{% … %}` (Jekyll, Hexo), or `{{< … >}}` and `{{% … %}}` (Hugo).
    hugo: bool,
    name: &'a str,
    args: Vec<String>,
}

/// The tags of `body`, in order.
fn find_tags(body: &str) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = body[at..].find('{').map(|i| at + i) {
        let rest = &body[open..];
        let close = if rest.starts_with("{{<") {
            Some((3, ">}}", true))
        } else if rest.starts_with("{{%") {
            Some((3, "%}}", true))
        } else if rest.starts_with("{%") {
            Some((2, "%}", false))
        } else {
            None
        };
        let Some((open_len, closing, hugo)) = close else {
            at = open + 1;
            continue;
        };
        // A tag stays on its line.
        let line_end = rest.find('\n').unwrap_or(rest.len());
        // The closing mark starts after the opening one: `{%}` is no tag.
        let closing_at = rest
            .get(open_len..line_end)
            .and_then(|inside| inside.find(closing));
        let Some(end) = closing_at.map(|at| at + open_len) else {
            at = open + open_len;
            continue;
        };
        let inner = rest[open_len..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let mut words = split_args(inner);
        let name = inner.split_whitespace().next().unwrap_or("");
        if !words.is_empty() {
            words.remove(0);
        }
        found.push(Found {
            range: open..open + end + closing.len(),
            hugo,
            name,
            args: words,
        });
        at = open + end + closing.len();
    }
    found
}

/// Words, with `"…"` and `'…'` each one word without their quotes.
fn split_args(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '\'' {
            chars.next();
            words.push(chars.by_ref().take_while(|&q| q != c).collect());
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek().filter(|c| !c.is_whitespace()) {
                word.push(c);
                chars.next();
            }
            words.push(word);
        }
    }
    words
}

struct Context<'a> {
    current: &'a str,
    targets: &'a LinkTargets,
    /// Whether the tag is the destination of a Markdown link, `[text]({% post_url x %})`.
    in_link: bool,
    /// Links relative to the article (`../2022/fft.md`) instead of `@/` ones.
    relative: bool,
}

fn warning(message: String) -> Problem {
    Problem { offset: 0, message }
}

impl Context<'_> {
    /// The Markdown for a tag, or why it stays as text.
    fn replacement(&self, tag: &Found) -> Result<String, Problem> {
        let first = tag.args.first().map(String::as_str).unwrap_or("");
        let rest = tag.args.get(1..).unwrap_or_default().join(" ");
        match (tag.hugo, tag.name) {
            (false, "post_url") => Ok(self.destination(self.by_name(first))),
            (false, "link") => {
                let path = first.trim_start_matches('/');
                let known = self.targets.articles.contains_key(path);
                let moved = (!known && path.ends_with(".md")).then(|| self.find_by_name(path));
                Ok(self.destination(moved.flatten().unwrap_or(path.to_string())))
            }
            (false, "post_link") => {
                let path = self.by_name(first);
                let title = match rest.is_empty() {
                    true => self
                        .targets
                        .titles
                        .get(&path)
                        .cloned()
                        .unwrap_or(first.into()),
                    false => rest,
                };
                let destination = match self.relative {
                    true => relative_path(self.current, &path),
                    false => format!("@/{path}"),
                };
                Ok(format!("[{}](<{destination}>)", escape_text(&title)))
            }
            (false, "asset_img") => {
                let title = escape_text(&rest);
                Ok(format!("![{title}](<{}>)", self.asset(first)))
            }
            (false, "asset_link") => {
                let title = if rest.is_empty() {
                    first.to_string()
                } else {
                    rest
                };
                Ok(format!(
                    "[{}](<{}>)",
                    escape_text(&title),
                    self.asset(first)
                ))
            }
            (true, "ref" | "relref") => Ok(self.hugo_ref(first)),
            (_, name) => Err(warning(format!(
                "unknown tag `{name}` is left as text (lemma reads post_url, link, post_link, asset_img, asset_link, ref and relref)"
            ))),
        }
    }

    /// A link destination to content path `path` (or to a site file, for `{% link %}` of
    /// something that is not an article).
    fn destination(&self, path: String) -> String {
        let target = if path.to_ascii_lowercase().ends_with(".md") {
            match self.relative {
                true => relative_path(self.current, &path),
                false => format!("@/{path}"),
            }
        } else {
            format!("/{path}")
        };
        if self.in_link {
            format!("<{target}>")
        } else {
            // In HTML or text, the URL itself: it cannot be checked there.
            let url = self.targets.articles.get(&path).map(|t| t.url.clone());
            url.unwrap_or_else(|| format!("{}{}", self.targets.base_path, path))
        }
    }

    /// The content path of the article with file name `name` (Jekyll's dated name, Hexo's
    /// slug), or `name.md` for the link check to report as missing.
    fn by_name(&self, name: &str) -> String {
        self.find_by_name(name)
            .unwrap_or_else(|| format!("{}.md", stem_of(name)))
    }

    fn find_by_name(&self, name: &str) -> Option<String> {
        self.targets.names.get(stem_of(name)).cloned()
    }

    /// Hexo's post asset folder: `a.png` of `_posts/hello.md` is `_posts/hello/a.png`,
    /// relative to the article.
    fn asset(&self, file: &str) -> String {
        format!("{}/{file}", stem_of(self.current))
    }

    /// Hugo's `ref`: relative to the article first, then to `content/`; `.md`, `/index.md`
    /// and `/_index.md` tried in turn, then a file of that name anywhere.
    fn hugo_ref(&self, written: &str) -> String {
        let (path, fragment) = match written.split_once('#') {
            Some((path, fragment)) => (path, format!("#{fragment}")),
            None => (written, String::new()),
        };
        if path.is_empty() {
            return fragment;
        }
        let rooted = normalize(path.trim_start_matches('/'));
        let mut bases = Vec::new();
        if !path.starts_with('/') {
            bases.push(normalize(&join(parent(self.current), path)));
        }
        bases.push(rooted.clone());
        let found = bases.iter().find_map(|base| {
            let base = base.trim_end_matches('/');
            let candidates = [
                base.to_string(),
                format!("{base}.md"),
                format!("{base}/index.md"),
                format!("{base}/_index.md"),
            ];
            candidates
                .into_iter()
                .find(|c| self.targets.articles.contains_key(c) || self.targets.drafts.contains(c))
        });
        let path = found
            .or_else(|| self.find_by_name(&rooted))
            .unwrap_or_else(|| match rooted.ends_with(".md") {
                true => rooted.clone(),
                false => format!("{}.md", rooted.trim_end_matches('/')),
            });
        let destination = self.destination(path);
        match self.in_link {
            true => format!("{}{fragment}>", destination.trim_end_matches('>')),
            false => format!("{destination}{fragment}"),
        }
    }
}

/// `to` as a link from the article at `from`, both content paths: `../2022/fft.md`.
fn relative_path(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = parent(from).split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let shared = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len() - 1);
    let mut parts = vec![".."; from_dirs.len() - shared];
    parts.extend(&to_parts[shared..]);
    parts.join("/")
}

/// The file name of `path` without `.md`.
fn stem_of(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name)
}

/// Text for the inside of `[…]`: brackets and backslashes escaped.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::LinkTarget;

    fn targets() -> LinkTargets {
        let mut targets = LinkTargets {
            base_path: "/".into(),
            ..LinkTargets::default()
        };
        for (index, path) in ["_posts/2022-10-09-fft.md", "posts/intro.md", "hello.md"]
            .into_iter()
            .enumerate()
        {
            let url = format!("/a/{index}/");
            targets
                .articles
                .insert(path.into(), LinkTarget { index, url });
            let stem = path.rsplit('/').next().unwrap().trim_end_matches(".md");
            targets.names.insert(stem.into(), path.into());
        }
        targets.titles.insert("hello.md".into(), "Hello".into());
        targets
    }

    fn rewritten(body: &str, current: &str) -> (String, Vec<Problem>) {
        let r = rewrite(body, current, &targets());
        (r.text.into_owned(), r.problems)
    }

    #[test]
    fn each_generator_s_tags_become_links() {
        let (text, problems) = rewritten(
            "[FFT]({% post_url 2022-10-09-fft %}) and {% post_link hello %} \
             {% asset_img a.png A plot %} [i]({{< ref \"intro.md#x\" >}}) [j]({{< relref \"/posts/intro\" >}})",
            "posts/b.md",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            text,
            "[FFT](<@/_posts/2022-10-09-fft.md>) and [Hello](<@/hello.md>) \
             ![A plot](<b/a.png>) [i](<@/posts/intro.md#x>) [j](<@/posts/intro.md>)"
        );
    }

    #[test]
    fn unknown_tags_and_tags_in_code_stay_text() {
        let body = "{% highlight ruby %}\n\n`{% post_url x %}`\n";
        let (text, problems) = rewritten(body, "a.md");
        assert_eq!(text, body);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].offset, 0);
        assert!(problems[0].message.contains("`highlight`"));
    }

    #[test]
    fn delimiters_that_overlap_are_no_tag() {
        for body in ["{%}", "{{%}}", "{{<>}}", "{%}\n%}", "a {{<", "a {%} b %}"] {
            let (text, _) = rewritten(body, "a.md");
            assert_eq!(text, body);
        }
    }

    #[test]
    fn offsets_after_a_tag_map_back() {
        let body = "[a]({% post_url 2022-10-09-fft %}) tail";
        let r = rewrite(body, "a.md", &targets());
        let tail = r.text.find("tail").unwrap();
        assert_eq!(r.edits.to_original(tail), body.find("tail").unwrap());
        assert_eq!(r.edits.to_original(6), 4);
    }

    #[test]
    fn import_writes_relative_links() {
        let body = "[a]({% post_url 2022-10-09-fft %}) {% post_link hello %} {% foo %}";
        let (text, problems) = rewrite_relative(body, "posts/b.md", &targets());
        assert_eq!(
            text,
            "[a](<../_posts/2022-10-09-fft.md>) [Hello](<../hello.md>) {% foo %}"
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(relative_path("a.md", "b/c.md"), "b/c.md");
        assert_eq!(relative_path("x/y/a.md", "x/c.md"), "../c.md");
    }

    #[test]
    fn a_missing_post_becomes_a_link_the_check_reports() {
        let (text, _) = rewritten("[x]({% post_url 2020-01-01-gone %})", "a.md");
        assert_eq!(text, "[x](<@/2020-01-01-gone.md>)");
    }
}
