//! `kubectl version`: the client is kubectl 1.37.1 (as the fixtures record it), the server the
//! playground's simulated API server.

use super::{parse_flags, wants_help};
use crate::doc::Doc;
use crate::flags::{flag, short, FlagKind};
use crate::{Io, Session};

pub const CLIENT_VERSION: &str = "v1.37.1";
pub const KUSTOMIZE_VERSION: &str = "v5.8.1";
/// The version the simulated API server reports.
pub const SERVER_VERSION: &str = "v1.37.1";

fn client_doc() -> Doc {
    Doc::map()
        .with("major", Doc::str("1"))
        .with("minor", Doc::str("37"))
        .with("gitVersion", Doc::str(CLIENT_VERSION))
        .with(
            "gitCommit",
            Doc::str("f78e722310e50bcaca9276be22276d9e91d91308"),
        )
        .with("gitTreeState", Doc::str("clean"))
        .with("buildDate", Doc::str("2026-09-23T17:10:04Z"))
        .with("goVersion", Doc::str("go1.26.8"))
        .with("compiler", Doc::str("gc"))
        .with("platform", Doc::str("linux/amd64"))
}

fn server_doc() -> Doc {
    Doc::map()
        .with("major", Doc::str("1"))
        .with("minor", Doc::str("37"))
        .with("emulationMajor", Doc::str("1"))
        .with("emulationMinor", Doc::str("37"))
        .with("minCompatibilityMajor", Doc::str("1"))
        .with("minCompatibilityMinor", Doc::str("36"))
        .with("gitVersion", Doc::str(SERVER_VERSION))
        .with("gitCommit", Doc::str("kubeplay"))
        .with("gitTreeState", Doc::str("clean"))
        .with("buildDate", Doc::str("2026-01-01T00:00:00Z"))
        .with("goVersion", Doc::str("go1.26.8"))
        .with("compiler", Doc::str("gc"))
        .with("platform", Doc::str("wasm/kubeplay"))
}

/// The API server's `/version` document (`kubectl get --raw /version`), indented as the server
/// sends it.
pub fn server_json_pretty() -> String {
    server_doc().to_json_indent("  ")
}

pub fn run(_s: &mut Session, args: &[String], io: &mut Io) -> i32 {
    let flags = [
        flag("client", FlagKind::Bool),
        short("output", 'o', FlagKind::String),
    ];
    let p = match parse_flags(io, "version", &flags, args) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if wants_help(&p, "version", io) {
        return 0;
    }
    let client_only = p.bool("client");
    match p.get("output").unwrap_or("") {
        "" => {
            io.println(format!("Client Version: {CLIENT_VERSION}"));
            io.println(format!("Kustomize Version: {KUSTOMIZE_VERSION}"));
            if !client_only {
                io.println(format!("Server Version: {SERVER_VERSION}"));
            }
        }
        o @ ("json" | "yaml") => {
            let mut d = Doc::map()
                .with("clientVersion", client_doc())
                .with("kustomizeVersion", Doc::str(KUSTOMIZE_VERSION));
            if !client_only {
                d.push("serverVersion", server_doc());
            }
            if o == "json" {
                io.out.push_str(&d.to_json_indent("  "));
            } else {
                io.out.push_str(&crate::yaml::to_yaml(&d));
                io.out.push('\n');
            }
        }
        _ => return io.error("--output must be 'yaml' or 'json'"),
    }
    0
}
