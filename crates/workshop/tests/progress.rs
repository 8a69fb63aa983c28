//! Saved progress: what is read back, and what is discarded.

use expect_test::{expect, Expect};
use kubeplay_workshop::Progress;

fn check(json: &str, expect: Expect) {
    let got = match Progress::parse(json) {
        Ok(p) => format!(
            "ok {} step {} seed {} at {} ms, {} commands",
            p.workshop,
            p.step,
            p.seed,
            p.now_ms,
            p.log.len()
        ),
        Err(e) => format!("error: {e}"),
    };
    expect.assert_eq(&got);
}

#[test]
fn parse() {
    let good = r#"{"version":1,"workshop":"kelsey-2016","step":2,"seed":1,"now_ms":90000,
        "log":[{"at_ms":1000,"line":"kubectl create deployment web --image=nginx:1.25"},
               {"at_ms":60000,"line":"kubectl expose deployment web --port=80"}]}"#;
    check(
        good,
        expect!["ok kelsey-2016 step 2 seed 1 at 90000 ms, 2 commands"],
    );
    check(
        &good.replace("\"version\":1", "\"version\":2"),
        expect!["error: saved progress is version 2; this page reads version 1"],
    );
    check(
        r#"{"workshop":"x"}"#,
        expect!["error: saved progress is corrupted: it has no version"],
    );
    check(
        &good[..good.len() - 10],
        expect![
            "error: saved progress is corrupted: EOF while parsing a string at line 3 column 71"
        ],
    );
    check(
        "\u{0}garbage",
        expect!["error: saved progress is corrupted: expected value at line 1 column 1"],
    );
    check(
        &good.replace("\"step\":2", "\"step\":100000"),
        expect!["error: saved progress is corrupted: step 100000"],
    );
    check(
        &good.replace("\"now_ms\":90000", "\"now_ms\":-5"),
        expect!["error: saved progress is corrupted: simulated time -5 ms"],
    );
    check(
        &good.replace("\"at_ms\":60000", "\"at_ms\":500"),
        expect!["error: saved progress is corrupted: command 2 is out of time order"],
    );
    check(
        &good.replace("\"seed\":1", "\"seed\":\"one\""),
        expect![[
            r#"error: saved progress is corrupted: invalid type: string "one", expected u64 at line 1 column 59"#
        ]],
    );
    let huge = format!(
        "{{\"version\":1,\"pad\":\"{}\"}}",
        "x".repeat(9 * 1024 * 1024)
    );
    check(
        &huge,
        expect!["error: saved progress is too large (9437206 bytes, at most 8388608)"],
    );
}

#[test]
fn round_trip() {
    let p =
        Progress::parse(r#"{"version":1,"workshop":"w","step":0,"seed":4,"now_ms":0,"log":[]}"#)
            .unwrap();
    assert_eq!(Progress::parse(&p.to_json()), Ok(p));
}
