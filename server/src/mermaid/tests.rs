use super::*;
use crate::erd::mermaid::{Attributes, render};
use crate::erd::tests::schema;
use crate::erd::{Graph, find_table};
use crate::model::Model;

/// The text before the block in the test documents: non-ASCII, so that offsets are bytes.
const BEFORE: &str = "# Entwurf – Übersicht\n\n```mermaid\n";

const SHOP: &str = "\
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name varchar(100)
);
CREATE TABLE profiles (
    user_id bigint PRIMARY KEY REFERENCES users (id),
    bio text
);
CREATE TABLE posts (
    id bigint PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id),
    editor_id bigint REFERENCES users (id),
    title text NOT NULL,
    created_at timestamptz NOT NULL
);
";

fn shop() -> Model {
    schema(&[("s.sql", SHOP)]).model
}

/// A Markdown document holding `block` as a Mermaid block, and the block's offset.
fn document(block: &str) -> (String, u32) {
    (format!("{BEFORE}{block}```\n"), BEFORE.len() as u32)
}

fn block_of(document: &str) -> &str {
    let rest = &document[BEFORE.len()..];
    &rest[..rest.rfind("```").unwrap()]
}

fn drifts(model: &Model, block: &str) -> (String, Vec<Drift>) {
    let (doc, base) = document(block);
    let diagram = parse(block_of(&doc), base);
    let found = drift(&diagram, model);
    for d in &found {
        assert!(
            diagram.slice(d.range) == &doc[d.range.start() as usize..d.range.end() as usize],
            "a range outside the block: {d:?}"
        );
    }
    (doc, found)
}

fn apply(document: &str, edits: &[(TextRange, String)]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start()));
    let mut text = document.to_string();
    for (range, new) in edits {
        text.replace_range(range.start() as usize..range.end() as usize, &new);
    }
    text
}

/// The one drift of `block`: its kind, the text at its range and its message; then its fix
/// applied leaves a block without drift, which is returned.
#[track_caller]
fn check_fix(model: &Model, block: &str, kind: DriftKind, token: &str, message: &str) -> String {
    let (doc, found) = drifts(model, block);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert_eq!(d.kind, kind);
    assert_eq!(
        &doc[d.range.start() as usize..d.range.end() as usize],
        token
    );
    assert_eq!(d.message, message);
    let (_, edits) = d.fix.as_ref().expect("a fix");
    let fixed = apply(&doc, edits);
    let block = block_of(&fixed).to_string();
    let (_, left) = drifts(model, &block);
    assert!(left.is_empty(), "after the fix:\n{block}\n{left:#?}");
    block
}

#[track_caller]
fn assert_clean(model: &Model, block: &str) {
    let (_, found) = drifts(model, block);
    assert!(found.is_empty(), "{block}\n{found:#?}");
}

#[test]
fn parses_every_statement_form_with_ranges() {
    let text = "\
---
title: Shop
---
erDiagram
    direction LR
    %% the people
    CUSTOMER[\"Kunde\"] {
        string name PK, FK \"the \u{e9} name\"
        int id UK
        numeric(12,2) total
    }
    \"order items\" { int qty }
    PRODUCT
    CUSTOMER ||--o{ ORDER : places
    ORDER |o..|{ \"order items\" : \"contains\"
    PRODUCT only one to zero or more \"order items\" : x
    PRODUCT }o..o| PRODUCT
    style-guide
    accTitle: not an entity
    style CUSTOMER fill:#f9f
";
    let d = parse(text, 100);
    let at = |range: TextRange| d.slice(range).to_string();
    assert_eq!(at(d.header.unwrap()), "erDiagram");
    assert_eq!(at(d.direction.unwrap()), "direction LR");
    let names: Vec<&str> = d.entities.iter().map(|e| e.name.text.as_str()).collect();
    assert_eq!(
        names,
        ["CUSTOMER", "order items", "PRODUCT", "ORDER", "style-guide"]
    );
    let customer = &d.entities[0];
    assert_eq!(customer.alias.as_ref().unwrap().text, "Kunde");
    assert_eq!(at(customer.body.unwrap()).lines().count(), 5);
    let name = &customer.attributes[0];
    assert_eq!(
        (at(name.ty.range), at(name.name.range)),
        ("string".into(), "name".into())
    );
    let keys: Vec<String> = name.keys.iter().map(|k| at(k.range)).collect();
    assert_eq!(keys, ["PK", "FK"]);
    assert_eq!(name.comment.as_ref().unwrap().text, "the \u{e9} name");
    assert_eq!(at(name.range), "string name PK, FK \"the \u{e9} name\"");
    assert_eq!(customer.attributes[1].keys[0].text, "UK");
    assert_eq!(at(customer.attributes[2].ty.range), "numeric(12,2)");
    assert_eq!(d.entities[1].attributes[0].name.text, "qty");
    assert_eq!(at(d.entities[1].name.range), "\"order items\"");
    assert_eq!(d.entities[1].mentions.len(), 3);

    let r = &d.relationships;
    assert_eq!(r.len(), 4);
    assert_eq!(at(r[0].symbol_range()), "||--o{");
    assert_eq!(
        (r[0].left_card.kind, r[0].right_card.kind, r[0].identifying),
        (Cardinality::ExactlyOne, Cardinality::ZeroOrMore, true)
    );
    assert_eq!(r[0].label.as_ref().unwrap().text, "places");
    assert_eq!(at(r[0].range), "CUSTOMER ||--o{ ORDER : places");
    assert_eq!(
        (r[1].left_card.kind, r[1].right_card.kind, r[1].identifying),
        (Cardinality::ZeroOrOne, Cardinality::OneOrMore, false)
    );
    assert_eq!(r[1].right.text, "order items");
    assert_eq!(at(r[1].label.as_ref().unwrap().range), "\"contains\"");
    assert_eq!(at(r[2].left_card.range), "only one");
    assert_eq!(at(r[2].line), "to");
    assert_eq!(at(r[2].right_card.range), "zero or more");
    assert!(r[2].left_card.words && r[2].identifying);
    assert_eq!(
        (
            r[3].left_card.kind,
            r[3].right_card.kind,
            r[3].label.is_none()
        ),
        (Cardinality::ZeroOrMore, Cardinality::ZeroOrOne, true)
    );
}

#[test]
fn other_diagrams_have_no_entities() {
    let d = parse("%%{init: {}}%%\nflowchart LR\n    users --> posts\n", 0);
    assert_eq!((d.header, d.entities.len()), (None, 0));
    let d = parse("%%{init: {}}%%\n\n  erdiagram\n    users\n", 0);
    assert_eq!(d.entities.len(), 1);
}

#[test]
fn parsing_survives_any_cut_or_garbling() {
    let text = "erDiagram\r\n  A[\"x\"] { int id PK \"c\" }\n  \"B b\" |o..o{ A : \"l\"\n  C one or more optionally to 1 A : y\n  accDescr { z }\n  ü ||--|| ö\n";
    let mut cuts: Vec<String> = (0..=text.len())
        .filter(|i| text.is_char_boundary(*i))
        .flat_map(|i| [text[..i].to_string(), text[i..].to_string()])
        .collect();
    for (i, c) in text.char_indices() {
        let mut garbled = text.to_string();
        garbled.replace_range(i..i + c.len_utf8(), "\"");
        cuts.push(garbled);
        let mut dropped = text.to_string();
        dropped.remove(i);
        cuts.push(dropped);
    }
    let model = shop();
    for cut in &cuts {
        let d = parse(cut, 7);
        for range in d
            .entities
            .iter()
            .flat_map(|e| e.mentions.iter().copied())
            .chain(d.relationships.iter().map(|r| r.range))
        {
            assert!(range.start() >= 7 && range.end() as usize <= cut.len() + 7);
        }
        drift(&d, &model);
        update(&d, &model);
    }
}

#[test]
fn the_rendered_diagram_has_no_drift() {
    let model = shop();
    let graph = Graph::new(&model);
    assert_clean(&model, &render(&model, &graph, Attributes::All));
    assert_clean(&model, &render(&model, &graph, Attributes::Keys));
}

#[test]
fn an_entity_without_a_table_is_renamed_to_the_closest() {
    let fixed = check_fix(
        &shop(),
        "erDiagram\n    users ||--o{ postz : writes\n    users ||--o| profiles : has\n    users |o..o{ postz : edits\n",
        DriftKind::EntityWithoutTable,
        "postz",
        "entity `postz` has no table in the schema; did you mean `posts`?",
    );
    assert!(fixed.contains("users ||--o{ posts : writes"), "{fixed}");
}

#[test]
fn an_entity_without_a_close_table_has_no_fix() {
    let (_, found) = drifts(&shop(), "erDiagram\n    warehouses\n    users\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, DriftKind::EntityWithoutTable);
    assert!(found[0].fix.is_none());
}

#[test]
fn names_match_in_any_case_number_or_qualification() {
    let model = schema(&[(
        "s.sql",
        "CREATE TABLE order_items (id int PRIMARY KEY);
         CREATE SCHEMA audit;
         CREATE TABLE audit.events (id int PRIMARY KEY);
         CREATE TABLE categories (id int PRIMARY KEY);",
    )])
    .model;
    assert_clean(
        &model,
        "erDiagram\n    ORDER-ITEM\n    audit_events\n    CATEGORY\n",
    );
    assert_clean(
        &model,
        "erDiagram\n    \"public.order_items\"\n    \"audit.events\"\n    c[\"Categories\"]\n",
    );
}

#[test]
fn a_table_without_an_entity_is_added_with_its_relationships() {
    let block = "erDiagram\n    users {\n        bigint id PK\n    }\n    posts {\n        bigint id PK\n    }\n    profiles {\n        bigint user_id PK\n    }\n    users ||--|| profiles : has\n";
    let model = schema(&[(
        "s.sql",
        &format!("{SHOP}CREATE TABLE likes (post_id bigint NOT NULL REFERENCES posts, user_id bigint NOT NULL REFERENCES users, PRIMARY KEY (post_id, user_id));"),
    )])
    .model;
    let (doc, found) = drifts(&model, block);
    let kinds: Vec<DriftKind> = found.iter().map(|d| d.kind).collect();
    // The two keys of posts are missing too; likes is not drawn.
    assert_eq!(
        kinds,
        [
            DriftKind::TableWithoutEntity,
            DriftKind::ForeignKeyWithoutRelationship,
            DriftKind::ForeignKeyWithoutRelationship,
        ]
    );
    assert_eq!(
        found[0].message,
        "table `likes` has no entity in the diagram"
    );
    assert_eq!(
        &doc[found[0].range.start() as usize..found[0].range.end() as usize],
        "erDiagram"
    );
    let fixed = apply(&doc, &found[0].fix.as_ref().unwrap().1);
    let fixed = block_of(&fixed);
    assert!(
        fixed.ends_with(
            "    users ||--|| profiles : has\n    likes {\n        bigint post_id PK, FK\n        bigint user_id PK, FK\n    }\n    posts ||--o{ likes : \"post_id\"\n    users ||--o{ likes : \"user_id\"\n"
        ),
        "{fixed}"
    );
    let (_, left) = drifts(&model, fixed);
    assert_eq!(left.len(), 2, "{left:#?}");
}

#[test]
fn a_missing_table_added_leaves_no_drift() {
    let fixed = check_fix(
        &shop(),
        "erDiagram\n  users {\n    bigint id PK\n  }\n  posts\n  users ||--o{ posts : wrote\n  users |o..o{ posts : edited\n",
        DriftKind::TableWithoutEntity,
        "erDiagram",
        "table `profiles` has no entity in the diagram",
    );
    assert!(
        fixed.ends_with("  users |o..o{ posts : edited\n  profiles {\n      bigint user_id PK, FK\n      text bio\n  }\n  users ||--o| profiles : \"user_id\"\n"),
        "{fixed}"
    );
}

#[test]
fn few_bare_entities_do_not_ask_for_the_other_tables() {
    let model = schema(&[(
        "s.sql",
        &format!("{SHOP}CREATE TABLE tags (id int PRIMARY KEY); CREATE TABLE logs (id int);"),
    )])
    .model;
    assert_clean(
        &model,
        "erDiagram\n    users ||--o{ posts : writes\n    users |o..o{ posts : edits\n",
    );
    let (_, found) = drifts(&model, "erDiagram\n    users {\n        bigint id\n    }\n");
    assert_eq!(
        found.len(),
        4,
        "attributes shown: the other tables are missing"
    );
}

#[test]
fn an_attribute_without_a_column_is_removed_or_renamed() {
    let model = shop();
    let fixed = check_fix(
        &model,
        "erDiagram\n    users ||--o{ posts : a\n    users |o..o{ posts : e\n    users ||--o| profiles : p\n    users {\n        bigint id PK\n        text nickname\n    }\n",
        DriftKind::AttributeWithoutColumn,
        "nickname",
        "attribute `nickname` of `users` has no column in table `users`",
    );
    assert!(fixed.ends_with("        bigint id PK\n    }\n"), "{fixed}");
    let fixed = check_fix(
        &model,
        "erDiagram\n    users ||--o{ posts : a\n    users |o..o{ posts : e\n    users ||--o| profiles : p\n    users { bigint id PK text emial }\n",
        DriftKind::AttributeWithoutColumn,
        "emial",
        "attribute `emial` of `users` has no column in table `users`; did you mean `email`?",
    );
    assert!(fixed.contains("{ bigint id PK text email }"), "{fixed}");
}

#[test]
fn a_type_that_differs_is_replaced() {
    let fixed = check_fix(
        &shop(),
        "erDiagram\n    users ||--o{ posts : a\n    users |o..o{ posts : e\n    users ||--o| profiles : p\n    posts {\n        bigint id PK\n        bigint author_id FK\n        string title\n        timestamptz created_at\n        boolean editor_id\n    }\n",
        DriftKind::TypeMismatch,
        "boolean",
        "attribute `editor_id` is `boolean` in the diagram but `bigint` in table `posts`",
    );
    assert!(fixed.contains("bigint editor_id"), "{fixed}");
}

#[test]
fn types_compare_leniently() {
    let same = |written: &str, column: &str| {
        let model = schema(&[("s.sql", &format!("CREATE TABLE t (c {column});"))]).model;
        let (_, found) = drifts(
            &model,
            &format!("erDiagram\n    t {{\n        {written} c\n    }}\n"),
        );
        found.is_empty()
    };
    for (written, column) in [
        ("int", "integer"),
        ("integer", "int4"),
        ("int4", "serial"),
        ("varchar", "varchar(255)"),
        ("varchar", "character varying"),
        ("character_varying(255)", "varchar(255)"),
        ("varchar(100)", "varchar(255)"),
        ("timestamptz", "timestamp with time zone"),
        ("timestamp(3)_with_time_zone", "timestamptz(3)"),
        ("string", "text"),
        ("string", "varchar(20)"),
        ("datetime", "timestamptz"),
        ("decimal", "numeric(12,2)"),
        ("number", "bigint"),
        ("number", "numeric"),
        ("double", "double precision"),
        ("text[]", "text[]"),
        ("bool", "boolean"),
        ("mood", "public.mood"),
        ("UUID", "uuid"),
    ] {
        assert!(same(written, column), "{written} vs {column}");
    }
    for (written, column) in [
        ("int", "bigint"),
        ("text", "integer"),
        ("timestamp", "date"),
        ("text", "text[]"),
        ("string", "uuid"),
        ("timestamp", "timestamptz"),
        ("datetime", "date"),
        ("float", "numeric(10,2)"),
        ("decimal", "bigint"),
    ] {
        assert!(!same(written, column), "{written} vs {column}");
    }
}

#[test]
fn a_relationship_without_a_foreign_key_is_removed() {
    let fixed = check_fix(
        &shop(),
        "erDiagram\n    users ||--o{ posts : a\n    users |o..o{ posts : e\n    users ||--o| profiles : p\n    posts ||--o| profiles : wrong\n",
        DriftKind::RelationshipWithoutForeignKey,
        "||--o|",
        "no foreign key between `posts` and `profiles` stands behind this relationship",
    );
    assert!(!fixed.contains("wrong"), "{fixed}");
}

#[test]
fn a_many_to_many_through_an_undrawn_junction_table_is_no_drift() {
    let model = schema(&[(
        "s.sql",
        "CREATE TABLE posts (id int PRIMARY KEY);
         CREATE TABLE tags (id int PRIMARY KEY);
         CREATE TABLE post_tags (post_id int REFERENCES posts, tag_id int REFERENCES tags);",
    )])
    .model;
    assert_clean(&model, "erDiagram\n    posts }o--o{ tags : tagged\n");
    let (_, found) = drifts(&model, "erDiagram\n    posts ||--o{ tags : tagged\n");
    assert!(
        found
            .iter()
            .any(|d| d.kind == DriftKind::RelationshipWithoutForeignKey),
        "{found:#?}"
    );
}

#[test]
fn a_foreign_key_without_a_relationship_is_added() {
    let fixed = check_fix(
        &shop(),
        "erDiagram\n    USERS ||--o{ posts : a\n    USERS ||--o| profiles : p\n",
        DriftKind::ForeignKeyWithoutRelationship,
        "posts",
        "foreign key posts.editor_id → users.id has no relationship in the diagram",
    );
    assert!(
        fixed.ends_with("    USERS ||--o| profiles : p\n    USERS |o..o{ posts : \"editor_id\"\n"),
        "{fixed}"
    );
}

#[test]
fn an_added_relationship_brings_its_columns_to_an_entity_listing_attributes() {
    let fixed = check_fix(
        &shop(),
        "erDiagram\n    users ||--o{ posts : a\n    users ||--o| profiles : p\n    posts {\n      bigint id PK\n      bigint author_id FK\n    }\n    users { bigint id PK }\n",
        DriftKind::ForeignKeyWithoutRelationship,
        "posts",
        "foreign key posts.editor_id → users.id has no relationship in the diagram",
    );
    assert!(
        fixed.contains("      bigint author_id FK\n      bigint editor_id FK\n    }\n"),
        "{fixed}"
    );
    let mut diagram = parse(&fixed, 0);
    diagram.entities.retain(|e| e.name.text == "users");
    let (range, text) = diagram
        .add_attribute(&diagram.entities[0], "text email UK")
        .unwrap();
    assert_eq!(
        (diagram.slice(range), text.as_str()),
        ("", "text email UK ")
    );
    assert_eq!(&fixed[range.start() as usize..][..1], "}");
}

#[test]
fn labels_pick_the_foreign_key_among_several() {
    let model = shop();
    assert_clean(
        &model,
        "erDiagram\n    users |o..o{ posts : \"edited by\"\n    users ||--o{ posts : \"author\"\n    users ||--o| profiles : p\n",
    );
    // A label that names a key wins over an earlier relationship without one, which is left
    // with the nullable key.
    let (doc, found) = drifts(
        &model,
        "erDiagram\n    users ||--o{ posts : x\n    users ||--o{ posts : \"author\"\n    users ||--o| profiles : p\n",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].range.start() as usize,
        doc.find("||--o{ posts : x").unwrap()
    );
    // Without labels the cardinalities decide.
    assert_clean(
        &model,
        "erDiagram\n    users |o..o{ posts : x\n    users ||--o{ posts : y\n    users ||--o| profiles : p\n",
    );
}

/// `profiles.user_id` is unique and NOT NULL; `posts.author_id` NOT NULL, `posts.editor_id`
/// nullable, neither unique.
#[track_caller]
fn check_cardinality(relationship: &str, token: &str, message: &str, fixed_relationship: &str) {
    let others = [
        "users ||--o{ posts : author",
        "users |o..o{ posts : editor",
        "users ||--o| profiles : p",
    ];
    let mut block = String::from("erDiagram\n");
    let key = relationship.split(':').nth(1).unwrap().trim();
    for other in others {
        let other_key = other.split(':').nth(1).unwrap().trim();
        block.push_str("    ");
        block.push_str(if other_key == key {
            relationship
        } else {
            other
        });
        block.push('\n');
    }
    let fixed = check_fix(&shop(), &block, DriftKind::Cardinality, token, message);
    assert!(fixed.contains(fixed_relationship), "{fixed}");
}

#[test]
fn zero_or_one_at_a_not_null_key_becomes_exactly_one() {
    check_cardinality(
        "users |o..o{ posts : author",
        "|o",
        "`|o` says a `posts` row may have no `users`, but posts.author_id is NOT NULL",
        "users ||..o{ posts : author",
    );
}

#[test]
fn exactly_one_at_a_nullable_key_becomes_zero_or_one() {
    check_cardinality(
        "users ||--o{ posts : editor",
        "||",
        "`||` says every `posts` row has a `users`, but posts.editor_id may be null",
        "users |o--o{ posts : editor",
    );
}

#[test]
fn many_at_the_referenced_end_becomes_one() {
    check_cardinality(
        "users }o--o{ posts : author",
        "}o",
        "`}o` says a `posts` row has many `users`, but posts.author_id references one row",
        "users ||--o{ posts : author",
    );
}

#[test]
fn many_at_a_unique_key_becomes_zero_or_one() {
    check_cardinality(
        "users ||--o{ profiles : p",
        "o{",
        "`o{` says a `users` row may have many `profiles`, but profiles.user_id is unique",
        "users ||--o| profiles : p",
    );
}

#[test]
fn one_at_a_key_that_is_not_unique_becomes_many() {
    check_cardinality(
        "users ||--|| posts : author",
        "||",
        "`||` says a `users` row has at most one `posts`, but posts.author_id is not unique",
        "users ||--o{ posts : author",
    );
}

#[test]
fn cardinalities_are_read_in_either_direction_and_in_words() {
    check_cardinality(
        "posts }o--o| users : author",
        "o|",
        "`o|` says a `posts` row may have no `users`, but posts.author_id is NOT NULL",
        "posts }o--|| users : author",
    );
    check_cardinality(
        "profiles one or more to only one users : p",
        "one or more",
        "`one or more` says a `users` row may have many `profiles`, but profiles.user_id is unique",
        "profiles zero or one to only one users : p",
    );
    // One or more children, exactly one child of a unique key: business rules the constraints
    // cannot contradict.
    assert_clean(
        &shop(),
        "erDiagram\n    users ||--|{ posts : author\n    posts }o..o| users : editor\n    users ||--|| profiles : p\n",
    );
}

#[test]
fn a_self_reference_may_be_drawn_either_way() {
    let model = schema(&[(
        "s.sql",
        "CREATE TABLE staff (id int PRIMARY KEY, boss_id int REFERENCES staff);",
    )])
    .model;
    assert_clean(&model, "erDiagram\n    staff |o..o{ staff : boss\n");
    assert_clean(&model, "erDiagram\n    staff }o..o| staff : boss\n");
    check_fix(
        &model,
        "erDiagram\n    staff ||..o{ staff : boss\n",
        DriftKind::Cardinality,
        "||",
        "`||` says every `staff` row has a `staff`, but staff.boss_id may be null",
    );
}

#[test]
fn identifying_lines_are_not_checked() {
    assert_clean(
        &shop(),
        "erDiagram\n    users ||..o{ posts : author\n    users |o--o{ posts : editor\n    users ||..o| profiles : p\n",
    );
}

const QUOTED: &str = "\
CREATE SCHEMA audit;
CREATE TABLE \"Order Items\" (
    order_id int NOT NULL,
    line int NOT NULL,
    \"Qty\" numeric(12,2),
    PRIMARY KEY (order_id, line)
);
COMMENT ON COLUMN \"Order Items\".\"Qty\" IS 'how many \"units\", %% not a comment';
CREATE TABLE audit.events (
    id bigint PRIMARY KEY,
    order_id int,
    line int,
    \"end\" timestamptz,
    FOREIGN KEY (order_id, line) REFERENCES \"Order Items\"
);
CREATE TABLE \"end\" (id int PRIMARY KEY, event_id bigint UNIQUE REFERENCES audit.events);
";

#[test]
fn update_rewrites_in_the_authors_order_with_the_authors_labels() {
    let model = shop();
    let block = "---\ntitle: Shop\n---\nerDiagram\n    direction LR\n    posts {\n        int id\n    }\n    users ||--o{ posts : writes\n    ghosts\n";
    let updated = update(&parse(block, 0), &model);
    assert_eq!(
        updated,
        "---\ntitle: Shop\n---\nerDiagram\n    direction LR\n    posts {\n        bigint id PK\n        bigint author_id FK\n        bigint editor_id FK\n        text title\n        timestamptz created_at\n    }\n    users {\n        bigint id PK\n        text email UK\n        varchar(100) name\n    }\n    profiles {\n        bigint user_id PK, FK\n        text bio\n    }\n    users ||..o{ posts : \"writes\"\n    users ||--o| profiles : \"user_id\"\n    users |o..o{ posts : \"editor_id\"\n"
    );
}

#[test]
fn update_keeps_the_indentation_of_a_block_in_a_list() {
    let model = schema(&[("s.sql", "CREATE TABLE t (id int);")]).model;
    let block = "   %%{init: {}}%%\r\n   erDiagram\r\n     t\r\n";
    assert_eq!(
        update(&parse(block, 0), &model),
        "   %%{init: {}}%%\r\n   erDiagram\r\n       t {\r\n           int id\r\n       }\r\n"
    );
}

#[test]
fn an_updated_diagram_has_no_drift() {
    let schemas = [
        schema(&[("s.sql", SHOP)]).model,
        schema(&[("s.sql", QUOTED)]).model,
        schema(&[(
            "s.sql",
            "CREATE TABLE a (id int PRIMARY KEY, parent_id int REFERENCES a, b_id int);
             CREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL UNIQUE REFERENCES a);
             ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b;
             CREATE UNIQUE INDEX ON a (b_id);",
        )])
        .model,
    ];
    let diagrams = [
        "erDiagram\n",
        "erDiagram\n    B\n    A ||--o{ A : parent\n",
        "erDiagram\n    \"end\" {\n        int x\n    }\n    nothing }|..|{ b : y\n",
        "",
        "erDiagram\r\n    a one or more to zero or one b : \"who\"\r\n",
    ];
    for model in &schemas {
        for block in diagrams {
            let updated = update(&parse(block, 0), model);
            let again = parse(&updated, 0);
            assert_eq!(
                again.entities.len(),
                model.live_tables().count(),
                "{updated}"
            );
            assert_eq!(drift(&again, model), [], "{updated}");
            assert_eq!(
                update(&again, model),
                updated,
                "updating twice changes nothing"
            );
        }
    }
}

#[test]
fn quoted_names_and_composite_keys_round_trip() {
    let model = schema(&[("s.sql", QUOTED)]).model;
    let updated = update(&parse("erDiagram\n", 0), &model);
    assert!(updated.contains("    \"Order Items\" {\n"), "{updated}");
    assert!(updated.contains("    \"end\" {\n"), "{updated}");
    assert!(
        updated.contains("\"Order Items\" |o..o{ \"audit.events\" : \"order_id, line\""),
        "{updated}"
    );
    assert!(
        updated.contains("numeric(12,2) Qty \"how many 'units', %% not a comment\""),
        "{updated}"
    );
    let events = find_table(&model, "audit.events").unwrap();
    assert_eq!(
        drift::Names::new(&model).resolve(&parse("erDiagram\n audit_events\n", 0).entities[0]),
        Some(events)
    );
}

#[test]
fn prisma_models_and_fields_are_matched_by_their_prisma_names() {
    let model = schema(&[(
        "schema.prisma",
        r#"model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  posts Post[]
  @@map("users")
}

model Post {
  id       Int     @id @default(autoincrement())
  authorId Int?    @map("author_id")
  author   User?   @relation(fields: [authorId], references: [id])
  title    String
}
"#,
    )])
    .model;
    let rendered = update(&parse("", 0), &model);
    assert!(
        rendered.contains("    User |o..o{ Post : \"authorId\"\n"),
        "{rendered}"
    );
    assert_clean(&model, &rendered);
    assert_clean(
        &model,
        "erDiagram\n    users {\n        int id PK\n        string email\n    }\n    Post {\n        int author_id FK\n    }\n    users |o--o{ Post : writes\n",
    );
}

#[test]
fn fixes_keep_crlf_line_breaks() {
    let model = shop();
    let block = "erDiagram\r\n    users ||--o{ posts : a\r\n    users ||--o| profiles : p\r\n    users {\r\n        bigint id PK\r\n        text nickname\r\n    }\r\n";
    let (doc, found) = drifts(&model, block);
    let kinds: Vec<DriftKind> = found.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [
            DriftKind::ForeignKeyWithoutRelationship,
            DriftKind::AttributeWithoutColumn,
        ],
        "{found:#?}"
    );
    let edits: Vec<(TextRange, String)> = found
        .iter()
        .flat_map(|d| d.fix.clone().unwrap().1)
        .collect();
    let fixed = apply(&doc, &edits);
    let fixed = block_of(&fixed);
    assert_eq!(
        fixed,
        "erDiagram\r\n    users ||--o{ posts : a\r\n    users ||--o| profiles : p\r\n    users {\r\n        bigint id PK\r\n    }\r\n    users |o..o{ posts : \"editor_id\"\r\n"
    );
    assert_clean(&model, fixed);
}
