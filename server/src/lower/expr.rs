//! Expression summaries: the few things rules need from a balanced token tree.

use tree_sitter::Node;

use super::{Cx, Expr, Ident, Literal, string_value};
use crate::catalog::keywords::{KeywordCategory, keyword_category};
use crate::syntax;

impl<'a> Cx<'a> {
    /// Summarises an expression node (`expression`, `parenthesized_expression`, ...).
    pub fn expr(&self, node: Node) -> Expr {
        let mut summary = Expr {
            normalized: self.normalized(node),
            range: self.range(node),
            columns: Vec::new(),
            allowed_values: Vec::new(),
            literal: self.literal(node),
            functions: Vec::new(),
        };
        self.collect(node, &mut summary);
        summary.columns.shrink_to_fit();
        summary.allowed_values.shrink_to_fit();
        summary.functions.shrink_to_fit();
        summary
    }

    /// Gathers columns, functions and allowed values in source order, with an explicit stack
    /// (expressions nest as deep as the input does). Each node is visited with its siblings:
    /// `Node::prev_named_sibling` searches from the root, in time proportional to the depth.
    fn collect(&self, root: Node, summary: &mut Expr) {
        let mut lists: Vec<Vec<Node>> = Vec::new();
        let mut stack = vec![(root, None)];
        while let Some((node, at)) = stack.pop() {
            let siblings = at.map(|(list, index): (usize, usize)| (&lists[list][..], index));
            let (children, visit) = self.visit(node, siblings, summary);
            let list = lists.len();
            stack.extend(
                visit
                    .into_iter()
                    .rev()
                    .map(|index| (children[index], Some((list, index)))),
            );
            lists.push(children);
        }
    }

    /// Records what `node` itself says; returns a list of nodes and which of them to visit next,
    /// in source order.
    fn visit<'t>(
        &self,
        node: Node<'t>,
        siblings: Option<(&[Node], usize)>,
        summary: &mut Expr,
    ) -> (Vec<Node<'t>>, Vec<usize>) {
        let none = (Vec::new(), Vec::new());
        match node.kind() {
            "column_reference" => {
                if let Some(column) = self.column_of_reference(node) {
                    summary.columns.push(column);
                }
                return none;
            }
            "function_call" => {
                let mut function = String::new();
                if let Some(name) = syntax::field(node, "function") {
                    let last = syntax::named_children(name).last().unwrap_or(name);
                    function = self.text(last).to_ascii_lowercase();
                    summary.functions.push(function.clone());
                }
                let Some(arguments) = syntax::field(node, "arguments") else {
                    return none;
                };
                let is = |child: Node, word: &str| self.text(child).eq_ignore_ascii_case(word);
                let children: Vec<Node> = syntax::named_children(arguments).collect();
                // `CAST(x AS type)`: the type is no column; `EXTRACT(epoch FROM x)`: nor the field.
                let relevant = match function.as_str() {
                    "cast" | "treat" => {
                        0..children
                            .iter()
                            .position(|c| is(*c, "as"))
                            .unwrap_or(children.len())
                    }
                    "extract" => {
                        let start = children
                            .iter()
                            .position(|c| is(*c, "from"))
                            .map_or(0, |p| p + 1);
                        start..children.len()
                    }
                    _ => return (vec![arguments], vec![0]),
                };
                return (children, relevant.collect());
            }
            "parenthesized_expression" | "in_list" if is_subquery(node, self.text) => return none,
            "in_list" => {
                if let Some(values) =
                    siblings.and_then(|(list, at)| self.allowed_by_in_list(list, at))
                {
                    summary.allowed_values.push(values);
                }
            }
            "operator" if self.text(node) == "=" => {
                if let Some(values) =
                    siblings.and_then(|(list, at)| self.allowed_by_any_array(list, at))
                {
                    summary.allowed_values.push(values);
                }
            }
            "cast" | "dollar_quoted_string" | "string" => return none,
            _ => {}
        }
        let children: Vec<Node> = syntax::named_children(node).collect();
        let mut visit = Vec::with_capacity(children.len());
        for index in 0..children.len() {
            // `x COLLATE "C"`: the collation's name is no column.
            let after_collate = index.checked_sub(1).is_some_and(|previous| {
                let previous = children[previous];
                previous.kind() == "column_reference"
                    && self.text(previous).eq_ignore_ascii_case("collate")
            });
            if !after_collate {
                visit.push(index);
            }
        }
        (children, visit)
    }

    /// The column a reference names, unless it is a keyword-like word (`current_date`).
    fn column_of_reference(&self, node: Node) -> Option<Ident> {
        let parts: Vec<Node> = syntax::named_children(node).collect();
        let last = *parts.last()?;
        if !matches!(last.kind(), "identifier" | "quoted_identifier") {
            return None;
        }
        let ident = self.ident(last);
        if parts.len() == 1 && !ident.quoted && is_expression_word(&ident.name) {
            return None;
        }
        Some(ident)
    }

    /// `col IN ('a', 'b')`, `(col)::text IN (...)`; not `NOT IN`. The list is `siblings[at]`.
    fn allowed_by_in_list(&self, siblings: &[Node], at: usize) -> Option<(String, Vec<String>)> {
        let mut before = siblings[..at].iter().rev();
        let mut previous = *before.next()?;
        if previous.kind() == "keyword" && self.text(previous).eq_ignore_ascii_case("not") {
            return None;
        }
        while previous.kind() == "cast" {
            previous = *before.next()?;
        }
        let column = self.single_column(previous)?;
        let values = self.literal_values(siblings[at])?;
        Some((column.name, values))
    }

    /// pg_dump's rewrite of IN: `(col)::text = ANY ((ARRAY['a'::text, 'b'::text])::text[])`.
    /// The `=` is `siblings[at]`.
    fn allowed_by_any_array(&self, siblings: &[Node], at: usize) -> Option<(String, Vec<String>)> {
        let call = *siblings.get(at + 1)?;
        if call.kind() != "function_call" {
            return None;
        }
        let name = syntax::field(call, "function")?;
        if !self.text(name).eq_ignore_ascii_case("any") {
            return None;
        }
        // The array is near the call's start; a bounded search keeps nested `= ANY (... = ANY
        // (...))` linear.
        let array = syntax::descendants(call)
            .take(64)
            .find(|node| node.kind() == "array_constructor")?;
        let mut before = siblings[..at].iter().rev();
        let mut previous = *before.next()?;
        while previous.kind() == "cast" {
            previous = *before.next()?;
        }
        let column = self.single_column(previous)?;
        let values = self.literal_values(array)?;
        Some((column.name, values))
    }

    /// A column reference, possibly wrapped in parentheses and casts: `((status)::text)`.
    fn single_column(&self, node: Node) -> Option<Ident> {
        let mut node = node;
        loop {
            match node.kind() {
                "column_reference" => return self.column_of_reference(node),
                "parenthesized_expression" => {
                    let mut inner = syntax::named_children(node).filter(|c| c.kind() != "cast");
                    match (inner.next(), inner.next()) {
                        (Some(only), None) => node = only,
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }

    /// The literal values directly inside a list (casts ignored); `None` if anything else is there.
    fn literal_values(&self, list: Node) -> Option<Vec<String>> {
        let mut values = Vec::new();
        for child in syntax::named_children(list) {
            match child.kind() {
                "string" => values.push(string_value(self.text(child))),
                "number" => values.push(self.text(child).to_string()),
                "cast" => {}
                _ => return None,
            }
        }
        Some(values)
    }

    /// The literal an expression consists of, casts and parentheses ignored.
    fn literal(&self, node: Node) -> Option<Literal> {
        let mut node = node;
        loop {
            let parts: Vec<Node> = syntax::children(node)
                .filter(|child| child.kind() != "cast")
                .collect();
            let parts: &[Node] = match node.kind() {
                "parenthesized_expression" => parts.get(1..parts.len().saturating_sub(1))?,
                _ => &parts,
            };
            return match parts {
                [single] => match single.kind() {
                    "string" => Some(Literal::String(string_value(self.text(*single)))),
                    "number" => Some(Literal::Number(self.text(*single).to_string())),
                    "NULL" => Some(Literal::Null),
                    "TRUE" => Some(Literal::Bool(true)),
                    "FALSE" => Some(Literal::Bool(false)),
                    "parenthesized_expression" | "expression" => {
                        node = *single;
                        continue;
                    }
                    _ => None,
                },
                [sign, number] if sign.kind() == "operator" && number.kind() == "number" => {
                    let sign = self.text(*sign);
                    (sign == "-" || sign == "+")
                        .then(|| Literal::Number(format!("{sign}{}", self.text(*number))))
                }
                _ => None,
            };
        }
    }

    /// Tokens lower-cased outside quotes, separated by one space.
    fn normalized(&self, node: Node) -> String {
        let mut out = String::new();
        for leaf in syntax::descendants(node).filter(|n| n.child_count() == 0 && !n.is_extra()) {
            if !out.is_empty() {
                out.push(' ');
            }
            let text = self.text(leaf);
            match leaf.kind() {
                "string" | "quoted_identifier" | "dollar_quoted_string" => out.push_str(text),
                _ => out.push_str(&text.to_ascii_lowercase()),
            }
        }
        out
    }

    pub fn ident_list(&self, nodes: impl Iterator<Item = Node<'a>>) -> Vec<Ident> {
        let mut idents: Vec<Ident> = nodes.map(|node| self.ident(node)).collect();
        idents.shrink_to_fit();
        idents
    }
}

/// `(SELECT ...)`, `(WITH ...)`, `(VALUES ...)`: columns inside belong to other tables.
fn is_subquery(node: Node, text: &str) -> bool {
    syntax::named_children(node).next().is_some_and(|first| {
        let word = syntax::text(first, text);
        ["select", "with", "values"]
            .iter()
            .any(|keyword| word.eq_ignore_ascii_case(keyword))
    })
}

/// Words that look like column references in a token tree but are SQL syntax
/// (`CURRENT_DATE`, `CASE ... END`, `AT TIME ZONE`, `EXTRACT(YEAR FROM ...)`).
fn is_expression_word(word: &str) -> bool {
    match keyword_category(word) {
        Some(
            KeywordCategory::Reserved | KeywordCategory::TypeFuncName | KeywordCategory::ColName,
        ) => true,
        _ => matches!(
            word,
            "at" | "zone" | "escape" | "year" | "month" | "day" | "hour" | "minute" | "second"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::{Fact, lower_file};
    use crate::syntax::{Language, parse};

    fn check_expr(text: &str) -> Expr {
        let source = format!("CREATE TABLE t (c text CHECK {text});");
        let tree = parse(Language::Sql, &source, None);
        let lowered = lower_file(Language::Sql, &tree, &source);
        let Fact::CreateTable(table) = &lowered[0].lowered.facts[0] else {
            panic!("not a table: {lowered:?}");
        };
        let constraint = &table.columns[0].constraints[0];
        match &constraint.kind {
            crate::lower::ConstraintKind::Check(expr) => expr.clone(),
            other => panic!("not a check: {other:?}"),
        }
    }

    #[test]
    fn in_list_values() {
        let expr = check_expr("(status IN ('active', 'closed'))");
        assert_eq!(
            expr.allowed_values,
            [(
                "status".to_string(),
                vec!["active".to_string(), "closed".to_string()]
            )]
        );
        assert_eq!(
            expr.columns
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["status"]
        );
    }

    #[test]
    fn pg_dump_any_array_values() {
        let expr = check_expr(
            "(((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])))",
        );
        assert_eq!(
            expr.allowed_values,
            [("status".to_string(), vec!["a".to_string(), "b".to_string()])]
        );
    }

    #[test]
    fn deeply_nested_in_lists_and_any_arrays_take_linear_time() {
        let depth = 100_000;
        let close = ")".repeat(depth);
        let expr = check_expr(&format!("({}'x'{close})", "status IN (".repeat(depth)));
        assert_eq!(expr.columns.len(), depth);
        let expr = check_expr(&format!("({}ARRAY['x']{close})", "s = ANY (".repeat(depth)));
        assert_eq!(expr.columns.len(), depth);
        let expr = check_expr("(s = ANY (s = ANY (ARRAY['x'])))");
        // Each `= ANY` takes the first array inside its call.
        let allowed = ("s".to_string(), vec!["x".to_string()]);
        assert_eq!(expr.allowed_values, [allowed.clone(), allowed]);
    }

    #[test]
    fn not_in_is_not_an_allowed_set() {
        let expr = check_expr("(status NOT IN ('x'))");
        assert!(expr.allowed_values.is_empty());
    }

    #[test]
    fn cast_types_extract_fields_collations_and_in_subqueries_are_not_columns() {
        let expr = check_expr(
            "(CAST(a AS text) <> '' AND b COLLATE \"C\" > 'a' AND EXTRACT(epoch FROM c) > 0 AND d IN (SELECT x FROM other))",
        );
        let names: Vec<&str> = expr.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
    }

    #[test]
    fn keywords_and_subqueries_are_not_columns() {
        let expr = check_expr(
            "(created_at <= CURRENT_DATE AND (x AT TIME ZONE 'utc') > now() AND EXISTS (SELECT 1 FROM other WHERE other.y = 1))",
        );
        let names: Vec<&str> = expr.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["created_at", "x"]);
        assert_eq!(expr.functions, ["now", "exists"]);
    }
}
