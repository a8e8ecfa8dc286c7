"""Forms readers fill in: filters on the public lists."""

from django import forms

from .coverage import place_and_descendants
from .models import Incident, Place


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
        # Countries, regions and cities: wide enough to be useful, few enough to list.
        self.fields["place"].queryset = Place.objects.public().filter(
            kind__in=[Place.Kind.COUNTRY, Place.Kind.REGION, Place.Kind.CITY]
        )
        years = Incident.objects.public().dates("date", "year", order="DESC")
        self.fields["year"].choices = [("", "Any year"), *((day.year, day.year) for day in years)]

    def filter(self, incidents):
        data = self.cleaned_data
        if data.get("type"):
            incidents = incidents.filter(incident_type=data["type"])
        if data.get("place"):
            incidents = incidents.filter(place_id__in=place_and_descendants(data["place"]))
        if data.get("year"):
            incidents = incidents.filter(date__year=data["year"])
        return incidents
