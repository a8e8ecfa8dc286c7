"""The synthetic demo archive: `generator` writes it, `data` holds the names it draws from."""
