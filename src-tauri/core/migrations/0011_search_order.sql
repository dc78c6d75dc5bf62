-- A search's matches are ordered by sort key and filtered by archive and
-- stage before their rows are read. Looked up by id in this narrow index,
-- a match costs a few bytes instead of a customer's whole record.
CREATE INDEX customers_order ON customers (id, archived, stage, sort_key);
