// @ts-check
/**
 * @file Prisma schema language (PSL): datasource, generator, model, view, type and enum blocks.
 * @license MIT OR Apache-2.0
 */

/// <reference types="tree-sitter-cli/dsl" />

// Lexical precedences: which token wins when two match the same text.
const PREC = {
  // `////` still starts a doc comment, as in Prisma; plain comments must not steal it.
  doc_comment: 1,
  // String text wins over `//` and `/*`, so that `"https://..."` stays a string.
  string_content: 1,
};

// Members of a block end at a line break, as in Prisma's own parser: `/\s/` is an extra, but where
// `_newline` is a valid token the lexer returns it instead of skipping it. Everywhere else (between
// blocks, blank lines, inside parentheses and brackets) line breaks are plain whitespace.

module.exports = grammar({
  name: 'prisma',

  word: $ => $.identifier,

  extras: $ => [/\s/, $.doc_comment, $.comment, $.block_comment],

  supertypes: $ => [$._declaration, $._expression],

  rules: {
    source_file: $ => repeat($._declaration),

    _declaration: $ => choice(
      $.datasource_declaration,
      $.generator_declaration,
      $.model_declaration,
      $.view_declaration,
      $.type_declaration,
      $.enum_declaration,
    ),

    datasource_declaration: $ => seq(
      'datasource',
      field('name', $.identifier),
      field('body', $.config_body),
    ),

    generator_declaration: $ => seq(
      'generator',
      field('name', $.identifier),
      field('body', $.config_body),
    ),

    model_declaration: $ => seq(
      'model',
      field('name', $.identifier),
      field('body', $.model_body),
    ),

    view_declaration: $ => seq(
      'view',
      field('name', $.identifier),
      field('body', $.model_body),
    ),

    // A composite type (MongoDB); its body has the same syntax as a model's.
    type_declaration: $ => seq(
      'type',
      field('name', $.identifier),
      field('body', $.model_body),
    ),

    enum_declaration: $ => seq(
      'enum',
      field('name', $.identifier),
      field('body', $.enum_body),
    ),

    config_body: $ => lines($, $.assignment),

    model_body: $ => lines($, choice($.field_declaration, $.block_attribute)),

    enum_body: $ => lines($, choice($.enum_value, $.block_attribute)),

    assignment: $ => seq(
      field('name', $.identifier),
      '=',
      field('value', $._expression),
    ),

    field_declaration: $ => seq(
      field('name', $.identifier),
      optional(field('type', $.field_type)),
      repeat(field('attribute', $.attribute)),
    ),

    field_type: $ => seq(
      field('name', choice($.identifier, $.unsupported_type)),
      optional(field('list', $.list_marker)),
      optional(field('optional', $.optional_marker)),
    ),

    unsupported_type: $ => seq('Unsupported', '(', field('type', $.string), ')'),

    list_marker: _ => '[]',

    optional_marker: _ => '?',

    enum_value: $ => seq(
      field('name', $.identifier),
      repeat(field('attribute', $.attribute)),
    ),

    attribute: $ => seq(
      '@',
      field('name', $._attribute_name),
      optional(field('arguments', $.arguments)),
    ),

    block_attribute: $ => seq(
      '@@',
      field('name', $._attribute_name),
      optional(field('arguments', $.arguments)),
    ),

    // `id`, or a namespaced name such as `db.VarChar`.
    _attribute_name: $ => choice($.identifier, $.path),

    arguments: $ => seq(
      '(',
      optional(seq(commaSep1($.argument), optional(','))),
      ')',
    ),

    argument: $ => choice(
      seq(field('name', $.identifier), ':', field('value', $._expression)),
      field('value', $._expression),
    ),

    _expression: $ => choice(
      $.string,
      $.number,
      $.boolean,
      $.array,
      $.function_call,
      $.identifier,
      $.path,
    ),

    function_call: $ => seq(
      field('name', choice($.identifier, $.path)),
      field('arguments', $.arguments),
    ),

    array: $ => seq('[', optional(commaSep1($._expression)), ']'),

    path: $ => seq($.identifier, repeat1(seq('.', $.identifier))),

    // JSON string syntax. Escapes are nodes of their own, so that a reader decodes the value from
    // the pieces and editors highlight them.
    string: $ => seq(
      '"',
      repeat(choice($.string_content, $.escape_sequence)),
      token.immediate('"'),
    ),

    string_content: _ => token.immediate(prec(PREC.string_content, /[^"\\\r\n]+/)),

    escape_sequence: _ => token.immediate(/\\(u[0-9a-fA-F]{4}|[^\r\nu])/),

    number: _ => /-?\d+(\.\d+)?/,

    boolean: _ => choice('true', 'false'),

    identifier: _ => /[A-Za-z_][A-Za-z0-9_-]*/,

    doc_comment: _ => token(prec(PREC.doc_comment, seq('///', /[^\r\n]*/))),

    comment: _ => token(seq('//', /[^\r\n]*/)),

    block_comment: _ => token(seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/')),

    // Anonymous rather than hidden, so that a missing line break is a visible MISSING node.
    _newline: _ => alias(/\r?\n|\r/, 'newline'),
  },
});

/**
 * A braced block of members, one per line; the last one may share its line with the `}`.
 *
 * @param {GrammarSymbols<string>} $
 * @param {RuleOrLiteral} member
 * @returns {SeqRule}
 */
function lines($, member) {
  return seq('{', repeat(seq(member, $._newline)), optional(member), '}');
}

/**
 * One or more `rule`s separated by commas.
 *
 * @param {RuleOrLiteral} rule
 * @returns {SeqRule}
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}
