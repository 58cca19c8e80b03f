-- A line comment
-- <- comment
/* A block /* nested */ comment */
-- <- comment
\connect app
-- <- keyword.directive
COMMENT ON TABLE users IS 'Registered users';
-- <- keyword
--                     ^ keyword
--                        ^ string
-- +goose StatementBegin
-- <- comment
COPY users (id)
-- <- keyword
  FROM stdin;
--^ keyword
--     ^ keyword
1
\.
-- <- string
-- +goose StatementEnd
-- <- comment
CREATE TYPE mood AS ENUM ('sad', 'ok');
--     ^ keyword
--          ^ type
--                  ^ keyword
--                        ^ string
CREATE DOMAIN email AS text CHECK (VALUE ~ '@');
--     ^ keyword
--            ^ type
--                                       ^ operator
CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 NO CYCLE;
--     ^ keyword
--                ^ keyword
--                             ^ keyword
--                                            ^ keyword
--                                               ^ keyword
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--                ^ keyword
--                           ^ keyword
--                                 ^ keyword
CREATE POLICY own ON users FOR SELECT USING (id = current_user_id());
--     ^ keyword
--                         ^ keyword
--                             ^ keyword
--                                    ^ keyword
--                                                ^ function
CREATE VIEW v AS SELECT 1;
--     ^ keyword
--          ^ type
DROP OPERATOR CLASS IF EXISTS widget_ops USING btree;
-- <- keyword
--   ^ keyword
--            ^ keyword
--                  ^ keyword
--                     ^ keyword
COMMENT ON TEXT SEARCH CONFIGURATION english IS NULL;
--         ^ keyword
--              ^ keyword
--                                              ^ constant.builtin
SELECT B'101', E'it\'s';
--     ^ string
--             ^ string
