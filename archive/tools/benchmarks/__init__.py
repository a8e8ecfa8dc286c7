"""Timing the archive as readers, editors and importers use it; see `manage.py benchmark`.

`public`: pages, search and entity suggestions; `editors`: the admin's lists, pickers and
saves; `loading`: generating, importing and indexing; `names`: a labelled set of name searches,
for recall and precision; `report`: the tables and where they go.
"""

from archive.tools.benchmarks.editors import measure_admin
from archive.tools.benchmarks.loading import measure_loading
from archive.tools.benchmarks.public import Measurement, measure, measure_search, measure_tagging, percentile_ms

__all__ = [
    "Measurement",
    "measure",
    "measure_admin",
    "measure_loading",
    "measure_search",
    "measure_tagging",
    "percentile_ms",
]
