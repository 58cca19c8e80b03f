;; Folding: whole statements and their parenthesized parts.

[
  (create_table)
  (create_index)
  (create_view)
  (create_materialized_view)
  (create_function)
  (create_trigger)
  (create_policy)
  (create_type)
  (create_domain)
  (create_schema)
  (create_rule)
  (alter_table)
  (generic_statement)
  (create_generic)
  (table_elements)
  (enum_values)
  (dollar_quoted_string)
  (block_comment)
  (copy_data)
] @fold
