-- Starts `ddlint lsp` for SQL and Prisma buffers, one client per project root.
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
    filetypes = { "sql", "prisma" },
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
