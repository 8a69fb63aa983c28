//! The shell layer of the console, on [`kubeplay_shell`]: a script splits into statements, and a
//! statement into the pipelines of its top level (`a; b && c || d`), which the console runs one
//! by one so that each shows its own output and a waiting command can hold the console.
//!
//! The language is kubeplay-shell's: quoting, variables (which last for the session), `$(...)`,
//! `if`/`for`/`while`, `[ ]`, `[[ ]]`, redirections to the virtual files, here-documents, and the
//! text tools (`grep`, `wc`, `jq`...). A waiting command (`rollout status`, `wait`, `get -w`)
//! that is the last command of a top-level pipeline keeps the job behaviour (it holds the
//! console with [`crate::Clock::External`]); inside compound commands and `$(...)` it runs to
//! completion on the simulated clock.

pub use kubeplay_shell::Connector;

/// A top-level pipeline of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// The source as typed, here-document bodies left out (for display).
    pub text: String,
    pub connector: Connector,
    pub ast: kubeplay_shell::Pipeline,
    /// No `&&`/`||` follows it (for `set -e`).
    pub ends_and_or: bool,
}

/// A syntax error, worded as bash words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError(pub String);

/// The top-level pipelines of a parsed statement.
pub(crate) fn pipelines(st: &kubeplay_shell::Statement) -> Vec<Pipeline> {
    let ps = st.pipelines();
    ps.iter()
        .enumerate()
        .map(|(i, (connector, p))| Pipeline {
            text: p.text.clone(),
            connector: *connector,
            ast: (*p).clone(),
            ends_and_or: ps.get(i + 1).is_none_or(|(c, _)| *c == Connector::Always),
        })
        .collect()
}

/// Splits a script into top-level pipelines.
pub fn parse(input: &str) -> Result<Vec<Pipeline>, SyntaxError> {
    let statements = kubeplay_shell::parse(input).map_err(|e| SyntaxError(e.message))?;
    Ok(statements.iter().flat_map(pipelines).collect())
}

/// Whether an interactive shell should read another line before running `input`: an open
/// quote, here-document or `if`, a trailing `|`, `&&`, `||` or `\`.
pub fn is_incomplete(input: &str) -> bool {
    kubeplay_shell::is_incomplete(input)
}

/// Splits a script into the texts of its statements (a statement with a syntax error, and what
/// follows it on its line, is the last).
pub fn statements(input: &str) -> Vec<String> {
    let (statements, error) = kubeplay_shell::statements(input);
    let mut out: Vec<String> = statements.into_iter().map(|s| s.text).collect();
    if let Some((text, _)) = error {
        out.push(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, want: expect_test::Expect) {
        let got = match parse(input) {
            Ok(ps) => ps
                .iter()
                .map(|p| format!("{:?} {:?}", p.connector, p.text))
                .collect::<Vec<_>>()
                .join("\n"),
            Err(e) => format!("error: {}", e.0),
        };
        want.assert_eq(&got);
    }

    #[test]
    fn pipelines_of_a_script() {
        check(
            "kubectl get pods -l 'app in (a,b)' # list them\n\n# only a comment\n",
            expect_test::expect![[r#"Always "kubectl get pods -l 'app in (a,b)'""#]],
        );
        check(
            "kubectl apply -f - <<EOF\nkind: X\n  a: b\nEOF\nsleep 5s && kubectl get pods || echo no; echo x > f.txt",
            expect_test::expect![[r#"
                Always "kubectl apply -f - <<EOF"
                Always "sleep 5s"
                IfOk "kubectl get pods"
                IfFailed "echo no"
                Always "echo x > f.txt""#]],
        );
        check(
            "if true; then\n  echo a\nfi | grep a",
            expect_test::expect![[r#"Always "if true; then\n  echo a\nfi | grep a""#]],
        );
        check(
            "| a",
            expect_test::expect!["error: syntax error near unexpected token `|'"],
        );
        check(
            "a &&",
            expect_test::expect!["error: syntax error: unexpected end of file"],
        );
        check("", expect_test::expect![""]);
    }

    #[test]
    fn statements_and_incomplete_input() {
        assert_eq!(
            statements("echo a\nif true; then\n echo b\nfi\ncat <<EOF\nx\nEOF\necho c"),
            vec![
                "echo a",
                "if true; then\n echo b\nfi",
                "cat <<EOF\nx\nEOF",
                "echo c"
            ]
        );
        assert!(is_incomplete("echo 'a"));
        assert!(is_incomplete("kubectl apply -f - <<EOF\nkind: X\n"));
        assert!(is_incomplete("kubectl get pods |"));
        assert!(is_incomplete("kubectl get \\"));
        assert!(is_incomplete("if true; then"));
        assert!(!is_incomplete("kubectl apply -f - <<EOF\nkind: X\nEOF\n"));
        assert!(!is_incomplete("kubectl get pods"));
    }
}
