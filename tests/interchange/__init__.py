"""Getting articles in and out: wire files and JSON Lines imports, and the export."""
