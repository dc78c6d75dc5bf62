-- Each customer's own language and a topic to ask about (話題). Messages to
-- a customer whose name is written only in Latin letters are proposed in
-- English; the user can change it.
ALTER TABLE customers ADD COLUMN message_language TEXT NOT NULL DEFAULT 'ja'
    CHECK (message_language IN ('ja', 'en'));
ALTER TABLE customers ADD COLUMN topic TEXT NOT NULL DEFAULT '';
UPDATE customers SET message_language = 'en'
 WHERE family_name || given_name <> ''
   AND family_name || given_name NOT GLOB '*[^ -~À-ɏ]*';

-- Phone numbers with half-width digits and one kind of hyphen, whatever
-- was typed: matched, shown and exported alike.
UPDATE customer_phones
   SET number = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
                replace(replace(replace(replace(replace(replace(replace(
                number, '０', '0'), '１', '1'), '２', '2'), '３', '3'), '４', '4'), '５', '5'),
                '６', '6'), '７', '7'), '８', '8'), '９', '9'), '－', '-'), 'ー', '-'), '−', '-'),
                '‐', '-'), '＋', '+'), '（', '('), '）', ')')
 WHERE number GLOB '*[０-９－ー−‐＋（）]*';
