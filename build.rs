//! Embeds the default theme (`templates/`) and assets (`static/`) so the binary works alone.
//! The list is generated from the folders, never kept by hand.

use std::fmt::Write as _;
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
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
