-- The plugin without a server: it loads, finds project roots, detects filetypes, rejects bad
-- options, reports a missing binary once instead of starting anything, and (0.11) provides the
-- lsp/ddlint.lua configuration. Environment: DDLINT_NEOVIM_PLUGIN, DDLINT_TEST_DIR.
local script_dir = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local H = dofile(script_dir .. "/harness.lua")

H.run(function()
  H.load_plugin()
  local dir = vim.fn.resolve(H.env("DDLINT_TEST_DIR"))
  local ddlint = require("ddlint")

  H.equal(ddlint.defaults().cmd, { "ddlint", "lsp" }, "default cmd")
  H.equal(ddlint.defaults().filetypes, { "sql", "prisma", "markdown", "mermaid" }, "default filetypes")

  -- ddlint.toml wins over a nearer .git; .git wins over nothing.
  H.write_file(dir .. "/configured/ddlint.toml", {})
  vim.fn.mkdir(dir .. "/configured/service/.git", "p")
  H.write_file(dir .. "/configured/service/db/a.sql", { "SELECT 1;" })
  H.equal(ddlint.root_dir(dir .. "/configured/service/db/a.sql"), dir .. "/configured", "root with ddlint.toml above .git")
  vim.fn.mkdir(dir .. "/repo/.git", "p")
  H.write_file(dir .. "/repo/migrations/001_init.sql", { "SELECT 1;" })
  H.equal(ddlint.root_dir(dir .. "/repo/migrations/001_init.sql"), dir .. "/repo", "root at .git")
  local function has_marker_above(path)
    local parent = vim.fn.fnamemodify(path, ":h")
    while parent ~= path do
      if vim.fn.filereadable(path .. "/ddlint.toml") == 1 or vim.fn.isdirectory(path .. "/.git") == 1 then
        return true
      end
      path, parent = parent, vim.fn.fnamemodify(parent, ":h")
    end
    return false
  end
  H.write_file(dir .. "/loose/schema.sql", { "SELECT 1;" })
  if has_marker_above(dir) then
    H.say("note: a directory above the test directory holds ddlint.toml or .git; the no-marker case is not checked")
  else
    H.equal(ddlint.root_dir(dir .. "/loose/schema.sql"), dir .. "/loose", "root without markers")
  end

  for file, filetype in pairs({ ["a.pgsql"] = "sql", ["b.psql"] = "sql", ["c.sql"] = "sql", ["schema.prisma"] = "prisma", ["d.mmd"] = "mermaid", ["e.mermaid"] = "mermaid", ["f.md"] = "markdown" }) do
    vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/ft/" .. file))
    H.equal(vim.bo.filetype, filetype, "filetype of " .. file)
  end
  vim.cmd("silent! %bwipeout!")

  -- The help file has no duplicate tags and its commands are found (helptags writes the tags
  -- next to a copy).
  local plugin = H.env("DDLINT_NEOVIM_PLUGIN")
  vim.fn.mkdir(dir .. "/help/doc", "p")
  vim.fn.writefile(vim.fn.readfile(plugin .. "/doc/ddlint.txt"), dir .. "/help/doc/ddlint.txt")
  vim.cmd("helptags " .. vim.fn.fnameescape(dir .. "/help/doc"))
  vim.opt.runtimepath:append(dir .. "/help")
  for _, tag in ipairs({ ":DdlintErd", ":DdlintFixAll", ":DdlintRestart", "ddlint-health", "ddlint-keymaps" }) do
    vim.cmd("help " .. tag)
    H.equal(vim.fn.expand("%:t"), "ddlint.txt", "help file of " .. tag)
    vim.cmd("helpclose")
  end

  local ok, err = pcall(ddlint.setup, { cmd = "ddlint lsp" })
  H.expect(not ok and tostring(err):find("cmd must be a table", 1, true), "setup accepted a string cmd: " .. tostring(err))
  ok, err = pcall(ddlint.setup, { init_option = {} })
  H.expect(not ok and tostring(err):find('unknown option "init_option"', 1, true), "setup accepted a misspelt option: " .. tostring(err))

  local notices = {}
  vim.notify = function(message, level)
    table.insert(notices, { message = message, level = level })
  end
  ddlint.setup({ cmd = { dir .. "/no-such-ddlint", "lsp" } })
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/repo/migrations/001_init.sql"))
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/loose/schema.sql"))
  H.equal(#H.all_clients(), 0, "clients started without a server binary")
  H.equal(#notices, 1, "notifications about the missing binary")
  H.expect(notices[1].message:find("no-such-ddlint", 1, true), "the notice names the binary: " .. notices[1].message)
  H.equal(notices[1].level, vim.log.levels.ERROR, "notice level")

  -- The health check names the missing program with advice, and what it found for the buffer.
  vim.cmd("checkhealth ddlint")
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  table.insert(H.context, function()
    return "checkhealth report:\n" .. report
  end)
  local shown = vim.fn.fnamemodify(dir .. "/loose/schema.sql", ":~:.")
  local expectations = {
    ('ddlint program "%s/no-such-ddlint" not found'):format(dir),
    "cargo install ddlint",
    shown .. " (filetype sql) has no ddlint client",
  }
  if not has_marker_above(dir) then
    table.insert(expectations, "no ddlint.toml at or above " .. shown)
  end
  for _, expected in ipairs(expectations) do
    H.expect(report:find(expected, 1, true), ("checkhealth report without %q"):format(expected))
  end
  vim.cmd("tabclose")

  if vim.lsp.config then
    local config = vim.lsp.config.ddlint
    H.expect(config ~= nil, "vim.lsp.config.ddlint is nil: lsp/ddlint.lua was not found on 'runtimepath'")
    H.equal(config.cmd, { "ddlint", "lsp" }, "lsp/ddlint.lua cmd")
    H.equal(config.filetypes, { "sql", "prisma", "markdown", "mermaid" }, "lsp/ddlint.lua filetypes")
    local bufnr = vim.fn.bufnr(dir .. "/configured/service/db/a.sql", true)
    vim.fn.bufload(bufnr)
    local root
    config.root_dir(bufnr, function(found)
      root = found
    end)
    H.equal(root, dir .. "/configured", "lsp/ddlint.lua root_dir")
    local scratch = vim.api.nvim_create_buf(false, true)
    root = nil
    config.root_dir(scratch, function(found)
      root = found
    end)
    H.equal(root, nil, "root_dir of a scratch buffer")
  end

  H.pass("plugin checks on Neovim " .. H.version())
end)
