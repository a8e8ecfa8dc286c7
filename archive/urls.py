from django.urls import path, register_converter

from . import views
from .converters import EntityKindConverter

register_converter(EntityKindConverter, "entity_kind")

app_name = "archive"
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("<entity_kind:kind>/<slug:slug>/", views.entity_detail, name="entity"),
]
