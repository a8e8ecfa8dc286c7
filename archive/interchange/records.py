"""What the readers hand to the writer: parsed records, and the problems that stop a file."""

from dataclasses import dataclass


class ImportProblem(Exception):
    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class ArticleRecord:
    """One article read from a file, before it touches the database."""

    fields: dict
    sources: list | None = None  # None: leave the article's sources alone
    entities: dict | None = None  # article_field -> [entity dict]; None: leave links alone
    corrections: list | None = None  # [{"published_at", "text"}]; None: leave the article's corrections alone
    old_slugs: tuple | None = None  # ((slug, created_at), ...): addresses that answer 301 with it
    import_key: str | None = None
    line: int = 1
    version: int | None = None  # the article's version when exported: a lower one than now is refused
    from_wire: bool = False  # a wire text file: refused if its article was edited since its last import


@dataclass
class EntityRecord:
    kind: str
    data: dict
    line: int = 1
