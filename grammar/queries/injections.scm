;; Function bodies are code in the function's language.

((create_function
  (language_clause name: (identifier) @_lang)
  (function_body definition: (dollar_quoted_string) @injection.content))
  (#match? @_lang "^[pP][lL][pP][gG][sS][qQ][lL]$")
  (#set! injection.language "plpgsql"))

((create_function
  (function_body definition: (dollar_quoted_string) @injection.content)
  (language_clause name: (identifier) @_lang))
  (#match? @_lang "^[pP][lL][pP][gG][sS][qQ][lL]$")
  (#set! injection.language "plpgsql"))

((create_function
  (language_clause name: (identifier) @_lang)
  (function_body definition: (dollar_quoted_string) @injection.content))
  (#match? @_lang "^[sS][qQ][lL]$")
  (#set! injection.language "sql"))

((create_function
  (function_body definition: (dollar_quoted_string) @injection.content)
  (language_clause name: (identifier) @_lang))
  (#match? @_lang "^[sS][qQ][lL]$")
  (#set! injection.language "sql"))

((generic_statement
  verb: (identifier) @_verb
  (dollar_quoted_string) @injection.content)
  (#match? @_verb "^[dD][oO]$")
  (#set! injection.language "plpgsql"))
