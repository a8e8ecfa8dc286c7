"""The search form: the query, filters and order a reader or a feed asks for."""

from django import forms

from archive.lib.text import without_control_characters
from archive.models import ENTITY_KINDS, Incident
from archive.search.engine import SearchRequest
from archive.search.query import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    """The search page's parameters. Whatever arrives, it gives a search to run and notes on what it ignored."""

    # The engine reads the first MAX_QUERY_LENGTH characters and says so (archive.search.query.parse);
    # the search boxes take no more than that.
    q = forms.CharField(
        required=False, strip=True, label="Search", widget=forms.TextInput(attrs={"maxlength": MAX_QUERY_LENGTH})
    )
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100, label="Year")
    type = forms.ChoiceField(required=False, choices=[("", "Any type"), *Incident.Type.choices], label="Incident type")
    publication = forms.CharField(required=False, max_length=200, label="Publication")
    order = forms.ChoiceField(
        required=False,
        choices=[("", "Best match"), ("newest", "Newest first"), ("oldest", "Oldest first")],
        label="Order",
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, label="Page")
    # Entity filters ("person:volodymyr-zelenskiy", repeated) are read from the data in search_request().

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # Drop what cannot be typed, NUL and other control characters, instead of refusing the search.
            data = data.copy()
            for name in ["q", "publication"]:
                if name in data:
                    data[name] = without_control_characters(data[name]).replace("\x00", "")
        super().__init__(data, *args, **kwargs)

    def search_request(self):
        """A SearchRequest from the valid fields, and notes for the others."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items()}
        notes = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else name
            notes.append(f"{label}: {' '.join(errors)} It was left out of the search.")
        entities, impossible = [], False
        for value in self.data.getlist("entity")[:10] if hasattr(self.data, "getlist") else []:
            entity = entity_from_filter(value)
            if entity is None:
                notes.append(f"Nothing in the archive matches the filter “{value[:80]}”.")
                impossible = True
            elif entity not in entities:
                entities.append(entity)
        request = SearchRequest(
            query=data.get("q") or "",
            entities=entities,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            year=data.get("year"),
            incident_type=data.get("type") or "",
            publication=without_control_characters(data.get("publication") or ""),
            order=data.get("order") or "",
            page=data.get("page") or 1,
            impossible=impossible,
        )
        return request, notes


def entity_from_filter(value):
    """(kind, entity) for "person:volodymyr-zelenskiy", if that entity is public."""
    kind_key, _, slug = str(value).partition(":")
    kind = ENTITY_KINDS.get(kind_key)
    if kind is None or not slug or len(slug) > 200 or "\x00" in slug:
        return None
    entity = kind.model.objects.public().filter(slug=slug).first()
    return (kind, entity) if entity else None
