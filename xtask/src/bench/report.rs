//! The report: sections of Markdown tables with targets and verdicts, and value formatting.

/// A table: a header row and data rows of the same width.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column titles.
    pub headers: Vec<String>,
    /// Cells, row by row.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles and no rows.
    pub fn new(headers: &[&str]) -> Self {
        Table { headers: headers.iter().map(|h| (*h).to_owned()).collect(), rows: Vec::new() }
    }

    /// Appends a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as Markdown, columns padded so the text lines up.
    pub fn render(&self) -> String {
        let width = |i: usize| {
            std::iter::once(&self.headers)
                .chain(&self.rows)
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
                .max(3)
        };
        let widths: Vec<usize> = (0..self.headers.len()).map(width).collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let cell = cells.get(i).map(String::as_str).unwrap_or("");
                    format!("{cell}{}", " ".repeat(w.saturating_sub(cell.chars().count())))
                })
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        format!("{}{}{}", line(&self.headers), line(&rule), self.rows.iter().map(|r| line(r)).collect::<String>())
    }
}

/// A titled part of the report.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// `## title`.
    pub title: String,
    /// What is measured and how, above the table.
    pub intro: String,
    /// The measurements.
    pub table: Table,
    /// Remarks below the table.
    pub notes: Vec<String>,
}

impl Section {
    /// The section as Markdown.
    pub fn render(&self) -> String {
        let mut out = format!("## {}\n\n", self.title);
        if !self.intro.is_empty() {
            out += &format!("{}\n\n", self.intro);
        }
        out += &self.table.render();
        if !self.notes.is_empty() {
            out += "\n";
            for note in &self.notes {
                out += &format!("- {note}\n");
            }
        }
        out + "\n"
    }
}

/// `pass` or a bold `MISS`.
pub fn verdict(pass: bool) -> String {
    if pass { "pass".into() } else { "**MISS**".into() }
}

/// A duration given in milliseconds: `0.42 ms`, `12.3 ms`, `1.85 s`.
pub fn ms(value: f64) -> String {
    if value >= 1000.0 {
        format!("{:.2} s", value / 1000.0)
    } else if value >= 10.0 {
        format!("{value:.1} ms")
    } else {
        format!("{value:.2} ms")
    }
}

/// A size given in KiB: `812 KiB`, `43.1 MiB`, `3.52 GiB`.
pub fn kib(value: u64) -> String {
    let v = value as f64;
    if v >= 1024.0 * 1024.0 {
        format!("{:.2} GiB", v / (1024.0 * 1024.0))
    } else if v >= 1024.0 {
        format!("{:.1} MiB", v / 1024.0)
    } else {
        format!("{value} KiB")
    }
}

/// A count with thousands separators: `1,000,000`.
pub fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_line_up_and_keep_every_cell() {
        let mut t = Table::new(&["endpoint", "req/s"]);
        t.row(vec!["get".into(), "12,000".into()]);
        t.row(vec!["list ≤ 2000".into(), "9".into()]);
        let text = t.render();
        assert_eq!(
            text,
            "| endpoint    | req/s  |\n| ----------- | ------ |\n| get         | 12,000 |\n| list ≤ 2000 | 9      |\n"
        );
    }

    #[test]
    fn sections_render_title_intro_table_and_notes() {
        let mut table = Table::new(&["a"]);
        table.row(vec!["1".into()]);
        let s = Section { title: "Scale".into(), intro: "How.".into(), table, notes: vec!["noisy".into()] };
        assert_eq!(s.render(), "## Scale\n\nHow.\n\n| a   |\n| --- |\n| 1   |\n\n- noisy\n\n");
    }

    #[test]
    fn values_are_formatted_in_readable_units() {
        assert_eq!(ms(0.4249), "0.42 ms");
        assert_eq!(ms(12.34), "12.3 ms");
        assert_eq!(ms(1850.0), "1.85 s");
        assert_eq!(kib(812), "812 KiB");
        assert_eq!(kib(44_134), "43.1 MiB");
        assert_eq!(kib(3_690_000), "3.52 GiB");
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(count(999), "999");
        assert_eq!(verdict(false), "**MISS**");
    }
}
