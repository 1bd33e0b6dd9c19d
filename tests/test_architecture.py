"""The shape of the code: the core stays free of the UI, the right Whoosh is installed, and the
import contracts in pyproject.toml hold."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def run_python(code: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *options, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_core_never_imports_textual(tmp_path: Path) -> None:
    # Not only importing: building an index, searching and listing mentions too.
    result = run_python(
        f"""
        import sys
        from pathlib import Path
        import corpus, index
        from index import Engine

        engine = Engine(index_root=Path({str(tmp_path)!r}))
        engine.open()
        assert engine.search("Dostum").total == 5
        engine.kwic(engine.mentions_of("yar-dostum"))
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich", "tui"))
        print(loaded)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_launch_path_leaves_whoosh_for_later() -> None:
    # What `afreader` imports before its first frame: the command line and the app. Whoosh
    # (80 ms) comes in a worker after the first frame; the package metadata (20 ms) only for
    # --version.
    result = run_python(
        """
        import sys
        import tui.cli, tui.app
        parser = tui.cli.build_parser()
        parser.parse_args([])
        print(sorted(m for m in ("whoosh", "index", "importlib.metadata") if m in sys.modules))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_newest_articles_are_listed_without_whoosh_or_yaml(tmp_path: Path) -> None:
    from index import Engine

    Engine(index_root=tmp_path).open()
    result = run_python(
        f"""
        import sys
        from pathlib import Path
        from index.peek import newest_page
        page = newest_page(None, Path({str(tmp_path)!r}), 20)
        print(page.total, sorted(m for m in ("whoosh", "yaml", "ahocorasick") if m in sys.modules))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "5 []"


def test_a_plain_command_imports_neither_textual_nor_rich_nor_yaml(tmp_path: Path) -> None:
    # `afreader search` as the installed command runs it (tui.cli.main), on an index that is
    # current: no screen, no progress bar (nothing is built), no YAML (the gazetteer is cached
    # beside the index), so none of them is imported. The first run builds the index.
    code = f"""
        import sys
        from tui.cli import main
        code = main(["--index-dir", {str(tmp_path)!r}, "search", "Dostum", "--limit", "2"])
        loaded = sorted({{m.split(".")[0] for m in sys.modules}} & {{"textual", "rich", "yaml"}})
        print(code, loaded)
        """
    first = run_python(code)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1].startswith("0 ")
    again = run_python(code)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "0 []", again.stdout


def test_every_name_the_packages_export_can_be_imported() -> None:
    import corpus
    import index

    for package in (corpus, index):
        for name in package.__all__:
            assert getattr(package, name) is not None, (package.__name__, name)


def test_whoosh_is_whoosh_reloaded_2_7_5() -> None:
    assert metadata.version("whoosh-reloaded") == "2.7.5"
    # Every Whoosh fork installs the `whoosh` package: exactly one distribution may provide it.
    providers = metadata.packages_distributions().get("whoosh", [])
    assert [name.lower() for name in providers] == ["whoosh-reloaded"]


def test_whoosh_compiles_without_syntax_warnings(tmp_path: Path) -> None:
    # An empty bytecode cache makes Python compile every module again, so that an invalid
    # escape sequence (the SyntaxWarning of Whoosh 2.7.4) fails under -W error.
    result = run_python(
        """
        import index, whoosh.qparser, whoosh.highlight, whoosh.sorting, whoosh.query
        import whoosh.filedb.filestore, whoosh.codec.whoosh3, whoosh.analysis, whoosh.lang
        """,
        "-W",
        "error",
        "-X",
        f"pycache_prefix={tmp_path}",
    )
    assert result.returncode == 0, result.stderr


LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter is not installed (test extra)")
def test_import_contracts_hold() -> None:
    assert LINT_IMPORTS is not None
    settings = tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))["tool"][
        "importlinter"
    ]
    assert {c["name"] for c in settings["contracts"]} >= {"The core never imports Textual"}
    result = subprocess.run(
        [LINT_IMPORTS], cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(settings['contracts'])} kept, 0 broken." in result.stdout


def test_the_app_has_no_import_cycle() -> None:
    # Imports inside functions count too (grimp reads every import statement): a cycle hidden
    # that way is still a cycle (the reader screen gets an engine factory, not the app).
    grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (test extra)")
    graph = grimp.build_graph("tui", "index", "corpus")
    modules = sorted(m for m in graph.modules if m.split(".")[0] == "tui")
    cycles = [
        (a, b)
        for a in modules
        for b in modules
        if a < b and graph.find_shortest_chain(a, b) and graph.find_shortest_chain(b, a)
    ]
    assert cycles == []


# Where Textual parses markup from a str (Static and Label, Static.update, notify), code in
# tui/ passes only what tui/text.py makes safe: `safe(...)` (or a Content/Text it builds), a
# notice through `plain(...)`, or a literal with no markup in it.
_SAFE_BUILDERS = {"safe", "plain", "Content", "Text", "_styled", "assemble"}
_MARKUP_SINKS = {"Static", "Label"}


def _unsafe_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and "[" in node.value
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name not in _SAFE_BUILDERS
    return not isinstance(node, ast.Dict | ast.DictComp)


def _text_argument(call: ast.Call) -> ast.expr | None:
    """The argument of a call that Textual would parse as markup, if the call is such a sink."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    if name == "notify":
        message = [k.value for k in call.keywords if k.arg == "message"]
        return call.args[0] if call.args else (message[0] if message else None)
    if name in _MARKUP_SINKS:
        return call.args[0] if call.args else None
    if name == "update" and len(call.args) == 1 and not call.keywords:
        return call.args[0]
    return None


def _visible_without_markup(call: ast.Call, argument: ast.expr) -> bool:
    """A notice of `visible(...)` text with `markup=False`: as safe as `plain(...)`."""
    func = argument.func if isinstance(argument, ast.Call) else None
    visible = isinstance(func, ast.Name) and func.id == "visible"
    unmarked = any(
        k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    )
    return visible and unmarked and getattr(call.func, "attr", "") == "notify"


def unsafe_text_calls(source: str, filename: str) -> list[str]:
    """`file:line: code` for each call in `source` that hands Textual unsafe text."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            argument = _text_argument(node)
            if (
                argument is not None
                and _unsafe_text(argument)
                and not _visible_without_markup(node, argument)
            ):
                found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


def test_the_check_for_unsafe_text_catches_what_it_should() -> None:
    bad = [
        'self.notify(f"{error}")',
        "self.notify(message)",
        'self.notify("[b]x[/b]")',
        'Static(f"{title}")',
        "Label(name)",
        'widget.update("a " + text)',
        "status.update(message)",
        "self.notify(str(error), markup=False)",
        "self.notify(visible(error))",
        "Static(visible(title))",
    ]
    good = [
        'self.notify("Nowhere to go back to.")',
        "self.notify(plain(f'{n} gone'), markup=False)",
        "Static(safe(title))",
        "Static(Text(title))",
        'Label(Content("x"))',
        "status.update(safe(message))",
        "table.update({1: 2})",
        "bar.update(task, completed=3)",
        "Static(id='x')",
        "app.notify(visible(notice), title='Settings', markup=False)",
    ]
    assert [unsafe_text_calls(code, "x.py") != [] for code in bad] == [True] * len(bad)
    assert [unsafe_text_calls(code, "x.py") for code in good] == [[]] * len(good)


def test_user_visible_text_in_the_app_goes_through_the_safe_helpers() -> None:
    found = []
    for path in sorted((PROJECT / "tui").rglob("*.py")):
        relative = path.relative_to(PROJECT).as_posix()
        found += unsafe_text_calls(path.read_text("utf-8"), relative)
    assert found == [], "\n".join(found)


def test_no_key_is_bound_twice_on_one_screen() -> None:
    """Each screen's keys, its own and those it inherits, each do one thing: a key bound to
    two actions does whichever Textual finds first, and the help would list both."""
    import importlib
    import inspect
    import pkgutil

    from textual.binding import BindingsMap
    from textual.screen import Screen

    import tui.screens
    from tui.app import AfreaderApp

    classes: list[type] = [AfreaderApp]
    for module in pkgutil.iter_modules(tui.screens.__path__):
        loaded = importlib.import_module(f"tui.screens.{module.name}")
        classes += [
            c
            for _, c in inspect.getmembers(loaded, inspect.isclass)
            if issubclass(c, Screen) and c.__module__ == loaded.__name__
        ]
    clashes: dict[str, list[str]] = {}
    for cls in classes:
        # Every class of the project in its ancestry (the reader is made of several): a key
        # one of them binds that another binds too would be silently replaced.
        bound: dict[str, set[str]] = {}
        for ancestor in cls.__mro__:
            if not ancestor.__module__.startswith("tui."):
                continue
            own = ancestor.__dict__.get("BINDINGS", [])
            for key, bindings in BindingsMap(own).key_to_bindings.items():
                bound.setdefault(key, set()).update(b.action for b in bindings)
        clashes |= {f"{cls.__name__}: {k}": sorted(a) for k, a in bound.items() if len(a) > 1}
    assert clashes == {}
    assert len(classes) > 5
