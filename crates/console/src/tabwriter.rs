//! Go's `text/tabwriter` (with the `RememberWidths` flag of the fork kubectl vendors): turns
//! tab-terminated cells into aligned columns, column blocks and all.

/// Settings of one tabwriter; [`TabWriter::table`] is kubectl's table printer,
/// [`TabWriter::describe`] is `kubectl describe`'s.
#[derive(Clone, Debug)]
pub struct TabWriter {
    minwidth: usize,
    padding: usize,
    /// Widest cell seen per column so far (`RememberWidths`): a watch keeps its columns aligned.
    remembered: Vec<usize>,
    remember: bool,
}

impl TabWriter {
    /// `printers.GetNewTabWriter`: minwidth 6, padding 3, widths remembered across flushes.
    pub fn table() -> TabWriter {
        TabWriter {
            minwidth: 6,
            padding: 3,
            remembered: Vec::new(),
            remember: true,
        }
    }

    /// `describe`'s `tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`.
    pub fn describe() -> TabWriter {
        TabWriter {
            minwidth: 0,
            padding: 2,
            remembered: Vec::new(),
            remember: false,
        }
    }

    /// Formats `text` (lines of tab-terminated cells) as one flush of the writer.
    pub fn format(&mut self, text: &str) -> String {
        let mut lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
        // A trailing newline leaves an empty last line that is not printed.
        let trailing_newline = text.ends_with('\n');
        if trailing_newline {
            lines.pop();
        }
        let mut out = String::new();
        let mut widths: Vec<usize> = Vec::new();
        self.block(&lines, 0, lines.len(), &mut widths, &mut out);
        if !trailing_newline && out.ends_with('\n') {
            out.pop();
        }
        out
    }

    fn block(
        &mut self,
        lines: &[Vec<&str>],
        mut line0: usize,
        line1: usize,
        widths: &mut Vec<usize>,
        out: &mut String,
    ) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            write_lines(lines, line0, this, widths, out);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 && column + 1 < lines[this].len() {
                let w = lines[this][column].chars().count() + self.padding;
                width = width.max(w);
                this += 1;
            }
            if self.remember {
                if self.remembered.len() <= column {
                    self.remembered.resize(column + 1, 0);
                }
                width = width.max(self.remembered[column]);
                self.remembered[column] = width;
            }
            widths.push(width);
            self.block(lines, line0, this, widths, out);
            widths.pop();
            line0 = this;
        }
        write_lines(lines, line0, line1, widths, out);
    }
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for line in &lines[from..to] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < line.len() {
                if let Some(w) = widths.get(j) {
                    for _ in cell.chars().count()..*w {
                        out.push(' ');
                    }
                }
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_kubectl_tables() {
        let t = TabWriter::table().format("NAME\tREADY\tAGE\nnginx-1\t1/1\t5s\n");
        assert_eq!(t, "NAME      READY   AGE\nnginx-1   1/1     5s\n");
    }

    #[test]
    fn blocks_end_where_a_line_has_fewer_cells() {
        let t =
            TabWriter::describe().format("Name:\tx\nLabels:\tapp=a\n  \tb=c\nX\n  long-key:\tv\n");
        assert_eq!(
            t,
            "Name:    x\nLabels:  app=a\n         b=c\nX\n  long-key:  v\n"
        );
    }

    #[test]
    fn remembered_widths_keep_watch_rows_aligned() {
        let mut w = TabWriter::table();
        let first = w.format("NAME\tSTATUS\tAGE\nlong-pod-name\tPending\t0s\n");
        let second = w.format("p\tRunning\t1s\n");
        assert_eq!(
            first,
            "NAME            STATUS    AGE\nlong-pod-name   Pending   0s\n"
        );
        assert_eq!(second, "p               Running   1s\n");
    }
}
