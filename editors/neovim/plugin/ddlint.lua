-- The commands, whichever way ddlint is started (setup() or 0.11's vim.lsp.enable).
if vim.g.loaded_ddlint then
  return
end
vim.g.loaded_ddlint = true

vim.api.nvim_create_user_command("DdlintErd", function(args)
  require("ddlint.erd").open({ text = args.bang, name = args.args ~= "" and args.args or nil })
end, { bang = true, nargs = "?", desc = "ddlint: ERD in the browser (! for text in a split)" })

vim.api.nvim_create_user_command("DdlintFixAll", function()
  require("ddlint").fix_all(0)
end, { desc = "ddlint: apply every safe fix of the buffer" })

vim.api.nvim_create_user_command("DdlintRestart", function()
  require("ddlint").restart()
end, { desc = "ddlint: restart the language server" })
