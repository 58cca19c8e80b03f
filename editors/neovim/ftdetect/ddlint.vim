" PostgreSQL files with their own extensions are SQL (Neovim already knows *.sql and *.prisma).
autocmd BufRead,BufNewFile *.pgsql,*.psql setfiletype sql
" Mermaid diagrams, which older Neovim versions do not detect.
autocmd BufRead,BufNewFile *.mmd,*.mermaid setfiletype mermaid
