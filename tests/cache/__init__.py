"""The page cache and the shared cache backend."""
