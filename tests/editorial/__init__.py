"""Editorial work: the workflow and roles, revisions and restores, edit conflicts, merges and entity suggestions."""
