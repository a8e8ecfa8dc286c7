"""What the tests share: builders of rows (builders), the served site (server), the admin's forms (admin),
fresh processes for settings and commands (processes) and a reader of rendered pages (pages).
Import from the module that holds a helper: `from tests.helpers.builders import make_article`."""
