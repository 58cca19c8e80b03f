; Patterns do not overlap, so editors that let the first match win and editors that let the last
; match win agree.

[
  "datasource"
  "generator"
  "model"
  "view"
  "type"
  "enum"
] @keyword

(comment) @comment

(block_comment) @comment

(doc_comment) @comment.documentation

; Declarations

(model_declaration
  name: (identifier) @type)

(view_declaration
  name: (identifier) @type)

(type_declaration
  name: (identifier) @type)

(enum_declaration
  name: (identifier) @type)

(datasource_declaration
  name: (identifier) @variable)

(generator_declaration
  name: (identifier) @variable)

(field_declaration
  name: (identifier) @property)

(assignment
  name: (identifier) @property)

(enum_value
  name: (identifier) @constant)

; Field types

(field_type
  name: (identifier) @type.builtin
  (#any-of? @type.builtin
    "String" "Boolean" "Int" "BigInt" "Float" "Decimal" "DateTime" "Json" "Bytes"))

(field_type
  name: (identifier) @type
  (#not-any-of? @type
    "String" "Boolean" "Int" "BigInt" "Float" "Decimal" "DateTime" "Json" "Bytes"))

"Unsupported" @type.builtin

[
  (list_marker)
  (optional_marker)
] @punctuation.special

; Attributes

[
  "@"
  "@@"
] @attribute

(attribute
  name: (identifier) @attribute)

(attribute
  name: (path
    (identifier) @attribute))

(block_attribute
  name: (identifier) @attribute)

(block_attribute
  name: (path
    (identifier) @attribute))

(argument
  name: (identifier) @variable.parameter)

; Values

(argument
  value: (function_call
    name: (identifier) @function))

(assignment
  value: (function_call
    name: (identifier) @function))

(function_call
  name: (path
    (identifier) @function))

(argument
  value: (identifier) @constant)

(assignment
  value: (identifier) @constant)

; An attribute's array lists fields, also where they carry arguments: `[createdAt(sort: Desc)]`.
(argument
  value: (array
    [
      (identifier) @property
      (function_call
        name: (identifier) @property)
    ]))

(assignment
  value: (array
    [
      (identifier) @constant
      (function_call
        name: (identifier) @function)
    ]))

(string) @string

(escape_sequence) @string.escape

(number) @number

(boolean) @constant.builtin

; Punctuation

[
  "("
  ")"
  "["
  "]"
  "{"
  "}"
] @punctuation.bracket

[
  ","
  ":"
  "."
] @punctuation.delimiter

"=" @operator
