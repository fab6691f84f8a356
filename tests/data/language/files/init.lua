vim.g.mapleader = " "
vim.opt.number = true
vim.opt.relativenumber = true
vim.opt.expandtab = true
vim.opt.shiftwidth = 2

local map = vim.keymap.set
map("n", "<leader>w", "<cmd>write<cr>", { desc = "Save file" })
map("n", "<leader>q", "<cmd>quit<cr>", { desc = "Quit" })

local ok, telescope = pcall(require, "telescope.builtin")
if ok then
  map("n", "<leader>ff", telescope.find_files, { desc = "Find files" })
end

for _, lang in ipairs({ "lua", "python", "rust" }) do
  vim.api.nvim_create_autocmd("FileType", { pattern = lang, command = "setlocal spell" })
end
