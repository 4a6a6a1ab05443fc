DROP TABLE collaborators;
DROP TABLE proposal_comments;
DROP TABLE proposals;
DROP TABLE issue_comments;
DROP TABLE issues;
DROP TABLE repos;
