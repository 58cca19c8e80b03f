-- The plugin's user-facing pieces against `ddlint lsp`: :checkhealth ddlint, :DdlintErd (browser
-- and text split), :DdlintRestart, :DdlintFixAll, and Markdown and Mermaid buffers attached
-- without errors. Environment: DDLINT_BIN, DDLINT_NEOVIM_PLUGIN, DDLINT_TEST_DIR,
-- DDLINT_NEOVIM_MODE ("setup" or "enable", as in lsp_test.lua).
local script_dir = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local H = dofile(script_dir .. "/harness.lua")

local WAIT_MS = 20000
local RULE = "foreign-key-without-index"
local SCHEMA = {
  "CREATE TABLE author (id bigint PRIMARY KEY, name text NOT NULL);",
  "CREATE TABLE book (id bigint PRIMARY KEY, author_id bigint NOT NULL REFERENCES author (id) ON DELETE CASCADE);",
  "CREATE TABLE genre (id bigint PRIMARY KEY, label text NOT NULL);",
}
-- The safe fix of foreign-key-without-index, the one fix of the file that is safe.
local INDEX = "CREATE INDEX book_author_id_idx ON book (author_id);"

local notices = {}
-- Diagnostics published per client id, to tell the restarted server's from the old one's.
local published_by = {}

local function rule_diagnostic(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == RULE then
      return d
    end
  end
end

local function erd_window()
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    local bufnr = vim.api.nvim_win_get_buf(win)
    if vim.b[bufnr].ddlint_erd then
      return win, vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    end
  end
end

local function close_erd()
  local win = erd_window()
  if win then
    vim.api.nvim_win_close(win, true)
  end
end

-- The table names in box drawings: the header line of each box, e.g. "│ author │".
local function drawn_tables(lines)
  local names = {}
  local text = table.concat(lines, "\n")
  for _, name in ipairs({ "author", "book", "genre" }) do
    if text:find("│ " .. name .. " ", 1, true) then
      table.insert(names, name)
    end
  end
  return names
end

H.run(function()
  local bin = H.env("DDLINT_BIN")
  local dir = vim.fn.resolve(H.env("DDLINT_TEST_DIR"))
  local mode = H.env("DDLINT_NEOVIM_MODE")
  H.load_plugin()
  table.insert(H.context, function()
    return "notifications: " .. vim.inspect(notices)
  end)
  vim.notify = function(message, level)
    table.insert(notices, { message = message, level = level })
  end
  local original = vim.lsp.handlers["textDocument/publishDiagnostics"]
  vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
    if result then
      published_by[ctx.client_id] = (published_by[ctx.client_id] or 0) + 1
    end
    return original(err, result, ctx, config)
  end

  local root = dir .. "/project"
  vim.fn.mkdir(root .. "/.git", "p")
  H.write_file(root .. "/ddlint.toml", { "[rules.missing-timestamps]", 'level = "off"' })
  local schema = root .. "/db/schema.sql"
  H.write_file(schema, SCHEMA)
  H.write_file(root .. "/docs/notes.md", { "# Notes", "", "```sql", "SELECT 1;", "```" })
  H.write_file(root .. "/docs/diagram.mmd", { "erDiagram", "  author ||--o{ book : writes" })
  -- The health report names buffers relative to the working directory.
  vim.cmd("cd " .. vim.fn.fnameescape(root))

  if mode == "setup" then
    require("ddlint").setup({ cmd = { bin, "lsp" } })
  elseif mode == "enable" then
    vim.lsp.config("ddlint", { cmd = { bin, "lsp" } })
    vim.lsp.enable("ddlint")
  else
    error("unknown DDLINT_NEOVIM_MODE " .. mode)
  end

  vim.cmd("edit " .. vim.fn.fnameescape(schema))
  local bufnr = vim.api.nvim_get_current_buf()
  local client = H.wait_for("a ddlint client attached to schema.sql", WAIT_MS, function()
    return H.attached(bufnr)[1]
  end)
  H.wait_for(("a %s diagnostic in schema.sql"):format(RULE), WAIT_MS, function()
    return rule_diagnostic(bufnr)
  end)

  -- :checkhealth ddlint, run from the schema buffer.
  local version = vim.trim(vim.fn.system({ bin, "--version" }))
  vim.cmd("checkhealth ddlint")
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  table.insert(H.context, function()
    return "checkhealth report:\n" .. report
  end)
  for _, expected in ipairs({
    "ddlint program: " .. vim.fn.exepath(bin),
    "version: " .. version,
    mode == "setup" and 'started by require("ddlint").setup()' or 'started by vim.lsp.enable("ddlint")',
    ("client %d, root %s, buffers: db/schema.sql"):format(client.id, root),
    ("db/schema.sql (filetype sql) is attached to client %d"):format(client.id),
    "ddlint.toml: " .. root .. "/ddlint.toml",
  }) do
    H.expect(report:find(expected, 1, true), ("checkhealth report without %q"):format(expected))
  end
  H.expect(not report:find("ERROR", 1, true) and not report:find("WARN", 1, true), "checkhealth reports a problem")
  vim.cmd("tabclose")
  H.equal(vim.api.nvim_get_current_buf(), bufnr, "buffer after closing the health report")

  -- :DdlintErd! around the table under the cursor, the one named, else the whole schema.
  vim.api.nvim_win_set_cursor(0, { 1, #"CREATE TABLE au" })
  vim.cmd("DdlintErd!")
  local win, lines = erd_window()
  H.expect(win, ":DdlintErd! opened no ERD split")
  H.equal(drawn_tables(lines), { "author", "book" }, "tables drawn around author (cursor)")
  H.equal(vim.api.nvim_get_current_win(), win, "window after :DdlintErd!")
  vim.cmd("wincmd p")
  H.equal(vim.api.nvim_get_current_buf(), bufnr, "buffer of the previous window")
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd("DdlintErd!")
  local again
  again, lines = erd_window()
  H.equal(again, win, "split reused by a second :DdlintErd!")
  H.equal(drawn_tables(lines), { "author", "book", "genre" }, "tables drawn with the cursor on CREATE")
  vim.cmd("DdlintErd! genre")
  _, lines = erd_window()
  H.equal(drawn_tables(lines), { "genre" }, "tables drawn around genre (argument)")
  close_erd()
  H.equal(vim.api.nvim_get_current_buf(), bufnr, "buffer after closing the ERD split")

  -- :DdlintErd hands the HTML page to the system's opener (xdg-open, replaced here by a script
  -- that copies the page); without one or without a display, it shows the text split instead.
  local bin_dir = dir .. "/bin"
  local opened = dir .. "/opened.html"
  H.write_file(bin_dir .. "/xdg-open", { "#!/bin/sh", ('cp "$1" %s'):format(vim.fn.shellescape(opened)) })
  vim.fn.setfperm(bin_dir .. "/xdg-open", "rwxr-xr-x")
  local path = vim.env.PATH
  vim.env.PATH = bin_dir .. ":" .. path
  vim.env.WAYLAND_DISPLAY = ""
  vim.env.DISPLAY = ""
  notices = {}
  vim.cmd("DdlintErd")
  _, lines = erd_window()
  H.equal(drawn_tables(lines or {}), { "author", "book", "genre" }, "text ERD without a display")
  H.expect(#notices == 1 and notices[1].message:find("no graphical display", 1, true), "no notice about the display")
  close_erd()
  vim.env.DISPLAY = ":99"
  vim.cmd("DdlintErd")
  H.wait_for("the opener to get the HTML ERD", WAIT_MS, function()
    return vim.fn.filereadable(opened) == 1 or nil
  end)
  local page = table.concat(vim.fn.readfile(opened), "\n")
  for _, name in ipairs({ "<svg", "author", "book", "genre" }) do
    H.expect(page:find(name, 1, true), ("HTML ERD without %q"):format(name))
  end
  H.equal(erd_window(), nil, "ERD split opened next to the browser")
  vim.env.PATH = dir .. "/empty"
  notices = {}
  vim.cmd("DdlintErd")
  vim.env.PATH = path
  _, lines = erd_window()
  H.equal(drawn_tables(lines or {}), { "author", "book", "genre" }, "text ERD without a browser")
  H.expect(#notices == 1 and notices[1].message:find("xdg-open", 1, true), "no notice about the opener")
  close_erd()

  -- :DdlintRestart: a new client, which publishes the diagnostics again.
  vim.cmd("DdlintRestart")
  local restarted = H.wait_for("a new ddlint client attached to schema.sql", WAIT_MS, function()
    local now = H.attached(bufnr)[1]
    return now and now.id ~= client.id and now or nil
  end)
  H.equal(vim.lsp.get_client_by_id(client.id), nil, "the old client after :DdlintRestart")
  H.equal(#H.all_clients(), 1, "ddlint clients after :DdlintRestart")
  H.wait_for("diagnostics from the restarted client", WAIT_MS, function()
    return (published_by[restarted.id] or 0) > 0 and rule_diagnostic(bufnr) or nil
  end)

  -- After the server is gone (stopped here, as after a crash), :DdlintRestart starts one again.
  vim.lsp.stop_client(restarted.id)
  H.wait_for("the ddlint client to exit", WAIT_MS, function()
    return vim.lsp.get_client_by_id(restarted.id) == nil or nil
  end)
  vim.cmd("DdlintRestart")
  restarted = H.wait_for("a ddlint client attached again to schema.sql", WAIT_MS, function()
    return H.attached(bufnr)[1]
  end)
  H.wait_for("diagnostics from the client started again", WAIT_MS, function()
    return (published_by[restarted.id] or 0) > 0 and rule_diagnostic(bufnr) or nil
  end)

  -- :DdlintFixAll applies the safe fix: the index the foreign key lacked.
  vim.cmd("DdlintFixAll")
  H.wait_for("the index added by :DdlintFixAll", WAIT_MS, function()
    return vim.tbl_contains(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), INDEX) or nil
  end)
  H.equal(#vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), #SCHEMA + 1, "lines after :DdlintFixAll")
  H.wait_for(("%s to disappear after :DdlintFixAll"):format(RULE), WAIT_MS, function()
    return rule_diagnostic(bufnr) == nil or nil
  end)
  H.expect(vim.bo[bufnr].modified, "the fixed buffer is not left modified (was it written?)")
  notices = {}
  vim.cmd("DdlintFixAll")
  H.wait_for("the notice that nothing is left to fix", WAIT_MS, function()
    return notices[1]
  end)
  H.expect(notices[1].message:find("no safe fixes", 1, true), "notice: " .. notices[1].message)

  -- Markdown and Mermaid buffers get the same client and no errors.
  notices = {}
  for file, filetype in pairs({ ["notes.md"] = "markdown", ["diagram.mmd"] = "mermaid" }) do
    vim.cmd("edit " .. vim.fn.fnameescape(root .. "/docs/" .. file))
    local other = vim.api.nvim_get_current_buf()
    H.equal(vim.bo[other].filetype, filetype, "filetype of " .. file)
    local attached = H.wait_for("a ddlint client attached to " .. file, WAIT_MS, function()
      return H.attached(other)[1]
    end)
    H.equal(attached.id, restarted.id, "client of " .. file)
    vim.api.nvim_buf_set_lines(other, -1, -1, false, { "edited" })
  end
  -- A request round trip after the opens: the server is still answering.
  local hover = vim.lsp.buf_request_sync(bufnr, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = 0, character = #"CREATE TABLE au" },
  }, WAIT_MS)
  H.expect(hover and hover[restarted.id] and hover[restarted.id].result, "no hover after opening Markdown and Mermaid")
  H.equal(notices, {}, "notifications after opening Markdown and Mermaid")
  H.equal(vim.v.errmsg, "", "last error message")

  H.pass(("commands in %s mode on Neovim %s"):format(mode, H.version()))
end)
