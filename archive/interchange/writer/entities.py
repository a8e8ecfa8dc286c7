"""Entities of a batch: found by address or spelling, created in bulk, their spellings and
addresses kept."""

import json

from django.contrib.contenttypes.models import ContentType
from django.db import models

from archive.interchange.fields import entity_data_fields, is_entity_reference
from archive.interchange.records import ImportProblem
from archive.lib.names import name_refusal
from archive.lib.text import name_key, slug_base, unique_slug
from archive.models import Alias, ArchiveState, NameKey, check_names_are_free
from archive.models.page_tags import entity_tag

ENTITY_SLUG_LENGTH = 200


def data_key(model, data):
    return model, getattr(data, "key", None) or json.dumps(data, sort_keys=True, default=str)


def references(model):
    return [field for field in entity_data_fields(model) if is_entity_reference(field)]


class EntityStage:
    """The Writer's entities stage (see archive.interchange.writer)."""

    def resolve_entities(self, wanted):
        pending = {}

        def collect(model, data, line):
            key = data_key(model, data)
            if key in self.entities or key in pending:
                return
            pending[key] = (model, data, line)
            for field in references(model):
                if data.get(field.name) is not None:
                    collect(field.related_model, data[field.name], line)

        for model, data, line in wanted:
            collect(model, data, line)
        # Entities that others refer to (a place's parent) are resolved first.
        while pending:
            ready = {
                key: item
                for key, item in pending.items()
                if all(
                    item[1].get(field.name) is None
                    or data_key(field.related_model, item[1][field.name]) in self.entities
                    for field in references(item[0])
                )
            }
            by_model = {}
            for key, (model, data, line) in ready.items():
                by_model.setdefault(model, []).append((key, data, line))
                del pending[key]
            for model, group in by_model.items():
                self.resolve_group(model, group)

    def resolve_group(self, model, group):
        content_type = ContentType.objects.get_for_model(model)
        prepared = []
        for key, data, line in group:
            values = dict(data)
            aliases = values.pop("aliases", None)
            old_slugs = values.pop("old_slugs", ())
            for field in references(model):
                if values.get(field.name) is not None:
                    values[field.name] = self.entities[data_key(field.related_model, values[field.name])]
            prepared.append((key, values, aliases, old_slugs, line))

        slugs = {values["slug"] for _, values, _, _, _ in prepared if values.get("slug")}
        by_slug = {entity.slug: entity for entity in model.objects.filter(slug__in=slugs).prefetch_related("aliases")}
        keys = set()
        for _, values, aliases, _, _ in prepared:
            keys.add(name_key(values["name"]))
            keys.update(name_key(alias) for alias in aliases or [])
        by_spelling = {entity.name_key: entity for entity in model.objects.filter(name_key__in=keys)}
        alias_owners = dict(
            Alias.objects.filter(content_type=content_type, key__in=keys).values_list("key", "object_id")
        )
        owners = model.objects.in_bulk(set(alias_owners.values()))
        for alias_key, owner_pk in alias_owners.items():
            by_spelling.setdefault(alias_key, owners[owner_pk])

        created = {}  # name or alias key -> entity created in this group
        fresh, new_aliases = [], {}  # new entities; id(entity) -> {alias key: alias}
        for key, values, aliases, old_slugs, line in prepared:
            for spelling in [values["name"], *(aliases or [])]:
                if refusal := name_refusal(spelling):
                    raise ImportProblem(refusal, line)
            own_key = name_key(values["name"])
            entity = by_slug.get(values.get("slug"))
            if entity is not None:
                self.update_entity(entity, values, aliases, line)
                # The record's own old addresses: only for the entity it is (same address, or new),
                # never for one it merely names by another spelling.
                self.old_slugs.extend((model, entity, slug, when) for slug, when in old_slugs)
            elif (entity := by_spelling.get(own_key)) is not None:
                self.learn_aliases(entity, aliases or [], line)
            elif (entity := created.get(own_key)) is not None:
                for alias in aliases or []:
                    if name_key(alias) not in created and name_key(alias) != own_key:
                        new_aliases[id(entity)][name_key(alias)] = alias
                        created[name_key(alias)] = entity
            else:
                entity = model(**values)
                entity.set_keys()
                fresh.append(entity)
                self.old_slugs.extend((model, entity, slug, when) for slug, when in old_slugs)
                new_aliases[id(entity)] = {}
                created[own_key] = entity
                for alias in aliases or []:
                    alias_key = name_key(alias)
                    if not alias_key or alias_key == own_key:
                        continue
                    holder = by_spelling.get(alias_key) or created.get(alias_key)
                    if holder is not None and holder is not entity:
                        raise ImportProblem(
                            f"the alias “{alias}” of “{values['name']}” is already used by the "
                            f"{model._meta.verbose_name} “{holder.name}”",
                            line,
                        )
                    new_aliases[id(entity)][alias_key] = alias
                    created[alias_key] = entity
            self.entities[key] = entity

        self.assign_entity_slugs(model, fresh)
        model.objects.bulk_create(fresh)
        if fresh:
            ArchiveState.touch(entities=True, pages=set())  # on no public page until an article links them
        Alias.objects.bulk_create(
            Alias(
                content_type=content_type,
                object_id=entity.pk,
                name=alias,
                key=alias_key,
                language=Alias.language_for(alias, getattr(alias, "language", "")),
            )
            for entity in fresh
            for alias_key, alias in new_aliases[id(entity)].items()
        )
        NameKey.add(model, {entity.pk: [entity.name, *new_aliases[id(entity)].values()] for entity in fresh})

    @staticmethod
    def assign_entity_slugs(model, entities):
        """Slugs for new entities: the record's own if free, else one made from the name."""
        wanted = [entity.slug or slug_base(entity.name, ENTITY_SLUG_LENGTH - 9) for entity in entities]
        taken = set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        for entity, slug in zip(entities, wanted, strict=True):
            if not slug or slug in taken:
                slug = unique_slug(
                    model.objects.all(),
                    entity.name,
                    max_length=ENTITY_SLUG_LENGTH,
                    fallback=model._meta.model_name,
                    taken=taken,
                )
            entity.slug = slug
            taken.add(slug)

    def update_entity(self, entity, values, aliases, line):
        """The same record again: take its values and spellings if they changed."""
        changed = False
        for name, value in values.items():
            field = type(entity)._meta.get_field(name)
            current = getattr(entity, field.attname)
            if (value.pk if isinstance(value, models.Model) else value) != current:
                setattr(entity, name, value)
                changed = True
        if changed:
            if name_key(entity.name) != entity.name_key:
                self.check_free(type(entity), [entity.name], entity.pk, line)
            entity.save()
        if aliases is not None:
            current = {alias.key for alias in entity.aliases.all()}
            wanted = {name_key(alias): alias for alias in aliases if name_key(alias) not in {"", entity.name_key}}
            if set(wanted) != current:
                entity.aliases.exclude(key__in=wanted).delete()
                NameKey.refresh(type(entity), [entity.pk])
                ArchiveState.touch(entities=True, pages={entity_tag(entity.entity_kind.key, entity.pk)})
                self.add_aliases(entity, [alias for key, alias in wanted.items() if key not in current], line)

    def learn_aliases(self, entity, aliases, line):
        known = {entity.name_key, *(alias.key for alias in entity.aliases.all())}
        self.add_aliases(entity, [alias for alias in aliases if name_key(alias) not in known | {""}], line)

    def add_aliases(self, entity, names, line):
        unique = {name_key(name): name for name in names}
        if unique:
            self.check_free(type(entity), list(unique.values()), entity.pk, line)
            for name in unique.values():
                Alias(entity=entity, name=name, language=getattr(name, "language", "")).save()

    @staticmethod
    def check_free(model, names, exclude_pk, line):
        try:
            check_names_are_free(model, names, exclude_pk=exclude_pk)
        except Exception as error:
            messages = getattr(error, "messages", [str(error)])
            raise ImportProblem(" ".join(messages), line) from None
