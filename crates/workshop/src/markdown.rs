//! Workshop Markdown (CommonMark with Killercoda's `{{exec}}`/`{{copy}}` actions and
//! `<details>` blocks) turned into a safe tree that the web app draws node by node.
//!
//! Nothing here is ever HTML to be injected: raw HTML other than `<details>`, `<summary>` and
//! `<br>` is kept as text ([`Block::RawHtml`], [`Inline::Text`]) and links with a scheme other
//! than http(s) or mailto lose their link ([`safe_href`]).

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// A parsed Markdown document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Doc(pub Vec<Block>);

/// What a button beside a code span or block does (Killercoda's code actions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Action {
    /// `{{exec}}` (also `{{execute}}`, `{{exec interrupt}}`): runs the code in the console.
    Exec,
    /// `{{copy}}`: copies the code to the clipboard.
    Copy,
}

/// A block of a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Block {
    /// A heading of level 1 to 6.
    Heading(u8, Vec<Inline>),
    Paragraph(Vec<Inline>),
    /// A fenced or indented code block; `lang` is the fence's first word without Killercoda's
    /// line highlights (`yaml{2,5}` is `yaml`).
    Code {
        text: String,
        lang: Option<String>,
        action: Option<Action>,
    },
    /// A list; each item is a list of blocks.
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
    Quote(Vec<Block>),
    /// `<details><summary>...</summary> ... </details>`: a block the reader unfolds.
    Details {
        summary: Vec<Inline>,
        body: Vec<Block>,
    },
    Rule,
    /// HTML the page does not render: shown as text, verbatim.
    RawHtml(String),
}

/// Inline content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Inline {
    Text(String),
    Code {
        text: String,
        action: Option<Action>,
    },
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
    /// A link whose `href` passed [`safe_href`] (images become links to the image).
    Link {
        href: String,
        children: Vec<Inline>,
    },
    /// A hard line break (two trailing spaces, a backslash, or `<br>`).
    Break,
}

/// Containers deeper than this are flattened into their parent: the tree stays shallow enough
/// to draw and to drop without exhausting the stack, whatever the input.
const MAX_DEPTH: usize = 32;

/// Whether a link target may be followed: http, https, mailto, or relative (no scheme). The
/// scheme is read as a browser reads it (ASCII whitespace and control characters ignored, any
/// case), so `JaVa\tScRiPt:` is refused too.
pub fn safe_href(href: &str) -> bool {
    let cleaned: String = href
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect();
    let end = cleaned.find(['/', '?', '#']).unwrap_or(cleaned.len());
    match cleaned[..end].find(':') {
        None => true,
        Some(i) => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
    }
}

/// Parses workshop Markdown. Never fails: what is not understood is shown as text.
///
/// ```
/// use kubeplay_workshop::markdown::{parse, Action, Block, Inline};
/// let doc = parse("Run `kubectl get pods`{{exec}}");
/// assert_eq!(doc.0, vec![Block::Paragraph(vec![
///     Inline::Text("Run ".into()),
///     Inline::Code { text: "kubectl get pods".into(), action: Some(Action::Exec) },
/// ])]);
/// ```
pub fn parse(text: &str) -> Doc {
    let (text, fence_actions) = strip_fence_actions(text);
    let mut b = Builder {
        stack: vec![Frame::new(Kind::Root)],
        fence_actions: fence_actions.into_iter(),
    };
    let mut code: Option<(Option<String>, bool, String)> = None;
    for event in Parser::new_ext(&text, Options::empty()) {
        if let Some((_, _, buf)) = &mut code {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((lang, fenced, text)) = code.take() {
                        let action = if fenced {
                            b.fence_actions.next().flatten()
                        } else {
                            None
                        };
                        b.block(Block::Code { text, lang, action });
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => b.push(Kind::Paragraph),
                Tag::Heading { level, .. } => b.push(Kind::Heading(heading_level(level))),
                Tag::BlockQuote(_) => b.push(Kind::Quote),
                Tag::CodeBlock(kind) => {
                    let (lang, fenced) = match kind {
                        CodeBlockKind::Fenced(info) => {
                            let word = info.split_whitespace().next().unwrap_or("");
                            let word = word.split('{').next().unwrap_or("");
                            ((!word.is_empty()).then(|| word.to_string()), true)
                        }
                        CodeBlockKind::Indented => (None, false),
                    };
                    code = Some((lang, fenced, String::new()));
                }
                Tag::List(start) => b.push(Kind::List(start.is_some())),
                Tag::Item => b.push(Kind::Item),
                Tag::Emphasis => b.push(Kind::Emphasis),
                Tag::Strong => b.push(Kind::Strong),
                Tag::Link { dest_url, .. } => b.push(Kind::Link(dest_url.to_string())),
                Tag::Image { dest_url, .. } => b.push(Kind::Link(dest_url.to_string())),
                Tag::HtmlBlock => {}
                _ => b.push(Kind::Other),
            },
            Event::End(TagEnd::HtmlBlock) => {}
            Event::End(_) => {
                // A `<details>` opened inside this container and never closed ends with it.
                while b.stack.len() > 1 && b.top().kind == Kind::Details {
                    b.pop();
                }
                b.pop()
            }
            Event::Text(t) => b.text(&t),
            Event::Code(t) => b.inline(Inline::Code {
                text: t.to_string(),
                action: None,
            }),
            Event::Html(h) => b.html_block(&h),
            Event::InlineHtml(h) => b.inline_html(&h),
            Event::SoftBreak => b.text(" "),
            Event::HardBreak => b.inline(Inline::Break),
            Event::Rule => b.block(Block::Rule),
            Event::InlineMath(t) | Event::DisplayMath(t) | Event::FootnoteReference(t) => {
                b.text(&t)
            }
            Event::TaskListMarker(done) => b.text(if done { "[x] " } else { "[ ] " }),
        }
    }
    while b.stack.len() > 1 {
        b.pop();
    }
    let root = b.stack.pop().map(|f| f.blocks).unwrap_or_default();
    Doc(root)
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The Killercoda action written after a code span or closing fence (`{{exec}}`), if `s`
/// starts with one: the action (None for `{{}}`, which turns copying off) and its length.
fn action_marker(s: &str) -> Option<(Option<Action>, usize)> {
    let rest = s.strip_prefix("{{")?;
    let end = rest.find("}}")?;
    let inner = rest[..end].trim();
    let word = inner.split_whitespace().next().unwrap_or("");
    let action = match word {
        "exec" | "execute" => Some(Action::Exec),
        "copy" => Some(Action::Copy),
        "" => None,
        _ => return None,
    };
    Some((action, end + 4))
}

/// Removes the `{{exec}}`/`{{copy}}` written after closing code fences (CommonMark would read
/// "```{{exec}}" as a line of code, not as the end of the block) and returns the action of
/// each fenced block in order.
fn strip_fence_actions(text: &str) -> (String, Vec<Option<Action>>) {
    let mut out = String::with_capacity(text.len());
    let mut actions = Vec::new();
    // The open fence: its character, length and indentation.
    let mut open: Option<(char, usize)> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = fence_char.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        match (open, fence_char) {
            (None, Some(c)) if run >= 3 => {
                // An opening fence (a backtick fence's info may not contain backticks).
                let info = &trimmed[run..];
                if c == '~' || !info.contains('`') {
                    open = Some((c, run));
                }
                out.push_str(line);
            }
            (Some((oc, olen)), Some(c)) if c == oc && run >= olen => {
                let after = trimmed[run..].trim();
                if after.is_empty() {
                    open = None;
                    actions.push(None);
                    out.push_str(line);
                } else if let Some((action, len)) = action_marker(after) {
                    if after[len..].trim().is_empty() {
                        open = None;
                        actions.push(action);
                        let indent = &body[..body.len() - trimmed.len()];
                        out.push_str(indent);
                        out.push_str(&trimmed[..run]);
                        out.push('\n');
                    } else {
                        out.push_str(line);
                    }
                } else {
                    out.push_str(line);
                }
            }
            _ => out.push_str(line),
        }
    }
    if open.is_some() {
        actions.push(None);
    }
    (out, actions)
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Root,
    Paragraph,
    Heading(u8),
    Quote,
    List(bool),
    Item,
    Emphasis,
    Strong,
    Link(String),
    Details,
    /// A container past [`MAX_DEPTH`] or one we do not draw: its content goes to the parent.
    Other,
}

struct Frame {
    kind: Kind,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    items: Vec<Vec<Block>>,
    summary: Vec<Inline>,
}

impl Frame {
    fn new(kind: Kind) -> Frame {
        Frame {
            kind,
            blocks: Vec::new(),
            inlines: Vec::new(),
            items: Vec::new(),
            summary: Vec::new(),
        }
    }
}

struct Builder {
    stack: Vec<Frame>,
    fence_actions: std::vec::IntoIter<Option<Action>>,
}

impl Builder {
    fn push(&mut self, kind: Kind) {
        let kind = if self.stack.len() > MAX_DEPTH {
            Kind::Other
        } else {
            kind
        };
        self.stack.push(Frame::new(kind));
    }

    fn top(&mut self) -> &mut Frame {
        if self.stack.is_empty() {
            self.stack.push(Frame::new(Kind::Root));
        }
        let n = self.stack.len() - 1;
        &mut self.stack[n]
    }

    fn pop(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(f) = self.stack.pop() else { return };
        let Frame {
            kind,
            mut blocks,
            inlines,
            items,
            summary,
        } = f;
        // Inline text left in a block container (an HTML block's text, say) becomes a paragraph.
        if !inlines.is_empty() && !is_inline_kind(&kind) {
            blocks.push(Block::Paragraph(inlines.clone()));
        }
        match kind {
            Kind::Root => self.top().blocks.extend(blocks),
            Kind::Paragraph => self.block(Block::Paragraph(inlines)),
            Kind::Heading(l) => self.block(Block::Heading(l, inlines)),
            Kind::Quote => self.block(Block::Quote(blocks)),
            Kind::List(ordered) => self.block(Block::List { ordered, items }),
            Kind::Item => {
                let parent = self.top();
                if let Kind::List(_) = parent.kind {
                    parent.items.push(blocks);
                } else {
                    parent.blocks.extend(blocks);
                }
            }
            Kind::Emphasis => self.inline(Inline::Emphasis(inlines)),
            Kind::Strong => self.inline(Inline::Strong(inlines)),
            Kind::Link(href) => {
                if safe_href(&href) {
                    self.inline(Inline::Link {
                        href,
                        children: inlines,
                    })
                } else {
                    for i in inlines {
                        self.inline(i);
                    }
                }
            }
            Kind::Details => self.block(Block::Details {
                summary,
                body: blocks,
            }),
            Kind::Other => {
                for i in inlines {
                    self.inline(i);
                }
                for b in blocks {
                    self.block(b);
                }
            }
        }
    }

    fn block(&mut self, b: Block) {
        let top = self.top();
        if is_inline_kind(&top.kind) {
            // A block inside inline content (cannot come from CommonMark): keep its text.
            top.inlines.push(Inline::Text(block_text(&b)));
        } else {
            top.blocks.push(b);
        }
    }

    fn inline(&mut self, i: Inline) {
        self.top().inlines.push(i);
    }

    /// Text, after a code span possibly Killercoda's action marker for it.
    fn text(&mut self, t: &str) {
        let top = self.top();
        let mut t = t;
        if let Some(Inline::Code { action, .. }) = top.inlines.last_mut() {
            if let Some((a, len)) = action_marker(t) {
                *action = a;
                t = &t[len..];
            }
        }
        if t.is_empty() {
            return;
        }
        if let Some(Inline::Text(prev)) = top.inlines.last_mut() {
            prev.push_str(t);
        } else {
            top.inlines.push(Inline::Text(t.to_string()));
        }
    }

    fn inline_html(&mut self, h: &str) {
        match tag_name(h) {
            Some(("br", false)) => self.inline(Inline::Break),
            _ => self.text(h),
        }
    }

    /// An HTML block: `<details>`, `<summary>...</summary>` and `</details>` build the tree,
    /// `<br>` is dropped (Killercoda authors use it for spacing), anything else stays text.
    fn html_block(&mut self, h: &str) {
        let mut rest = h;
        let mut in_summary = false;
        let mut summary_text = String::new();
        while !rest.is_empty() {
            let (piece, tail) = next_piece(rest);
            rest = tail;
            let tag = if piece.starts_with('<') {
                tag_name(piece)
            } else {
                None
            };
            match tag {
                Some(("details", false)) if self.stack.len() <= MAX_DEPTH => {
                    self.push(Kind::Details)
                }
                Some(("details", false)) => {}
                Some(("details", true)) => {
                    if self.top().kind == Kind::Details {
                        self.pop();
                    } else {
                        self.raw(piece);
                    }
                }
                Some(("summary", false)) => in_summary = true,
                Some(("summary", true)) => {
                    in_summary = false;
                    let inlines = inline_markdown(&summary_text);
                    summary_text.clear();
                    let top = self.top();
                    if top.kind == Kind::Details {
                        top.summary.extend(inlines);
                    } else {
                        self.block(Block::Paragraph(inlines));
                    }
                }
                Some(("br", false)) => {}
                _ if in_summary => summary_text.push_str(piece),
                // Whitespace between tags belongs to the raw HTML around it, if any.
                _ if piece.trim().is_empty() => {
                    if let Some(Block::RawHtml(prev)) = self.top().blocks.last_mut() {
                        prev.push_str(piece);
                    }
                }
                _ => self.raw(piece),
            }
        }
        if in_summary && !summary_text.is_empty() {
            let inlines = inline_markdown(&summary_text);
            let top = self.top();
            if top.kind == Kind::Details {
                top.summary.extend(inlines);
            }
        }
    }

    /// Raw HTML shown as text; consecutive pieces join into one block.
    fn raw(&mut self, piece: &str) {
        let top = self.top();
        if let Some(Block::RawHtml(prev)) = top.blocks.last_mut() {
            prev.push_str(piece);
        } else if is_inline_kind(&top.kind) {
            top.inlines.push(Inline::Text(piece.to_string()));
        } else {
            top.blocks.push(Block::RawHtml(piece.to_string()));
        }
    }
}

fn is_inline_kind(k: &Kind) -> bool {
    matches!(
        k,
        Kind::Paragraph | Kind::Heading(_) | Kind::Emphasis | Kind::Strong | Kind::Link(_)
    )
}

/// The plain text of a block, for the rare block that lands inside inline content.
fn block_text(b: &Block) -> String {
    match b {
        Block::Code { text, .. } | Block::RawHtml(text) => text.clone(),
        _ => String::new(),
    }
}

/// The inline content of a short Markdown text (a `<summary>`).
fn inline_markdown(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    for b in parse(text.trim()).0 {
        match b {
            Block::Paragraph(i) | Block::Heading(_, i) => out.extend(i),
            other => {
                let t = block_text(&other);
                if !t.is_empty() {
                    out.push(Inline::Text(t));
                }
            }
        }
    }
    out
}

/// Splits off the next tag (`<...>`) or the text before it.
fn next_piece(s: &str) -> (&str, &str) {
    if s.starts_with('<') {
        match s.find('>') {
            Some(i) => s.split_at(i + 1),
            None => (s, ""),
        }
    } else {
        match s.find('<') {
            Some(i) => s.split_at(i),
            None => (s, ""),
        }
    }
}

/// The lower-case name of a simple tag and whether it closes (`</x>`): only tags whose
/// attributes we can ignore safely are recognised (`<details open>` is `details`).
fn tag_name(tag: &str) -> Option<(&'static str, bool)> {
    let inner = tag.strip_prefix('<')?.strip_suffix('>')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, inner),
    };
    let inner = inner.trim_end_matches('/').trim();
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let attrs = inner[name.len().min(inner.len())..].trim();
    let name = match name.as_str() {
        "details" if attrs.is_empty() || attrs == "open" => "details",
        "summary" if attrs.is_empty() => "summary",
        "br" if attrs.is_empty() => "br",
        _ => return None,
    };
    Some((name, closing))
}

impl Doc {
    /// The commands of the `{{exec}}` code (blocks and spans) inside `<details>` blocks, in
    /// order: a Killercoda step's solution. Blocks whose summary says "solution" are preferred;
    /// without one, every `<details>` block counts.
    pub fn details_exec_commands(&self) -> Vec<String> {
        let mut solution = Vec::new();
        let mut any = Vec::new();
        collect_details(&self.0, &mut solution, &mut any);
        if solution.is_empty() {
            any
        } else {
            solution
        }
    }
}

impl Block {
    /// A `<details>` block whose summary says "Solution": where Killercoda authors put a
    /// step's answer. The workshop panel shows a step's solution itself (with "do it for me"),
    /// so it leaves these out of the text rather than show the answer twice.
    pub fn is_solution(&self) -> bool {
        matches!(self, Block::Details { summary, .. } if inline_text(summary).to_lowercase().contains("solution"))
    }
}

impl Doc {
    /// Every `{{exec}}` command of the document, in order (the buttons a reader can press).
    pub fn exec_commands(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect_exec(&self.0, &mut out);
        out
    }
}

fn collect_details(blocks: &[Block], solution: &mut Vec<String>, any: &mut Vec<String>) {
    for b in blocks {
        match b {
            Block::Details { body, .. } => {
                let mut cmds = Vec::new();
                collect_exec(body, &mut cmds);
                if b.is_solution() {
                    solution.extend(cmds.iter().cloned());
                }
                any.extend(cmds);
            }
            Block::List { items, .. } => {
                for i in items {
                    collect_details(i, solution, any);
                }
            }
            Block::Quote(b) => collect_details(b, solution, any),
            _ => {}
        }
    }
}

fn collect_exec(blocks: &[Block], out: &mut Vec<String>) {
    for b in blocks {
        match b {
            Block::Code {
                text,
                action: Some(Action::Exec),
                ..
            } => out.push(text.trim_end().to_string()),
            Block::Paragraph(i) | Block::Heading(_, i) => collect_exec_inline(i, out),
            Block::List { items, .. } => {
                for i in items {
                    collect_exec(i, out);
                }
            }
            Block::Quote(b) | Block::Details { body: b, .. } => collect_exec(b, out),
            _ => {}
        }
    }
}

fn collect_exec_inline(inlines: &[Inline], out: &mut Vec<String>) {
    for i in inlines {
        match i {
            Inline::Code {
                text,
                action: Some(Action::Exec),
            } => out.push(text.clone()),
            Inline::Strong(c) | Inline::Emphasis(c) | Inline::Link { children: c, .. } => {
                collect_exec_inline(c, out)
            }
            _ => {}
        }
    }
}

/// The plain text of inline content.
pub fn inline_text(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code { text: t, .. } => s.push_str(t),
            Inline::Strong(c) | Inline::Emphasis(c) | Inline::Link { children: c, .. } => {
                s.push_str(&inline_text(c))
            }
            Inline::Break => s.push('\n'),
        }
    }
    s
}
