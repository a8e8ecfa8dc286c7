"""Small shared code: text keys and slugs."""
