"""Running the archive: settings, security, the production server, backups, rate limits and the planner."""
