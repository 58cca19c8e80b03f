-- :checkhealth ddlint
local ddlint = require("ddlint")

local M = {}

-- 0.10 has vim.health.start/ok/...; 0.8 and 0.9 vim.health.report_*; 0.7 require("health").
local health = vim.health or require("health")
local report = {
  start = health.start or health.report_start,
  ok = health.ok or health.report_ok,
  info = health.info or health.report_info,
  warn = health.warn or health.report_warn,
  error = health.error or health.report_error,
}

local function is_file_buffer(bufnr)
  return bufnr > 0
    and vim.api.nvim_buf_is_valid(bufnr)
    and vim.api.nvim_buf_get_name(bufnr) ~= ""
    and vim.bo[bufnr].buftype == ""
end

-- The buffer the check was started from: :checkhealth shows its report in a new tab, a split, a
-- float or the empty buffer it was run from.
local function checked_buffer()
  local candidates = {
    vim.api.nvim_get_current_buf(),
    vim.fn.winbufnr(vim.fn.winnr("#")),
    vim.fn.bufnr("#"),
  }
  local previous_tab = vim.fn.tabpagenr("#")
  if previous_tab > 0 then
    local tab = vim.api.nvim_list_tabpages()[previous_tab]
    table.insert(candidates, 2, vim.api.nvim_win_get_buf(vim.api.nvim_tabpage_get_win(tab)))
  end
  for _, bufnr in ipairs(candidates) do
    if is_file_buffer(bufnr) then
      return bufnr
    end
  end
end

local function check_program(bufnr)
  local program = ddlint.program(bufnr)
  local path = vim.fn.exepath(program)
  if path == "" then
    report.error(("ddlint program %q not found or not executable"):format(program), {
      "Install it: `cargo install ddlint`, or build it from the repository with `cargo build --release`",
      'Or give its path: require("ddlint").setup({ cmd = { "/path/to/ddlint", "lsp" } })'
        .. ' or vim.lsp.config("ddlint", { cmd = { "/path/to/ddlint", "lsp" } })',
    })
    return nil
  end
  report.ok("ddlint program: " .. path)
  local code, out, err = ddlint.run({ path, "--version" })
  if code == 0 and out:match("^ddlint ") then
    report.ok("version: " .. out)
  else
    report.error(("`%s --version` failed: %s"):format(path, err ~= "" and err or out), {
      "Is it the ddlint language server? Reinstall it or point cmd at the right program",
    })
    return nil
  end
  return path
end

local function check_startup()
  local by = ddlint.started_by()
  if by == "setup" then
    report.ok('started by require("ddlint").setup() for filetypes ' .. table.concat(ddlint.filetypes(), ", "))
  elseif by == "enable" then
    report.ok('started by vim.lsp.enable("ddlint") for filetypes ' .. table.concat(ddlint.filetypes(), ", "))
  elseif by == "both" then
    report.warn('both require("ddlint").setup() and vim.lsp.enable("ddlint") are used', {
      "Each buffer gets two ddlint clients: keep one of the two",
    })
  else
    report.warn("ddlint is not started for any filetype", {
      'Call require("ddlint").setup() in your init.lua, or on Neovim 0.11 vim.lsp.enable("ddlint")',
    })
  end
end

local function buffer_name(bufnr)
  return vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":~:.")
end

local function check_clients()
  local clients = ddlint.clients()
  if #clients == 0 then
    report.info("no ddlint client is running (one starts when a buffer of its filetypes is opened)")
  end
  for _, client in ipairs(clients) do
    local names = {}
    for bufnr in pairs(client.attached_buffers) do
      table.insert(names, buffer_name(bufnr))
    end
    table.sort(names)
    report.ok(("client %d, root %s, buffers: %s"):format(
      client.id,
      tostring(client.config.root_dir),
      #names > 0 and table.concat(names, ", ") or "none"
    ))
  end
end

local function check_buffer(bufnr)
  if not bufnr then
    report.info("no file buffer to check (run :checkhealth ddlint from a schema file)")
    return
  end
  local name = buffer_name(bufnr)
  local filetype = vim.bo[bufnr].filetype
  local attached = ddlint.clients(bufnr)[1]
  if attached then
    report.ok(("%s (filetype %s) is attached to client %d"):format(name, filetype, attached.id))
  elseif vim.tbl_contains(ddlint.filetypes(), filetype) then
    report.warn(("%s (filetype %s) has no ddlint client"):format(name, filetype), {
      "Run :DdlintRestart; if it still has none, the server's messages are in the LSP log: "
        .. vim.lsp.get_log_path(),
    })
  else
    report.info(("%s has filetype %q, which ddlint is not started for"):format(name, filetype))
  end
  local config = ddlint.config_file(bufnr)
  if not config then
    report.info(("no ddlint.toml at or above %s: the default rule levels apply"):format(name))
  end
  return config
end

-- `ddlint rules` reads the ddlint.toml of its working directory and rejects a wrong one.
local function check_config(program, config)
  local code, _, err = ddlint.run({ program, "rules" }, vim.fn.fnamemodify(config, ":h"))
  if code == 0 then
    report.ok("ddlint.toml: " .. config)
  else
    report.error(("ddlint.toml: %s is not valid: %s"):format(config, err), {
      "Fix the file; `ddlint check` in its directory reports the same problem",
    })
  end
end

function M.check()
  report.start("ddlint")
  if vim.fn.has("nvim-0.7") ~= 1 then
    report.error("Neovim 0.7 or newer is needed")
  end
  local bufnr = checked_buffer()
  local program = check_program(bufnr)
  check_startup()
  report.start("ddlint: clients")
  check_clients()
  report.start("ddlint: " .. (bufnr and buffer_name(bufnr) or "current buffer"))
  local config = check_buffer(bufnr)
  if config then
    if program then
      check_config(program, config)
    else
      report.info("ddlint.toml: " .. config)
    end
  end
end

return M
