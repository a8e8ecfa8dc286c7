"""The archive's data: articles, the entities they cover, and the archive's memory of changes."""

from archive.models.articles import Article, ArticleQuerySet, SourceLink
from archive.models.entities import (
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
from archive.models.history import ArchiveState, SlugRedirect
from archive.models.names import NameKey
from archive.models.records import Correction, EntityMerge, Revision
from archive.models.registry import ENTITY_KINDS, EntityKind
from archive.models.vocabulary import SearchWord

__all__ = [
    "ENTITY_KINDS",
    "Alias",
    "ArchiveState",
    "Article",
    "ArticleQuerySet",
    "Correction",
    "Entity",
    "EntityKind",
    "EntityLink",
    "EntityMerge",
    "Incident",
    "NameKey",
    "IncidentLink",
    "Organisation",
    "OrganisationLink",
    "Person",
    "PersonLink",
    "Place",
    "PlaceLink",
    "Revision",
    "SearchWord",
    "SlugRedirect",
    "SourceLink",
    "alias_owners",
    "check_names_are_free",
    "register_entity_kind",
]
