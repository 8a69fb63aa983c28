//! Compiles the built-in workshops (static/workshops/) into the app, so that they open at once,
//! offline and from the single HTML file: writes `$OUT_DIR/builtin_workshops.rs`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    // The manifest directory of this build, read when the script runs: `env!` would bake in the
    // directory the script was compiled in, and a script reused from another checkout (same
    // target directory) then read that checkout's workshops, or none once it was gone.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("../static/workshops");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    // The app opens on a built-in workshop: a build without them is broken, not smaller.
    assert!(
        files.iter().any(|(rel, _)| rel == "catalog.json"),
        "no static/workshops/catalog.json under {}",
        root.display()
    );
    let mut out = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={}", abs.display());
        let _ = writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_workshops.rs");
    std::fs::write(dest, out).expect("write builtin_workshops.rs");
}

/// Every text file below `dir`, as (path relative to `root` with `/`, absolute path).
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, out);
        } else if matches!(
            path.extension().and_then(|x| x.to_str()),
            Some("json" | "yaml" | "yml" | "md" | "sh" | "txt")
        ) {
            if let Ok(rel) = path.strip_prefix(root) {
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, path.canonicalize().unwrap_or(path.clone())));
            }
        }
    }
}
