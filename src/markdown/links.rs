//! Where a link in an article points, and what must exist for it not to dangle.
//!
//! Links to article files (`../2023/faq.md#小结`, `@/2023/faq.md`) become the article's URL.
//! Root-relative URLs get the site's base path, so a site deployed under `/blog/` works.
//! Whether the target exists is only known once every page is rendered, so this module returns
//! [`LinkCheck`]s that the pipeline verifies at the end.

use std::collections::{BTreeMap, BTreeSet};

use percent_encoding::percent_decode_str;

use crate::diagnostics::Position;

/// The articles a link can point to.
#[derive(Debug, Clone, Default)]
pub(crate) struct LinkTargets {
    /// The site's base path, `/` or `/blog/`.
    pub base_path: String,
    /// Content path (`2023/a.md`) → the article there.
    pub articles: BTreeMap<String, LinkTarget>,
    /// Content paths of drafts left out of this build.
    pub drafts: BTreeSet<String>,
    /// File name without `.md` → content path, for the tags that name a post by its file
    /// (`{% post_url 2022-10-09-fft %}`); the first in path order when several share a name.
    pub names: BTreeMap<String, String>,
    /// Content path → the `title:` of its front matter, for `{% post_link %}`.
    pub titles: BTreeMap<String, String>,
}

/// An article a link can point to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkTarget {
    /// Its place in the build's list of articles.
    pub index: usize,
    /// Its URL path: `/blog/archives/1/`.
    pub url: String,
}

/// Something a link needs that only the finished site can confirm, and where the link is:
/// its position, and its byte offset in the file for the snippet of a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LinkCheck {
    /// An element id in an article's page.
    Anchor {
        article: usize,
        fragment: String,
        position: Position,
        offset: usize,
    },
    /// Another article as a whole: nothing to confirm, but the link counts for backlinks.
    Article { article: usize },
    /// A file of the output, relative to the site root (`images/a.png`, `archives/1/`).
    Path {
        path: String,
        position: Position,
        offset: usize,
    },
}

/// A link to another site, listed by `lemma check` and never fetched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct ExternalLink {
    /// The article, relative to the site root: `content/2023/a.md`.
    pub path: String,
    /// Serialized as the `line` and `column` fields of the link.
    #[serde(flatten)]
    pub position: Position,
    pub url: String,
}

/// Whether `dest` is a web URL of another site: `http(s)://…` or protocol-relative `//…`.
pub(super) fn is_external(dest: &str) -> bool {
    let lower = dest.get(..8).unwrap_or(dest).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || dest.starts_with("//")
}

/// What to do with one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Resolution {
    /// Leave the URL as written (external, mail, empty).
    Keep,
    /// Use this URL, and confirm the target once the site is built.
    Rewrite { url: String, check: Option<Target> },
    /// The link cannot work; the message says why.
    Broken(String),
}

/// A target to confirm, without its source position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Anchor { article: usize, fragment: String },
    Article(usize),
    Path(String),
}

impl Target {
    /// The check for a link at `position`, byte `offset` of its file.
    pub(super) fn at(self, position: Position, offset: usize) -> LinkCheck {
        match self {
            Target::Anchor { article, fragment } => LinkCheck::Anchor {
                article,
                fragment,
                position,
                offset,
            },
            Target::Article(article) => LinkCheck::Article { article },
            Target::Path(path) => LinkCheck::Path {
                path,
                position,
                offset,
            },
        }
    }
}

fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// Resolves `dest`, written in the article at content path `current`.
pub(super) fn resolve(dest: &str, current: &str, targets: &LinkTargets) -> Resolution {
    if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
        return Resolution::Keep;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let decoded_fragment = fragment.map(|f| percent_decode_str(f).decode_utf8_lossy().into_owned());
    if path.is_empty() {
        let Some(LinkTarget { index: article, .. }) = targets.articles.get(current) else {
            return Resolution::Keep;
        };
        let check = decoded_fragment
            .filter(|f| !f.is_empty())
            .map(|fragment| Target::Anchor {
                article: *article,
                fragment,
            });
        return Resolution::Rewrite {
            url: dest.to_string(),
            check,
        };
    }
    let decoded_path = percent_decode_str(path).decode_utf8_lossy().into_owned();
    let content_path = if let Some(rooted) = decoded_path.strip_prefix("@/") {
        Some(normalize(rooted))
    } else if decoded_path.to_ascii_lowercase().ends_with(".md") && !decoded_path.starts_with('/') {
        Some(normalize(&join(parent(current), &decoded_path)))
    } else {
        None
    };
    if let Some(content_path) = content_path {
        return resolve_article(&content_path, fragment, decoded_fragment, targets);
    }
    let site_path = if let Some(rooted) = decoded_path.strip_prefix('/') {
        normalize(rooted)
    } else {
        normalize(&join(parent(current), &decoded_path))
    };
    let suffix = &dest[path.len()..];
    let url = format!("{}{}{}", targets.base_path, site_path, suffix);
    Resolution::Rewrite {
        url,
        check: Some(Target::Path(site_path)),
    }
}

fn resolve_article(
    content_path: &str,
    raw_fragment: Option<&str>,
    fragment: Option<String>,
    targets: &LinkTargets,
) -> Resolution {
    let Some(LinkTarget {
        index: article,
        url,
    }) = targets.articles.get(content_path)
    else {
        if targets.drafts.contains(content_path) {
            return Resolution::Broken(format!(
                "link to draft `{content_path}`, which is not published (build with --drafts to include drafts)"
            ));
        }
        return Resolution::Broken(format!("link to missing article `{content_path}`"));
    };
    let url = match raw_fragment {
        Some(f) => format!("{url}#{f}"),
        None => url.clone(),
    };
    let check = match fragment.filter(|f| !f.is_empty()) {
        Some(fragment) => Target::Anchor {
            article: *article,
            fragment,
        },
        None => Target::Article(*article),
    };
    Resolution::Rewrite {
        url,
        check: Some(check),
    }
}

pub(super) fn parent(content_path: &str) -> &str {
    content_path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

pub(super) fn join(dir: &str, relative: &str) -> String {
    if dir.is_empty() {
        relative.to_string()
    } else {
        format!("{dir}/{relative}")
    }
}

/// Folds `.` and `..` segments; `..` above the root stays at the root.
pub(super) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets() -> LinkTargets {
        let mut targets = LinkTargets {
            base_path: "/blog/".into(),
            ..Default::default()
        };
        for (index, (path, url)) in [
            ("2022/faq.md", "/blog/archives/1/"),
            ("2023/new.md", "/blog/archives/2/"),
        ]
        .into_iter()
        .enumerate()
        {
            let url = url.to_string();
            targets
                .articles
                .insert(path.into(), LinkTarget { index, url });
        }
        targets.drafts.insert("2023/draft.md".into());
        targets
    }

    #[test]
    fn relative_article_link_keeps_its_fragment() {
        let r = resolve("../2022/faq.md#小结", "2023/new.md", &targets());
        let expected_check = Some(Target::Anchor {
            article: 0,
            fragment: "小结".into(),
        });
        assert_eq!(
            r,
            Resolution::Rewrite {
                url: "/blog/archives/1/#小结".into(),
                check: expected_check
            }
        );
    }

    #[test]
    fn root_relative_article_link() {
        let r = resolve("@/2022/faq.md", "2023/new.md", &targets());
        assert_eq!(
            r,
            Resolution::Rewrite {
                url: "/blog/archives/1/".into(),
                check: Some(Target::Article(0))
            }
        );
    }

    #[test]
    fn percent_encoded_fragment_is_checked_decoded() {
        let r = resolve("faq.md#%E5%B0%8F%E7%BB%93", "2022/x.md", &targets());
        let Resolution::Rewrite {
            check: Some(Target::Anchor { fragment, .. }),
            ..
        } = r
        else {
            panic!("{r:?}")
        };
        assert_eq!(fragment, "小结");
    }

    #[test]
    fn missing_and_draft_articles_are_broken() {
        assert!(
            matches!(resolve("nope.md", "2023/new.md", &targets()), Resolution::Broken(m) if m.contains("2023/nope.md"))
        );
        assert!(
            matches!(resolve("draft.md", "2023/new.md", &targets()), Resolution::Broken(m) if m.contains("draft"))
        );
    }

    #[test]
    fn root_relative_urls_get_the_base_path() {
        let r = resolve("/images/a.png", "2023/new.md", &targets());
        assert_eq!(
            r,
            Resolution::Rewrite {
                url: "/blog/images/a.png".into(),
                check: Some(Target::Path("images/a.png".into()))
            }
        );
    }

    #[test]
    fn relative_assets_resolve_beside_the_article() {
        let r = resolve("./img/p.png", "2023/new.md", &targets());
        assert_eq!(
            r,
            Resolution::Rewrite {
                url: "/blog/2023/img/p.png".into(),
                check: Some(Target::Path("2023/img/p.png".into()))
            }
        );
    }

    #[test]
    fn external_links_are_kept() {
        for url in ["https://x.org/a.md", "mailto:a@b", "//cdn.x/y", ""] {
            assert_eq!(resolve(url, "a.md", &targets()), Resolution::Keep);
        }
    }

    #[test]
    fn only_web_urls_are_external() {
        for url in ["https://x.org/a", "HTTP://x.org", "//cdn.x/y"] {
            assert!(is_external(url), "{url}");
        }
        for url in ["mailto:a@b", "/images/a.png", "a.md", "", "#x", "httpx://y"] {
            assert!(!is_external(url), "{url}");
        }
    }

    #[test]
    fn fragment_only_links_check_this_article() {
        let r = resolve("#derivation", "2023/new.md", &targets());
        assert_eq!(
            r,
            Resolution::Rewrite {
                url: "#derivation".into(),
                check: Some(Target::Anchor {
                    article: 1,
                    fragment: "derivation".into()
                })
            }
        );
    }
}
