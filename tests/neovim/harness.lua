-- Shared by the headless Neovim tests: environment, assertions, and an exit status the Rust side
-- reads (0 after "PASS", 1 after "FAIL: <reason>"). Runs on Neovim 0.7 through 0.11.
local H = {}

local function out(line)
  io.stdout:write(line, "\n")
  io.stdout:flush()
end

H.say = out

local function lsp_log_tail()
  local ok, path = pcall(vim.lsp.get_log_path)
  if not ok or vim.fn.filereadable(path) ~= 1 then
    return "(no LSP log)"
  end
  local lines = vim.fn.readfile(path)
  local first = math.max(1, #lines - 40)
  return ("LSP log %s (last %d lines, server stderr appears here):\n%s"):format(
    path,
    #lines - first + 1,
    table.concat(lines, "\n", first)
  )
end

-- Extra context printed with a failure, set by the test as it learns things.
H.context = {}

function H.fail(reason)
  out("FAIL: " .. tostring(reason))
  for _, fn in ipairs(H.context) do
    local ok, text = pcall(fn)
    out(ok and text or ("(context failed: " .. tostring(text) .. ")"))
  end
  out(lsp_log_tail())
  out("messages:\n" .. vim.fn.execute("messages"))
  vim.cmd("cquit 1")
end

function H.pass(summary)
  out("PASS: " .. summary)
  vim.cmd("qall!")
end

-- Runs the test body; any Lua error becomes a failure with its traceback.
function H.run(body)
  local ok, err = xpcall(body, debug.traceback)
  if not ok then
    H.fail(err)
  end
end

function H.env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error("environment variable " .. name .. " is not set", 2)
  end
  return value
end

function H.expect(condition, message)
  if not condition then
    error(message, 2)
  end
end

function H.equal(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    error(("%s: expected %s, got %s"):format(what, vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

-- Waits for `find` to return a value; fails with `what` after timeout_ms.
function H.wait_for(what, timeout_ms, find)
  local found
  vim.wait(timeout_ms, function()
    found = find()
    return found ~= nil
  end, 20)
  if found == nil then
    error(("timed out after %d ms waiting for %s"):format(timeout_ms, what), 2)
  end
  return found
end

function H.write_file(path, lines)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ":h"), "p")
  vim.fn.writefile(lines, path)
end

-- Adds the plugin under test to 'runtimepath', turns on filetype detection and sources its
-- plugin/ file, which -u NONE leaves off, so its ftdetect/, plugin/ and lsp/ directories are used
-- as a plugin manager would.
function H.load_plugin()
  vim.opt.runtimepath:prepend(H.env("DDLINT_NEOVIM_PLUGIN"))
  vim.cmd("filetype on")
  vim.cmd("runtime! plugin/ddlint.lua")
end

-- The ddlint clients attached to a buffer, on every supported Neovim.
function H.attached(bufnr)
  local found = {}
  if vim.lsp.get_clients then
    found = vim.lsp.get_clients({ bufnr = bufnr, name = "ddlint" })
  else
    for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if client.name == "ddlint" then
        table.insert(found, client)
      end
    end
  end
  return found
end

function H.all_clients()
  local found = {}
  for _, client in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if client.name == "ddlint" then
      table.insert(found, client)
    end
  end
  return found
end

function H.version()
  local v = vim.version()
  return ("%d.%d.%d"):format(v.major, v.minor, v.patch)
end

return H
