"""Words the archive uses, for "did you mean" suggestions."""

from django.db import models


class SearchWord(models.Model):
    """A folded word from recent published headlines and standfirsts, with how many articles use it.

    A sample, refreshed by `rebuild_search_index` and after imports; suggestions
    built from it are checked against the live index before anyone sees them.
    """

    word = models.CharField(max_length=100, unique=True)
    articles = models.PositiveIntegerField()

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return self.word
