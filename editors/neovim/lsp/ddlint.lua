-- Configuration for Neovim 0.11's vim.lsp.config / vim.lsp.enable("ddlint"). Override any field
-- with vim.lsp.config("ddlint", { cmd = { "/path/to/ddlint", "lsp" } }).
local ddlint = require("ddlint")
local defaults = ddlint.defaults()

return {
  cmd = defaults.cmd,
  filetypes = defaults.filetypes,
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    -- Calling on_dir is what starts the server, so buffers without a file get none.
    if name ~= "" and vim.bo[bufnr].buftype == "" then
      on_dir(ddlint.root_dir(name))
    end
  end,
}
