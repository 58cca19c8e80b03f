// @ts-check
/**
 * PostgreSQL DDL grammar for ddlint.
 *
 * Schema statements are modelled with named fields (the contract the Rust lowering relies on);
 * everything else is a *generic statement*: a balanced token sequence up to `;`. Expressions are
 * balanced token trees with a few structures (literals, column references, function calls, casts,
 * IN lists). Keywords are contextual: a word is a keyword only where the grammar expects that
 * keyword (tree-sitter's keyword extraction), so unreserved words stay usable as names.
 *
 * Hidden statement groups and flat sequences (`upTo`) keep reductions few and make incremental
 * reparses cheap. The external scanner (src/scanner.c) reads strings, dollar quotes, nested
 * comments, psql lines and COPY data, and marks statement starts so that error recovery stays
 * inside the broken statement. README.md explains both.
 */

/**
 * A case-insensitive keyword, shown in the tree as the upper-case word.
 * @param {string} word
 */
function kw(word) {
  return alias(new RegExp(word, 'i'), word.toUpperCase());
}

/**
 * A sequence of keywords.
 * @param {string} words
 */
function kws(words) {
  return seq(...words.split(' ').map(kw));
}

/**
 * One or more `rule` separated by commas.
 * @param {RuleOrLiteral} rule
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

/**
 * `rule` `count` times in a row.
 * @param {RuleOrLiteral} rule
 * @param {number} count
 */
function times(rule, count) {
  return seq(...Array(count).fill(rule));
}

/**
 * One to `max` times `rule`, as flat sequences: a node with these children costs one reduction,
 * where a repeat costs about two per element. Use with `prec.right`, so that the longest wins.
 * @param {RuleOrLiteral} rule
 * @param {number} max
 */
function upTo(rule, max) {
  return choice(...Array.from({length: max}, (_, i) => times(rule, i + 1)));
}

/**
 * One or more `rule`: flat sequences up to `flat` times, a repeat beyond. Use with `prec.right`.
 * @param {RuleOrLiteral} rule
 * @param {number} flat
 */
function upToThenRepeat(rule, flat) {
  return choice(upTo(rule, flat - 1), seq(times(rule, flat), repeat(rule)));
}

/**
 * @param {RuleOrLiteral} rule
 */
function parens(rule) {
  return seq('(', rule, ')');
}

const PREC = {
  // `name (` is a call, not a name followed by a parenthesized group.
  call: 2,
  // `name string` in an expression is a typed literal (`interval '1 day'`).
  typed_literal: 1,
};

module.exports = grammar({
  name: 'ddlint_sql',

  word: $ => $.identifier,

  extras: $ => [/\s/, $.comment, $.block_comment, $.psql_meta_command],

  externals: $ => [
    $.block_comment,
    $.dollar_quoted_string,
    $.psql_meta_command,
    $.copy_data,
    $._eof,
    $.string,
    $._statement_start,
    $._psql_send,
  ],

  supertypes: $ => [$._statement],

  conflicts: $ => [],


  // Spliced into their users, to spare a reduction per use.
  inline: $ => [$._column_constraints],

  rules: {
    // Statements come in hidden groups of up to 16. After an edit, tree-sitter reuses an unchanged
    // group whole, while it takes the elements of a repeat one by one: reparsing a file of
    // thousands of statements then reduces hundreds of groups rather than thousands of statements.
    source_file: $ => repeat($._statement_group),

    _statement_group: $ => prec.right(upTo($._item, 16)),

    // `_statement_start` is empty and only emitted where a statement starts after a syntax error
    // (see src/scanner.c), for error recovery to resume there.
    _item: $ => choice(
      seq(optional($._statement_start), $._statement),
      $.empty_statement,
      $.goose_statement_end,
    ),

    empty_statement: _ => ';',

    _statement: $ => choice(
      $.create_table,
      $.create_index,
      $.create_view,
      $.create_materialized_view,
      $.create_function,
      $.create_trigger,
      $.create_policy,
      $.create_extension,
      $.create_schema,
      $.create_type,
      $.create_domain,
      $.create_sequence,
      $.create_rule,
      $.create_generic,
      $.alter_table,
      $.alter_index,
      $.alter_sequence,
      $.alter_type,
      $.alter_generic,
      $.drop_statement,
      $.comment_statement,
      $.set_statement,
      $.copy_statement,
      $.generic_statement,
    ),

    // psql's `\g`, `\gset`, ... send the statement typed so far, like `;`.
    _end: $ => choice(';', $._eof, $.goose_statement_end, alias($._psql_send, $.psql_meta_command)),

    // goose sends everything between StatementBegin and StatementEnd as one statement, so the
    // marker ends a statement that has no semicolon.
    goose_statement_end: _ => token(prec(1, seq('--', /[ \t]*\+goose[ \t]+StatementEnd[^\n]*/))),

    // ---------------------------------------------------------------------------------------
    // CREATE TABLE

    create_table: $ => seq($._create_table_body, $._end),

    _create_table_body: $ => seq(
      $._create_table_head,
      choice(
        seq(field('elements', $.table_elements), repeat($._table_option)),
        seq(
          kws('partition of'),
          field('partition_of', $.object_reference),
          optional(field('elements', alias($._typed_table_elements, $.table_elements))),
          field('bound', $.partition_bound),
          repeat($._table_option),
        ),
        seq(
          kw('of'),
          field('of_type', $.object_reference),
          optional(field('elements', alias($._typed_table_elements, $.table_elements))),
          repeat($._table_option),
        ),
        seq(
          optional(field('columns', $.column_name_list)),
          repeat($._table_option),
          kw('as'),
          field('query', $.query),
        ),
      ),
    ),

    // The words before the elements, as one hidden node: after a syntax error, recovery looks for
    // the start of the statement at most 16 nodes down the parse stack, and a statement's first
    // words would otherwise take up to five of them.
    _create_table_head: $ => seq(
      kw('create'),
      optional(field('persistence', $.table_persistence)),
      kw('table'),
      optional($.if_not_exists),
      field('name', $.object_reference),
    ),

    table_persistence: _ => choice(
      seq(optional(choice(kw('global'), kw('local'))), choice(kw('temporary'), kw('temp'))),
      kw('unlogged'),
    ),

    if_not_exists: _ => kws('if not exists'),
    if_exists: _ => kws('if exists'),

    table_elements: $ => parens(optional($._table_element_list)),

    // Like `_token_trees`.
    _table_element_list: $ => choice(
      $._table_element,
      seq($._table_element_list, ',', $._table_element),
    ),

    _table_element: $ => choice($.column_definition, $.table_constraint, $.like_clause),

    _table_option: $ => choice(
      $.inherits_clause,
      $.partition_by_clause,
      $.storage_parameters,
      $.tablespace_clause,
      $.using_method,
      $.on_commit_clause,
      kws('without oids'),
      $.data_clause,
    ),

    inherits_clause: $ => seq(kw('inherits'), parens(commaSep1(field('parent', $.object_reference)))),

    partition_by_clause: $ => seq(
      kws('partition by'),
      field('strategy', $.identifier),
      parens($._index_element_list),
    ),

    partition_bound: $ => choice(
      kw('default'),
      seq(
        kws('for values'),
        choice(
          seq(kw('in'), $.parenthesized_expression),
          seq(kw('from'), $.parenthesized_expression, kw('to'), $.parenthesized_expression),
          seq(kw('with'), $.parenthesized_expression),
        ),
      ),
    ),

    storage_parameters: $ => seq(kw('with'), $.parenthesized_expression),

    tablespace_clause: $ => seq(kw('tablespace'), field('name', $._name)),

    using_method: $ => seq(kw('using'), field('method', $._name)),

    on_commit_clause: _ => seq(
      kws('on commit'),
      choice(kws('preserve rows'), kws('delete rows'), kw('drop')),
    ),

    data_clause: _ => seq(kw('with'), optional(kw('no')), kw('data')),

    like_clause: $ => seq(
      kw('like'),
      field('source', $.object_reference),
      repeat(seq(choice(kw('including'), kw('excluding')), $.identifier)),
    ),

    column_name_list: $ => parens(commaSep1($._name)),

    // ---------------------------------------------------------------------------------------
    // Columns and constraints

    column_definition: $ => seq(
      field('name', $._name),
      choice(
        seq(
          field('type', $.data_type),
          optional($._column_constraints),
        ),
        // Typed tables and partitions: columns without a type.
        seq(kws('with options'), optional($._column_constraints)),
        $._column_constraints,
      ),
    ),

    // The element list of a partition or typed table, where a column may be a bare name
    // (`PARTITION OF p (id) FOR VALUES ...`). Kept apart from `table_elements`, where a list of
    // bare names would be ambiguous with the column list of `CREATE TABLE t (a, b) AS ...`.
    _typed_table_elements: $ => parens(optional(commaSep1(choice(
      $.column_definition,
      alias($._bare_column_definition, $.column_definition),
      $.table_constraint,
    )))),

    _bare_column_definition: $ => field('name', $._name),

    // One or more constraints: a flat sequence, then a repeat from the eighth on. Spliced into
    // its users, it costs no reduction for the usual few constraints (a column's constraints
    // stay on the parse stack meanwhile, which is fine for so few).
    _column_constraints: $ => prec.right(
      upToThenRepeat(field('constraint', $._column_constraint_or_attribute), 8),
    ),

    _column_constraint_or_attribute: $ => choice(
      $.column_constraint,
      $.collate_clause,
      $.compression_clause,
      $.storage_clause,
      $.constraint_attribute,
    ),

    collate_clause: $ => seq(kw('collate'), field('collation', $.object_reference)),

    compression_clause: $ => seq(kw('compression'), field('method', $._name)),

    storage_clause: $ => seq(kw('storage'), field('kind', $._name)),

    column_constraint: $ => seq(
      optional($._constraint_name),
      choice(
        $.not_null,
        $.null,
        $.check_constraint,
        $.default_clause,
        $.generated_column,
        $.identity_column,
        $.unique_constraint,
        $.primary_key_constraint,
        $.references_clause,
      ),
    ),

    // `NO INHERIT` right after the constraint belongs to it rather than being a separate attribute.
    // Like `_create_table_head`.
    _constraint_name: $ => seq(kw('constraint'), field('name', $._name)),

    not_null: _ => prec.right(seq(kw('not'), kw('null'), optional(kws('no inherit')))),

    null: _ => kw('null'),

    check_constraint: $ => prec.right(seq(
      kw('check'),
      field('expression', $.parenthesized_expression),
      optional(kws('no inherit')),
    )),

    default_clause: $ => seq(kw('default'), field('value', $.expression)),

    generated_column: $ => seq(
      kws('generated always as'),
      field('expression', $.parenthesized_expression),
      optional(choice(kw('stored'), kw('virtual'))),
    ),

    identity_column: $ => seq(
      kw('generated'),
      field('when', choice(kw('always'), kws('by default'))),
      kws('as identity'),
      optional(parens(repeat($.sequence_option))),
    ),

    unique_constraint: $ => seq(
      kw('unique'),
      optional($.nulls_distinct),
      optional(field('columns', $.constraint_columns)),
      repeat($._index_parameter),
    ),

    primary_key_constraint: $ => seq(
      kws('primary key'),
      optional(field('columns', $.constraint_columns)),
      repeat($._index_parameter),
    ),

    nulls_distinct: _ => seq(kw('nulls'), optional(kw('not')), kw('distinct')),

    constraint_columns: $ => parens(commaSep1(seq(
      optional(kw('period')),
      field('column', $._name),
      optional(kws('without overlaps')),
    ))),

    _index_parameter: $ => choice(
      $.include_clause,
      $.storage_parameters,
      seq(kws('using index tablespace'), $._name),
      seq(kws('using index'), field('index', $._name)),
    ),

    include_clause: $ => seq(kw('include'), parens(commaSep1(field('column', $._name)))),

    references_clause: $ => seq(
      kw('references'),
      field('table', $.object_reference),
      optional(field('columns', $.constraint_columns)),
      repeat(choice(
        seq(kw('match'), field('match', choice(kw('full'), kw('partial'), kw('simple')))),
        $.on_delete,
        $.on_update,
      )),
    ),

    on_delete: $ => seq(kws('on delete'), field('action', $.referential_action)),
    on_update: $ => seq(kws('on update'), field('action', $.referential_action)),

    referential_action: $ => choice(
      kw('cascade'),
      kw('restrict'),
      kws('no action'),
      seq(kws('set null'), optional($.column_name_list)),
      seq(kws('set default'), optional($.column_name_list)),
    ),

    constraint_attribute: _ => choice(
      kw('deferrable'),
      kws('not deferrable'),
      kws('initially deferred'),
      kws('initially immediate'),
      kws('not valid'),
      kw('enforced'),
      kws('not enforced'),
      kws('no inherit'),
      kw('inherit'),
    ),

    table_constraint: $ => seq(
      optional($._constraint_name),
      choice(
        $.check_constraint,
        $.unique_constraint,
        $.primary_key_constraint,
        $.foreign_key_constraint,
        $.exclude_constraint,
        $.not_null_table_constraint,
      ),
      repeat($.constraint_attribute),
    ),

    foreign_key_constraint: $ => seq(
      kws('foreign key'),
      field('columns', $.constraint_columns),
      field('references', $.references_clause),
    ),

    // PostgreSQL 18: `CONSTRAINT c NOT NULL col` as a table constraint.
    not_null_table_constraint: $ => seq(kw('not'), kw('null'), field('column', $._name)),

    exclude_constraint: $ => seq(
      kw('exclude'),
      optional($.using_method),
      parens(commaSep1(seq($.index_element, kw('with'), field('operator', $._exclude_operator)))),
      repeat($._index_parameter),
      optional(seq(kw('where'), field('predicate', $.parenthesized_expression))),
    ),

    _exclude_operator: $ => choice($.operator, seq(kw('operator'), parens(repeat1($._token)))),

    // ---------------------------------------------------------------------------------------
    // Types

    // In a token tree `x::int (...)` could end the type before the parentheses; they are its
    // modifiers (right associativity prefers shifting them).
    data_type: $ => prec.right(seq(
      optional(kw('setof')),
      choice(
        seq(
          field('name', $.object_reference),
          optional(field('modifiers', $.type_modifiers)),
        ),
        seq(
          field('name', alias($._time_type_name, $.type_name)),
          optional(field('modifiers', $.type_modifiers)),
          optional(field('time_zone', $.time_zone)),
        ),
        seq(
          field('name', alias($._multiword_type_name, $.type_name)),
          optional(field('modifiers', $.type_modifiers)),
        ),
        seq(
          field('name', alias($._interval_type_name, $.type_name)),
          optional(field('fields', $.interval_fields)),
          optional(field('modifiers', $.type_modifiers)),
        ),
      ),
      optional(field('array', $.array_bounds)),
    )),

    // Parameter names may be words that start a type (`double double precision`).
    _type_keyword_as_name: _ => choice(
      kw('double'), kw('character'), kw('char'), kw('bit'), kw('nchar'),
      kw('timestamp'), kw('time'), kw('interval'),
    ),

    _time_type_name: _ => choice(kw('timestamp'), kw('time')),

    _interval_type_name: _ => kw('interval'),

    _multiword_type_name: _ => choice(
      kws('double precision'),
      seq(choice(kw('character'), kw('char'), kw('nchar')), optional(kw('varying'))),
      seq(kw('national'), choice(kw('character'), kw('char')), optional(kw('varying'))),
      seq(kw('bit'), optional(kw('varying'))),
    ),

    time_zone: _ => seq(choice(kw('with'), kw('without')), kws('time zone')),

    interval_fields: _ => seq(
      choice(kw('year'), kw('month'), kw('day'), kw('hour'), kw('minute'), kw('second')),
      optional(seq(kw('to'), choice(kw('month'), kw('hour'), kw('minute'), kw('second')))),
    ),

    type_modifiers: $ => parens(commaSep1($._token_tree)),

    array_bounds: $ => prec.right(choice(
      repeat1(seq('[', optional($.number), ']')),
      seq(kw('array'), optional(seq('[', optional($.number), ']'))),
    )),

    // ---------------------------------------------------------------------------------------
    // CREATE INDEX

    create_index: $ => seq($._create_index_body, $._end),

    _create_index_body: $ => seq(
      $._create_index_head,
      field('elements', $.index_elements),
      repeat(choice(
        $.include_clause,
        $.nulls_distinct,
        $.storage_parameters,
        $.tablespace_clause,
      )),
      optional(seq(kw('where'), field('predicate', $.expression_list))),
    ),

    // Like `_create_table_head`.
    _create_index_head: $ => seq(
      kw('create'),
      optional(field('unique', kw('unique'))),
      kw('index'),
      optional(field('concurrently', kw('concurrently'))),
      optional($.if_not_exists),
      optional(field('name', $._name)),
      kw('on'),
      optional(kw('only')),
      field('table', $.object_reference),
      optional($.using_method),
    ),

    index_elements: $ => parens($._index_element_list),

    // Like `_token_trees`.
    _index_element_list: $ => choice(
      $.index_element,
      seq($._index_element_list, ',', $.index_element),
    ),

    index_element: $ => seq(
      choice(
        field('column', $._name),
        field('expression', choice($.function_call, $.parenthesized_expression)),
      ),
      optional($.collate_clause),
      optional(seq(field('opclass', $.object_reference), optional($.parenthesized_expression))),
      optional(field('order', choice(kw('asc'), kw('desc')))),
      optional(field('nulls', seq(kw('nulls'), choice(kw('first'), kw('last'))))),
    ),

    // ---------------------------------------------------------------------------------------
    // Views

    create_view: $ => seq($._create_view_body, $._end),

    _create_view_body: $ => seq(
      kw('create'),
      optional(kws('or replace')),
      optional(field('persistence', $.table_persistence)),
      optional(kw('recursive')),
      kw('view'),
      optional($.if_not_exists),
      field('name', $.object_reference),
      optional(field('columns', $.column_name_list)),
      optional($.storage_parameters),
      kw('as'),
      field('query', $.query),
    ),

    create_materialized_view: $ => seq(
      kw('create'),
      kws('materialized view'),
      optional($.if_not_exists),
      field('name', $.object_reference),
      optional(field('columns', $.column_name_list)),
      repeat(choice($.using_method, $.storage_parameters, $.tablespace_clause)),
      kw('as'),
      field('query', $.query),
      $._end,
    ),

    query: $ => $._token_trees,

    // ---------------------------------------------------------------------------------------
    // Functions and procedures

    create_function: $ => seq(
      kw('create'),
      optional(kws('or replace')),
      field('kind', choice(kw('function'), kw('procedure'))),
      field('name', $.object_reference),
      field('parameters', $.function_parameters),
      optional(field('returns', $.function_returns)),
      repeat($._function_option),
      optional(field('sql_body', choice($.atomic_body, $.return_body))),
      $._end,
    ),

    function_parameters: $ => parens(optional(commaSep1($.function_parameter))),

    function_parameter: $ => seq(
      choice(
        seq(
          optional(field('mode', $._parameter_mode)),
          optional(field('name', choice($._name, alias($._type_keyword_as_name, $.identifier)))),
        ),
        // PostgreSQL also accepts the mode after the name (`a OUT int`).
        seq(field('name', $._name), field('mode', $._parameter_mode)),
      ),
      field('type', $.data_type),
      optional(seq(choice(kw('default'), '='), field('default', $.expression))),
    ),

    _parameter_mode: _ => choice(kw('in'), kw('out'), kw('inout'), kw('variadic')),

    function_returns: $ => seq(
      kw('returns'),
      choice(
        field('type', $.data_type),
        seq(kw('table'), field('columns', parens(commaSep1($.function_table_column)))),
      ),
    ),

    function_table_column: $ => seq(field('name', $._name), field('type', $.data_type)),

    _function_option: $ => choice(
      $.language_clause,
      $.security_clause,
      $.function_set_clause,
      $.function_body,
      $.function_attribute,
    ),

    language_clause: $ => seq(kw('language'), field('name', choice($._name, $.string))),

    security_clause: _ => seq(
      optional(kw('external')),
      kw('security'),
      field('mode', choice(kw('definer'), kw('invoker'))),
    ),

    function_set_clause: $ => seq(
      kw('set'),
      field('parameter', $._name),
      choice(
        seq(choice(kw('to'), '='), field('value', $.setting_value)),
        kws('from current'),
      ),
    ),

    setting_value: $ => commaSep1(choice($._name, $.string, $.number, kw('default'))),

    function_body: $ => seq(
      kw('as'),
      field('definition', $._string_literal),
      optional(seq(',', field('symbol', $._string_literal))),
    ),

    function_attribute: $ => choice(
      kw('immutable'),
      kw('stable'),
      kw('volatile'),
      kw('strict'),
      kw('leakproof'),
      kws('not leakproof'),
      kw('window'),
      kws('called on null input'),
      kws('returns null on null input'),
      seq(kw('parallel'), $.identifier),
      seq(kw('cost'), $.number),
      seq(kw('rows'), $.number),
      seq(kw('support'), $.object_reference),
      seq(kw('transform'), commaSep1(seq(kws('for type'), $.data_type))),
      seq(kw('with'), $.parenthesized_expression),
    ),

    // SQL-standard bodies contain `;`, so they are modelled as nested statements.
    atomic_body: $ => seq(
      kws('begin atomic'),
      repeat(choice(seq($._token_trees, ';'), ';')),
      kw('end'),
    ),

    return_body: $ => seq(kw('return'), field('expression', $.expression_list)),

    // ---------------------------------------------------------------------------------------
    // Triggers

    create_trigger: $ => seq($._create_trigger_body, $._end),

    _create_trigger_body: $ => seq(
      kw('create'),
      optional(kws('or replace')),
      optional(field('constraint', kw('constraint'))),
      kw('trigger'),
      field('name', $._name),
      field('timing', $.trigger_timing),
      field('events', $.trigger_events),
      kw('on'),
      field('table', $.object_reference),
      repeat(choice(
        seq(kw('from'), $.object_reference),
        $.constraint_attribute,
        $.referencing_clause,
        field('for_each', $.trigger_for_each),
        seq(kw('when'), field('condition', $.parenthesized_expression)),
      )),
      kw('execute'),
      choice(kw('function'), kw('procedure')),
      field('function', $.function_call),
    ),

    trigger_timing: _ => choice(kw('before'), kw('after'), kws('instead of')),

    trigger_events: $ => seq($.trigger_event, repeat(seq(kw('or'), $.trigger_event))),

    trigger_event: $ => choice(
      kw('insert'),
      seq(kw('update'), optional(seq(kw('of'), commaSep1(field('column', $._name))))),
      kw('delete'),
      kw('truncate'),
    ),

    referencing_clause: $ => seq(
      kw('referencing'),
      repeat1(seq(choice(kw('old'), kw('new')), kw('table'), optional(kw('as')), $._name)),
    ),

    trigger_for_each: _ => seq(
      kw('for'),
      optional(kw('each')),
      field('level', choice(kw('row'), kw('statement'))),
    ),

    // ---------------------------------------------------------------------------------------
    // Policies, extensions, schemas

    create_policy: $ => seq(
      kw('create'),
      kw('policy'),
      field('name', $._name),
      kw('on'),
      field('table', $.object_reference),
      repeat(choice(
        seq(kw('as'), field('kind', choice(kw('permissive'), kw('restrictive')))),
        seq(kw('for'), field('command', choice(
          kw('all'), kw('select'), kw('insert'), kw('update'), kw('delete'),
        ))),
        seq(kw('to'), commaSep1(field('role', $._name))),
        seq(kw('using'), field('using', $.parenthesized_expression)),
        seq(kws('with check'), field('with_check', $.parenthesized_expression)),
      )),
      $._end,
    ),

    create_extension: $ => seq(
      kw('create'),
      kw('extension'),
      optional($.if_not_exists),
      field('name', $._name),
      optional(kw('with')),
      repeat(choice(
        seq(kw('schema'), field('schema', $._name)),
        seq(kw('version'), choice($._name, $.string)),
        kw('cascade'),
      )),
      $._end,
    ),

    create_schema: $ => seq(
      kw('create'),
      kw('schema'),
      optional($.if_not_exists),
      choice(
        seq(field('name', $._name), optional(seq(kw('authorization'), field('owner', $._name)))),
        seq(kw('authorization'), field('owner', $._name)),
      ),
      repeat(seq(optional($._statement_start), field('element', $._schema_element))),
      $._end,
    ),

    // `CREATE SCHEMA s CREATE TABLE ... CREATE VIEW ...`: the elements have no semicolons.
    _schema_element: $ => choice(
      alias($._create_table_body, $.create_table),
      alias($._create_index_body, $.create_index),
      alias($._create_view_body, $.create_view),
      alias($._create_sequence_body, $.create_sequence),
      alias($._create_trigger_body, $.create_trigger),
      // PostgreSQL 19 accepts more kinds of objects (functions, types, ...) in a schema.
      alias($._create_generic_body, $.create_generic),
    ),

    // ---------------------------------------------------------------------------------------
    // Types, domains, sequences

    create_type: $ => seq(
      kw('create'),
      kw('type'),
      field('name', $.object_reference),
      optional(choice(
        seq(kws('as enum'), field('values', $.enum_values)),
        seq(kw('as'), field('attributes', $.composite_attributes)),
        seq(kws('as range'), field('options', $.parenthesized_expression)),
        field('options', $.parenthesized_expression),
      )),
      $._end,
    ),

    enum_values: $ => parens(optional(commaSep1($.string))),

    composite_attributes: $ => parens(optional(commaSep1($.composite_attribute))),

    composite_attribute: $ => seq(
      field('name', $._name),
      field('type', $.data_type),
      optional($.collate_clause),
    ),

    create_domain: $ => seq(
      kw('create'),
      kw('domain'),
      field('name', $.object_reference),
      optional(kw('as')),
      field('type', $.data_type),
      repeat(field('constraint', choice($.column_constraint, $.collate_clause))),
      $._end,
    ),

    create_sequence: $ => seq($._create_sequence_body, $._end),

    _create_sequence_body: $ => seq(
      kw('create'),
      optional(field('persistence', $.table_persistence)),
      kw('sequence'),
      optional($.if_not_exists),
      field('name', $.object_reference),
      repeat($.sequence_option),
    ),

    sequence_option: $ => choice(
      seq(kw('as'), field('type', $.data_type)),
      seq(kw('increment'), optional(kw('by')), $._signed_number),
      seq(choice(kw('minvalue'), kw('maxvalue')), $._signed_number),
      kws('no minvalue'),
      kws('no maxvalue'),
      kws('no cycle'),
      kw('cycle'),
      seq(kw('start'), optional(kw('with')), $._signed_number),
      seq(kw('restart'), optional(seq(optional(kw('with')), $._signed_number))),
      seq(kw('cache'), $._signed_number),
      seq(kws('owned by'), field('owned_by', choice(kw('none'), $.column_reference))),
      seq(kws('sequence name'), $.object_reference),
      kw('logged'),
      kw('unlogged'),
    ),

    _signed_number: $ => seq(optional(choice('-', '+')), $.number),

    // ---------------------------------------------------------------------------------------
    // CREATE RULE

    create_rule: $ => seq(
      kw('create'),
      optional(kws('or replace')),
      kw('rule'),
      field('name', $._name),
      kws('as on'),
      field('event', choice(kw('select'), kw('insert'), kw('update'), kw('delete'))),
      kw('to'),
      field('table', $.object_reference),
      optional(seq(kw('where'), field('condition', $.rule_condition))),
      kw('do'),
      optional(choice(kw('also'), kw('instead'))),
      field('action', choice(
        kw('nothing'),
        $.rule_actions,
        $.query,
      )),
      $._end,
    ),

    rule_condition: $ => repeat1($._token_tree_no_do),

    // The actions of a rule are statements separated by `;` inside one pair of parentheses.
    rule_actions: $ => prec(1, parens(seq(
      $._token_trees,
      repeat(seq(';', optional($._token_trees))),
    ))),

    // ---------------------------------------------------------------------------------------
    // Generic CREATE / ALTER: objects the model does not read.

    create_generic: $ => seq($._create_generic_body, $._end),

    _create_generic_body: $ => seq(
      kw('create'),
      optional(kws('or replace')),
      optional(field('persistence', $.table_persistence)),
      field('kind', $.identifier),
      optional($._token_trees),
    ),

    alter_generic: $ => seq(
      kw('alter'),
      field('kind', $.identifier),
      optional($._token_trees),
      $._end,
    ),

    // ---------------------------------------------------------------------------------------
    // ALTER TABLE

    alter_table: $ => seq(
      $._alter_table_head,
      commaSep1(field('action', $._alter_table_action)),
      $._end,
    ),

    // Like `_create_table_head`.
    _alter_table_head: $ => seq(
      kw('alter'),
      kw('table'),
      optional($.if_exists),
      optional(kw('only')),
      field('name', $.object_reference),
      optional('*'),
    ),

    _alter_table_action: $ => choice(
      $.add_column,
      $.add_constraint,
      $.drop_column,
      $.drop_constraint,
      $.alter_column,
      $.alter_constraint,
      $.validate_constraint,
      $.rename_table,
      $.rename_column,
      $.rename_constraint,
      $.set_schema,
      $.row_level_security,
      $.enable_trigger,
      $.attach_partition,
      $.detach_partition,
      $.owner_to,
      $.alter_table_set,
      $.generic_action,
      // `NO INHERIT parent`: NO also starts `NO FORCE ROW LEVEL SECURITY`.
      alias($._no_generic_action, $.generic_action),
    ),

    _no_generic_action: $ => seq(kw('no'), $.identifier, repeat($._token_tree_no_comma)),

    add_column: $ => seq(
      kw('add'),
      optional(kw('column')),
      optional($.if_not_exists),
      field('column', $.column_definition),
    ),

    add_constraint: $ => seq(kw('add'), field('constraint', $.table_constraint)),

    drop_column: $ => seq(
      kw('drop'),
      optional(kw('column')),
      optional($.if_exists),
      field('column', $._name),
      optional(field('behavior', choice(kw('cascade'), kw('restrict')))),
    ),

    drop_constraint: $ => seq(
      kws('drop constraint'),
      optional($.if_exists),
      field('name', $._name),
      optional(field('behavior', choice(kw('cascade'), kw('restrict')))),
    ),

    alter_column: $ => seq(
      kw('alter'),
      optional(kw('column')),
      field('column', $._name),
      field('change', choice(
        $.set_column_type,
        $.set_column_default,
        $.drop_column_default,
        $.set_column_not_null,
        $.drop_column_not_null,
        $.add_column_identity,
        $.generic_action,
        // SET STORAGE, SET STATISTICS, SET (...), SET EXPRESSION, SET GENERATED, DROP IDENTITY, ...
        alias($._keyword_generic_action, $.generic_action),
      )),
    ),

    // An action the model does not read that starts with a keyword of the modelled actions: the
    // keyword, then a word that is not one of the keywords modelled after it.
    _keyword_generic_action: $ => seq(
      choice(kw('set'), kw('drop')),
      choice($.identifier, $.parenthesized_expression),
      repeat($._token_tree_no_comma),
    ),

    set_column_type: $ => seq(
      optional(kws('set data')),
      kw('type'),
      field('type', $.data_type),
      optional($.collate_clause),
      optional(seq(kw('using'), field('using', $.expression_list_no_comma))),
    ),

    set_column_default: $ => seq(kws('set default'), field('value', $.expression)),
    drop_column_default: _ => kws('drop default'),
    set_column_not_null: _ => kws('set not null'),
    drop_column_not_null: _ => kws('drop not null'),

    add_column_identity: $ => seq(
      kws('add generated'),
      choice(kw('always'), kws('by default')),
      kws('as identity'),
      optional(parens(repeat($.sequence_option))),
    ),

    alter_constraint: $ => seq(
      kws('alter constraint'),
      field('name', $._name),
      repeat($.constraint_attribute),
    ),

    validate_constraint: $ => seq(kws('validate constraint'), field('name', $._name)),

    rename_table: $ => seq(kws('rename to'), field('new_name', $._name)),

    rename_column: $ => seq(
      kw('rename'),
      optional(kw('column')),
      field('column', $._name),
      kw('to'),
      field('new_name', $._name),
    ),

    rename_constraint: $ => seq(
      kws('rename constraint'),
      field('name', $._name),
      kw('to'),
      field('new_name', $._name),
    ),

    set_schema: $ => seq(kws('set schema'), field('schema', $._name)),

    row_level_security: _ => seq(
      field('mode', choice(kw('enable'), kw('disable'), kw('force'), kws('no force'))),
      kws('row level security'),
    ),

    enable_trigger: $ => seq(
      field('mode', choice(kw('enable'), kw('disable'))),
      optional(choice(kw('always'), kw('replica'))),
      field('kind', choice(kw('trigger'), kw('rule'))),
      field('name', choice($._name, kw('all'), kw('user'))),
    ),

    attach_partition: $ => seq(
      kws('attach partition'),
      field('partition', $.object_reference),
      optional(field('bound', $.partition_bound)),
    ),

    detach_partition: $ => seq(
      kws('detach partition'),
      field('partition', $.object_reference),
      optional(choice(kw('concurrently'), kw('finalize'))),
    ),

    owner_to: $ => seq(kws('owner to'), field('owner', $._name)),

    alter_table_set: $ => seq(
      kw('set'),
      choice(
        $.parenthesized_expression,
        seq(kw('tablespace'), $._name),
        kw('logged'),
        kw('unlogged'),
        seq(kw('without'), $.identifier),
        seq(kws('access method'), $._name),
      ),
    ),

    // Actions the model does not read (ENABLE TRIGGER, CLUSTER ON, REPLICA IDENTITY, ...).
    generic_action: $ => seq($.identifier, repeat($._token_tree_no_comma)),

    // ---------------------------------------------------------------------------------------
    // ALTER INDEX / SEQUENCE / TYPE

    alter_index: $ => seq(
      kw('alter'),
      kw('index'),
      optional($.if_exists),
      field('name', $.object_reference),
      field('action', choice(
        seq(kws('attach partition'), field('partition', $.object_reference)),
        $.rename_table,
        $.set_schema,
        $.alter_table_set,
        $.generic_action,
      )),
      $._end,
    ),

    alter_sequence: $ => seq(
      kw('alter'),
      kw('sequence'),
      optional($.if_exists),
      field('name', $.object_reference),
      choice(
        repeat1($.sequence_option),
        $.rename_table,
        $.set_schema,
        $.owner_to,
        $.generic_action,
        alias($._keyword_generic_action, $.generic_action),
      ),
      $._end,
    ),

    alter_type: $ => seq(
      kw('alter'),
      kw('type'),
      field('name', $.object_reference),
      field('action', choice(
        $.add_enum_value,
        $.rename_enum_value,
        $.rename_table,
        $.set_schema,
        $.owner_to,
        $.generic_action,
        // ADD/DROP/RENAME ATTRIBUTE (comma-separated), SET (...): the rest of the statement.
        alias($._type_generic_action, $.generic_action),
      )),
      $._end,
    ),

    _type_generic_action: $ => seq(
      choice(kw('add'), kw('drop'), kw('rename'), kw('set')),
      choice($.identifier, $.parenthesized_expression),
      optional($._token_trees),
    ),

    add_enum_value: $ => seq(
      kws('add value'),
      optional($.if_not_exists),
      field('value', $.string),
      optional(seq(choice(kw('before'), kw('after')), field('neighbor', $.string))),
    ),

    rename_enum_value: $ => seq(
      kws('rename value'),
      field('value', $.string),
      kw('to'),
      field('new_value', $.string),
    ),

    // ---------------------------------------------------------------------------------------
    // DROP

    drop_statement: $ => seq(
      kw('drop'),
      field('kind', $.object_kind),
      optional(kw('concurrently')),
      optional($.if_exists),
      commaSep1(field('target', $.object_target)),
      optional(seq(kw('on'), field('table', $.object_reference))),
      // `USING btree` (operator classes), `WITH (FORCE)` (databases), `SERVER s` (user mappings).
      optional(field('options', alias($._drop_options, $.expression_list))),
      optional(field('behavior', choice(kw('cascade'), kw('restrict')))),
      $._end,
    ),

    // Starts with a token, not `(`, which would continue a signature. Not `_token_trees`: its
    // states are shared by all its uses, and CASCADE after these options would then be a keyword
    // wherever token trees end (`TRUNCATE t CASCADE`).
    _drop_options: $ => seq($._token, repeat($._token_tree)),

    object_kind: $ => choice(
      kw('table'),
      kw('index'),
      kw('view'),
      kws('materialized view'),
      kw('sequence'),
      kw('type'),
      kw('domain'),
      kw('schema'),
      kw('extension'),
      kw('function'),
      kw('procedure'),
      kw('trigger'),
      kw('policy'),
      kw('rule'),
      kw('column'),
      kw('constraint'),
      // Kinds of more than one word.
      seq(kw('operator'), optional(choice(kw('class'), kw('family')))),
      kws('foreign table'),
      kws('foreign data wrapper'),
      kws('event trigger'),
      kws('access method'),
      kws('property graph'),
      seq(kw('user'), optional(kw('mapping'))),
      kws('owned by'),
      seq(kws('text search'), $.identifier),
      $.identifier,
    ),

    object_target: $ => choice(
      seq($.object_reference, optional($._signature)),
      // Operators: `+ (int, int)`, `myschema.=== (t, t)`.
      seq(optional(seq($._name, '.')), $.operator, $._signature),
      // Casts: `(text AS int)`.
      $.parenthesized_expression,
      // User mappings: `FOR role`.
      seq(kw('for'), $.object_reference),
    ),

    _signature: $ => parens(optional(commaSep1(repeat1($._token_tree_no_comma)))),

    // ---------------------------------------------------------------------------------------
    // COMMENT ON

    comment_statement: $ => seq(
      kws('comment on'),
      field('kind', $.object_kind),
      field('target', $.comment_target),
      optional(seq(kw('on'), optional(kw('domain')), field('table', $.object_reference))),
      kw('is'),
      field('comment', choice($._string_literal, kw('null'))),
      $._end,
    ),

    // `t.col`, `f(int, text)`, `search configuration x` (multi-word kinds), `+ (int, int)`.
    comment_target: $ => repeat1(choice(
      $.column_reference,
      $.parenthesized_expression,
      $.operator,
      $.number,
    )),

    // ---------------------------------------------------------------------------------------
    // SET / COPY / anything else

    set_statement: $ => seq(
      choice(kw('set'), kw('reset')),
      optional(field('scope', choice(kw('session'), kw('local')))),
      field('parameter', $.column_reference),
      optional(choice(
        seq(choice(kw('to'), '='), field('value', $.setting_value)),
        $._token_trees,
      )),
      $._end,
    ),

    copy_statement: $ => seq(
      kw('copy'),
      field('table', choice($.object_reference, $.parenthesized_expression)),
      optional($.column_name_list),
      choice(
        seq(
          kw('from'),
          kw('stdin'),
          optional($._token_trees),
          ';',
          optional(field('data', $.copy_data)),
        ),
        seq(choice(kw('from'), kw('to')), optional($._token_trees), $._end),
      ),
    ),

    generic_statement: $ => seq(
      field('verb', $.identifier),
      optional($._token_trees),
      $._end,
    ),

    // ---------------------------------------------------------------------------------------
    // Expressions: balanced token trees with a few structures.

    // An unparenthesized expression as PostgreSQL's `b_expr` allows it (DEFAULT values): operands
    // joined by operators, so that `DEFAULT 0 NOT NULL` ends the default before `NOT NULL`.
    expression: $ => seq(
      $._operand,
      repeat(choice(
        seq($.operator, $._operand),
        $.cast,
        $.subscript,
        $.field_selection,
      )),
    ),

    _operand: $ => choice(
      $._literal,
      $.column_reference,
      $.function_call,
      $.parenthesized_expression,
      $.array_constructor,
      $.typed_literal,
      seq($.operator, $._operand),
      $.parameter,
    ),

    // An unparenthesized expression that runs up to the end of the statement.
    expression_list: $ => $._token_trees,

    expression_list_no_comma: $ => repeat1($._token_tree_no_comma),

    parenthesized_expression: $ => parens(optional($._token_trees)),

    // One or more token trees. Left recursion costs one reduction per element, where a repeat
    // costs about two, and keeps the parse stack as shallow as a repeat does.
    _token_trees: $ => choice($._token_tree, seq($._token_trees, $._token_tree)),

    _token_tree: $ => choice($._token_tree_no_comma, ','),

    _token_tree_no_comma: $ => choice($._token, $.parenthesized_expression),

    // Like `_token_tree`, for a rule's WHERE condition, which ends at DO.
    _token_tree_no_do: $ => choice(
      $._literal,
      $.column_reference,
      $.function_call,
      $.parenthesized_expression,
      $.cast,
      $.operator,
      ',',
    ),

    _token: $ => choice(
      $._literal,
      $.column_reference,
      $.function_call,
      $.in_list,
      $.cast,
      $.subscript,
      $.array_constructor,
      $.operator,
      $.parameter,
      $.keyword,
      $.field_selection,
      ':',
      ':=',
      '=>',
    ),

    keyword: _ => choice(kw('and'), kw('or'), kw('not'), kw('is'), kw('in')),

    in_list: $ => prec(1, seq(
      kw('in'),
      parens(optional(commaSep1(repeat1($._token_tree_no_comma)))),
    )),

    cast: $ => seq('::', field('type', $.data_type)),

    subscript: $ => seq('[', optional($._token_trees), ']'),

    array_constructor: $ => seq(
      kw('array'),
      choice(
        seq('[', optional(commaSep1(repeat1($._token_tree_no_comma))), ']'),
        $.parenthesized_expression,
      ),
    ),

    function_call: $ => prec(PREC.call, seq(
      field('function', alias($.column_reference, $.function_name)),
      field('arguments', $.parenthesized_expression),
    )),

    typed_literal: $ => prec(PREC.typed_literal, seq(
      field('type', choice(
        $.identifier,
        alias(choice($._time_type_name, $._interval_type_name), $.type_name),
      )),
      field('value', $.string),
    )),

    // `t.col`, `t.*`, and the qualified operator names of `CREATE OPERATOR public.~<<`.
    column_reference: $ => prec.right(seq(
      $._name,
      repeat(seq('.', choice($._name, '*', $.operator))),
    )),

    // `(row).field` after a parenthesized expression.
    field_selection: $ => seq('.', choice($._name, '*')),

    object_reference: $ => prec.right(seq(
      optional(seq(field('schema', $._name), '.')),
      field('name', $._name),
    )),

    _name: $ => choice($.identifier, $.quoted_identifier),

    _literal: $ => choice(
      $._string_literal,
      $.number,
      $.bit_string,
      kw('null'),
      kw('true'),
      kw('false'),
    ),

    _string_literal: $ => choice($.string, $.dollar_quoted_string),

    // ---------------------------------------------------------------------------------------
    // Tokens

    identifier: _ => /[A-Za-z_\u0080-\uFFFF][A-Za-z0-9_$\u0080-\uFFFF]*/,

    quoted_identifier: _ => token(seq(
      optional(/[uU]&/),
      '"',
      repeat(choice(/[^"]/, '""')),
      '"',
    )),

    bit_string: _ => token(seq(/[bBxX]/, '\'', /[0-9a-fA-F]*/, '\'')),

    number: _ => token(choice(
      /\d[\d_]*(\.[\d_]*)?([eE][+-]?\d+)?/,
      /\.\d[\d_]*([eE][+-]?\d+)?/,
      /0[xX][0-9a-fA-F_]+/,
      /0[oO][0-7_]+/,
      /0[bB][01_]+/,
    )),

    parameter: _ => /\$\d+/,

    // PostgreSQL operators are runs of these characters; `--` and `/*` start comments instead.
    operator: _ => token(choice(
      /[+\-*/<>=~!@#%^&|`?]/,
      /[+*<>=~!@#%^&|`?][+\-*<>=~!@#%^&|`?]+/,
      /-[+*<>=~!@#%^&|`?][+\-*<>=~!@#%^&|`?]*/,
      /\/[+\-<>=~!@#%^&|`?][+\-*<>=~!@#%^&|`?]*/,
    )),

    comment: _ => token(seq('--', /[^\n]*/)),
  },
});
