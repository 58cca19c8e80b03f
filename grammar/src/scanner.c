// External scanner for the ddlint PostgreSQL grammar: the tokens a context-free lexer cannot
// describe, and an empty statement start that keeps error recovery inside the broken statement.

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// Same order as `externals` in grammar.js.
enum TokenType {
  BLOCK_COMMENT,
  DOLLAR_QUOTED_STRING,
  PSQL_META_COMMAND,
  COPY_DATA,
  END_OF_FILE,
  STRING,
  STATEMENT_START,
  PSQL_SEND,
};

// Longest dollar-quote tag we track; PostgreSQL identifiers are at most 63 bytes.
#define MAX_TAG 64

// Longest word compared with the word lists below (MATERIALIZED).
#define WORD_MAX 13

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

// Tree-sitter does not try to skip a token that changes the scanner's state when it can instead
// recover at it (resume the parse at an earlier state where the token is valid). So each statement
// start counts up, and every other token of this scanner resets the count: a statement start
// always changes the state, and the count is non-zero only until the next token of the scanner.
typedef struct {
  uint8_t statement_starts;
} Scanner;

void *tree_sitter_ddlint_sql_external_scanner_create(void) { return calloc(1, sizeof(Scanner)); }

void tree_sitter_ddlint_sql_external_scanner_destroy(void *payload) { free(payload); }

unsigned tree_sitter_ddlint_sql_external_scanner_serialize(void *payload, char *buffer) {
  Scanner *scanner = payload;
  if (scanner->statement_starts == 0) return 0;
  buffer[0] = (char)scanner->statement_starts;
  return 1;
}

void tree_sitter_ddlint_sql_external_scanner_deserialize(void *payload, const char *buffer,
                                                          unsigned length) {
  Scanner *scanner = payload;
  scanner->statement_starts = length > 0 ? (uint8_t)buffer[0] : 0;
}

// ------------------------------------------------------------------------------------------------
// Characters and words

static void advance(TSLexer *lexer) { lexer->advance(lexer, false); }

static bool is_space(int32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_letter(int32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static int32_t to_upper(int32_t c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

static bool is_tag_start(int32_t c) { return is_letter(c) || c == '_' || c >= 0x80; }

static bool is_tag_char(int32_t c) { return is_tag_start(c) || (c >= '0' && c <= '9'); }

// Words that start the statements of schema files and migrations. BEGIN too, but only where error
// recovery resumes: in a string it is as likely to start a quoted PL/pgSQL block.
static const char *const STATEMENT_WORDS[] = {
    "CREATE", "ALTER",  "DROP",     "COMMENT", "GRANT",    "REVOKE", "INSERT",
    "UPDATE", "DELETE", "SELECT",   "WITH",    "SET",      "RESET",  "COPY",
    "COMMIT", "START",  "ROLLBACK", "TRUNCATE", "DO",      "CALL",   "REFRESH",
    "VACUUM", "ANALYZE",
};

// What follows CREATE at the start of a DDL statement. At the beginning of a line, such a pair
// never continues the statement before it. ALTER and DROP may (`ALTER TABLE t` then `DROP type` on
// the next line drops a column named type): only ALTER TABLE and DROP TABLE are safe, TABLE being
// a reserved word.
static const char *const OBJECT_WORDS[] = {
    "TABLE",   "INDEX",     "UNIQUE",   "VIEW",     "MATERIALIZED", "FUNCTION", "PROCEDURE",
    "TRIGGER", "TYPE",      "DOMAIN",   "SEQUENCE", "SCHEMA",       "EXTENSION", "POLICY",
    "OR",      "TEMPORARY", "TEMP",     "UNLOGGED", "RULE",         "EVENT",
};

static bool is_word(const char *word, unsigned len, const char *expected) {
  return strlen(expected) == len && memcmp(word, expected, len) == 0;
}

static bool is_one_of(const char *word, unsigned len, const char *const *words, unsigned count) {
  for (unsigned i = 0; i < count; i++) {
    if (is_word(word, len, words[i])) return true;
  }
  return false;
}

// Reads a word of letters followed by a space, a newline or the end, upper-cased, into `word`; the
// first letter is already consumed and passed as `first`. Returns its length, or 0 for anything
// else.
static unsigned read_word(TSLexer *lexer, int32_t first, char word[WORD_MAX]) {
  unsigned len = 0;
  word[len++] = (char)to_upper(first);
  while (len < WORD_MAX && is_letter(lexer->lookahead)) {
    word[len++] = (char)to_upper(lexer->lookahead);
    advance(lexer);
  }
  bool ends = is_space(lexer->lookahead) || lexer->lookahead == '\n' || lexer->eof(lexer);
  return ends ? len : 0;
}

static bool read_statement_word(TSLexer *lexer, int32_t first, bool or_begin) {
  char word[WORD_MAX];
  unsigned len = read_word(lexer, first, word);
  return is_one_of(word, len, STATEMENT_WORDS, COUNT(STATEMENT_WORDS)) ||
         (or_begin && is_word(word, len, "BEGIN"));
}

// Whether the first two words are those of a DDL statement (`CREATE INDEX`, `ALTER TABLE`,
// `COMMENT ON`).
static bool read_ddl_start(TSLexer *lexer, int32_t first) {
  char word[WORD_MAX];
  unsigned len = read_word(lexer, first, word);
  bool create = is_word(word, len, "CREATE");
  bool comment = is_word(word, len, "COMMENT");
  bool table_only = is_word(word, len, "ALTER") || is_word(word, len, "DROP");
  if (!create && !comment && !table_only) return false;
  while (is_space(lexer->lookahead)) advance(lexer);
  if (!is_letter(lexer->lookahead)) return false;
  int32_t next = lexer->lookahead;
  advance(lexer);
  len = read_word(lexer, next, word);
  if (comment) return is_word(word, len, "ON");
  if (table_only) return is_word(word, len, "TABLE");
  return is_one_of(word, len, OBJECT_WORDS, COUNT(OBJECT_WORDS));
}

// ------------------------------------------------------------------------------------------------
// Tokens

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

// Inside a string, at the start of a line after one that ends with `;`: consumes a comment there
// (`-- ...` up to the newline, or `/* ... */`), as between two statements. Returns whether it did,
// updating `last` with what it consumed otherwise. It stops at a quote, which ends the string.
static bool skip_comment_line(TSLexer *lexer, int32_t *last) {
  int32_t first = lexer->lookahead;
  if (first != '-' && first != '/') return false;
  advance(lexer);
  *last = first;
  if (lexer->lookahead != (first == '-' ? '-' : '*')) return false;
  advance(lexer);
  for (;;) {
    if (lexer->eof(lexer) || lexer->lookahead == '\'') return false;
    if (first == '-' && lexer->lookahead == '\n') break;
    int32_t c = lexer->lookahead;
    advance(lexer);
    if (first == '/' && c == '*' && lexer->lookahead == '/') {
      advance(lexer);
      break;
    }
  }
  *last = ';';
  return true;
}

// `'...'` with `''` inside, and with backslash escapes after an `E` prefix. The lexer is at the
// opening quote.
//
// A string never runs into a line that starts with the first words of a DDL statement (`CREATE
// TABLE`, `ALTER TABLE`, ...), nor, after a line that ends with `;` (and blank or comment lines),
// into a line that starts with a statement word: the quote is then taken as unterminated, so a
// missing quote stays an error at the quote instead of turning every later statement inside out.
// No string in the real-world schemas and migrations we test against crosses such a line.
// (Dollar-quoted bodies are left alone: they hold code, where such lines are less unlikely.)
static bool scan_string(TSLexer *lexer, bool escapes) {
  advance(lexer);
  // The last character that is neither a space nor a newline.
  int32_t last = 0;
  while (!lexer->eof(lexer)) {
    int32_t c = lexer->lookahead;
    advance(lexer);
    if (c == '\'') {
      if (lexer->lookahead != '\'') {
        lexer->mark_end(lexer);
        lexer->result_symbol = STRING;
        return true;
      }
      advance(lexer);
    } else if (c == '\\' && escapes) {
      if (lexer->eof(lexer)) return false;
      advance(lexer);
    } else if (c == '\n') {
      if (last == ';' && skip_comment_line(lexer, &last)) continue;
      if (is_letter(lexer->lookahead)) {
        int32_t first = lexer->lookahead;
        advance(lexer);
        // The words read belong to the string if it goes on.
        bool statement = last == ';' ? read_statement_word(lexer, first, false)
                                     : read_ddl_start(lexer, first);
        if (statement) return false;
        last = first;
      }
      continue;
    }
    if (!is_space(c)) last = c;
  }
  return false;
}

// psql meta-commands that send the query buffer to the server, ending the statement.
static const char *const SEND_COMMANDS[] = {
    "G", "GX", "GSET", "GEXEC", "GDESC", "CROSSTABVIEW", "WATCH",
};

// A psql meta-command (`\connect db`, `\set x 1`) runs to the end of its line. Where a statement
// may end, one that sends the statement (`\gset`) ends it.
static bool scan_meta_command(TSLexer *lexer, bool may_end_statement) {
  advance(lexer);
  if (lexer->eof(lexer) || lexer->lookahead == '\n' || lexer->lookahead == ' ') return false;
  bool sends = false;
  if (may_end_statement && is_letter(lexer->lookahead)) {
    char word[WORD_MAX];
    int32_t first = lexer->lookahead;
    advance(lexer);
    unsigned len = read_word(lexer, first, word);
    sends = is_one_of(word, len, SEND_COMMANDS, COUNT(SEND_COMMANDS));
  }
  while (!lexer->eof(lexer) && lexer->lookahead != '\n') advance(lexer);
  lexer->result_symbol = sends ? PSQL_SEND : PSQL_META_COMMAND;
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

// ------------------------------------------------------------------------------------------------
// Words at the start of a token

// Where an empty statement start is emitted before a word at the beginning of a line.
typedef enum {
  NO_START,
  // During error recovery: before a statement word, for the parse to resume there.
  RECOVERY_START,
  // Where no statement may start: before the first words of a DDL statement, which cannot continue
  // the current one. The start is then the syntax error (a `;` or `)` is missing before it) and
  // recovery cannot carry the broken statement on into the next one.
  MISPLACED_START,
} StartKind;

// A prefixed string (`E'...'`, `N'...'`, `U&'...'`) or an empty statement start before a word.
// Anything else is left to the grammar's lexer.
static bool scan_word(Scanner *scanner, TSLexer *lexer, const bool *valid_symbols,
                      StartKind start) {
  // A statement start is empty: it ends before the word.
  if (start != NO_START) lexer->mark_end(lexer);
  int32_t first = to_upper(lexer->lookahead);
  advance(lexer);
  if (valid_symbols[STRING]) {
    if ((first == 'E' || first == 'N') && lexer->lookahead == '\'') {
      return scan_string(lexer, first == 'E');
    }
    if (first == 'U' && lexer->lookahead == '&') {
      advance(lexer);
      return lexer->lookahead == '\'' && scan_string(lexer, false);
    }
  }
  bool found = start == RECOVERY_START    ? read_statement_word(lexer, first, true)
               : start == MISPLACED_START ? read_ddl_start(lexer, first)
                                          : false;
  if (!found) return false;
  scanner->statement_starts =
      scanner->statement_starts == UINT8_MAX ? 1 : scanner->statement_starts + 1;
  lexer->result_symbol = STATEMENT_START;
  return true;
}

static bool scan(Scanner *scanner, TSLexer *lexer, const bool *valid_symbols) {
  // Only error recovery makes these all valid at once.
  bool error_recovery = valid_symbols[COPY_DATA] && valid_symbols[END_OF_FILE] &&
                        valid_symbols[DOLLAR_QUOTED_STRING];

  if (valid_symbols[COPY_DATA] && !error_recovery) return scan_copy_data(lexer);

  bool line_start = false;
  while (is_space(lexer->lookahead) || lexer->lookahead == '\n') {
    line_start = lexer->lookahead == '\n';
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
      return valid_symbols[PSQL_META_COMMAND] &&
             scan_meta_command(lexer, valid_symbols[PSQL_SEND] && !error_recovery);
    case '\'':
      return valid_symbols[STRING] && scan_string(lexer, false);
    default:
      break;
  }

  if (!is_letter(lexer->lookahead)) return false;
  StartKind start = NO_START;
  if (line_start) {
    if (error_recovery) {
      start = RECOVERY_START;
    } else if (!valid_symbols[STATEMENT_START]) {
      start = MISPLACED_START;
    }
  }
  int32_t first = to_upper(lexer->lookahead);
  bool string_prefix = valid_symbols[STRING] && (first == 'E' || first == 'N' || first == 'U');
  if (start == NO_START && !string_prefix) return false;
  return scan_word(scanner, lexer, valid_symbols, start);
}

bool tree_sitter_ddlint_sql_external_scanner_scan(void *payload, TSLexer *lexer,
                                                  const bool *valid_symbols) {
  Scanner *scanner = payload;
  uint8_t statement_starts = scanner->statement_starts;
  if (!scan(scanner, lexer, valid_symbols)) {
    scanner->statement_starts = statement_starts;
    return false;
  }
  if (lexer->result_symbol != STATEMENT_START) scanner->statement_starts = 0;
  return true;
}
