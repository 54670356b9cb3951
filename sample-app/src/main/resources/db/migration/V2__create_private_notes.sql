-- Private notes, each visible to its owner only: the requests of GET and POST /me/notes run under
-- the signed-in user's own Postgres role (lakebase.on-behalf-of.enabled=true), and row-level
-- security keeps every user to their rows. The application's role owns the table and grants the
-- users what they may do; the policy decides which rows.
CREATE TABLE private_note (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner      TEXT         NOT NULL DEFAULT current_user,
    title      VARCHAR(200) NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);

ALTER TABLE private_note ENABLE ROW LEVEL SECURITY;

CREATE POLICY private_note_owner ON private_note
    USING (owner = current_user)
    WITH CHECK (owner = current_user);

GRANT SELECT, INSERT, DELETE ON private_note TO PUBLIC;
