//! Embeds the default theme (`templates/`) and assets (`static/`) so the binary works alone.
//! The list is generated from the folders, never kept by hand. Also names this build of lemma
//! by its sources (`LEMMA_BUILD_ID`): an output page is kept only when the lemma that made it
//! would make the same bytes.

use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root);
    let mut code = String::new();
    for (folder, name, kind) in [
        ("templates", "TEMPLATES", "str"),
        ("static", "STATIC_FILES", "[u8]"),
    ] {
        let dir = root.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let _ = writeln!(code, "pub(crate) static {name}: &[(&str, &{kind})] = &[");
        let mut files: Vec<_> = walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .collect();
        files.sort_by(|a, b| a.path().cmp(b.path()));
        for entry in files {
            println!("cargo:rerun-if-changed={}", entry.path().display());
            let relative = entry
                .path()
                .strip_prefix(&dir)
                .expect("walked below dir")
                .to_string_lossy()
                .replace('\\', "/");
            let include = if kind == "str" {
                "include_str!"
            } else {
                "include_bytes!"
            };
            let _ = writeln!(
                code,
                "    ({relative:?}, {include}({:?})),",
                entry.path().display().to_string()
            );
        }
        code.push_str("];\n");
    }
    println!("cargo:rustc-env=LEMMA_BUILD_ID={}", build_id(root));
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

/// A hash of the version and of every source file: a page assembled by another build of lemma
/// is not reused, as the code that assembles pages may have changed. The embedded theme and
/// assets need no part here: they reach the pages through their rendered output, which each
/// page's recipe holds.
fn build_id(root: &Path) -> String {
    let src = root.join("src");
    println!("cargo:rerun-if-changed={}", src.display());
    let mut hasher = DefaultHasher::new();
    std::env::var("CARGO_PKG_VERSION")
        .unwrap_or_default()
        .hash(&mut hasher);
    let mut files: Vec<_> = walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for path in files {
        path.strip_prefix(&src)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/")
            .hash(&mut hasher);
        std::fs::read(&path).unwrap_or_default().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}
