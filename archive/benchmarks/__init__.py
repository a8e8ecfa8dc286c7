"""Timing the archive as readers, editors and importers use it; see `manage.py benchmark`.

`public`: pages, search and entity suggestions; `editors`: the admin's lists, pickers and
saves; `loading`: generating, importing and indexing; `report`: the tables and where they go.
"""

from .editors import measure_admin
from .loading import measure_loading
from .public import Measurement, measure, measure_search, measure_tagging, percentile_ms

__all__ = [
    "Measurement",
    "measure",
    "measure_admin",
    "measure_loading",
    "measure_search",
    "measure_tagging",
    "percentile_ms",
]
