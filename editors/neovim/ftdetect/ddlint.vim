" PostgreSQL files with their own extensions are SQL (Neovim already knows *.sql and *.prisma).
autocmd BufRead,BufNewFile *.pgsql,*.psql setfiletype sql
