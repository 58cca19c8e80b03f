//! A table's neighbourhood drawn with box-drawing characters, for hovers and `ddlint erd
//! --format text`: the table in the middle, the tables it references stacked on the left, the
//! tables referencing it stacked on the right. Boxes list only the key columns of the
//! relationships drawn; each line carries its cardinality next to the table it describes.
//!
//! ```text
//! ┌──────────┐            ┌──────────────┐            ┌──────────────┐
//! │ users    │1          *│ posts        │1          *│ comments     │
//! ├──────────┤────────────├──────────────┤────────────├──────────────┤
//! │ id    PK │            │ id        PK │            │ post_id   FK │
//! └──────────┘            │ author_id FK │            └──────────────┘
//! ```

use super::graph::{Edge, Graph};
use super::{column_label, key_markers, table_label, truncate};
use crate::model::{Model, Table, TableId};

/// Boxes drawn around the table at most; the rest are counted as "+N more".
pub const MAX_NEIGHBOURS: usize = 6;
/// The width of the space between two columns of boxes, where the lines and labels go.
const GAP: usize = 12;
/// Every line of a drawing is shorter than 100 columns.
const MAX_WIDTH: usize = 99;
const MIN_BOX_WIDTH: usize = 12;

/// One box next to the table: a neighbouring table and the foreign keys linking the two.
#[derive(Clone, Debug)]
pub struct Neighbour<'g> {
    pub table: TableId,
    pub edges: Vec<&'g Edge>,
}

/// The boxes drawn around a table.
#[derive(Clone, Debug)]
pub struct Neighbourhood<'g> {
    pub center: TableId,
    /// Tables the center references, in the order of its foreign keys.
    pub referenced: Vec<Neighbour<'g>>,
    /// Tables referencing the center, the center itself first when it references itself.
    pub referencing: Vec<Neighbour<'g>>,
    pub hidden_referenced: usize,
    pub hidden_referencing: usize,
}

impl<'g> Neighbourhood<'g> {
    /// At most `max` boxes: up to half on each side, and a side with fewer leaves the rest to the
    /// other.
    pub fn new(graph: &'g Graph, center: TableId, max: usize) -> Neighbourhood<'g> {
        let mut referenced = group(
            graph.references(center).filter(|e| !e.is_self_reference()),
            |e| e.to,
        );
        let mut referencing = group(
            graph
                .referenced_by(center)
                .filter(|e| e.is_self_reference()),
            |e| e.from,
        );
        referencing.extend(group(
            graph
                .referenced_by(center)
                .filter(|e| !e.is_self_reference()),
            |e| e.from,
        ));
        let left = referenced
            .len()
            .min((max / 2).max(max.saturating_sub(referencing.len())));
        let right = referencing.len().min(max - left);
        let hidden_referenced = referenced.len() - left;
        let hidden_referencing = referencing.len() - right;
        referenced.truncate(left);
        referencing.truncate(right);
        Neighbourhood {
            center,
            referenced,
            referencing,
            hidden_referenced,
            hidden_referencing,
        }
    }

    /// The center and the tables drawn around it.
    pub fn tables(&self) -> Vec<TableId> {
        let mut tables = vec![self.center];
        for neighbour in self.referenced.iter().chain(&self.referencing) {
            if !tables.contains(&neighbour.table) {
                tables.push(neighbour.table);
            }
        }
        tables
    }

    /// Neighbouring tables left out of the drawing.
    pub fn hidden(&self) -> usize {
        self.hidden_referenced + self.hidden_referencing
    }

    /// The table has no relationship at all.
    pub fn is_empty(&self) -> bool {
        self.referenced.is_empty() && self.referencing.is_empty() && self.hidden() == 0
    }

    fn edges(&self) -> impl Iterator<Item = &'g Edge> + '_ {
        self.referenced
            .iter()
            .chain(&self.referencing)
            .flat_map(|n| n.edges.iter().copied())
    }
}

/// Edges grouped by the table `key` picks, in first-seen order.
fn group<'g>(
    edges: impl Iterator<Item = &'g Edge>,
    key: fn(&Edge) -> TableId,
) -> Vec<Neighbour<'g>> {
    let mut groups: Vec<Neighbour<'g>> = Vec::new();
    for edge in edges {
        match groups.iter_mut().find(|n| n.table == key(edge)) {
            Some(neighbour) => neighbour.edges.push(edge),
            None => groups.push(Neighbour {
                table: key(edge),
                edges: vec![edge],
            }),
        }
    }
    groups
}

/// The drawing of a neighbourhood; no line reaches 100 columns.
pub fn draw(model: &Model, hood: &Neighbourhood) -> String {
    let center_table = model.table(hood.center);
    let mut center_columns: Vec<String> = center_table
        .primary_key()
        .map(|pk| pk.columns().into_iter().map(String::from).collect())
        .unwrap_or_default();
    for edge in hood.edges() {
        if edge.from == hood.center {
            center_columns.extend(edge.from_columns.iter().cloned());
        }
        if edge.to == hood.center {
            center_columns.extend(edge.to_columns.iter().cloned());
        }
    }
    let center = Panel::new(model, center_table, "", center_columns);
    let left: Vec<Panel> = hood
        .referenced
        .iter()
        .map(|n| {
            let columns = n
                .edges
                .iter()
                .flat_map(|e| e.to_columns.iter().cloned())
                .collect();
            Panel::new(model, model.table(n.table), "", columns)
        })
        .collect();
    let right: Vec<Panel> = hood
        .referencing
        .iter()
        .map(|n| {
            let columns = n
                .edges
                .iter()
                .flat_map(|e| e.from_columns.iter().cloned())
                .collect();
            let suffix = if n.table == hood.center {
                " (self)"
            } else {
                ""
            };
            Panel::new(model, model.table(n.table), suffix, columns)
        })
        .collect();

    let column_width =
        |panels: &[Panel]| panels.iter().map(Panel::natural_width).max().unwrap_or(0);
    let mut widths = vec![
        column_width(&left),
        center.natural_width(),
        column_width(&right),
    ];
    let gaps = GAP * (usize::from(!left.is_empty()) + usize::from(!right.is_empty()));
    shrink_to(&mut widths, MAX_WIDTH - gaps);
    let [left_width, center_width, right_width] = [widths[0], widths[1], widths[2]];
    let center_x = if left.is_empty() { 0 } else { left_width + GAP };
    let right_x = center_x + center_width + GAP;

    let mut canvas = Canvas::default();
    let left_edges = stack(&mut canvas, &left, 0, left_width, hood.hidden_referenced);
    let right_edges = stack(
        &mut canvas,
        &right,
        right_x,
        right_width,
        hood.hidden_referencing,
    );
    let last_edge_row = left_edges
        .iter()
        .chain(&right_edges)
        .copied()
        .max()
        .unwrap_or(0);
    let center_bottom = (3 + center.rows.len()).max(last_edge_row + 1);
    center.draw(&mut canvas, center_x, 0, center_width, center_bottom);

    for (neighbour, row) in hood.referenced.iter().zip(&left_edges) {
        let from = left_width;
        canvas.line(*row, from, center_x);
        canvas.put(
            row - 1,
            from,
            &labels(&neighbour.edges, Edge::referenced_end),
        );
        let near_center = labels(&neighbour.edges, Edge::referencing_end);
        canvas.put(
            row - 1,
            center_x - near_center.chars().count(),
            &near_center,
        );
        if *row != 2 {
            canvas.set(*row, center_x, '┤');
        }
    }
    let center_right = center_x + center_width - 1;
    for (neighbour, row) in hood.referencing.iter().zip(&right_edges) {
        canvas.line(*row, center_right + 1, right_x);
        canvas.put(
            row - 1,
            center_right + 1,
            &labels(&neighbour.edges, Edge::referenced_end),
        );
        let near_neighbour = labels(&neighbour.edges, Edge::referencing_end);
        canvas.put(
            row - 1,
            right_x - near_neighbour.chars().count(),
            &near_neighbour,
        );
        if *row != 2 {
            canvas.set(*row, center_right, '├');
        }
    }
    canvas.finish()
}

/// The distinct labels of one end of a group of edges: `1`, or `1,0..1` for two foreign keys
/// that differ.
fn labels(edges: &[&Edge], end: fn(&Edge) -> super::Multiplicity) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for edge in edges {
        let label = end(edge).label();
        if !seen.contains(&label) {
            seen.push(label);
        }
    }
    seen.join(",")
}

/// Narrows the widest columns one character at a time until they fit `budget`.
fn shrink_to(widths: &mut [usize], budget: usize) {
    while widths.iter().sum::<usize>() > budget {
        let Some(widest) = (0..widths.len())
            .filter(|i| widths[*i] > MIN_BOX_WIDTH)
            .max_by_key(|i| widths[*i])
        else {
            return;
        };
        widths[widest] -= 1;
    }
}

/// Draws boxes one below the other from the top; returns the row each box's line attaches at
/// (its header separator). `hidden` boxes are counted under the stack.
fn stack(
    canvas: &mut Canvas,
    panels: &[Panel],
    x: usize,
    width: usize,
    hidden: usize,
) -> Vec<usize> {
    let mut top = 0;
    let mut rows = Vec::with_capacity(panels.len());
    for panel in panels {
        let bottom = top + 3 + panel.rows.len();
        panel.draw(canvas, x, top, width, bottom);
        rows.push(top + 2);
        top = bottom + 1;
    }
    if hidden > 0 {
        canvas.put(top, x + 1, &format!("+{hidden} more"));
    }
    rows
}

/// A box: a title over key columns with their markers.
struct Panel {
    title: String,
    /// Kept when the title is cut (` (self)`).
    suffix: &'static str,
    rows: Vec<(String, String)>,
}

impl Panel {
    fn new(model: &Model, table: &Table, suffix: &'static str, columns: Vec<String>) -> Panel {
        let rows = super::in_table_order(table, columns)
            .into_iter()
            .map(|column| {
                (
                    column_label(table, &column),
                    key_markers(model, table, &column).join(" "),
                )
            })
            .collect();
        Panel {
            title: table_label(table),
            suffix,
            rows,
        }
    }

    /// The width that shows everything: borders, one space of padding on each side, the title
    /// or the widest row.
    fn natural_width(&self) -> usize {
        let title = self.title.chars().count() + self.suffix.chars().count();
        let row = |(name, marker): &(String, String)| {
            name.chars().count()
                + if marker.is_empty() {
                    0
                } else {
                    1 + marker.chars().count()
                }
        };
        4 + self.rows.iter().map(row).max().unwrap_or(0).max(title)
    }

    /// Draws the box with its top-left corner at (`x`, `top`), its bottom border at `bottom`
    /// (rows between the last column and the bottom stay empty).
    fn draw(&self, canvas: &mut Canvas, x: usize, top: usize, width: usize, bottom: usize) {
        let inner = width - 4;
        let horizontal = "─".repeat(width - 2);
        canvas.put(top, x, &format!("┌{horizontal}┐"));
        let suffix_width = self.suffix.chars().count();
        let title = format!(
            "{}{}",
            truncate(&self.title, inner.saturating_sub(suffix_width)),
            self.suffix
        );
        canvas.put(top + 1, x, &format!("│ {} │", pad(&title, inner)));
        canvas.put(top + 2, x, &format!("├{horizontal}┤"));
        for row in top + 3..bottom {
            let content = match self.rows.get(row - top - 3) {
                Some((name, marker)) => row_text(name, marker, inner),
                None => " ".repeat(inner),
            };
            canvas.put(row, x, &format!("│ {content} │"));
        }
        canvas.put(bottom, x, &format!("└{horizontal}┘"));
    }
}

/// A column name on the left and its markers on the right, `inner` characters wide.
fn row_text(name: &str, marker: &str, inner: usize) -> String {
    let marker_width = marker.chars().count();
    if marker_width == 0 {
        return pad(&truncate(name, inner), inner);
    }
    let name = truncate(name, inner.saturating_sub(marker_width + 1));
    let fill = inner.saturating_sub(name.chars().count() + marker_width);
    format!("{name}{}{marker}", " ".repeat(fill))
}

fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(text.chars().count());
    format!("{text}{}", " ".repeat(fill))
}

/// A grid of characters that grows as it is written to.
#[derive(Default)]
struct Canvas {
    rows: Vec<Vec<char>>,
}

impl Canvas {
    fn set(&mut self, row: usize, x: usize, c: char) {
        if self.rows.len() <= row {
            self.rows.resize(row + 1, Vec::new());
        }
        let line = &mut self.rows[row];
        if line.len() <= x {
            line.resize(x + 1, ' ');
        }
        line[x] = c;
    }

    fn put(&mut self, row: usize, x: usize, text: &str) {
        for (i, c) in text.chars().enumerate() {
            self.set(row, x + i, c);
        }
    }

    /// A horizontal line on `row` from `from` up to, not including, `to`.
    fn line(&mut self, row: usize, from: usize, to: usize) {
        for x in from..to {
            self.set(row, x, '─');
        }
    }

    fn finish(self) -> String {
        let lines: Vec<String> = self
            .rows
            .iter()
            .map(|row| row.iter().collect::<String>().trim_end().to_string())
            .collect();
        lines.join("\n")
    }
}

/// The drawing of `table` and its direct neighbours in `graph`.
pub fn table_drawing(model: &Model, graph: &Graph, table: TableId) -> String {
    draw(model, &Neighbourhood::new(graph, table, MAX_NEIGHBOURS))
}
