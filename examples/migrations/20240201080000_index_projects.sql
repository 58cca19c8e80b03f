-- The account foreign key of projects was created without an index in the first migration.
CREATE INDEX CONCURRENTLY projects_account_id_idx ON projects (account_id);
