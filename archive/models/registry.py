"""The entity kinds articles can be linked to, filled in by @register_entity_kind."""

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityKind:
    model: type
    link_model: type
    article_field: str
    url_prefix: str

    @property
    def key(self):
        return self.model._meta.model_name

    @property
    def label(self):
        return self.model._meta.verbose_name

    @property
    def label_plural(self):
        return self.model._meta.verbose_name_plural


ENTITY_KINDS: dict[str, EntityKind] = {}
