//! The shell's language and tools, table by table: each case is a script run on a fresh shell
//! with an in-memory host, and the snapshot shows what it printed (`! ` marks standard error)
//! and its exit status.

use std::collections::BTreeMap;

use expect_test::{expect, Expect};
use kubeplay_shell::{Host, Io, Shell};

/// Files in memory, and one host command, `args`, that prints its arguments one per line in
/// brackets (to show word splitting) and its standard input if given.
#[derive(Default)]
struct MemHost {
    files: BTreeMap<String, String>,
}

impl Host for MemHost {
    fn run(&mut self, argv: &[String], io: &mut Io, _top_level: bool) -> Option<i32> {
        match argv.first().map(String::as_str) {
            Some("args") => {
                for a in &argv[1..] {
                    io.out.push_str(&format!("[{a}]\n"));
                }
                if let Some(s) = io.stdin.take() {
                    io.out.push_str(&format!("stdin: {s:?}\n"));
                }
                Some(0)
            }
            Some("pods") => {
                io.out.push_str(PODS);
                Some(0)
            }
            _ => None,
        }
    }
    fn read_file(&self, path: &str) -> Result<String, String> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| "No such file or directory".to_string())
    }
    fn write_file(&mut self, path: &str, contents: &str, append: bool) -> Result<(), String> {
        let f = self.files.entry(path.to_string()).or_default();
        if !append {
            f.clear();
        }
        f.push_str(contents);
        Ok(())
    }
}

const PODS: &str = r#"{"items":[{"metadata":{"name":"web-1","labels":{"app":"web"}},"status":{"phase":"Running"}},{"metadata":{"name":"web-2","labels":{"app":"web"}},"status":{"phase":"Pending"}},{"metadata":{"name":"db-0","labels":{"app":"db"}},"status":{"phase":"Running"}}]}"#;

fn render(script: &str) -> String {
    let mut host = MemHost::default();
    host.files
        .insert("names.txt".into(), "web-1\nweb-2\ndb-0\nweb-1\n".into());
    let mut sh = Shell::default();
    let out = sh.run_script(&mut host, script);
    let mut text = out.stdout.clone();
    for l in out.stderr.lines() {
        text.push_str(&format!("! {l}\n"));
    }
    text.push_str(&format!("[exit {}]", out.status));
    text
}

fn check(script: &str, want: Expect) {
    want.assert_eq(&render(script));
}

#[test]
fn words_and_quoting() {
    check(
        "echo a   b 'c  d' \"e  f\" g\\ h",
        expect!["a b c  d e  f g h\n[exit 0]"],
    );
    check(
        "args '' \"\" x''y",
        expect![[r#"
        []
        []
        [xy]
        [exit 0]"#]],
    );
    check(
        "echo 'it''s' \"say \\\"hi\\\" \\$HOME\"",
        expect![[r#"
        its say "hi" $HOME
        [exit 0]"#]],
    );
    check("echo a \\\n  b # comment", expect!["a b\n[exit 0]"]);
    check("echo $'a\\tb'", expect!["a\tb\n[exit 0]"]);
    check(
        "echo 'open",
        expect![[r#"
        ! unexpected EOF while looking for matching `''
        [exit 2]"#]],
    );
}

#[test]
fn variables_and_expansion() {
    check(
        "X=1; Y=\"a b\"; args $X $Y \"$Y\" ${X}z",
        expect![[r#"
        [1]
        [a]
        [b]
        [a b]
        [1z]
        [exit 0]"#]],
    );
    check(
        "echo ${U:-default} ${U-unset} ${E:-empty} ${E-set}. ${#Y}",
        expect!["default unset empty set. 0\n[exit 0]"],
    );
    check(
        "E=; echo \"[${E:-empty}] [${E-x}]\"",
        expect!["[empty] []\n[exit 0]"],
    );
    check(
        "echo ${A:=assigned}; echo $A ${A:+alt} ${B:+alt}.",
        expect![[r#"
        assigned
        assigned alt .
        [exit 0]"#]],
    );
    check(
        "P=web-7c9f-abcde; echo ${P%-*} ${P%%-*} ${P#*-} ${P##*-}",
        expect!["web-7c9f web 7c9f-abcde abcde\n[exit 0]"],
    );
    check(
        "false; echo $?; true; echo $?",
        expect![[r#"
        1
        0
        [exit 0]"#]],
    );
    check(
        "echo $((1 + 2 * 3)) $(( (7 - 1) / 4 )) $((10 % 4))",
        expect!["7 1 2\n[exit 0]"],
    );
    check("N=4; echo $((N * 2)) $(($N+1))", expect!["8 5\n[exit 0]"]);
    check(
        "echo $((1 / 0))",
        expect![[r#"
        ! 1 / 0: division by 0 (error token is "0")
        [exit 1]"#]],
    );
    check(
        "export K=v; echo $K; unset K; echo \"[$K]\"",
        expect![[r#"
        v
        []
        [exit 0]"#]],
    );
    check(
        "echo ${U:?is required}",
        expect![[r#"
        ! U: is required
        [exit 1]"#]],
    );
}

#[test]
fn command_substitution() {
    check(
        "N=$(echo  hello  world); echo \"[$N]\"; args $(echo a b)",
        expect![[r#"
        [hello world]
        [a]
        [b]
        [exit 0]"#]],
    );
    check(
        "echo \"$(printf 'x\\n\\n\\n')\"end",
        expect!["xend\n[exit 0]"],
    );
    check(
        "echo `echo back` $(echo $(echo nested))",
        expect!["back nested\n[exit 0]"],
    );
    check(
        "X=outer; Y=$(X=inner; echo $X); echo $X $Y",
        expect!["outer inner\n[exit 0]"],
    );
    check("X=$(false); echo $?", expect!["1\n[exit 0]"]);
    check(
        "echo $(nope) after",
        expect![[r#"
        after
        ! nope: command not found
        [exit 0]"#]],
    );
}

#[test]
fn lists_and_conditions() {
    check(
        "true && echo yes || echo no; false && echo yes || echo no",
        expect![[r#"
        yes
        no
        [exit 0]"#]],
    );
    check("! false && echo negated", expect!["negated\n[exit 0]"]);
    check(
        "X=3\nif [ $X -gt 5 ]; then echo big\nelif [ $X -gt 2 ]; then\n  echo medium\nelse echo small; fi",
        expect!["medium\n[exit 0]"],
    );
    check("if false; then echo x; fi; echo $?", expect!["0\n[exit 0]"]);
    check(
        "for i in 1 2 3; do echo -n \"$i \"; done; echo",
        expect!["1 2 3 \n[exit 0]"],
    );
    check(
        "for p in $(echo a b); do\n  echo pod/$p\ndone",
        expect![[r#"
        pod/a
        pod/b
        [exit 0]"#]],
    );
    check(
        "i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i",
        expect!["3\n[exit 0]"],
    );
    check(
        "i=0; until [ $i -ge 2 ]; do echo $i; i=$((i+1)); done",
        expect![[r#"
        0
        1
        [exit 0]"#]],
    );
    check(
        "for i in 1 2 3 4; do [ $i = 3 ] && break; [ $i = 1 ] && continue; echo $i; done",
        expect!["2\n[exit 0]"],
    );
    check("{ echo a; echo b; } | wc -l", expect!["2\n[exit 0]"]);
    check(
        "X=1; (X=2; echo $X); echo $X",
        expect![[r#"
        2
        1
        [exit 0]"#]],
    );
    check(
        "if true; then",
        expect![[r#"
        ! syntax error: unexpected end of file
        [exit 2]"#]],
    );
    check(
        "fi",
        expect![[r#"
        ! syntax error near unexpected token `fi'
        [exit 2]"#]],
    );
    // Found by the token-soup property: a lone `&` in `[[ ]]` once looped for ever.
    check(
        "[[ & ]]",
        expect![[r#"
        ! syntax error near unexpected token `&'
        [exit 2]"#]],
    );
    check(
        "echo a &",
        expect![[r#"
        ! syntax error: background jobs (`&`) are not supported in this console
        [exit 2]"#]],
    );
}

#[test]
fn test_and_brackets() {
    for (script, want) in [
        ("[ a = a ]", 0),
        ("[ a != a ]", 1),
        ("[ -z '' ]", 0),
        ("[ -n '' ]", 1),
        ("[ 3 -eq 3 ]", 0),
        ("[ 10 -lt 9 ]", 1),
        ("test 2 -ge 2 -a x = x", 0),
        ("[ ! -n x ]", 1),
        ("[ -f names.txt ]", 0),
        ("[ -f nope ]", 1),
        ("[[ web-1 == web-* ]]", 0),
        ("[[ web-1 == \"web-*\" ]]", 1),
        ("[[ abc =~ ^a.c$ && 1 -lt 2 ]]", 0),
        ("[[ -z \"\" || x == y ]]", 0),
        ("[ \"\" -eq 3 ]", 2),
    ] {
        let got = render(script);
        assert!(got.ends_with(&format!("[exit {want}]")), "{script}: {got}");
    }
    check(
        "[ \"\" -eq 3 ]",
        expect![[r#"
        ! [: : integer expression expected
        [exit 2]"#]],
    );
    check(
        "[ a = a",
        expect![[r#"
        ! [: missing `]'
        [exit 2]"#]],
    );
}

#[test]
fn exit_and_set_e() {
    check("echo a; exit 3; echo b", expect!["a\n[exit 3]"]);
    check("if true; then exit 4; fi; echo no", expect!["[exit 4]"]);
    check(
        "set -e; false || true; echo still; false; echo never",
        expect!["still\n[exit 1]"],
    );
    check(
        "set -e; if false; then :; fi; false && true; echo here",
        expect!["here\n[exit 0]"],
    );
    check(
        "set -x; echo traced",
        expect![[r#"
        traced
        ! + echo traced
        [exit 0]"#]],
    );
    check(
        "set -o pipefail; false | true; echo $?",
        expect!["1\n[exit 0]"],
    );
    check(
        "set -u; echo $NOPE",
        expect![[r#"
        ! NOPE: unbound variable
        [exit 1]"#]],
    );
}

#[test]
fn redirections_and_heredocs() {
    check(
        "echo one > f; echo two >> f; cat f; wc -l < f",
        expect![[r#"
        one
        two
        2
        [exit 0]"#]],
    );
    check("nope 2>/dev/null; echo $?", expect!["127\n[exit 0]"]);
    check("nope 2>&1 | grep -c found", expect!["1\n[exit 0]"]);
    check(
        "echo hidden >/dev/null; echo err >&2",
        expect![[r#"
        ! err
        [exit 0]"#]],
    );
    check(
        "nope &>/dev/null || echo failed",
        expect!["failed\n[exit 0]"],
    );
    check(
        "cat < missing",
        expect![[r#"
        ! missing: No such file or directory
        [exit 1]"#]],
    );
    check(
        "N=web\ncat <<EOF\nname: $N\nliteral: \\$N `echo cmd`\nEOF",
        expect![[r#"
        name: web
        literal: $N cmd
        [exit 0]"#]],
    );
    check(
        "cat <<'EOF'\nname: $N\nEOF",
        expect![[r#"
        name: $N
        [exit 0]"#]],
    );
    check(
        "cat <<-EOF\n\tindented\n\tEOF\necho after",
        expect![[r#"
        indented
        after
        [exit 0]"#]],
    );
    check(
        "args <<A; args <<B\na\nA\nb\nB",
        expect![[r#"
        stdin: "a\n"
        stdin: "b\n"
        [exit 0]"#]],
    );
    check("grep -c x <<< 'x y x'", expect!["1\n[exit 0]"]);
}

#[test]
fn text_tools() {
    check(
        "grep web names.txt; grep -c web names.txt; grep -v web names.txt",
        expect![[r#"
        web-1
        web-2
        web-1
        3
        db-0
        [exit 0]"#]],
    );
    check(
        "grep -q db names.txt && echo found; grep -q nope names.txt; echo $?",
        expect![[r#"
        found
        1
        [exit 0]"#]],
    );
    check(
        "echo 'Running Pending running' | grep -o -i running",
        expect![[r#"
        Running
        running
        [exit 0]"#]],
    );
    check(
        "printf 'a1\\nb22\\nab\\n' | grep -E '[0-9]+$'; printf 'web\\nwebapp\\n' | grep -w web",
        expect![[r#"
        a1
        b22
        web
        [exit 0]"#]],
    );
    check(
        "printf 'x.y\\nxzy\\n' | grep -F x.y; printf 'a\\nb\\n' | grep -e a -e b | wc -l",
        expect![[r#"
        x.y
        2
        [exit 0]"#]],
    );
    check(
        "grep '[' names.txt",
        expect![[r#"
        ! grep: Invalid regular expression
        [exit 2]"#]],
    );
    check(
        "wc -l names.txt; cat names.txt | wc -l; echo 'a b c' | wc -w; echo abc | wc -c",
        expect![[r#"
        4 names.txt
        4
        3
        4
        [exit 0]"#]],
    );
    check(
        "head -n 2 names.txt; tail -1 names.txt; seq 5 | tail -n +4; seq 4 | head -n -3",
        expect![[r#"
        web-1
        web-2
        web-1
        4
        5
        1
        [exit 0]"#]],
    );
    check(
        "sort names.txt | uniq -c; sort -u names.txt | sort -r",
        expect![[r#"
              1 db-0
              2 web-1
              1 web-2
        web-2
        web-1
        db-0
        [exit 0]"#]],
    );
    check(
        "printf '10 b\\n9 a\\n100 c\\n' | sort -n; printf 'x:3\\ny:1\\n' | sort -t: -k2 -n",
        expect![[r#"
        9 a
        10 b
        100 c
        y:1
        x:3
        [exit 0]"#]],
    );
    check("sort names.txt | uniq -d", expect!["web-1\n[exit 0]"]);
    check(
        "echo 'a:b:c' | cut -d: -f2; echo 'a:b:c' | cut -d: -f1,3; echo hello | cut -c2-4",
        expect![[r#"
        b
        a:c
        ell
        [exit 0]"#]],
    );
    check("echo Hello | tr a-z A-Z; echo 'a  b' | tr -s ' '; echo abc | tr -d b; echo 'a b' | tr ' ' '\\n'", expect![[r#"
        HELLO
        a b
        ac
        a
        b
        [exit 0]"#]]);
    check(
        "echo 'NAME READY\nweb 1/1' | awk '{print $1}'; echo 'a:b' | awk -F: '{print $2, $1}'",
        expect![[r#"
        NAME
        web
        b a
        [exit 0]"#]],
    );
    check(
        "seq 3 | xargs echo; echo 'a b' | xargs -n 1 args",
        expect![[r#"
        1 2 3
        [a]
        [b]
        [exit 0]"#]],
    );
    check(
        "echo -n aGVsbG8= | base64 -d; echo; echo -n hello | base64",
        expect![[r#"
        hello
        aGVsbG8=
        [exit 0]"#]],
    );
    check(
        "printf '%s=%d|%5s|%-3s|\\n' a 7 r l; printf '%s\\n' x y",
        expect![[r#"
        a=7|    r|l  |
        x
        y
        [exit 0]"#]],
    );
    check(
        "echo -e 'a\\tb\\nc'; echo -n no-newline",
        expect![[r#"
        a	b
        c
        no-newline[exit 0]"#]],
    );
    check(
        "echo x | tee t.txt | wc -l; cat t.txt",
        expect![[r#"
        1
        x
        [exit 0]"#]],
    );
}

#[test]
fn jq() {
    check(
        "pods | jq -r '.items[].metadata.name'",
        expect![[r#"
        web-1
        web-2
        db-0
        [exit 0]"#]],
    );
    check("pods | jq '.items | length'; pods | jq -c '[.items[] | select(.status.phase == \"Running\") | .metadata.name]'", expect![[r#"
        3
        ["web-1","db-0"]
        [exit 0]"#]]);
    check(
        "pods | jq '.items[0].metadata'",
        expect![[r#"
        {
          "name": "web-1",
          "labels": {
            "app": "web"
          }
        }
        [exit 0]"#]],
    );
    check("pods | jq -r '.items[] | select(.metadata.name | test(\"^web-\")) | .status.phase' | sort | uniq -c", expect![[r#"
              1 Pending
              1 Running
        [exit 0]"#]]);
    check("pods | jq -r '.items[0].metadata.labels | keys[]'; pods | jq '.items[0] | has(\"status\")'", expect![[r#"
        app
        true
        [exit 0]"#]]);
    check(
        "pods | jq -r '[.items[].metadata.name] | map(ascii_upcase) | join(\",\")'",
        expect![[r#"
        WEB-1,WEB-2,DB-0
        [exit 0]"#]],
    );
    check("echo '{\"a\":null}' | jq -e .a; echo $?; echo '{\"a\":1}' | jq -e .a >/dev/null && echo truthy", expect![[r#"
        null
        1
        truthy
        [exit 0]"#]]);
    check(
        "jq -n --arg n web '{name: $n}' -c",
        expect![[r#"
        {"name":"web"}
        [exit 0]"#]],
    );
    check(
        "echo '{\"a\":1}' | jq '.a[]'",
        expect![[r#"
        ! jq: error (at <stdin>:0): Cannot use 1 as iterable (array or object)
        [exit 5]"#]],
    );
    check(
        "echo '{}' | jq '.a |'",
        expect![[r#"
        ! jq: error: syntax error: expected Term before ""
        ! jq: 1 compile error
        [exit 3]"#]],
    );
    check(
        "echo '{}' | jq 'nosuch'",
        expect![[r#"
        ! jq: error: nosuch/0 is not defined
        ! jq: 1 compile error
        [exit 3]"#]],
    );
    check(
        "echo '\"web-1\"' | jq -r 'sub(\"-[0-9]+$\"; \"\")'",
        expect![[r#"
        web
        [exit 0]"#]],
    );
}

#[test]
fn budgets() {
    check(
        "while true; do :; done",
        expect![[r#"
        ! kubeplay-shell: more than 10000 loop iterations in one script line: stopped
        [exit 125]"#]],
    );
    check(
        "seq 60000 | xargs -n 1 true",
        expect![[r#"
        ! kubeplay-shell: more than 50000 commands in one script line: stopped
        [exit 125]"#]],
    );
    check(
        "for i in $(seq 20000); do :; done",
        expect![[r#"
        ! kubeplay-shell: more than 10000 loop iterations in one script line: stopped
        [exit 125]"#]],
    );
    check(
        "f=x; while true; do f=$f$f; done",
        expect![[r#"
        ! kubeplay-shell: variable f would be larger than 1048576 bytes: stopped
        [exit 125]"#]],
    );
    check("seq 100000 | wc -l", expect!["100000\n[exit 0]"]);
    check(
        "seq 1000000000 | wc -l",
        expect![[r#"
        ! kubeplay-shell: output larger than 1048576 bytes: stopped
        [exit 125]"#]],
    );
    check("X='$(echo $X)'; echo $X", expect!["$(echo $X)\n[exit 0]"]);
    let deep = format!("echo {}x{}", "$(echo ".repeat(20), ")".repeat(20));
    check(
        &deep,
        expect![[r#"
        ! kubeplay-shell: command substitutions nested more than 16 deep: stopped
        [exit 125]"#]],
    );
    let nested = format!("{}true{}", "{ ".repeat(100), "; }".repeat(100));
    check(
        &nested,
        expect![[r#"
        ! syntax error: commands nested too deeply
        [exit 2]"#]],
    );
}

#[test]
fn incomplete_input() {
    use kubeplay_shell::is_incomplete;
    for (input, want) in [
        ("echo 'a", true),
        ("kubectl apply -f - <<EOF\nkind: X\n", true),
        ("kubectl apply -f - <<EOF\nkind: X\nEOF\n", false),
        ("kubectl get pods |", true),
        ("a &&", true),
        ("kubectl get \\", true),
        ("kubectl get \\\n", true),
        ("if true; then\n  echo x\n", true),
        ("if true; then\n  echo x\nfi\n", false),
        ("for i in 1 2; do", true),
        ("echo $(", true),
        ("echo \"a", true),
        ("kubectl get pods", false),
        ("fi", false),
    ] {
        assert_eq!(is_incomplete(input), want, "{input:?}");
    }
}
