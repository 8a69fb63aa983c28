//! Workshop Markdown to the safe tree: Killercoda's actions, `<details>`, and hostile input.

use expect_test::{expect, Expect};
use kubeplay_workshop::markdown::{parse, Action, Block, Inline};

/// The tree in one line per block, nested blocks indented.
fn show(blocks: &[Block], depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    for b in blocks {
        match b {
            Block::Heading(l, i) => out.push_str(&format!("{pad}h{l} {}\n", inl(i))),
            Block::Paragraph(i) => out.push_str(&format!("{pad}p {}\n", inl(i))),
            Block::Code { text, lang, action } => out.push_str(&format!(
                "{pad}code lang={} action={} {text:?}\n",
                lang.as_deref().unwrap_or("-"),
                act(action)
            )),
            Block::List { ordered, items } => {
                out.push_str(&format!("{pad}list ordered={ordered}\n"));
                for item in items {
                    out.push_str(&format!("{pad}  item\n"));
                    show(item, depth + 2, out);
                }
            }
            Block::Quote(b) => {
                out.push_str(&format!("{pad}quote\n"));
                show(b, depth + 1, out);
            }
            Block::Details { summary, body } => {
                out.push_str(&format!("{pad}details summary={}\n", inl(summary)));
                show(body, depth + 1, out);
            }
            Block::Rule => out.push_str(&format!("{pad}rule\n")),
            Block::RawHtml(h) => out.push_str(&format!("{pad}raw-html {h:?}\n")),
        }
    }
}

fn act(a: &Option<Action>) -> &'static str {
    match a {
        None => "-",
        Some(Action::Exec) => "exec",
        Some(Action::Copy) => "copy",
    }
}

fn inl(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => format!("{t:?}"),
            Inline::Code { text, action } => format!("code[{}]({text:?})", act(action)),
            Inline::Strong(c) => format!("strong({})", inl(c)),
            Inline::Emphasis(c) => format!("em({})", inl(c)),
            Inline::Link { href, children } => format!("link({href:?}, {})", inl(children)),
            Inline::Break => "br".into(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn check(input: &str, expect: Expect) {
    let mut out = String::new();
    show(&parse(input).0, 0, &mut out);
    expect.assert_eq(&out);
}

#[test]
fn inline_actions() {
    check(
        "Run `kubectl get pods`{{exec}} or copy `kubectl get nodes`{{copy}}.",
        expect![[r#"
            p "Run " code[exec]("kubectl get pods") " or copy " code[copy]("kubectl get nodes") "."
        "#]],
    );
    check(
        "`a`{{execute}} `b`{{exec interrupt}} `c`{{}} `d` {{exec}}",
        expect![[r#"
            p code[exec]("a") " " code[exec]("b") " " code[-]("c") " " code[-]("d") " {{exec}}"
        "#]],
    );
    // An unknown marker stays text.
    check(
        "`x`{{open}}",
        expect![[r#"
            p code[-]("x") "{{open}}"
        "#]],
    );
}

#[test]
fn fenced_actions() {
    check(
        "```plain\nkubectl create ns web\n```{{exec}}\n\n```yaml{2,3}\nkind: Pod\n```{{copy}}\n\n```\nplain\n```\n",
        expect![[r#"
            code lang=plain action=exec "kubectl create ns web\n"
            code lang=yaml action=copy "kind: Pod\n"
            code lang=- action=- "plain\n"
        "#]],
    );
    // A longer fence, tildes, and an indented block.
    check(
        "````\na\n```\n````{{exec}}\n~~~sh\nb\n~~~{{copy}}\n\n    indented\n",
        expect![[r#"
            code lang=- action=exec "a\n```\n"
            code lang=sh action=copy "b\n"
            code lang=- action=- "indented\n"
        "#]],
    );
}

#[test]
fn details_blocks() {
    check(
        "Create it.\n\n<br>\n\n<details><summary>Solution</summary>\n\n```plain\nkubectl create namespace flower\n```{{exec}}\n\n</details>\n\nAfter.\n",
        expect![[r#"
            p "Create it."
            details summary="Solution"
              code lang=plain action=exec "kubectl create namespace flower\n"
            p "After."
        "#]],
    );
    check(
        "<details>\n<summary>The **hint**</summary>\n\n- one\n- two\n\n</details>\n",
        expect![[r#"
            details summary="The " strong("hint")
              list ordered=false
                item
                  p "one"
                item
                  p "two"
        "#]],
    );
    // Never closed: it ends with the document.
    check(
        "<details><summary>Open</summary>\n\ntext\n",
        expect![[r#"
            details summary="Open"
              p "text"
        "#]],
    );
    // A stray closing tag is shown as text.
    check(
        "</details>\n",
        expect![[r#"
            raw-html "</details>\n"
        "#]],
    );
}

#[test]
fn raw_html_is_text() {
    check(
        "<script>alert(1)</script>\n\nHello <b>bold</b> <img src=x onerror=alert(1)>\n",
        expect![[r#"
            raw-html "<script>alert(1)</script>\n"
            p "Hello <b>bold</b> <img src=x onerror=alert(1)>"
        "#]],
    );
    check(
        "<div onclick=\"x()\">\n<details onmouseover=\"x()\">\n</div>\n",
        expect![[r#"
            raw-html "<div onclick=\"x()\">\n<details onmouseover=\"x()\">\n</div>\n"
        "#]],
    );
    check(
        "line<br>next",
        expect![[r#"
            p "line" br "next"
        "#]],
    );
}

#[test]
fn links() {
    check(
        "[docs](https://kubernetes.io) [mail](mailto:a@b.c) [rel](step2.md#x) [x](javascript:alert(1)) [y](JaVa%0ascript:x) [z](data:text/html,hi) [t](java\tscript:x)",
        expect![[r#"
            p link("https://kubernetes.io", "docs") " " link("mailto:a@b.c", "mail") " " link("step2.md#x", "rel") " " "x " "y " "z [t](java\tscript:x)"
        "#]],
    );
    check(
        "<javascript:alert(1)> <https://example.com> ![logo](assets/logo.png)",
        expect![[r#"
            p "javascript:alert(1) " link("https://example.com", "https://example.com") " " link("assets/logo.png", "logo")
        "#]],
    );
}

#[test]
fn commonmark() {
    check(
        "# Title\n\nSome *em* and **strong**  \nbroken\n\n1. a\n2. b\n\n> quoted\n\n---\n",
        expect![[r#"
            h1 "Title"
            p "Some " em("em") " and " strong("strong") br "broken"
            list ordered=true
              item
                p "a"
              item
                p "b"
            quote
              p "quoted"
            rule
        "#]],
    );
}

#[test]
fn hostile_sizes_stay_bounded() {
    // Deep nesting is flattened instead of growing the tree without bound.
    let deep = ">".repeat(2_000) + " deep";
    let doc = parse(&deep);
    fn depth(b: &[Block]) -> usize {
        b.iter()
            .map(|b| match b {
                Block::Quote(c) | Block::Details { body: c, .. } => 1 + depth(c),
                Block::List { items, .. } => 1 + items.iter().map(|i| depth(i)).max().unwrap_or(0),
                _ => 1,
            })
            .max()
            .unwrap_or(0)
    }
    assert!(depth(&doc.0) <= 40, "depth {}", depth(&doc.0));
    let many = "<details>".repeat(2_000);
    assert!(depth(&parse(&many).0) <= 40);
    // A megabyte of text parses.
    let big = "word ".repeat(200_000);
    assert_eq!(parse(&big).0.len(), 1);
}

#[test]
fn solution_from_details() {
    let doc = parse(
        "<details><summary>Tip</summary>\n\n`kubectl create -h`{{exec}}\n\n</details>\n\n<details><summary>Solution</summary>\n\n```\nkubectl create ns a\nkubectl create ns b\n```{{exec}}\n\n`kubectl get ns`{{exec}} `not this`{{copy}}\n\n</details>\n",
    );
    expect![[r#"
        [
            "kubectl create ns a\nkubectl create ns b",
            "kubectl get ns",
        ]
    "#]]
    .assert_debug_eq(&doc.details_exec_commands());
    let doc =
        parse("<details><summary>Hint</summary>\n\n`kubectl get pods`{{exec}}\n\n</details>\n");
    expect![[r#"
        [
            "kubectl get pods",
        ]
    "#]]
    .assert_debug_eq(&doc.details_exec_commands());
}

#[test]
fn the_panel_leaves_out_a_repeated_title_and_a_solution_it_shows() {
    use kubeplay_workshop::{load, Block, MapSource};
    let src = MapSource::from([
        (
            "index.json",
            r#"{"title": "T", "details": {"steps": [
                {"title": "Scale up", "text": "a.md", "kubeplay": {"solution": ["kubectl get pods"]}},
                {"title": "Other", "text": "b.md"}
            ]}}"#,
        ),
        ("a.md", "# Scale up\n\nDo it.\n\n<details><summary>Solution</summary>\n\n`kubectl get pods`{{exec}}\n\n</details>\n"),
        ("b.md", "# Scale up\n\nRead on.\n\n<details><summary>More</summary>\n\nWhy.\n\n</details>\n"),
    ]);
    let w = load(&src).unwrap();
    let kinds = |i: usize| {
        w.steps[i]
            .text_shown()
            .map(|b| match b {
                Block::Heading(..) => "heading",
                Block::Paragraph(_) => "paragraph",
                Block::Details { .. } => "details",
                _ => "other",
            })
            .collect::<Vec<_>>()
    };
    // The title repeated, and the solution the panel shows: both left out.
    assert_eq!(kinds(0), ["paragraph"]);
    // Another title, and no solution (the details block is not one): the text as written.
    assert_eq!(kinds(1), ["heading", "paragraph", "details"]);
}
