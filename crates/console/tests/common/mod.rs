//! What the console's snapshot tests share: a session on the default scenario, and a script's
//! commands with their output as a user sees them (`! ` marks standard error, `[exit N]` a
//! failure).

// Each test binary uses part of this module.
#![allow(dead_code)]

use expect_test::Expect;
use kubeplay_console::{Session, SessionConfig};

pub fn session() -> Session {
    let mut s = Session::new(SessionConfig::default());
    s.load_named_scenario("default").expect("default scenario");
    s
}

pub fn render(outs: &[kubeplay_console::Output]) -> String {
    let mut text = String::new();
    for o in outs {
        text.push_str(&format!("$ {}\n", o.command));
        text.push_str(&o.stdout);
        for l in o.stderr.lines() {
            text.push_str(&format!("! {l}\n"));
        }
        if o.status != 0 {
            text.push_str(&format!("[exit {}]\n", o.status));
        }
    }
    text
}

pub fn check(s: &mut Session, script: &str, want: Expect) {
    want.assert_eq(&render(&s.run(script)));
}
