"""Read wire files and JSON Lines exports into the archive.

Each file is all or nothing: a file with any problem writes nothing and is
reported with its path and line, and the other files go on. Importing the same
article again updates it: wire files are known by their file name, exported
records by their import key or slug. Records are written in batches, so an
import costs a few queries per hundred articles, not per article.
"""

from archive.interchange.records import ImportProblem
from archive.interchange.run import Failure, ImportReport, import_paths, total_size

__all__ = ["Failure", "ImportProblem", "ImportReport", "import_paths", "total_size"]
