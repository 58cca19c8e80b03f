CREATE OR REPLACE FUNCTION public.touch(p_id bigint, flag boolean DEFAULT true)
-- <- keyword
--     ^ keyword
--        ^ keyword
--                ^ keyword
--                                ^ function
--                                      ^ variable.parameter
--                                           ^ type
--                                                   ^ variable.parameter
--                                                                        ^ constant.builtin.boolean
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN RETURN NEW; END $$;
-- <- keyword
--      ^ type
--              ^ keyword
--                               ^ keyword
--                                        ^ keyword
--                                                ^ keyword
--                                                   ^ string
--                                                      ^ string
--                                                                        ^ string
CREATE TRIGGER touch_posts BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION public.touch();
--     ^ keyword
--                         ^ keyword
--                                ^ keyword
--                                                    ^ keyword
--                                                         ^ keyword
--                                                             ^ keyword
--                                                                                     ^ function
SELECT $1::int, false, 1.5, NULL;
--     ^ variable.parameter
--       ^ operator
--         ^ type
--              ^ constant.builtin.boolean
--                     ^ number
--                          ^ constant.builtin
CREATE FUNCTION f(IN a int, OUT b text) RETURNS SETOF record LANGUAGE sql RETURN 1;
--                ^ keyword
--                          ^ keyword
--                              ^ variable.parameter
--                                              ^ keyword
--                                                                        ^ keyword
