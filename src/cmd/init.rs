//! `lemma init DIR`: a new site that builds at once.
//!
//! It writes a commented `lemma.yaml`, one example article, an empty `templates/` (the built-in
//! theme is used until a file there replaces one of its templates) and `static/`. A folder that
//! already holds files is refused unless `--force`, and even then no existing file is ever
//! overwritten: the ones already there are listed as skipped. Hidden entries (`.git`) do not
//! make a folder non-empty, so `git init blog && lemma init blog` works.

use std::io::Write as _;
use std::path::Path;

use chrono::{FixedOffset, Utc};

use super::{CommandError, Outcome};
use crate::cli::InitArgs;

/// The timezone the scaffold's `lemma.yaml` sets, and the example article is dated in.
const TIMEZONE_SECONDS: i32 = 8 * 3600;

const CONFIG: &str = r#"# lemma.yaml: the site's configuration. Any key not listed here is an error.

# The site's title, shown in every page header and in the feed. Required.
title: {title}

# The absolute URL the site is published at. Required. It may carry a path
# (https://example.org/blog/), and every link then stays under it.
# `lemma build --base-url URL` overrides it for preview deployments.
base_url: https://example.org/

# The page language, for <html lang>.
language: zh-CN

# The feed's author and the pages' meta description.
author: ""
description: ""

# Article URLs. Placeholders: {id} {slug} {year} {month} {day}.
# An article without `id` falls back to its slug for {id}.
permalink: /archives/{id}/

# Articles per home page (/, /page/2/, …).
paginate: 10

# How many of the newest articles go into atom.xml.
feed_limit: 20

# The UTC offset of dates written without one (`date: 2024-03-17 10:00`).
timezone: "+08:00"

# Interface strings of the theme; Chinese by default. Uncomment to change any of them.
# ui:
#   read_more: 点击阅读全文...
#   previous: 上一篇
#   next: 下一篇

# Math: TeX macros available in every formula of the site, and what pages carry:
# htmlAndMathml (KaTeX's HTML and MathML), mathml (MathML alone: faster builds, smaller
# pages, shown by the browser with a math font) or html (KaTeX's HTML alone).
math:
  macros:
    "\\R": "\\mathbb{R}"
  output: htmlAndMathml

# Anything else: templates see it as `site.extra`.
extra: {}
"#;

const ARTICLE: &str = r#"---
title: 你好，lemma
date: {date}
id: 1
categories: 随笔
tags: [lemma]
---

这是用 lemma 写的第一篇文章。公式在构建时由 KaTeX 渲染成 HTML，读者的浏览器不必运行任何 JavaScript，例如欧拉恒等式 $e^{i\pi} + 1 = 0$。

<!--more-->

上面的 `<!--more-->` 之前是首页上的摘要，之后是正文。

## 带编号的公式

高斯积分：

\begin{equation}
\int_{-\infty}^{\infty} e^{-x^2}\,dx = \sqrt{\pi} \label{gauss}
\end{equation}

由$\eqref{gauss}$，令 $x = t/\sqrt{2}$ 即得标准正态分布的归一化常数 $\sqrt{2\pi}$。公式按文章自动编号，`\eqref` 会变成指向公式的链接。

`lemma.yaml` 里定义的宏可以在任何公式中使用，例如 $x \in \R^n$。

## 接下来

- `lemma new "文章标题"` 新建一篇草稿；
- `lemma serve` 在本地预览，修改后自动刷新；
- `lemma check` 检查整个站点的错误；
- `lemma build` 把站点生成到 `public/`。
"#;

const TEMPLATES_README: &str = "\
Templates of this site. lemma uses its built-in theme for every page; a file here named like a
built-in template (base.html, article.html, index.html, ...) replaces that one template.
The templates and the variables they see are described in lemma's docs/templates.md.
";

const GITIGNORE: &str = "/public/\n/.lemma-cache/\n";

/// Writes the scaffold into `args.dir`; refuses a file, or a folder with files unless `--force`.
pub(crate) fn run(args: &InitArgs) -> Result<Outcome, CommandError> {
    let dir = &args.dir;
    if dir.exists() && !dir.is_dir() {
        return Err(CommandError::NotAFolder(dir.clone()));
    }
    let entries = visible_entries(dir).map_err(|source| CommandError::Read {
        path: dir.clone(),
        source,
    })?;
    if !entries.is_empty() && !args.force {
        return Err(CommandError::NotEmpty {
            dir: dir.clone(),
            entries,
        });
    }
    let mut created = Vec::new();
    let mut skipped = Vec::new();
    for (path, text) in scaffold(dir) {
        let target = dir.join(&path);
        match write_new(&target, text.as_deref()) {
            Ok(true) => created.push(path),
            Ok(false) => skipped.push(path),
            Err(source) => {
                return Err(CommandError::Write {
                    path: target,
                    source,
                });
            }
        }
    }
    for path in &created {
        println!("created {}", dir.join(path).display());
    }
    for path in &skipped {
        println!("skipped {} (already there)", dir.join(path).display());
    }
    println!(
        "\nNext: cd {} && lemma serve   (edit base_url in lemma.yaml before publishing)",
        dir.display()
    );
    Ok(Outcome::Success)
}

/// Names of the folder's entries that count: everything but hidden ones. A missing folder is
/// empty.
fn visible_entries(dir: &Path) -> std::io::Result<Vec<String>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.retain(|name| !name.starts_with('.'));
    names.sort();
    Ok(names)
}

/// The site's files, relative to its folder; `None` is a folder.
fn scaffold(dir: &Path) -> Vec<(String, Option<String>)> {
    let timezone = FixedOffset::east_opt(TIMEZONE_SECONDS).expect("a valid offset");
    let now = Utc::now().with_timezone(&timezone);
    let title = dir
        .canonicalize()
        .unwrap_or_else(|_| dir.to_path_buf())
        .file_name()
        .map_or_else(|| "lemma".to_string(), |n| n.to_string_lossy().into_owned());
    let title = serde_json::to_string(&title).unwrap_or_else(|_| "\"lemma\"".into());
    let date = now.format("%Y-%m-%d %H:%M:%S%:z").to_string();
    vec![
        (
            "lemma.yaml".into(),
            Some(CONFIG.replacen("{title}", &title, 1)),
        ),
        (
            format!("content/{}/hello.md", now.format("%Y")),
            Some(ARTICLE.replacen("{date}", &date, 1)),
        ),
        ("templates/README.md".into(), Some(TEMPLATES_README.into())),
        ("static".into(), None),
        (".gitignore".into(), Some(GITIGNORE.into())),
    ]
}

/// Creates the file (or folder, for `None`); `Ok(false)` when it already exists.
fn write_new(path: &Path, text: Option<&str>) -> std::io::Result<bool> {
    let Some(text) = text else {
        if path.is_dir() {
            return Ok(false);
        }
        std::fs::create_dir_all(path)?;
        return Ok(true);
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut file) => file.write_all(text.as_bytes()).map(|()| true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}
