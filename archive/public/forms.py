"""Forms readers fill in on the public lists: the incidents index's filters."""

from django import forms
from django.core.validators import slug_re
from django.db.models import Q

from archive.lib.text import without_control_characters
from archive.models import Incident, Place
from archive.public.coverage import place_and_descendants


def without_controls(parameters):
    """A copy of request parameters with control characters removed from every value: a form's
    error message repeats what it was given, and they are not allowed in HTML."""
    cleaned = parameters.copy()
    for name in cleaned:
        cleaned.setlist(name, [without_control_characters(value) for value in parameters.getlist(name)])
    return cleaned


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
