"""The string catalogs: every language has the same keys as English, every key is used, and the
{placeholders} agree."""

import ast
import re
import string
import tomllib
from pathlib import Path

import pytest

from lib import i18n
from lib.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[1]
LOCALES = sorted(p for p in i18n.LOCALES_DIR.iterdir() if p.is_dir())
ENGLISH = i18n.catalog(i18n.DEFAULT_LANGUAGE)
# Tables whose keys the code may build at run time (t(f"{lesson}.title"), t(f"notice.{reason}")).
DYNAMIC_TABLES = {lesson.path for lesson in LESSONS} | {"notice", "panel", "nav", "home"}
# Every table of the catalogs: the lessons' and the shared parts of the app.
KNOWN_TABLES = DYNAMIC_TABLES | {"frame", "share", "labels"}


def code_files() -> list[Path]:
    return [
        ROOT / "streamlit_app.py",
        *sorted((ROOT / "pages").rglob("*.py")),
        *sorted((ROOT / "lib").rglob("*.py")),
    ]


def scan_code(files: list[Path]) -> tuple[set[str], list[re.Pattern]]:
    """All string literals in the code, and the f-string keys passed to t() as regexes.

    t(f"cross_entropy.check_{o}") becomes ``cross_entropy\\.check_(\\w+)``: a key matches it when
    the part in braces is itself a string literal somewhere in the code (an option, a reason
    returned by urlspec, a lesson's url_path).
    """
    strings: set[str] = set()
    templates: list[re.Pattern] = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.JoinedStr)
            ):
                parts = [
                    re.escape(part.value) if isinstance(part, ast.Constant) else r"(\w+)"
                    for part in node.args[0].values
                ]
                templates.append(re.compile("".join(parts)))
    return strings, templates


def unused_keys(keys, files: list[Path]) -> list[str]:
    strings, templates = scan_code(files)

    def used(key: str) -> bool:
        if key in strings:  # t("autograd.title"), or a key kept in a table like LESSONS
            return True
        if key.split(".", 1)[0] not in DYNAMIC_TABLES:
            return False
        return any(
            (match := template.fullmatch(key)) and all(g in strings for g in match.groups())
            for template in templates
        )

    return [key for key in keys if not used(key)]


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_there_is_an_english_catalog():
    assert i18n.LOCALES_DIR / "en" in LOCALES
    assert ENGLISH


def test_languages_and_catalog_files_agree():
    assert {path.stem for path in LOCALES} == set(i18n.LANGUAGES)


@pytest.mark.parametrize("path", LOCALES, ids=lambda p: p.stem)
def test_every_catalog_has_exactly_the_english_keys(path):
    catalog = i18n.catalog(path.stem)
    assert sorted(set(ENGLISH) - set(catalog)) == [], "missing"
    assert sorted(set(catalog) - set(ENGLISH)) == [], "not in English"


@pytest.mark.parametrize("path", LOCALES, ids=lambda p: p.stem)
def test_every_value_is_a_non_empty_string(path):
    flat = {}
    for part in i18n.catalog_files(path.stem):
        with part.open("rb") as f:
            flat.update(i18n._flatten(tomllib.load(f)))
    assert flat == i18n.catalog(path.stem)
    bad = [key for key, value in flat.items() if not isinstance(value, str) or not value.strip()]
    assert bad == []


def test_every_table_is_a_known_part_of_the_app():
    assert {key.split(".", 1)[0] for key in ENGLISH} <= KNOWN_TABLES


def test_every_english_key_is_used_in_the_code():
    assert unused_keys(ENGLISH, code_files()) == []


def test_unused_key_check_can_fail(tmp_path):
    """The check above reports keys the code never asks for, literal or built."""
    fake = [
        "autograd.zz_never_used",  # a lesson table, but no code builds this name
        "notice.zz_no_such_reason",  # notice.{reason}: only real reasons are string literals
        "cross_entropy.check_zz_sideways",  # check_{o}: "zz_sideways" is no option
        "zz_table.title",  # {lesson}.title: no lesson is called zz_table
    ]
    assert unused_keys([*fake, "autograd.title", "notice.out_of_range"], code_files()) == fake

    # And it finds a key once code uses it, literally or through a template.
    extra = tmp_path / "extra.py"
    extra.write_text(
        't("autograd.zz_never_used")\n'
        'reason = "zz_no_such_reason"\n'
        't(f"notice.{reason}")\n'
        'for o in ("zz_sideways",):\n'
        '    t(f"cross_entropy.check_{o}")\n'
    )
    assert unused_keys(fake, [*code_files(), extra]) == ["zz_table.title"]


@pytest.mark.parametrize("path", LOCALES, ids=lambda p: p.stem)
def test_translated_placeholders_are_the_english_ones(path):
    catalog = i18n.catalog(path.stem)
    wrong = {
        key: sorted(placeholders(text) - placeholders(ENGLISH[key]))
        for key, text in catalog.items()
        if key in ENGLISH and not placeholders(text) <= placeholders(ENGLISH[key])
    }
    assert wrong == {}


def test_placeholders_are_plain_names():
    """t() calls str.format(**values): only {name} fields work (no {0}, {x.y} or {x[0]})."""
    bad = {
        key: sorted(fields)
        for key, text in ENGLISH.items()
        if (fields := {f for f in placeholders(text) if not f.isidentifier()})
    }
    assert bad == {}


def test_literal_t_calls_pass_every_placeholder():
    """t("key", a=..., b=...) in the code passes exactly the fields the English text has."""
    problems = []
    for path in code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                continue
            key = node.args[0].value
            if key not in ENGLISH:
                problems.append((path.name, node.lineno, key, "no such key"))
                continue
            if any(kw.arg is None for kw in node.keywords):  # t(key, **values): cannot tell
                continue
            given = {kw.arg for kw in node.keywords}
            needed = placeholders(ENGLISH[key])
            if given and given != needed:
                problems.append((path.name, node.lineno, key, sorted(given ^ needed)))
            if not given and needed:
                problems.append((path.name, node.lineno, key, sorted(needed)))
    assert problems == []


def test_t_formats_english_outside_streamlit():
    # Hand-built from the catalog text: "dy/dw = x" has no fields; check_right has {explanation}.
    assert i18n.t("autograd.help_grad_w") == ENGLISH["autograd.help_grad_w"]
    assert i18n.t("panel.check_right", explanation="Yes.") == ENGLISH["panel.check_right"].replace(
        "{explanation}", "Yes."
    )


def test_chinese_lesson_names_follow_one_convention():
    # The Chinese name first; a PyTorch name, where the lesson is about one, after it in
    # full-width brackets: 随机失活（Dropout）, not "Dropout" next to 嵌入（Embedding）.
    zh = {}
    for lesson in LESSONS:
        path = ROOT / "lib" / "lessons" / lesson.path / "zh.toml"
        zh[lesson.path] = tomllib.loads(path.read_text(encoding="utf-8"))[lesson.path]["nav"]
    for path, name in zh.items():
        assert re.match(r"[\u4e00-\u9fff]", name), (path, name)
        assert "(" not in name and ")" not in name, (path, name)  # full-width brackets only
