"""The shape every lesson shares, driven by the registry: a lesson is one folder, registered
once, with a thin page entry; its PyTorch side never imports Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lib.i18n import LANGUAGES
from lib.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[1]
PATHS = [lesson.path for lesson in LESSONS]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_registry_is_the_list_of_lesson_pages():
    """Every page entry but home is a registered lesson, and every lesson has its entry."""
    pages = {p.stem for p in (ROOT / "pages").glob("*.py")} - {"home"}
    assert pages == set(PATHS)
    assert len(set(PATHS)) == len(PATHS)


@pytest.mark.parametrize("path", PATHS)
def test_a_lesson_is_one_folder(path):
    folder = ROOT / "lib" / "lessons" / path
    expected = {"__init__.py", "compute.py", "view.py"} | {f"{lang}.toml" for lang in LANGUAGES}
    assert expected <= {p.name for p in folder.iterdir()}


@pytest.mark.parametrize("path", PATHS)
def test_compute_is_pure_pytorch(path):
    """compute.py runs without Streamlit (tests/lessons call it directly)."""
    for name in imported_modules(ROOT / "lib" / "lessons" / path / "compute.py"):
        assert not name.startswith(("streamlit", "lib.view")), name


@pytest.mark.parametrize("path", PATHS)
def test_page_entry_only_renders_its_lesson(path):
    tree = ast.parse((ROOT / "pages" / f"{path}.py").read_text(encoding="utf-8"))
    code = [node for node in tree.body if not isinstance(node, ast.Expr | ast.ImportFrom)]
    calls = [node for node in tree.body if isinstance(node, ast.Expr)][1:]  # after the docstring
    assert not code, "a page entry holds no code of its own"
    assert [ast.unparse(c) for c in calls] == ["render(LESSON)"]


def readme_parameters() -> dict[str, set[str]]:
    """The README's URL parameter table: page -> the parameter names it lists."""
    table: dict[str, set[str]] = {}
    page = None
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 5 or cells[0] in ("page", "---"):
            continue
        if cells[0]:
            page = cells[0].strip("`/")
        names = {name.strip("` ") for name in cells[1].split(",")}
        table.setdefault(page, set()).update(names)
    return table


@pytest.mark.parametrize("path", PATHS)
def test_readme_lists_every_parameter(path):
    """The README's table names exactly the parameters the lesson declares."""
    declared = {param.name for param in next(x for x in LESSONS if x.path == path).params.params}
    assert readme_parameters().get(path) == declared


# Keys only a Vega-Lite spec has ("layer" only as a list of dicts: a DataFrame column may be
# called "layer").
VEGA_KEYS = {"mark", "encoding", "hconcat", "vconcat", "$schema"}


def vega_like(node: ast.Dict) -> bool:
    keys = {
        k.value: v
        for k, v in zip(node.keys, node.values, strict=True)
        if isinstance(k, ast.Constant)
    }
    layer = keys.get("layer")
    layered = (
        isinstance(layer, ast.List) and any(isinstance(e, ast.Dict) for e in layer.elts)
    ) or (isinstance(layer, ast.ListComp) and isinstance(layer.elt, ast.Dict))
    return bool(set(keys) & VEGA_KEYS) or layered


def test_no_vega_lite_outside_the_chart_kinds():
    """Charts are drawn from the kinds in lib/view/kinds/ only: no Vega-Lite dict elsewhere."""
    kinds = ROOT / "lib" / "view" / "kinds"
    found = []
    for path in [*(ROOT / "lib").rglob("*.py"), *(ROOT / "pages").glob("*.py")]:
        if kinds in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and vega_like(node):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


@pytest.mark.parametrize("path", PATHS)
def test_every_lesson_draws_its_thumbnail(path):
    """The home page's card shows the lesson's own picture, described for screen readers."""
    from lib.view.lesson import view_of

    spec = view_of(next(x for x in LESSONS if x.path == path)).thumbnail()
    assert spec["description"] and spec["datasets"]


def test_sequential_thumbnail_keeps_the_layers_in_order():
    """Bars of ordered things keep their order (they were sorted by name: conv1, conv2, relu1)."""
    from lib.lessons.sequential import view

    spec = view.thumbnail()
    assert spec["layer"][0]["encoding"]["x"]["sort"] is None
    names = list(spec["datasets"]["bars"]["layer"])
    assert names == [row.name for row in view.lesson.run(view.lesson.NOTES_MODEL, 28, 1, 1).rows]


def test_dropout_thumbnail_is_a_row_through_dropout():
    """The card shows what dropout does (zeros and survivors scaled by 1/(1-p) = 2), not one
    more heatmap: bars of one row of nn.Dropout(0.5)'s training output, the kept ones marked."""
    import torch

    from lib.lessons.dropout import view

    spec = view.thumbnail()
    bars = spec["datasets"]["bars"]
    torch.manual_seed(0)
    x = view.lesson.example_input()
    y = torch.nn.Dropout(0.5)(x)[0]
    assert list(bars["y"]) == pytest.approx(y.tolist())
    assert list(bars["kept"]) == (y != 0).tolist()
    kept = y != 0
    assert 0 < int(kept.sum()) < len(y)  # both kinds of unit are in the picture
    assert y[kept].tolist() == pytest.approx((2 * x[0][kept]).tolist())
    assert "layer" in spec and spec["layer"][0]["mark"]["type"] == "bar"


def test_readme_lists_the_frame_parameters():
    from lib.urlspec import FRAME

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for param in FRAME.params:
        assert f"| `{param.name}` |" in readme, param.name
