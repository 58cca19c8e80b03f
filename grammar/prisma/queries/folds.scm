[
  (config_body)
  (model_body)
  (enum_body)
  (arguments)
  (array)
  (block_comment)
] @fold
