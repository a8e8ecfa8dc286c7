from django.urls import reverse

from archive.models import ENTITY_KINDS
from archive.search.forms import SearchForm


def navigation(request):
    """The site's sections, one per entity kind, with the one being read marked; the search box's limit."""
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
        ],
        "search_box_length": SearchForm.base_fields["q"].widget.attrs["maxlength"],
    }
