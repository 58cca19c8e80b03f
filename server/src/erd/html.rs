//! A self-contained HTML page: one inline SVG per section, laid out here (no scripts or styles
//! from elsewhere, nothing fetched). Tables are boxes listing their columns; they stand in
//! layers by foreign-key depth, referenced tables to the left of the tables referencing them,
//! and a tall layer wraps into several columns. Foreign keys are curves from the referenced
//! column to the referencing one, with crow's-foot markers at both ends. Tables without any
//! relationship come last. A short script of the page's own highlights a table's relationships
//! under the pointer and finds tables by name.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::graph::{Edge, Graph};
use super::{Section, column_label, column_type, key_markers, table_label, truncate};
use crate::model::{Model, Table, TableId};

const CHAR_WIDTH: f64 = 7.3;
const TITLE_CHAR_WIDTH: f64 = 8.2;
const HEADER_HEIGHT: i64 = 26;
const ROW_HEIGHT: i64 = 18;
const PAD_X: i64 = 10;
const CELL_GAP: i64 = 14;
const BOX_GAP_Y: i64 = 30;
const LAYER_GAP_X: i64 = 120;
const MARGIN: i64 = 30;
const MIN_BOX_WIDTH: i64 = 140;
const MAX_NAME_CHARS: usize = 40;
const MAX_TYPE_CHARS: usize = 28;
const MAX_TITLE_CHARS: usize = 64;

/// The page for `sections`, titled `title`.
pub fn render(title: &str, sections: &[Section]) -> String {
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
    let _ = write!(
        page,
        "<header>\n<h1>{}</h1>\n<input type=\"search\" id=\"find\" placeholder=\"Find a table\" aria-label=\"Find a table\">\n{LEGEND}\n</header>\n{MARKERS}\n",
        escape(title)
    );
    for (index, section) in sections.iter().enumerate() {
        page.push_str("<section>\n");
        if sections.len() > 1 {
            let _ = writeln!(page, "<h2>{}</h2>", escape(&section.title));
        }
        let _ = writeln!(
            page,
            "<p class=\"summary\">{} tables, {} foreign keys</p>",
            section.graph.nodes().len(),
            section.graph.edges().len()
        );
        page.push_str(&svg(section.model, &section.graph, index));
        page.push_str("</section>\n");
    }
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    page
}

/// Characters that are markup in HTML text and attribute values, escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A table's box: its text and where it stands.
struct Block {
    id: TableId,
    title: String,
    rows: Vec<Row>,
    name_width: i64,
    type_width: i64,
    width: i64,
    height: i64,
    x: i64,
    y: i64,
}

struct Row {
    column: String,
    name: String,
    ty: String,
    markers: String,
}

impl Block {
    fn new(model: &Model, table: &Table) -> Block {
        let rows: Vec<Row> = table
            .columns
            .iter()
            .map(|column| Row {
                column: column.name.clone(),
                name: truncate(&column_label(table, &column.name), MAX_NAME_CHARS),
                ty: truncate(&column_type(table, &column.name), MAX_TYPE_CHARS),
                markers: key_markers(model, table, &column.name).join(" "),
            })
            .collect();
        let widest = |text: fn(&Row) -> &str| {
            rows.iter()
                .map(|r| text(r).chars().count())
                .max()
                .unwrap_or(0)
        };
        let name_width = px(widest(|r| &r.name), CHAR_WIDTH);
        let type_width = px(widest(|r| &r.ty), CHAR_WIDTH);
        let marker_width = px(widest(|r| &r.markers), CHAR_WIDTH);
        let title = truncate(&table_label(table), MAX_TITLE_CHARS);
        let columns_width = name_width
            + CELL_GAP
            + type_width
            + if marker_width > 0 {
                CELL_GAP + marker_width
            } else {
                0
            };
        let title_width = px(title.chars().count(), TITLE_CHAR_WIDTH);
        let width = (2 * PAD_X + columns_width.max(title_width)).max(MIN_BOX_WIDTH);
        let height = HEADER_HEIGHT + ROW_HEIGHT * rows.len() as i64 + 6;
        Block {
            id: table.id,
            title,
            rows,
            name_width,
            type_width,
            width,
            height,
            x: 0,
            y: 0,
        }
    }

    /// The vertical middle of the row of `column`, or of the header when the box lacks it.
    fn anchor_y(&self, column: Option<&String>) -> i64 {
        match column.and_then(|name| self.rows.iter().position(|r| &r.column == name)) {
            Some(index) => self.y + HEADER_HEIGHT + 3 + ROW_HEIGHT * index as i64 + ROW_HEIGHT / 2,
            None => self.y + HEADER_HEIGHT / 2,
        }
    }
}

fn px(chars: usize, per_char: f64) -> i64 {
    (chars as f64 * per_char).ceil() as i64
}

/// The SVG of one section; element ids start with `s<section>-`.
fn svg(model: &Model, graph: &Graph, section: usize) -> String {
    let mut blocks: Vec<Block> = graph
        .nodes()
        .iter()
        .map(|&id| Block::new(model, model.table(id)))
        .collect();
    let index: HashMap<TableId, usize> =
        blocks.iter().enumerate().map(|(i, b)| (b.id, i)).collect();
    let (width, height) = place(&mut blocks, &index, graph);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg class=\"erd\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">"
    );
    out.push_str("<g class=\"edges\">\n");
    for edge in graph.edges() {
        let (Some(&from), Some(&to)) = (index.get(&edge.from), index.get(&edge.to)) else {
            continue;
        };
        out.push_str(&edge_path(model, edge, &blocks[to], &blocks[from], section));
    }
    out.push_str("</g>\n<g class=\"tables\">\n");
    for block in &blocks {
        out.push_str(&block_svg(block, section));
    }
    out.push_str("</g>\n</svg>\n");
    out
}

/// Puts the blocks in layers by foreign-key depth and returns the drawing's size.
fn place(blocks: &mut [Block], index: &HashMap<TableId, usize>, graph: &Graph) -> (i64, i64) {
    let count = blocks.len();
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); count];
    for edge in graph.edges().iter().filter(|e| !e.is_self_reference()) {
        let (Some(&child), Some(&parent)) = (index.get(&edge.from), index.get(&edge.to)) else {
            continue;
        };
        if !parents[child].contains(&parent) {
            parents[child].push(parent);
            children[parent].push(child);
        }
    }
    let mut depth = depths(&parents);
    pull_towards_children(&mut depth, &children);
    let isolated = |i: usize| parents[i].is_empty() && children[i].is_empty();
    let layer_count = (0..count)
        .filter(|&i| !isolated(i))
        .map(|i| depth[i] + 1)
        .max()
        .unwrap_or(0);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    let mut loose = Vec::new();
    for i in 0..count {
        if isolated(i) {
            loose.push(i);
        } else {
            layers[depth[i]].push(i);
        }
    }
    order_layers(&mut layers, &parents, &children, count);
    if !loose.is_empty() {
        layers.push(loose);
    }

    let area: i64 = blocks
        .iter()
        .map(|b| (b.width + LAYER_GAP_X) * (b.height + BOX_GAP_Y))
        .sum();
    let tallest = blocks.iter().map(|b| b.height).max().unwrap_or(0);
    let column_height = ((area as f64).sqrt() * 0.75) as i64;
    let column_height = column_height.max(tallest).max(600);
    let (mut x, mut right, mut bottom) = (MARGIN, MARGIN, MARGIN);
    for layer in &layers {
        let mut y = MARGIN;
        let mut column_width = 0;
        for &i in layer {
            if y > MARGIN && y + blocks[i].height > MARGIN + column_height {
                x += column_width + LAYER_GAP_X;
                y = MARGIN;
                column_width = 0;
            }
            blocks[i].x = x;
            blocks[i].y = y;
            y += blocks[i].height + BOX_GAP_Y;
            column_width = column_width.max(blocks[i].width);
            right = right.max(x + blocks[i].width);
            bottom = bottom.max(y - BOX_GAP_Y);
        }
        x += column_width + LAYER_GAP_X;
    }
    (right + MARGIN + 60, bottom + MARGIN)
}

/// The longest chain of references below each table (0 for a table that references nothing),
/// ignoring the foreign keys that close a cycle.
fn depths(parents: &[Vec<usize>]) -> Vec<usize> {
    const NEW: u8 = 0;
    const OPEN: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; parents.len()];
    let mut depth = vec![0; parents.len()];
    for root in 0..parents.len() {
        if state[root] != NEW {
            continue;
        }
        state[root] = OPEN;
        let mut stack = vec![(root, 0)];
        while let Some(&(node, next)) = stack.last() {
            if let Some(&parent) = parents[node].get(next) {
                let top = stack.len() - 1;
                stack[top].1 += 1;
                if state[parent] == NEW {
                    state[parent] = OPEN;
                    stack.push((parent, 0));
                }
                continue;
            }
            // Every parent is done or on the stack (a cycle): the depth counts the done ones.
            depth[node] = parents[node]
                .iter()
                .filter(|&&p| state[p] == DONE)
                .map(|&p| depth[p] + 1)
                .max()
                .unwrap_or(0);
            state[node] = DONE;
            stack.pop();
        }
    }
    depth
}

/// Moves each table that is referenced to the layer just before its nearest referencing table,
/// deepest first, so that lines do not run across whole layers of boxes.
fn pull_towards_children(depth: &mut [usize], children: &[Vec<usize>]) {
    let mut order: Vec<usize> = (0..depth.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(depth[i]));
    for i in order {
        let nearest = children[i]
            .iter()
            .map(|&c| depth[c])
            .filter(|&d| d > depth[i])
            .min();
        if let Some(nearest) = nearest {
            depth[i] = nearest - 1;
        }
    }
}

/// Orders each layer by the mean position of its neighbours in the layers before (then after,
/// then before again), so that lines cross less.
fn order_layers(
    layers: &mut [Vec<usize>],
    parents: &[Vec<usize>],
    children: &[Vec<usize>],
    count: usize,
) {
    let mut position = vec![0.0_f64; count];
    let record = |layer: &[usize], position: &mut [f64]| {
        let len = layer.len().max(1) as f64;
        for (rank, &i) in layer.iter().enumerate() {
            position[i] = rank as f64 / len;
        }
    };
    for layer in layers.iter() {
        record(layer, &mut position);
    }
    let sort = |layer: &mut Vec<usize>, neighbours: &[Vec<usize>], position: &[f64]| {
        let key = |i: usize| {
            if neighbours[i].is_empty() {
                position[i]
            } else {
                neighbours[i].iter().map(|&n| position[n]).sum::<f64>() / neighbours[i].len() as f64
            }
        };
        layer.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
    };
    for pass in 0..3 {
        let backwards = pass == 1;
        let order: Vec<usize> = if backwards {
            (0..layers.len()).rev().collect()
        } else {
            (0..layers.len()).collect()
        };
        for k in order {
            let neighbours = if backwards { children } else { parents };
            sort(&mut layers[k], neighbours, &position);
            record(&layers[k], &mut position);
        }
    }
}

fn block_svg(block: &Block, section: usize) -> String {
    let (x, y, w, h) = (block.x, block.y, block.width, block.height);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<g class=\"table\" id=\"s{section}-t{}\" data-name=\"{}\">",
        block.id.0,
        escape(&block.title.to_lowercase())
    );
    let _ = writeln!(
        out,
        "<rect class=\"frame\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"4\"/>"
    );
    let _ = writeln!(
        out,
        "<path class=\"head\" d=\"M{x} {} v-{} a4 4 0 0 1 4 -4 h{} a4 4 0 0 1 4 4 v{} z\"/>",
        y + HEADER_HEIGHT,
        HEADER_HEIGHT - 4,
        w - 8,
        HEADER_HEIGHT - 4
    );
    let _ = writeln!(
        out,
        "<text class=\"title\" x=\"{}\" y=\"{}\">{}</text>",
        x + PAD_X,
        y + 17,
        escape(&block.title)
    );
    for (i, row) in block.rows.iter().enumerate() {
        let baseline = y + HEADER_HEIGHT + 3 + ROW_HEIGHT * i as i64 + 13;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{baseline}\">{}</text>",
            x + PAD_X,
            escape(&row.name)
        );
        let type_x = x + PAD_X + block.name_width + CELL_GAP;
        let _ = write!(
            out,
            "<text class=\"type\" x=\"{type_x}\" y=\"{baseline}\">{}</text>",
            escape(&row.ty)
        );
        if !row.markers.is_empty() {
            let marker_x = type_x + block.type_width + CELL_GAP;
            let _ = write!(
                out,
                "<text class=\"key\" x=\"{marker_x}\" y=\"{baseline}\">{}</text>",
                escape(&row.markers)
            );
        }
        out.push('\n');
    }
    out.push_str("</g>\n");
    out
}

/// The curve of a foreign key from the referenced column (`parent`) to the referencing one
/// (`child`): right side to left side when the child stands to the right, the other way round
/// when it stands to the left, a loop on the right when they share a column.
fn edge_path(model: &Model, edge: &Edge, parent: &Block, child: &Block, section: usize) -> String {
    let parent_y = parent.anchor_y(edge.to_columns.first());
    let child_y = child.anchor_y(edge.from_columns.first());
    let path = if child.x >= parent.x + parent.width {
        let (x1, x2) = (parent.x + parent.width, child.x);
        let bend = ((x2 - x1) / 2).max(40);
        format!(
            "M{x1} {parent_y} C{} {parent_y} {} {child_y} {x2} {child_y}",
            x1 + bend,
            x2 - bend
        )
    } else if parent.x >= child.x + child.width {
        let (x1, x2) = (parent.x, child.x + child.width);
        let bend = ((x1 - x2) / 2).max(40);
        format!(
            "M{x1} {parent_y} C{} {parent_y} {} {child_y} {x2} {child_y}",
            x1 - bend,
            x2 + bend
        )
    } else {
        let (x1, x2) = (parent.x + parent.width, child.x + child.width);
        let out = x1.max(x2) + 40 + (parent_y - child_y).abs().min(400) / 10;
        format!("M{x1} {parent_y} C{out} {parent_y} {out} {child_y} {x2} {child_y}")
    };
    let start = if edge.optional { "zero-or-one" } else { "one" };
    let end = if edge.unique {
        "zero-or-one"
    } else {
        "zero-or-many"
    };
    let dashed = if edge.identifying { "" } else { " dashed" };
    format!(
        "<path class=\"edge{dashed}\" data-from=\"s{section}-t{}\" data-to=\"s{section}-t{}\" d=\"{path}\" marker-start=\"url(#m-{start})\" marker-end=\"url(#m-{end})\"><title>{}</title></path>\n",
        edge.from.0,
        edge.to.0,
        escape(&super::describe(model, edge))
    )
}

const STYLE: &str = "
body{margin:0;font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2933;background:#f7f9fb}
header{position:sticky;top:0;z-index:1;display:flex;gap:24px;align-items:center;flex-wrap:wrap;padding:10px 24px;background:#fff;border-bottom:1px solid #d5dde6}
h1{font-size:18px;margin:0}
h2{font-size:16px;margin:16px 24px 0}
.summary{margin:4px 24px;color:#52606d}
#find{padding:4px 8px;font:inherit;border:1px solid #b8c4d0;border-radius:4px;min-width:16em}
.legend{display:flex;gap:18px;align-items:center;margin:0;color:#52606d;font-size:12px}
.legend svg{vertical-align:middle}
section{overflow:auto}
svg.erd{display:block;margin:8px 24px 24px}
svg.erd text{font:12px ui-monospace,'SFMono-Regular',Menlo,Consolas,'DejaVu Sans Mono',monospace;fill:#1f2933}
svg.erd text.title{font-weight:bold;font-size:13px}
svg.erd text.type{fill:#616e7c}
svg.erd text.key{fill:#8d4b00;font-weight:bold}
.frame{fill:#fff;stroke:#8292a2}
.head{fill:#dbe4f0;stroke:#8292a2}
.edge{fill:none;stroke:#6b7c8f;stroke-width:1.3}
.edge.dashed{stroke-dasharray:5 3}
.marker{fill:#fff;stroke:#6b7c8f;stroke-width:1.3}
svg.focus .edge{opacity:.12}
svg.focus .edge.lit{opacity:1;stroke:#c2410c;stroke-width:2.2}
svg.focus .table{opacity:.35}
svg.focus .table.lit{opacity:1}
.table.found .frame{stroke:#c2410c;stroke-width:3}
";

const LEGEND: &str = "<p class=\"legend\">\
<span><svg width=\"46\" height=\"14\" viewBox=\"0 0 46 14\"><path class=\"edge\" d=\"M0 7 H46\" marker-end=\"url(#m-one)\"/></svg> exactly one</span>\
<span><svg width=\"46\" height=\"14\" viewBox=\"0 0 46 14\"><path class=\"edge\" d=\"M0 7 H46\" marker-end=\"url(#m-zero-or-one)\"/></svg> zero or one</span>\
<span><svg width=\"46\" height=\"14\" viewBox=\"0 0 46 14\"><path class=\"edge\" d=\"M0 7 H46\" marker-end=\"url(#m-zero-or-many)\"/></svg> zero or more</span>\
<span><svg width=\"46\" height=\"14\" viewBox=\"0 0 46 14\"><path class=\"edge dashed\" d=\"M0 7 H46\"/></svg> not part of the primary key</span>\
</p>";

/// Crow's-foot markers, drawn for a line arriving from the left at a box; at a line's start
/// they turn round (`auto-start-reverse`) to face the box there.
const MARKERS: &str = "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs>\
<marker id=\"m-one\" viewBox=\"0 0 18 14\" refX=\"18\" refY=\"7\" markerWidth=\"18\" markerHeight=\"14\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path class=\"marker\" d=\"M9 1 V13 M13 1 V13\"/></marker>\
<marker id=\"m-zero-or-one\" viewBox=\"0 0 18 14\" refX=\"18\" refY=\"7\" markerWidth=\"18\" markerHeight=\"14\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path class=\"marker\" d=\"M13 1 V13\"/><circle class=\"marker\" cx=\"6\" cy=\"7\" r=\"3.5\"/></marker>\
<marker id=\"m-zero-or-many\" viewBox=\"0 0 18 14\" refX=\"18\" refY=\"7\" markerWidth=\"18\" markerHeight=\"14\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path class=\"marker\" d=\"M11 7 L18 1 M11 7 L18 13 M11 7 H18\"/><circle class=\"marker\" cx=\"6\" cy=\"7\" r=\"3.5\"/></marker>\
</defs></svg>";

/// Highlights the relationships of the table under the pointer; finds tables by name.
const SCRIPT: &str = "
document.querySelectorAll('svg.erd').forEach(function (svg) {
  var edges = Array.prototype.slice.call(svg.querySelectorAll('.edge'));
  svg.querySelectorAll('.table').forEach(function (table) {
    table.addEventListener('mouseenter', function () {
      svg.classList.add('focus');
      table.classList.add('lit');
      edges.forEach(function (edge) {
        var from = edge.getAttribute('data-from'), to = edge.getAttribute('data-to');
        if (from === table.id || to === table.id) {
          edge.classList.add('lit');
          document.getElementById(from === table.id ? to : from).classList.add('lit');
        }
      });
    });
    table.addEventListener('mouseleave', function () {
      svg.classList.remove('focus');
      svg.querySelectorAll('.lit').forEach(function (lit) { lit.classList.remove('lit'); });
    });
  });
});
document.getElementById('find').addEventListener('input', function (event) {
  var wanted = event.target.value.trim().toLowerCase();
  var first = null;
  document.querySelectorAll('.table').forEach(function (table) {
    var hit = wanted !== '' && table.getAttribute('data-name').indexOf(wanted) !== -1;
    table.classList.toggle('found', hit);
    if (hit && first === null) { first = table; }
  });
  if (first !== null) { first.scrollIntoView({block: 'center', inline: 'center'}); }
});
";
