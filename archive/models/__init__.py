"""The archive's data: articles, the entities they cover, and the archive's memory of changes."""

from .articles import Article, ArticleQuerySet, SourceLink
from .entities import (
    Alias,
    Entity,
    EntityLink,
    Incident,
    IncidentLink,
    Organisation,
    OrganisationLink,
    Person,
    PersonLink,
    Place,
    PlaceLink,
    alias_owners,
    check_names_are_free,
    register_entity_kind,
)
from .history import ArchiveState, SlugRedirect
from .registry import ENTITY_KINDS, EntityKind
from .vocabulary import SearchWord

__all__ = [
    "ENTITY_KINDS",
    "Alias",
    "ArchiveState",
    "Article",
    "ArticleQuerySet",
    "Entity",
    "EntityKind",
    "EntityLink",
    "Incident",
    "IncidentLink",
    "Organisation",
    "OrganisationLink",
    "Person",
    "PersonLink",
    "Place",
    "PlaceLink",
    "SearchWord",
    "SlugRedirect",
    "SourceLink",
    "alias_owners",
    "check_names_are_free",
    "register_entity_kind",
]
