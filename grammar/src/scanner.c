// External scanner for the ddlint PostgreSQL grammar: the tokens a context-free lexer cannot
// describe. Stateless: every token is recognised from its first character.

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

// Same order as `externals` in grammar.js.
enum TokenType {
  BLOCK_COMMENT,
  DOLLAR_QUOTED_STRING,
  PSQL_META_COMMAND,
  COPY_DATA,
  END_OF_FILE,
};

// Longest dollar-quote tag we track; PostgreSQL identifiers are at most 63 bytes.
#define MAX_TAG 64

void *tree_sitter_ddlint_sql_external_scanner_create(void) { return NULL; }
void tree_sitter_ddlint_sql_external_scanner_destroy(void *payload) { (void)payload; }
unsigned tree_sitter_ddlint_sql_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}
void tree_sitter_ddlint_sql_external_scanner_deserialize(void *payload, const char *buffer,
                                                          unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

static void advance(TSLexer *lexer) { lexer->advance(lexer, false); }

static bool is_tag_start(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_tag_char(int32_t c) { return is_tag_start(c) || (c >= '0' && c <= '9'); }

// `/* ... */` with nesting, as PostgreSQL allows. An unterminated comment runs to the end of the
// file, as it does for PostgreSQL.
static bool scan_block_comment(TSLexer *lexer) {
  advance(lexer);
  if (lexer->lookahead != '*') return false;
  advance(lexer);
  unsigned depth = 1;
  while (depth > 0 && !lexer->eof(lexer)) {
    if (lexer->lookahead == '*') {
      advance(lexer);
      if (lexer->lookahead == '/') {
        advance(lexer);
        depth--;
      }
    } else if (lexer->lookahead == '/') {
      advance(lexer);
      if (lexer->lookahead == '*') {
        advance(lexer);
        depth++;
      }
    } else {
      advance(lexer);
    }
  }
  lexer->result_symbol = BLOCK_COMMENT;
  return true;
}

// `$tag$ ... $tag$`. An unterminated body is not a token: the `$` then becomes a syntax error at
// its own position instead of swallowing the rest of the file while the user is still typing.
static bool scan_dollar_quoted_string(TSLexer *lexer) {
  char tag[MAX_TAG];
  unsigned tag_len = 0;
  advance(lexer);
  if (lexer->lookahead != '$') {
    if (!is_tag_start(lexer->lookahead)) return false;
    while (is_tag_char(lexer->lookahead)) {
      if (tag_len == MAX_TAG || lexer->lookahead >= 0x80) return false;
      tag[tag_len++] = (char)lexer->lookahead;
      advance(lexer);
    }
    if (lexer->lookahead != '$') return false;
  }
  advance(lexer);

  while (!lexer->eof(lexer)) {
    if (lexer->lookahead != '$') {
      advance(lexer);
      continue;
    }
    advance(lexer);
    unsigned matched = 0;
    while (matched < tag_len && lexer->lookahead == tag[matched]) {
      advance(lexer);
      matched++;
    }
    if (matched == tag_len && lexer->lookahead == '$') {
      advance(lexer);
      lexer->result_symbol = DOLLAR_QUOTED_STRING;
      return true;
    }
  }
  return false;
}

// A psql meta-command (`\connect db`, `\set x 1`) runs to the end of its line.
static bool scan_meta_command(TSLexer *lexer) {
  advance(lexer);
  if (lexer->eof(lexer) || lexer->lookahead == '\n' || lexer->lookahead == ' ') return false;
  while (!lexer->eof(lexer) && lexer->lookahead != '\n') advance(lexer);
  lexer->result_symbol = PSQL_META_COMMAND;
  return true;
}

// The data lines after `COPY ... FROM stdin;`, up to and including the `\.` line.
static bool scan_copy_data(TSLexer *lexer) {
  while (lexer->lookahead == ' ' || lexer->lookahead == '\t' || lexer->lookahead == '\r') {
    advance(lexer);
  }
  if (lexer->lookahead != '\n') return false;
  advance(lexer);
  for (;;) {
    if (lexer->eof(lexer)) break;
    if (lexer->lookahead == '\\') {
      advance(lexer);
      if (lexer->lookahead == '.') {
        advance(lexer);
        break;
      }
    }
    while (!lexer->eof(lexer) && lexer->lookahead != '\n') advance(lexer);
    if (!lexer->eof(lexer)) advance(lexer);
  }
  lexer->result_symbol = COPY_DATA;
  return true;
}

bool tree_sitter_ddlint_sql_external_scanner_scan(void *payload, TSLexer *lexer,
                                                  const bool *valid_symbols) {
  (void)payload;
  bool error_recovery = valid_symbols[COPY_DATA] && valid_symbols[END_OF_FILE] &&
                        valid_symbols[DOLLAR_QUOTED_STRING];

  if (valid_symbols[COPY_DATA] && !error_recovery) return scan_copy_data(lexer);

  while (lexer->lookahead == ' ' || lexer->lookahead == '\t' || lexer->lookahead == '\n' ||
         lexer->lookahead == '\r' || lexer->lookahead == '\f' || lexer->lookahead == '\v') {
    lexer->advance(lexer, true);
  }

  if (lexer->eof(lexer)) {
    if (!valid_symbols[END_OF_FILE]) return false;
    lexer->result_symbol = END_OF_FILE;
    return true;
  }

  switch (lexer->lookahead) {
    case '/':
      return valid_symbols[BLOCK_COMMENT] && scan_block_comment(lexer);
    case '$':
      return valid_symbols[DOLLAR_QUOTED_STRING] && scan_dollar_quoted_string(lexer);
    case '\\':
      return valid_symbols[PSQL_META_COMMAND] && scan_meta_command(lexer);
    default:
      return false;
  }
}
