"""The layout of the `archive` package: each concern in its sub-package, dependencies pointing one way.

Imports are read from the source (every `import` and `from ... import`, those inside functions
too: an import moved into a function still ties the two modules together), so a cycle is
found before it bites at start-up.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "archive"
# Directly in archive/: the app config, the URLs and the signals; everything else is in a sub-package.
TOP_LEVEL_MODULES = {"__init__.py", "apps.py", "urls.py", "signals.py"}


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_modules():
    return {
        module_name(path): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


def imported_modules(path, known):
    """The archive modules `path` imports, as dotted names of `known` modules."""
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            # `from archive.search import engine` imports the module archive.search.engine.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known and name != own}
    return found


def import_graph():
    modules = source_modules()
    return {name: imported_modules(path, modules) for name, path in modules.items()}


def cycles(graph):
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return groups


def test_the_graph_sees_imports_of_every_form():
    graph = import_graph()
    assert "archive.models.articles" in graph["archive.models"]  # from archive.models.articles import ...
    assert "archive.search.index" in graph["archive.management.commands.rebuild_search_index"]  # from ... import index
    assert "archive.cache.invalidation" in graph["archive.apps"]  # inside ready()


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_archive_modules_import_each_other_in_a_cycle():
    assert cycles(import_graph()) == []


def test_the_models_import_neither_the_page_cache_nor_anything_built_on_them():
    allowed = ("archive.models", "archive.lib", "archive.signals")
    graph = import_graph()
    reaching_out = {
        module: sorted(name for name in imported if not name.startswith(allowed))
        for module, imported in graph.items()
        if module.startswith("archive.models")
    }
    assert {module: names for module, names in reaching_out.items() if names} == {}


# From the bottom up; a module imports only from its own layer or the layers below.
LAYERS = [
    ("archive.lib", "archive.signals"),
    ("archive.models",),
    ("archive.ops", "archive.cache", "archive.search"),
    ("archive.editorial",),
    ("archive.interchange", "archive.public", "archive.admin", "archive.templatetags"),
    ("archive.tools", "archive.management", "archive.urls", "archive.apps", "archive"),
]


def layer_of(module):
    """The index in LAYERS of the longest prefix naming `module`'s package."""
    matches = [
        (len(prefix), index)
        for index, prefixes in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(matches)[1]


def test_every_import_points_to_the_same_layer_or_below():
    upward = sorted(
        f"{module} -> {imported}"
        for module, imports in import_graph().items()
        for imported in imports
        if layer_of(imported) > layer_of(module)
    )
    assert upward == []


def test_the_site_never_imports_the_tools():
    outside = {
        module: sorted(name for name in imported if name.startswith("archive.tools"))
        for module, imported in import_graph().items()
        if not module.startswith(("archive.tools", "archive.management"))
    }
    assert {module: names for module, names in outside.items() if names} == {}


def test_every_module_but_the_app_wiring_lives_in_a_sub_package():
    assert {path.name for path in PACKAGE.glob("*.py")} == TOP_LEVEL_MODULES


@pytest.mark.parametrize("package", sorted(path.parent for path in PACKAGE.rglob("__init__.py")), ids=str)
def test_each_sub_package_says_what_it_holds(package):
    if package == PACKAGE or package.name in ("migrations", "management", "commands", "templatetags"):
        return
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
    assert docstring, f"{package.relative_to(PACKAGE.parent)}/__init__.py has no docstring saying what it holds"
