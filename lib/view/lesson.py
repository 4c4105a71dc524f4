"""The frame of every lesson page: one layout, the same for each lesson (DESIGN.md, the lesson
pattern), drawn so that a slider move redraws only what depends on it.

The full run draws what does not move: the title and lede, the notices, the headings and static
captions of every part, the rarely moved controls (``view.secondary``) and the notes box. It lays
out a slot (a container) for each live part, then runs the lesson's live fragment
(``view.live``), which draws the main controls in the left column and fills the slots: the picture
right of the controls (on the first screen), the check and the share panel under the controls, the
formula under the picture, the lesson's own sections, the code. A move reruns only the fragment;
Streamlit 1.67 replaces what a fragment wrote into a container made outside it (widgets included,
measured: no accumulation, the widgets belong to the fragment).

A lesson's view module (``lib/lessons/<path>/view.py``) provides:

- ``SECTIONS``: its own parts between the formula and the code, as ``Part``s (may be empty);
- optionally ``FORMULA_CAPTION``: the catalog key of a formula caption that never changes;
- optionally ``PICTURE_CAPTION``: catalog keys of what is said under the picture, never changing
  (or ``picture_caption(state)``, where the link decides, e.g. a teacher's lock);
- ``live(page)``: the fragment body; draws the main controls (into the current container, the
  left column), calls ``page.sync(values)``, fills ``page.picture`` and the slots (``with
  page.slot(name):``) and asks ``page.check(...)``;
- optionally ``prepare(state)``: cross-parameter rules on the URL values, before the notices;
- optionally ``setup(page)``: the controls that set up the lesson's structure (a shape, a data
  set, the layers), drawn in the full run above the main controls, so that a move of a main
  control does not redraw them (moving one reruns the page); returns their values, which
  ``live`` reads from ``page.secondary`` with the secondary controls';
- optionally ``secondary(page)``: rarely moved controls, drawn in the full run in an expander
  under the main controls (moving one reruns the page);
- optionally ``notes_extra(page)``: static additions to the notes box.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from lib.i18n import t
from lib.lessons.lesson import Lesson
from lib.view import panels
from lib.view.classroom import share_contents, share_expander
from lib.view.url_state import PageState


@dataclass(frozen=True)
class Part:
    """A live part of the page under the picture: a static heading (catalog key), an optional
    static caption under it (catalog key), and the slot the fragment fills. ``when``: a part
    that only some states have (e.g. a scrub chart a teacher's lock leaves out) is laid out
    only where ``when(state)`` holds; its slot is then missing from ``page.slots``.
    ``static``: a part that no main control changes is drawn by ``static(page)`` in the full run
    (its own widgets then rerun the page) and has no slot for the fragment.
    ``folded``: the part is an expander under its title, closed until the student opens it, and
    its slot exists only while it is open (``page.shows(name)``): a closed part costs a slider
    move nothing, an open one follows the sliders like the rest."""

    name: str
    title: str | None = None
    caption: str | None = None
    when: Callable[[PageState], bool] | None = None
    static: Callable[[Page], None] | None = None
    folded: bool = False


CODE = Part("code", "panel.code", "panel.code_help", folded=True)


@dataclass
class Page:
    """What a lesson's view draws into."""

    lesson: Lesson
    state: PageState
    picture: Any  # the main picture, right of the main controls
    slots: dict[str, Any] = field(default_factory=dict)  # a container per Part, by name
    secondary: dict[str, Any] = field(default_factory=dict)  # values of the secondary controls
    share: Any = None  # the share panel while it is open, else None

    def slot(self, name: str):
        return self.slots[name]

    def shows(self, name: str) -> bool:
        """Is part ``name`` on the page now (laid out for this state, and open if folded)?"""
        return name in self.slots

    def sync(self, values: dict[str, Any]) -> None:
        """The current values to the URL, and, while the share panel is open, the link to them
        in it. Call it (and ``check``) at the top level of ``live``: the check draws in the
        fragment's own column (a container made outside the fragment costs every move one
        more element, its wrapper)."""
        self.state.sync(values)
        if self.share is not None:
            with self.share:
                names = [p.name for p in self.state.spec.params]
                share_contents(self.lesson.path, names, self.state.link_params)

    def metrics(
        self, *metrics: panels.Metric, note: str | None = None, caption: str | None = None
    ) -> None:
        """A row of labelled numbers (one element, ``panels.metric_row``), with an optional
        ``note`` and ``caption`` (markdown, the app's own words) under it in the same element."""
        panels.metric_row(metrics, note, caption)

    def formula(self, latex: str, caption: str | None = None) -> None:
        """The formula with the current numbers, under the picture (in the picture's container:
        a container of its own would cost every move one more element, its wrapper). Call it
        after the picture is drawn."""
        with self.picture:
            st.latex(latex)
            if caption:
                st.caption(caption)

    def code(self, snippet: Callable[[], str]) -> None:
        """The "Reproduce this" snippet, built (``snippet()``) only while its part is open."""
        if self.shows("code"):
            self.slots["code"].code(snippet(), language="python")

    def answered(self, key: str, question: str) -> bool:
        """Has the student revealed check ``key`` for ``question``? Until then a number on the
        page that answers it shows ``panels.HIDDEN`` (ask first, then show)."""
        return panels.answered(key, question)

    def check(self, **question: Any) -> None:
        """Check yourself, asked under the controls, before the formula and the tables below
        give the answer away (``panels.check_yourself``'s arguments)."""
        panels.check_yourself(**question)


def view_of(lesson: Lesson):
    return importlib.import_module(f"lib.lessons.{lesson.path}.view")


def render(lesson: Lesson) -> None:
    """Draw ``lesson`` in the frame: everything static once, the live part as a fragment."""
    view = view_of(lesson)
    state = PageState(lesson.path, lesson.params)
    st.title(t(f"{lesson.path}.title"))
    st.markdown(t(f"{lesson.path}.lede"))
    if hasattr(view, "prepare"):
        view.prepare(state)
    state.show_notices()

    left, right = st.columns([1, 2.3], gap="medium")
    # The key gives the picture a stable class (st-key-lesson-picture) for the browser tests.
    page = Page(lesson, state, picture=right.container(key="lesson-picture"))
    if hasattr(view, "setup"):  # the lesson's structure: above the live controls, a full run
        with left:
            page.secondary.update(view.setup(page) or {})
    # Keyed: the class st-key-lesson-live tells the benchmarks where the main controls are.
    live_box = left.container(key="lesson-live")
    with left:
        page.share = share_expander(lesson.path)
    # Static: drawn once, under the picture (``picture_caption(state)`` where it depends on the
    # link, e.g. a teacher's lock).
    captions = list(getattr(view, "PICTURE_CAPTION", ()))
    if hasattr(view, "picture_caption"):
        captions = list(view.picture_caption(state))
    if hasattr(view, "FORMULA_CAPTION"):  # the formula is the picture container's last part
        captions.append(view.FORMULA_CAPTION)
    if captions:
        right.caption("  \n".join(t(key) for key in captions))
    if hasattr(view, "secondary"):
        with left.expander(t("frame.more_controls"), icon=":material/tune:"):
            page.secondary.update(view.secondary(page) or {})

    for part in (*view.SECTIONS, CODE):
        if part.when is not None and not part.when(state):
            continue
        if part.folded:
            key = f"{lesson.path}.open.{part.name}"
            box = st.expander(t(part.title), key=key, on_change="rerun")
            if box.open:
                if part.caption:
                    box.caption(t(part.caption))
                page.slots[part.name] = box.container()
            continue
        if part.title:
            st.subheader(t(part.title), divider="gray")
        if part.caption:
            st.caption(t(part.caption))
        if part.static is not None:
            part.static(page)
        else:
            page.slots[part.name] = st.container()
    notes_box = st.container()

    with live_box:
        st.fragment(view.live)(page)
    with notes_box:
        # Drawn last: its stable class (st-key-lesson-notes) tells browser tests the page is done.
        panels.notes_box(lesson.path)
        if hasattr(view, "notes_extra"):
            view.notes_extra(page)
