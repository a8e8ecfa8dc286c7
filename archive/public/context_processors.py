from django.urls import reverse

from archive.models import ENTITY_KINDS


def navigation(request):
    """The site's sections, one per entity kind, with the one being read marked."""
    match = getattr(request, "resolver_match", None)
    current = match.kwargs.get("kind") if match else None
    return {
        "nav_sections": [
            {
                "url": reverse("archive:entity_index", kwargs={"kind": kind.url_prefix}),
                "label": kind.label_plural.capitalize(),
                "current": current is kind,
            }
            for kind in ENTITY_KINDS.values()
        ]
    }
