-- Starts `ddlint lsp` for SQL, Prisma, Markdown and Mermaid buffers, one client per project root.
-- Neovim 0.8+ uses vim.lsp.start; 0.7 has only start_client/buf_attach_client, so the plugin
-- keeps its own root -> client table there.
local M = {}

local uv = vim.uv or vim.loop

local ROOT_MARKERS = { "ddlint.toml", ".git" }

--- The settings used when setup() is given none.
function M.defaults()
  return {
    name = "ddlint",
    cmd = { "ddlint", "lsp" },
    filetypes = { "sql", "prisma", "markdown", "mermaid" },
  }
end

local function dirname(path)
  return vim.fn.fnamemodify(path, ":h")
end

local function nearest_with(start, marker)
  local dir = start
  while true do
    if uv.fs_stat(dir .. "/" .. marker) then
      return dir
    end
    local parent = dirname(dir)
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

--- The project root of a file: the nearest directory upward holding ddlint.toml, else the
--- nearest holding .git, else the file's own directory.
function M.root_dir(path)
  local start = dirname(vim.fn.fnamemodify(path, ":p"))
  for _, marker in ipairs(ROOT_MARKERS) do
    local found = nearest_with(start, marker)
    if found then
      return found
    end
  end
  return start
end

local OPTION_TYPES = {
  cmd = "table",
  filetypes = "table",
  init_options = "table",
  root_dir = "function",
  on_attach = "function",
  capabilities = "table",
}

local options = nil
local legacy_clients = {}
local warned_missing = false

local function is_file_buffer(bufnr)
  return vim.api.nvim_buf_get_name(bufnr) ~= "" and vim.bo[bufnr].buftype == ""
end

local function client_config(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local root = (options.root_dir and options.root_dir(path)) or M.root_dir(path)
  return {
    name = options.name,
    cmd = options.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = options.init_options,
    capabilities = options.capabilities,
    on_attach = options.on_attach,
  }
end

-- On 0.7 the plugin reuses the client of a root itself and forgets it when it exits.
local function attach_legacy(bufnr, config)
  local id = legacy_clients[config.root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    local root = config.root_dir
    config.on_exit = function()
      if legacy_clients[root] == id then
        legacy_clients[root] = nil
      end
    end
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    legacy_clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Attaches ddlint to a buffer, starting a client for its root when none runs yet.
--- Returns the client id, or nil when the buffer is not a file or the server cannot start.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if options == nil then
    options = M.defaults()
  end
  if not is_file_buffer(bufnr) then
    return nil
  end
  if vim.fn.executable(options.cmd[1]) ~= 1 then
    if not warned_missing then
      warned_missing = true
      vim.notify(
        ("ddlint: cannot run %q (not found or not executable); install ddlint or pass cmd to require('ddlint').setup()"):format(
          options.cmd[1]
        ),
        vim.log.levels.ERROR
      )
    end
    return nil
  end
  local config = client_config(bufnr)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  return attach_legacy(bufnr, config)
end

-- 0.11 turned the client's functions into methods (client:request()); before they were
-- closures (client.request()).
local function client_call(client, name, ...)
  if vim.fn.has("nvim-0.11") == 1 then
    return client[name](client, ...)
  end
  return client[name](...)
end

--- The running ddlint clients, of one buffer when bufnr is given.
function M.clients(bufnr)
  local name = options and options.name or "ddlint"
  local found = {}
  for _, client in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if client.name == name and (bufnr == nil or client.attached_buffers[bufnr]) then
      table.insert(found, client)
    end
  end
  return found
end

local function enabled_config()
  if vim.lsp.is_enabled and vim.lsp.is_enabled("ddlint") then
    return vim.lsp.config.ddlint
  end
end

--- How ddlint is started: "setup" (require("ddlint").setup), "enable" (0.11's
--- vim.lsp.enable("ddlint")), "both", or nil when neither.
function M.started_by()
  local by_setup, by_enable = options ~= nil, enabled_config() ~= nil
  if by_setup and by_enable then
    return "both"
  end
  return (by_setup and "setup") or (by_enable and "enable") or nil
end

--- The ddlint program the buffer's client runs, else the one setup() or vim.lsp.config gives,
--- else "ddlint".
function M.program(bufnr)
  local client = M.clients(bufnr)[1]
  local enabled = enabled_config()
  local cmds = {
    client and client.config.cmd or false,
    options and options.cmd or false,
    enabled and enabled.cmd or false,
  }
  for _, cmd in ipairs(cmds) do
    if type(cmd) == "table" and cmd[1] then
      return cmd[1]
    end
  end
  return M.defaults().cmd[1]
end

--- The filetypes ddlint attaches to, as configured.
function M.filetypes()
  local enabled = enabled_config()
  return (options and options.filetypes) or (enabled and enabled.filetypes) or M.defaults().filetypes
end

--- The workspace root of a buffer: its client's, else the one a client would get (the working
--- directory for a buffer that is not a file).
function M.project_root(bufnr)
  local client = M.clients(bufnr)[1]
  if client and client.config.root_dir then
    return client.config.root_dir
  end
  if not is_file_buffer(bufnr) then
    return uv.cwd()
  end
  local path = vim.api.nvim_buf_get_name(bufnr)
  return (options and options.root_dir and options.root_dir(path)) or M.root_dir(path)
end

--- The nearest ddlint.toml at or above the file of a buffer (above the working directory for a
--- buffer without a file), or nil.
function M.config_file(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local start = path == "" and uv.cwd() or dirname(vim.fn.fnamemodify(path, ":p"))
  local dir = nearest_with(start, "ddlint.toml")
  return dir and dir .. "/ddlint.toml"
end

--- Runs a command to its end (at most 30 s) in cwd. Returns the exit code (nil when it could not
--- run or timed out), stdout and stderr.
function M.run(argv, cwd)
  local out, err = {}, {}
  local ok, job = pcall(vim.fn.jobstart, argv, {
    cwd = cwd,
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = function(_, data)
      out = data
    end,
    on_stderr = function(_, data)
      err = data
    end,
  })
  if not ok or job <= 0 then
    return nil, "", ("cannot run %s"):format(argv[1])
  end
  local code = vim.fn.jobwait({ job }, 30000)[1]
  if code < 0 then
    vim.fn.jobstop(job)
    return nil, "", ("%s did not finish within 30 s"):format(table.concat(argv, " "))
  end
  return code, vim.trim(table.concat(out, "\n")), vim.trim(table.concat(err, "\n"))
end

local function reattach(bufnr)
  if options == nil and enabled_config() then
    -- Runs only the FileType handler of vim.lsp.enable, not the buffer's other ones.
    local ok = pcall(vim.api.nvim_exec_autocmds, "FileType", { group = "nvim.lsp.enable", buffer = bufnr })
    if ok then
      return
    end
  end
  M.attach(bufnr)
end

--- Stops every ddlint client and attaches ddlint again to their buffers and to every loaded
--- buffer of its filetypes.
function M.restart()
  local clients = M.clients()
  local buffers = {}
  for _, client in ipairs(clients) do
    for bufnr in pairs(client.attached_buffers) do
      buffers[bufnr] = true
    end
  end
  local filetypes = M.filetypes()
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(filetypes, vim.bo[bufnr].filetype) then
      buffers[bufnr] = true
    end
  end
  local ids = {}
  for _, client in ipairs(clients) do
    table.insert(ids, client.id)
  end
  local function exited()
    for _, id in ipairs(ids) do
      if vim.lsp.get_client_by_id(id) then
        return false
      end
    end
    return true
  end
  if #ids > 0 then
    vim.lsp.stop_client(ids)
    -- A client that has not exited yet would be reused for the same root.
    if not vim.wait(5000, exited, 20) then
      vim.lsp.stop_client(ids, true)
      vim.wait(2000, exited, 20)
    end
  end
  for bufnr in pairs(buffers) do
    if vim.api.nvim_buf_is_loaded(bufnr) and is_file_buffer(bufnr) then
      reattach(bufnr)
    end
  end
end

local FIX_ALL = "source.fixAll.ddlint"

--- Asks the buffer's ddlint client for the action that applies every safe fix of the file
--- (source.fixAll.ddlint) and applies it.
function M.fix_all(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.clients(bufnr)[1]
  if not client then
    vim.notify("ddlint: not attached to this buffer (see :checkhealth ddlint)", vim.log.levels.WARN)
    return
  end
  local start = { line = 0, character = 0 }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = start, ["end"] = start },
    context = { diagnostics = {}, only = { FIX_ALL } },
  }
  client_call(client, "request", "textDocument/codeAction", params, function(err, actions)
    if err then
      vim.notify("ddlint: fix all failed: " .. tostring(err.message or err), vim.log.levels.ERROR)
      return
    end
    for _, action in ipairs(actions or {}) do
      if action.kind == FIX_ALL and action.edit then
        vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
        return
      end
    end
    vim.notify("ddlint: no safe fixes to apply", vim.log.levels.INFO)
  end, bufnr)
end

--- Configures the plugin and attaches ddlint to every buffer of its filetypes, now and later.
--- opts: cmd, filetypes, init_options (e.g. { hover = { erd = "mermaid" } }), root_dir
--- (function(path) -> dir, nil for the default), on_attach, capabilities. Calling it again
--- replaces the settings.
function M.setup(opts)
  opts = opts or {}
  for key, value in pairs(opts) do
    local kind = OPTION_TYPES[key]
    if kind == nil then
      error(("ddlint.setup: unknown option %q"):format(tostring(key)), 2)
    elseif type(value) ~= kind then
      error(("ddlint.setup: %s must be a %s, got a %s"):format(key, kind, type(value)), 2)
    end
  end
  options = vim.tbl_extend("force", M.defaults(), opts)
  warned_missing = false

  local group = vim.api.nvim_create_augroup("ddlint", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = options.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(options.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
