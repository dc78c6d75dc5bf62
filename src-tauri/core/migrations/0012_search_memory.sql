-- Searches keep in memory what they need of every customer: their names,
-- the list's order, whether archived, their stage. This number moves
-- whenever any of those changes, so that the memory is read again then and
-- only then (not after a touchpoint, a reminder, a setting or a phone
-- number is written).
-- A customer's names are written whenever they are created or edited, and
-- go with them when they are deleted.
CREATE TABLE search_generation (n INTEGER NOT NULL);
INSERT INTO search_generation (n) VALUES (0);
CREATE TRIGGER customer_names_moved_ai AFTER INSERT ON customer_names BEGIN
    UPDATE search_generation SET n = n + 1;
END;
CREATE TRIGGER customer_names_moved_au AFTER UPDATE ON customer_names
WHEN old.names IS NOT new.names BEGIN
    UPDATE search_generation SET n = n + 1;
END;
CREATE TRIGGER customer_names_moved_ad AFTER DELETE ON customer_names BEGIN
    UPDATE search_generation SET n = n + 1;
END;
CREATE TRIGGER customers_listing_moved AFTER UPDATE OF archived, stage, sort_key ON customers
WHEN old.archived IS NOT new.archived OR old.stage IS NOT new.stage
  OR old.sort_key IS NOT new.sort_key BEGIN
    UPDATE search_generation SET n = n + 1;
END;
CREATE TRIGGER customers_moved_ad AFTER DELETE ON customers BEGIN
    UPDATE search_generation SET n = n + 1;
END;
-- The memory is read from the list's own indexes; a search no longer looks
-- customers up one by one.
DROP INDEX customers_order;
