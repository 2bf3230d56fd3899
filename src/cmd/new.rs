//! `lemma new "标题"`: a new draft article with its front matter filled in.
//!
//! The file goes to `content/YYYY/<slug>.md`, the year and date taken in the site's timezone.
//! The slug is the title in toneless pinyin (`生成扩散模型` → `sheng-cheng-kuo-san-mo-xing`), because
//! file names and URLs made of ASCII survive every tool an archive passes through. The `id` is
//! one more than the largest of the site, drafts included, so two drafts written in a row never
//! share one; a lock file in the cache folder makes several `lemma new` run at once take turns,
//! so they never share one either. An existing file is never overwritten.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use pinyin::ToPinyin;

use super::{CommandError, Outcome};
use crate::cli::NewArgs;
use crate::config::Config;
use crate::content::frontmatter::{self, Located};
use crate::content::{SourceFile, discover};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};

/// The longest slug made from a title, in bytes; longer ones are cut at a word boundary.
const MAX_SLUG: usize = 80;

/// Writes the new draft and prints its path.
pub(crate) fn run(args: &NewArgs) -> Result<Outcome, CommandError> {
    let config = match Config::load(&args.root, None) {
        Ok(config) => config,
        Err(errors) => return Ok(super::content_errors(errors)),
    };
    let slug = args.slug.as_deref().map(checked_slug).transpose()?;
    // Held until the article is written: the next `lemma new` then counts its id.
    let lock_path = crate::config::cache_dir(&config.root).join("new.lock");
    let _lock = lock(&lock_path).map_err(|source| CommandError::Lock {
        path: lock_path,
        source,
    })?;
    let id = match next_id(&config) {
        Ok(id) => id,
        Err(error) => return Ok(super::content_errors(vec![error])),
    };
    let now = Utc::now().with_timezone(&config.timezone);
    let slug = slug
        .or_else(|| Some(pinyin_slug(&args.title)).filter(|s| !s.is_empty()))
        .unwrap_or_else(|| id.to_string());
    let relative = PathBuf::from("content")
        .join(now.format("%Y").to_string())
        .join(format!("{slug}.md"));
    let text = front_matter(args, now, id);
    let shown = if args.root == Path::new(".") {
        relative.clone()
    } else {
        args.root.join(&relative)
    };
    write_new(&config.root.join(&relative), text.as_bytes()).map_err(|source| {
        match source.kind() {
            std::io::ErrorKind::AlreadyExists => CommandError::ArticleExists(shown.clone()),
            _ => CommandError::Write {
                path: shown.clone(),
                source,
            },
        }
    })?;
    println!("{}", shown.display());
    Ok(Outcome::Success)
}

/// Waits for, then holds, the lock at `path` until the returned file is dropped. The lock
/// belongs to the process: one that dies leaves no stale lock behind.
fn lock(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    file.lock()?;
    Ok(file)
}

/// Creates `path` with `text`, failing with `AlreadyExists` rather than replacing a file.
pub(super) fn write_new(path: &Path, text: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text)
}

/// A `--slug` given by hand, as a file name: `x.md` is taken as `x`.
fn checked_slug(slug: &str) -> Result<String, CommandError> {
    let slug = slug.trim();
    let slug = slug.strip_suffix(".md").unwrap_or(slug);
    if slug.is_empty() || slug.starts_with('.') || slug.contains(['/', '\\']) {
        return Err(CommandError::BadSlug(slug.to_string()));
    }
    Ok(slug.to_string())
}

/// The next free id: one more than the largest `id` of any article, drafts included; an
/// error at that article when it already has the largest id there is.
fn next_id(config: &Config) -> Result<u64, Diagnostic> {
    // Problems reading the articles are for `build` and `check` to report.
    let (files, _) = discover(&config.root, &config.content_dir(), &mut Diagnostics::new());
    let largest = files
        .iter()
        .filter_map(|file| Some((article_id(file, config.timezone)?, file)))
        .max_by_key(|(id, _)| id.value);
    let Some((id, file)) = largest else {
        return Ok(1);
    };
    id.value.checked_add(1).ok_or_else(|| {
        let message = format!(
            "id {} is the largest id there can be, so there is no next one for `lemma new`; give this article a smaller id",
            id.value
        );
        Diagnostic::error(&file.path, id.position, message).with_snippet(&file.text)
    })
}

/// The `id` of one article, with its line and column. When its front matter does not parse,
/// a top-level `id:` line still counts, so a broken article never has its id handed out again.
fn article_id(file: &SourceFile, timezone: FixedOffset) -> Option<Located<u64>> {
    match frontmatter::parse(file, timezone, &mut Diagnostics::new()) {
        Some(parsed) => parsed.front.id,
        None => file
            .text
            .lines()
            .enumerate()
            .skip(1)
            .take_while(|(_, line)| line.trim_end() != "---")
            .find_map(|(index, line)| {
                let value = line.strip_prefix("id:")?;
                let column = line.len() - value.trim_start().len() + 1;
                Some(Located {
                    value: value.trim().parse().ok()?,
                    position: Position::new(index + 1, column),
                })
            }),
    }
}

/// A YAML double-quoted scalar: JSON strings are valid YAML.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

fn front_matter(args: &NewArgs, now: DateTime<FixedOffset>, id: u64) -> String {
    let mut yaml = format!(
        "---\ntitle: {}\ndate: {}\nid: {id}\n",
        quoted(args.title.trim()),
        now.format("%Y-%m-%d %H:%M:%S%:z")
    );
    if !args.category.is_empty() {
        let list: Vec<String> = args.category.iter().map(|c| quoted(c)).collect();
        yaml.push_str(&format!("categories: [{}]\n", list.join(", ")));
    }
    if let Some(series) = &args.series {
        yaml.push_str(&format!("series: {}\n", quoted(series)));
    }
    yaml.push_str("draft: true\n---\n\n");
    yaml
}

/// The title in toneless pinyin, one word per character, ASCII words kept, everything else a
/// separator: `生成扩散模型漫谈（一）：DDPM` → `sheng-cheng-kuo-san-mo-xing-man-tan-yi-ddpm`.
/// Empty when the title has neither Chinese characters nor ASCII letters and digits.
pub(crate) fn pinyin_slug(title: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut ascii = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            ascii.push(c.to_ascii_lowercase());
            continue;
        }
        if !ascii.is_empty() {
            words.push(std::mem::take(&mut ascii));
        }
        if let Some(pinyin) = c.to_pinyin() {
            // `ü` (绿 lü) is written `v`, as pinyin keyboards do.
            words.push(pinyin.plain().replace('ü', "v"));
        }
    }
    if !ascii.is_empty() {
        words.push(ascii);
    }
    let mut slug = String::new();
    for word in words {
        if !slug.is_empty() && slug.len() + 1 + word.len() > MAX_SLUG {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_title_becomes_pinyin_words() {
        assert_eq!(pinyin_slug("生成扩散模型"), "sheng-cheng-kuo-san-mo-xing");
    }

    #[test]
    fn ascii_words_and_punctuation() {
        assert_eq!(
            pinyin_slug("生成扩散模型漫谈（一）：DDPM = 拆楼 + 建楼"),
            "sheng-cheng-kuo-san-mo-xing-man-tan-yi-ddpm-chai-lou-jian-lou"
        );
        assert_eq!(pinyin_slug("Adam 的 epsilon"), "adam-de-epsilon");
    }

    #[test]
    fn umlaut_is_written_v_and_the_slug_is_ascii() {
        let slug = pinyin_slug("绿色");
        assert_eq!(slug, "lv-se");
    }

    #[test]
    fn nothing_to_transliterate_is_empty() {
        assert_eq!(pinyin_slug("（？！）"), "");
        assert_eq!(pinyin_slug("αβγ"), "");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let slug = pinyin_slug(&"数学".repeat(40));
        assert!(slug.len() <= MAX_SLUG, "{slug}");
        assert!(slug.ends_with("shu") || slug.ends_with("xue"), "{slug}");
    }

    #[test]
    fn hand_given_slugs_must_be_file_names() {
        assert_eq!(checked_slug("ddpm.md").unwrap(), "ddpm");
        assert!(checked_slug("a/b").is_err());
        assert!(checked_slug(".hidden").is_err());
        assert!(checked_slug("").is_err());
    }

    #[test]
    fn broken_front_matter_still_gives_its_id() {
        let file = SourceFile::new(
            "content/a.md".into(),
            "a.md".into(),
            "---\ntitle: [unclosed\nid: 41\n---\n".into(),
        );
        let id = article_id(&file, FixedOffset::east_opt(0).unwrap()).unwrap();
        assert_eq!((id.value, id.position.line, id.position.column), (41, 3, 5));
    }
}
