//! `kubectl api-resources`: the kinds the playground serves, as the discovery API lists them.

use kubeplay_api::RESOURCES;

use super::{parse_flags, wants_help};
use crate::flags::{flag, short, FlagKind};
use crate::tabwriter::TabWriter;
use crate::{Io, Session};

pub fn run(_s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        short("output", 'o', FlagKind::String),
        flag("namespaced", FlagKind::Bool),
        flag("api-group", FlagKind::String),
        flag("verbs", FlagKind::StringSlice),
        flag("no-headers", FlagKind::Bool),
        flag("sort-by", FlagKind::String),
        flag("cached", FlagKind::Bool),
        flag("categories", FlagKind::StringSlice),
    ];
    let p = match parse_flags(io, "api-resources", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "api-resources", io) {
        return 0;
    }
    let output = p.get("output").unwrap_or("");
    if !["", "wide", "name"].contains(&output) {
        return io.error(format!("--output {output} is not available"));
    }
    let mut rows: Vec<_> = RESOURCES
        .iter()
        .filter(|r| match p.get("namespaced") {
            Some(v) => (v == "true") == r.namespaced,
            None => true,
        })
        .filter(|r| match p.get("api-group") {
            Some(g) => r.api_version.split_once('/').map(|(g, _)| g).unwrap_or("") == g,
            None => true,
        })
        .collect();
    if p.get("sort-by") == Some("name") {
        rows.sort_by_key(|r| r.plural);
    }
    if output == "name" {
        for r in rows {
            io.println(r.kind.qualified_plural());
        }
        return 0;
    }
    let mut text = String::new();
    if !p.bool("no-headers") {
        text.push_str("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND");
        if output == "wide" {
            text.push_str("\tVERBS\tCATEGORIES");
        }
        text.push('\n');
    }
    for r in rows {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}",
            r.plural,
            r.short_names.join(","),
            r.api_version,
            r.namespaced,
            r.kind.name()
        ));
        if output == "wide" {
            let cats = if kubeplay_api::ALL_CATEGORY.contains(&r.kind) {
                "all"
            } else {
                ""
            };
            text.push_str(&format!("\t[{}]\t{cats}", r.verbs.replace(',', " ")));
        }
        text.push('\n');
    }
    io.out.push_str(&TabWriter::table().format(&text));
    0
}
