-- The operation of a lookup as the gateway parsed it (issue 11, item 6): besides the name written
-- in the client's document, which the client chooses, the SHA-256 of the document itself, as the
-- gateway hashed it (Apollo's query hash). A shipped operation's hash is its id in the trusted
-- documents' manifest, so a lookup labelled with a shipped operation's name but sent with another
-- document shows as such. NULL for entries written before this column, and for lookups not sent
-- through the gateway.
ALTER TABLE "access_log" ADD COLUMN "document_hash" CHAR(64);
