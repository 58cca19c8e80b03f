CREATE TABLE public.users (
-- <- keyword
--     ^ keyword
--                  ^ type
--                        ^ punctuation.bracket
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
--  ^ variable.other.member
--     ^ type
--            ^ keyword
--                                ^ keyword
--                                         ^ keyword
--                                                    ^ punctuation.delimiter
    email text NOT NULL DEFAULT 'none',
--  ^ variable.other.member
--             ^ keyword
--                 ^ constant.builtin
--                      ^ keyword
--                              ^ string
    created_at timestamp with time zone DEFAULT now(),
--             ^ type.builtin
--                       ^ keyword
--             ^ type.builtin
--                                 ^ type.builtin
--                                              ^ function
    amount double precision,
--         ^ type.builtin
--                ^ type.builtin
    code character varying(20) COLLATE "C",
--       ^ type.builtin
--                 ^ type.builtin
--                         ^ number
--                             ^ keyword
    ttl interval day to second,
--      ^ type.builtin
--               ^ type.builtin
--                   ^ keyword
--                      ^ type.builtin
    score numeric(10, 2) CHECK (score >= 0),
--        ^ type
--                ^ number
--                       ^ keyword
--                                    ^ operator
    tags text[] DEFAULT '{}'::text[],
--       ^ type
--           ^ punctuation.bracket
--                          ^ operator
--                            ^ type
    org_id bigint REFERENCES orgs (id) ON DELETE CASCADE
--                ^ keyword
--                           ^ type
--                                     ^ keyword
--                                               ^ keyword
);
-- <- punctuation.bracket
ALTER TABLE ONLY users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
-- <- keyword
--          ^ keyword
--                     ^ keyword
--                         ^ keyword
--                                                       ^ keyword
CREATE UNIQUE INDEX CONCURRENTLY i ON users USING btree (lower(email) DESC NULLS LAST);
--     ^ keyword
--                  ^ keyword
--                                          ^ keyword
--                                                       ^ function
--                                                                    ^ keyword
--                                                                         ^ keyword
--                                                                               ^ keyword
