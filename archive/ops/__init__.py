"""Running the archive in production: backups, rate limits, the client's address behind
proxies, the query planner's statistics. Imports models and lib.
"""
