-- The code-hosting schema (seed 001) as the application had it before soft delete.
CREATE TABLE repos (id INTEGER PRIMARY KEY, slug TEXT NOT NULL);
CREATE TABLE issues (id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL REFERENCES repos (id), title TEXT NOT NULL);
CREATE TABLE issue_comments (
    id INTEGER PRIMARY KEY,
    issue_id INTEGER NOT NULL REFERENCES issues (id),
    body TEXT NOT NULL
);
CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    repo_id INTEGER NOT NULL REFERENCES repos (id),
    title TEXT NOT NULL
);
CREATE TABLE proposal_comments (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    body TEXT NOT NULL
);
CREATE TABLE collaborators (
    id INTEGER PRIMARY KEY,
    repo_id INTEGER NOT NULL REFERENCES repos (id),
    login TEXT NOT NULL
);
