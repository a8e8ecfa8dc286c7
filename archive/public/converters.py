from archive.models import ENTITY_KINDS


class EntityKindConverter:
    """The first segment of an entity page: /people/, /places/, ... one per registered kind."""

    regex = "|".join(kind.url_prefix for kind in ENTITY_KINDS.values())

    def to_python(self, value):
        return next(kind for kind in ENTITY_KINDS.values() if kind.url_prefix == value)

    def to_url(self, value):
        return value if isinstance(value, str) else value.url_prefix
