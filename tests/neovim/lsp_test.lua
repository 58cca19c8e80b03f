-- Neovim as the LSP client of `ddlint lsp`: open a schema, get the rule's diagnostic at the right
-- byte column, edit the buffer, get refreshed diagnostics without it, open a second file of the
-- same project on the same client. Environment: DDLINT_BIN, DDLINT_NEOVIM_PLUGIN, DDLINT_TEST_DIR,
-- DDLINT_NEOVIM_MODE ("setup": require("ddlint").setup; "enable": 0.11's vim.lsp.enable).
local script_dir = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local H = dofile(script_dir .. "/harness.lua")

local RULE = "timestamp-without-time-zone"
local WAIT_MS = 20000
-- The comment puts multi-byte characters before `timestamp`, so the column differs between
-- UTF-8 bytes, UTF-16 units and characters and a wrong position encoding shows.
local SCHEMA = "CREATE TABLE t (id bigint PRIMARY KEY, /* Größe 🚀 */ created_at timestamp NOT NULL DEFAULT now());"

local published = {}

local function same_file(uri, bufnr)
  return vim.uri_to_fname(uri) == vim.api.nvim_buf_get_name(bufnr)
end

local function describe_published()
  local lines = { "publishDiagnostics received:" }
  for _, p in ipairs(published) do
    local items = {}
    for _, d in ipairs(p.diagnostics) do
      local r = d.range
      table.insert(
        items,
        ("%s@%d:%d-%d:%d"):format(tostring(d.code), r.start.line, r.start.character, r["end"].line, r["end"].character)
      )
    end
    table.insert(
      lines,
      ("  %s v%s: %s"):format(p.uri, tostring(p.version), #items > 0 and table.concat(items, ", ") or "(none)")
    )
  end
  if #published == 0 then
    table.insert(lines, "  (none)")
  end
  return table.concat(lines, "\n")
end

local function rule_diagnostic(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == RULE then
      return d
    end
  end
end

H.run(function()
  local bin = H.env("DDLINT_BIN")
  local dir = vim.fn.resolve(H.env("DDLINT_TEST_DIR"))
  local mode = H.env("DDLINT_NEOVIM_MODE")
  H.load_plugin()
  table.insert(H.context, describe_published)

  local original = vim.lsp.handlers["textDocument/publishDiagnostics"]
  vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
    if result then
      table.insert(published, result)
    end
    return original(err, result, ctx, config)
  end

  local root = dir .. "/project"
  vim.fn.mkdir(root .. "/.git", "p")
  local schema = root .. "/db/schema.sql"
  local other = root .. "/db/seed.pgsql"
  H.write_file(schema, { SCHEMA })
  H.write_file(other, { "CREATE TABLE u (id bigint PRIMARY KEY);" })

  if mode == "setup" then
    require("ddlint").setup({ cmd = { bin, "lsp" }, init_options = { hover = { erd = "text" } } })
  elseif mode == "enable" then
    vim.lsp.config("ddlint", { cmd = { bin, "lsp" } })
    vim.lsp.enable("ddlint")
  else
    error("unknown DDLINT_NEOVIM_MODE " .. mode)
  end

  vim.cmd("edit " .. vim.fn.fnameescape(schema))
  local bufnr = vim.api.nvim_get_current_buf()
  H.equal(vim.bo[bufnr].filetype, "sql", "filetype of schema.sql")
  local client = H.wait_for("a ddlint client attached to schema.sql", WAIT_MS, function()
    return H.attached(bufnr)[1]
  end)
  H.equal(client.config.root_dir, root, "client root_dir")

  local column = SCHEMA:find("timestamp ", 1, true) - 1
  local found = H.wait_for(("a %s diagnostic in schema.sql"):format(RULE), WAIT_MS, function()
    return rule_diagnostic(bufnr)
  end)
  H.equal(client.offset_encoding, vim.fn.has("nvim-0.10") == 1 and "utf-8" or "utf-16", "negotiated position encoding")
  H.equal(
    { found.lnum, found.col, found.end_lnum, found.end_col, found.source },
    { 0, column, 0, column + #"timestamp", "ddlint" },
    ("%s {line, byte column, end line, end column, source} with position encoding %s"):format(RULE, client.offset_encoding)
  )

  local before_edit = #published
  vim.api.nvim_buf_set_text(bufnr, 0, column, 0, column + #"timestamp", { "timestamptz" })
  local version = vim.lsp.util.buf_versions[bufnr]
  H.wait_for(("diagnostics for schema.sql at version %s, published after the edit"):format(tostring(version)), WAIT_MS, function()
    for i = before_edit + 1, #published do
      local p = published[i]
      if same_file(p.uri, bufnr) and (p.version == nil or p.version == version) then
        return p
      end
    end
  end)
  H.wait_for(("%s to disappear from schema.sql after the edit"):format(RULE), WAIT_MS, function()
    return rule_diagnostic(bufnr) == nil or nil
  end)

  vim.cmd("edit " .. vim.fn.fnameescape(other))
  local other_bufnr = vim.api.nvim_get_current_buf()
  H.equal(vim.bo[other_bufnr].filetype, "sql", "filetype of seed.pgsql")
  local other_client = H.wait_for("a ddlint client attached to seed.pgsql", WAIT_MS, function()
    return H.attached(other_bufnr)[1]
  end)
  H.equal(other_client.id, client.id, "client of the second file of the same project")
  H.equal(#H.all_clients(), 1, "ddlint clients running")

  vim.lsp.stop_client(client.id)
  H.wait_for("the ddlint client to stop", WAIT_MS, function()
    return client.is_stopped(client) or nil
  end)
  H.pass(("%s mode on Neovim %s"):format(mode, H.version()))
end)
