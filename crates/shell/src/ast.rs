//! The syntax tree of a script: POSIX shell grammar's lists, and-or lists, pipelines, simple and
//! compound commands, words with their quoting and expansions, redirections.

/// One top-level complete command (a line, or several when a construct spans them) with its
/// source: what a console runs and logs as one statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The full source text, here-document bodies included.
    pub text: String,
    /// Its and-or lists in order (`a; b && c` is two).
    pub list: List,
}

impl Statement {
    /// The pipelines of the statement's top level, each with how it depends on the one before
    /// (`a; b && c || d` gives a, b, c, d): how a console runs a statement pipeline by pipeline.
    pub fn pipelines(&self) -> Vec<(Connector, &Pipeline)> {
        let mut out = Vec::new();
        for ao in &self.list.0 {
            out.push((Connector::Always, &ao.first));
            for (c, p) in &ao.rest {
                out.push((*c, p));
            }
        }
        out
    }
}

/// How a pipeline depends on the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// First, or after `;` or a newline.
    Always,
    /// After `&&`.
    IfOk,
    /// After `||`.
    IfFailed,
}

/// And-or lists separated by `;` or newlines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct List(pub Vec<AndOr>);

/// Pipelines joined by `&&` and `||`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(Connector, Pipeline)>,
}

/// Commands joined by `|`, maybe negated with `!`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub bang: bool,
    pub commands: Vec<Command>,
    /// The source as typed, here-document bodies left out (for display).
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Simple(Simple),
    Compound(Compound, Vec<Redirect>),
}

/// `NAME=value... word... redirection...`
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Simple {
    pub assignments: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Compound {
    /// `if c; then a; elif c2; then b; else d; fi`: the (condition, body) pairs and the else.
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    /// `for NAME in words; do body; done` (no `in`: the positional parameters, none here).
    For {
        name: String,
        items: Vec<Word>,
        body: List,
    },
    /// `while c; do body; done`, or `until` when `until` is true.
    While {
        until: bool,
        condition: List,
        body: List,
    },
    /// `{ list; }`
    Group(List),
    /// `( list )`: its variables do not leak out.
    Subshell(List),
    /// `[[ expression ]]`: the words between the brackets, taken as they are.
    Test(Vec<Word>),
}

/// A redirection: `[n]>word`, `[n]>>word`, `[n]<word`, `n>&m`, `&>word`, here-documents and
/// here-strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redirect {
    /// `>`, `>>` (append), `<`; `fd` is the descriptor (1 for `>`, 0 for `<` by default).
    File {
        fd: u32,
        target: Word,
        mode: FileMode,
    },
    /// `n>&m` (`2>&1`, `>&2`).
    Dup { fd: u32, to: u32 },
    /// `&>word`, `&>>word`: standard output and error.
    Both { target: Word, append: bool },
    /// `<<EOF`: the body, and whether `$`, `` ` `` and `\` work in it (the delimiter unquoted).
    HereDoc { body: String, expand: bool },
    /// `<<< word`.
    HereString(Word),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileMode {
    Read,
    Write,
    Append,
}

/// A word as parts with their quoting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word(pub Vec<Part>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Unquoted text.
    Lit(String),
    /// Text quoted with `'...'` or `\`: taken literally, never split.
    Quoted(String),
    /// `"..."`: its parts are expanded but not split.
    Double(Vec<Part>),
    /// `$NAME`, `${NAME...}`, `$?`.
    Param(Param),
    /// `$(...)` or `` `...` ``.
    Subst(Vec<Statement>),
    /// `$((...))`: the expression's source.
    Arith(String),
}

/// A parameter expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub op: ParamOp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamOp {
    /// `$X`, `${X}`.
    Plain,
    /// `${#X}`.
    Length,
    /// `${X:-w}` (colon: also when empty) and `${X-w}`.
    Default { colon: bool, word: Word },
    /// `${X:=w}`.
    Assign { colon: bool, word: Word },
    /// `${X:+w}`.
    Alternative { colon: bool, word: Word },
    /// `${X:?w}`.
    Error { colon: bool, word: Word },
    /// `${X#p}`, `${X##p}` (longest), `${X%p}`, `${X%%p}`.
    Trim {
        suffix: bool,
        longest: bool,
        pattern: Word,
    },
}
