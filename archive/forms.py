"""Forms readers fill in: filters on the public lists."""

from django import forms
from django.core.validators import slug_re
from django.db.models import Q

from .coverage import place_and_descendants
from .models import ENTITY_KINDS, Incident, Place
from .search.engine import SearchRequest
from .text import without_control_characters


class IncidentFilterForm(forms.Form):
    type = forms.ChoiceField(choices=[("", "Any type"), *Incident.Type.choices], required=False)
    place = forms.ModelChoiceField(
        queryset=Place.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Anywhere",
        help_text="Includes the places inside it.",
    )
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Countries, regions and cities: wide enough to be useful, few enough to list. Any other
        # place's page links here too ("All incidents in ..."): that place is offered as well.
        listed = Q(kind__in=[Place.Kind.COUNTRY, Place.Kind.REGION, Place.Kind.CITY])
        asked = self.data.get("place") if self.is_bound else None
        if isinstance(asked, str) and slug_re.match(asked):
            listed |= Q(slug=asked)
        self.fields["place"].queryset = Place.objects.public().filter(listed)
        # The first and last public incidents, from the two ends of the date index: an incident
        # only drafts mention must not show its year.
        public = Incident.objects.public().values("date")
        first, last = public.order_by("date").first(), public.order_by("-date").first()
        years = range(last["date"].year, first["date"].year - 1, -1) if first else []
        self.fields["year"].choices = [("", "Any year"), *((year, year) for year in years)]

    def filter(self, incidents):
        data = self.cleaned_data
        if data.get("type"):
            incidents = incidents.filter(incident_type=data["type"])
        if data.get("place"):
            incidents = incidents.filter(place_id__in=place_and_descendants(data["place"]))
        if data.get("year"):
            incidents = incidents.filter(date__year=data["year"])
        return incidents


class SearchForm(forms.Form):
    """The search page's parameters. Whatever arrives, it gives a search to run and notes on what it ignored."""

    q = forms.CharField(required=False, strip=True, label="Search")
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

    def clean_q(self):
        return self.cleaned_data["q"][:2000]

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
