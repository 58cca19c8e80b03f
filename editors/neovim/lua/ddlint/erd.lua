-- :DdlintErd: the entity-relationship diagram that `ddlint erd` draws from the project's files,
-- as its HTML page in the browser or as box drawings in a split.
local ddlint = require("ddlint")

local M = {}

-- Draws the diagram into a file; nil and the CLI's message when it fails.
local function render(bufnr, format, around, output)
  local root = ddlint.project_root(bufnr)
  local argv = { ddlint.program(bufnr), "erd", "--format", format, "-o", output }
  if around then
    vim.list_extend(argv, { "--around", around })
  end
  table.insert(argv, root)
  local code, _, err = ddlint.run(argv, root)
  if code ~= 0 then
    return nil, err ~= "" and err or ("%s exited with %s"):format(argv[1], tostring(code))
  end
  return output
end

-- Around the named table, else the word under the cursor when it names one, else the whole
-- schema. Returns the file and the table drawn around, or nil and the CLI's message.
local function draw(bufnr, format, name, output)
  if name then
    return render(bufnr, format, name, output)
  end
  local word = vim.fn.expand("<cword>")
  if word ~= "" then
    local path = render(bufnr, format, word, output)
    if path then
      return path, word
    end
  end
  return render(bufnr, format, nil, output)
end

-- Over SSH or on a console (no X11 or Wayland display), xdg-open finds no browser to start.
local function has_display()
  if vim.fn.has("mac") == 1 or vim.fn.has("win32") == 1 or vim.fn.has("wsl") == 1 then
    return true
  end
  return (vim.env.DISPLAY or "") ~= "" or (vim.env.WAYLAND_DISPLAY or "") ~= ""
end

-- True when a browser was asked to open the page; else false and why not.
local function open_in_browser(path)
  if not has_display() then
    return false, "no graphical display"
  end
  if vim.ui.open then
    local _, err = vim.ui.open(path)
    return err == nil, err
  end
  local tool = vim.fn.has("mac") == 1 and "open" or "xdg-open"
  if vim.fn.executable(tool) ~= 1 then
    return false, tool .. " not found"
  end
  return vim.fn.jobstart({ tool, path }, { detach = true }) > 0, "cannot run " .. tool
end

-- Shows the lines in the ERD split of the tab, opening one when there is none.
local function show(source, lines, title)
  local win
  for _, id in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.b[vim.api.nvim_win_get_buf(id)].ddlint_erd then
      win = id
    end
  end
  if win then
    vim.api.nvim_set_current_win(win)
  else
    vim.cmd(("botright %dnew"):format(math.max(3, math.min(#lines, math.floor(vim.o.lines / 2)))))
    vim.bo.buftype = "nofile"
    vim.bo.bufhidden = "wipe"
    vim.bo.swapfile = false
    vim.wo.wrap = false
  end
  local bufnr = vim.api.nvim_get_current_buf()
  vim.b[bufnr].ddlint_erd = source
  vim.bo[bufnr].modifiable = true
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  vim.bo[bufnr].modifiable = false
  pcall(vim.api.nvim_buf_set_name, bufnr, "ddlint-erd://" .. title)
end

local function show_text(bufnr, name)
  local output = vim.fn.tempname()
  local path, around = draw(bufnr, "text", name, output)
  if not path then
    vim.notify("ddlint erd: " .. around, vim.log.levels.ERROR)
    return
  end
  local lines = vim.fn.readfile(path)
  os.remove(path)
  show(bufnr, lines, name or around or ddlint.project_root(bufnr))
end

--- Draws the ERD of the current buffer's project, or around a table (`name`, else the one under
--- the cursor): the HTML page in the browser, or the text drawing in a split when `text` is set
--- or no browser can be opened.
function M.open(opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  -- From the ERD split, draw again for the buffer it was drawn for.
  local source = vim.b[bufnr].ddlint_erd
  if source and vim.api.nvim_buf_is_valid(source) then
    bufnr = source
  end
  if vim.bo[bufnr].modified then
    vim.notify("ddlint erd: drawn from the files on disk; write the buffer to include its changes", vim.log.levels.INFO)
  end
  if opts.text then
    return show_text(bufnr, opts.name)
  end
  local dir = vim.fn.stdpath("cache") .. "/ddlint"
  vim.fn.mkdir(dir, "p")
  local path, around = draw(bufnr, "html", opts.name, dir .. "/erd.html")
  if not path then
    vim.notify("ddlint erd: " .. around, vim.log.levels.ERROR)
    return
  end
  local opened, why = open_in_browser(path)
  if not opened then
    vim.notify(("ddlint erd: cannot open a browser (%s); showing the text drawing"):format(why), vim.log.levels.WARN)
    show_text(bufnr, opts.name or around)
  end
end

return M
