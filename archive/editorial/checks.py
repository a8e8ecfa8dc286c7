"""`manage.py check` reports what editors should fix in the archive's data: names and aliases
that identify nothing, written before such names were refused (archive.lib.names.name_refusal)."""

from django.core import checks
from django.db import DatabaseError, connection
from django.db.models import Q

from archive.lib.names import name_refusal
from archive.models import ENTITY_KINDS, Alias

LISTED = 20  # bad names reported one by one; more are counted
# Only short names or names without a letter or digit can identify nothing: the rest are not read.
SUSPECT = Q(name__regex=r"^[\W_]*$") | Q(name__regex=r"^.{0,6}$")


def names_that_identify_nothing(app_configs=None, **kwargs):
    try:
        if Alias._meta.db_table not in connection.introspection.table_names():
            return []  # not migrated yet: nothing to read
        bad = [
            (kind, entity_id, name, refusal)
            for kind in ENTITY_KINDS.values()
            for entity_id, name in [
                *kind.model.objects.filter(SUSPECT).values_list("pk", "name"),
                *Alias.objects.filter(SUSPECT, content_type__model=kind.key).values_list("object_id", "name"),
            ]
            if (refusal := name_refusal(name))
        ]
    except DatabaseError:
        return []  # no database to read: `check` still answers on the code
    found = [
        checks.Warning(
            refusal,
            hint=f"Edit the {kind.label} with id {entity_id} and remove or rewrite the spelling “{name}”.",
            id="archive.W001",
        )
        for kind, entity_id, name, refusal in bad[:LISTED]
    ]
    if len(bad) > LISTED:
        found.append(checks.Warning(f"{len(bad) - LISTED} more names or aliases identify nothing.", id="archive.W001"))
    return found
