-- Neovim 0.11 navigating a schema with `ddlint lsp`: go to definition on a foreign key's target
-- jumps to the CREATE TABLE in another file, references list every file, completion lists the
-- tables after REFERENCES, a rename applies to both files of a schema split into
-- CreateTables.sql and CreatePrimaryKeys.sql, and `vim.lsp.buf.code_action()` with the cursor at
-- column 0 of a line offers the fix of a diagnostic further along that line.
-- Environment: DDLINT_BIN, DDLINT_NEOVIM_PLUGIN, DDLINT_TEST_DIR.
local script_dir = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local H = dofile(script_dir .. "/harness.lua")

local WAIT_MS = 20000

H.run(function()
  local bin = H.env("DDLINT_BIN")
  local dir = vim.fn.resolve(H.env("DDLINT_TEST_DIR"))
  H.load_plugin()

  local root = dir .. "/project"
  vim.fn.mkdir(root .. "/.git", "p")
  local tables = root .. "/schema/CreateTables.sql"
  local keys = root .. "/schema/CreatePrimaryKeys.sql"
  H.write_file(tables, {
    "CREATE TABLE artist (id bigint NOT NULL, name text NOT NULL);",
    "CREATE TABLE album (id bigint NOT NULL, artist_id bigint NOT NULL);",
  })
  H.write_file(keys, {
    "ALTER TABLE artist ADD PRIMARY KEY (id);",
    "ALTER TABLE album ADD FOREIGN KEY (artist_id) REFERENCES artist (id);",
  })
  require("ddlint").setup({ cmd = { bin, "lsp" } })

  vim.cmd("edit " .. vim.fn.fnameescape(keys))
  local keys_buf = vim.api.nvim_get_current_buf()
  H.wait_for("a ddlint client attached to CreatePrimaryKeys.sql", WAIT_MS, function()
    return H.attached(keys_buf)[1]
  end)

  -- On `artist` after REFERENCES: the definition is in the other file.
  local line = vim.api.nvim_buf_get_lines(keys_buf, 1, 2, false)[1]
  local column = line:find("REFERENCES artist", 1, true) - 1 + #"REFERENCES " + 2
  vim.api.nvim_win_set_cursor(0, { 2, column })
  vim.lsp.buf.definition()
  H.wait_for("the definition to open CreateTables.sql", WAIT_MS, function()
    return vim.api.nvim_buf_get_name(0) == tables or nil
  end)
  H.equal(vim.api.nvim_win_get_cursor(0), { 1, #"CREATE TABLE " }, "cursor after go to definition")
  local tables_buf = vim.api.nvim_get_current_buf()
  H.wait_for("a ddlint client attached to CreateTables.sql", WAIT_MS, function()
    return H.attached(tables_buf)[1]
  end)

  local references
  vim.lsp.buf.references({ includeDeclaration = true }, {
    on_list = function(list)
      references = list.items
    end,
  })
  H.wait_for("references of artist", WAIT_MS, function()
    return references
  end)
  local found = {}
  for _, item in ipairs(references) do
    table.insert(found, ("%s:%d:%d"):format(vim.fn.fnamemodify(item.filename, ":t"), item.lnum, item.col))
  end
  table.sort(found)
  H.equal(found, {
    "CreatePrimaryKeys.sql:1:13",
    "CreatePrimaryKeys.sql:2:58",
    "CreateTables.sql:1:14",
  }, "references of artist (file:line:column)")

  -- Completion lists the tables after REFERENCES in a statement still being typed.
  local typed = "ALTER TABLE album ADD COLUMN label_id bigint REFERENCES "
  vim.api.nvim_buf_set_lines(keys_buf, 2, 2, false, { typed })
  local responses = vim.lsp.buf_request_sync(keys_buf, "textDocument/completion", {
    textDocument = { uri = vim.uri_from_bufnr(keys_buf) },
    position = { line = 2, character = #typed },
  }, WAIT_MS)
  local labels = {}
  for _, response in pairs(responses or {}) do
    for _, item in ipairs((response.result or {}).items or {}) do
      table.insert(labels, item.label)
    end
  end
  table.sort(labels)
  H.equal(labels, { "album", "artist" }, "tables completed after REFERENCES")
  vim.api.nvim_buf_set_lines(keys_buf, 2, 3, false, {})

  vim.lsp.buf.rename("performer")
  H.wait_for("the rename applied to both files", WAIT_MS, function()
    local created = vim.api.nvim_buf_get_lines(tables_buf, 0, 1, false)[1]
    local altered = vim.api.nvim_buf_get_lines(keys_buf, 0, -1, false)
    local done = created == "CREATE TABLE performer (id bigint NOT NULL, name text NOT NULL);"
      and altered[1] == "ALTER TABLE performer ADD PRIMARY KEY (id);"
      and altered[2] == "ALTER TABLE album ADD FOREIGN KEY (artist_id) REFERENCES performer (id);"
    return done or nil
  end)
  -- The cursor at column 0, the diagnostic at `timestamp`: Neovim sends the line's
  -- diagnostics as the context, and their fixes are offered.
  local events = root .. "/events/events.sql"
  H.write_file(events, { "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);" })
  vim.cmd("edit " .. vim.fn.fnameescape(events))
  local events_buf = vim.api.nvim_get_current_buf()
  H.wait_for("a timestamp-without-time-zone diagnostic in events.sql", WAIT_MS, function()
    for _, d in ipairs(vim.diagnostic.get(events_buf)) do
      if d.code == "timestamp-without-time-zone" then
        return d
      end
    end
  end)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  local offered = {}
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      table.insert(offered, action.title)
      return action.title:find("timestamptz", 1, true) ~= nil
    end,
  })
  table.insert(H.context, function()
    return "code actions offered at column 0: " .. table.concat(offered, " | ")
  end)
  H.wait_for("the fix applied from column 0", WAIT_MS, function()
    local line = vim.api.nvim_buf_get_lines(events_buf, 0, 1, false)[1]
    return line == "CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamptz NOT NULL);" or nil
  end)
  H.pass(("navigation on Neovim %s"):format(H.version()))
end)
