from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.template.loader import select_template

from .models import ENTITY_KINDS, Article


def paginate(request, queryset):
    return Paginator(queryset, settings.ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))


def home(request):
    articles = Article.objects.published().order_by("-published_at", "-id")
    return render(request, "archive/home.html", {"page": paginate(request, articles)})


def article_detail(request, slug):
    article = get_object_or_404(
        Article.objects.published().prefetch_related(
            "sources", *(kind.article_field for kind in ENTITY_KINDS.values())
        ),
        slug=slug,
    )
    return render(request, "archive/article_detail.html", {"article": article})


def entity_detail(request, kind, slug):
    references = [field.name for field in kind.model._meta.concrete_fields if field.is_relation]
    entity = get_object_or_404(kind.model.objects.select_related(*references).prefetch_related("aliases"), slug=slug)
    coverage = Article.objects.published().filter(**{kind.article_field: entity}).order_by("-published_at", "-id")
    return render(
        request,
        "archive/entity_detail.html",
        {
            "entity": entity,
            "kind": kind,
            "page": paginate(request, coverage),
            "facts_template": select_template([f"archive/facts/{kind.key}.html", "archive/facts/entity.html"]),
        },
    )
