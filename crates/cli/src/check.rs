//! `kubeplay check`: runs workshops' checks and solutions step by step (for authors and their
//! CI), and imports Killercoda scenarios.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use kubeplay_workshop::checker::{check_workshop, import_killercoda, totals, Report};

use crate::fs::WorkshopDir;

/// Whether a folder holds a workshop.
fn is_workshop(dir: &Path) -> bool {
    dir.join("index.json").is_file() || dir.join("index.yaml").is_file()
}

/// The workshops named by PATH: itself if it has an index, else its sub-folders that have one
/// (sorted), so that both `check static/workshops` and `check static/workshops/*` work.
fn workshops(path: &str) -> Result<Vec<PathBuf>> {
    let dir = PathBuf::from(path);
    if !dir.is_dir() {
        bail!("{path}: not a folder");
    }
    if is_workshop(&dir) {
        return Ok(vec![dir]);
    }
    let mut subs: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && is_workshop(p))
        .collect();
    subs.sort();
    if subs.is_empty() {
        bail!("{path}: no index.json or index.yaml, here or in a sub-folder");
    }
    Ok(subs)
}

/// The name a workshop's lines start with: its folder's name.
fn name_of(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

pub fn cmd_check(args: &[String]) -> Result<bool> {
    let mut import = false;
    let mut paths = Vec::new();
    for a in args {
        match a.as_str() {
            "--import" => import = true,
            "-h" | "--help" => {
                print!("{}", crate::USAGE);
                return Ok(true);
            }
            s if s.starts_with("--") => bail!("unknown option {s}\n\n{}", crate::USAGE),
            _ => paths.push(a.clone()),
        }
    }
    if paths.is_empty() {
        bail!("kubeplay check needs a workshop folder\n\n{}", crate::USAGE);
    }
    let (mut passed, mut failed) = (0, 0);
    for path in &paths {
        let dirs = workshops(path)?;
        for dir in dirs {
            let name = name_of(&dir);
            let src = WorkshopDir(dir.clone());
            let loaded = if import {
                import_killercoda(&src).map(|(w, imported)| {
                    for l in imported.lines(&name) {
                        println!("{l}");
                    }
                    w
                })
            } else {
                kubeplay_workshop::load(&src)
            };
            match loaded {
                Ok(w) => {
                    let r: Report = check_workshop(&w, &name);
                    for l in r.lines() {
                        println!("{l}");
                    }
                    passed += r.passed();
                    failed += r.failed();
                }
                Err(e) => {
                    // A workshop that does not load fails as a whole (one failure).
                    println!("FAIL  {name}: {}/{e}", dir.display());
                    failed += 1;
                }
            }
        }
    }
    println!("{}", totals(passed, failed));
    Ok(failed == 0)
}
