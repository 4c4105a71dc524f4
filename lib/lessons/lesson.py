"""What a lesson is to the app: one unit, registered once in ``lib.lessons.LESSONS``."""

from __future__ import annotations

from dataclasses import dataclass

from lib.urlspec import Spec


@dataclass(frozen=True)
class Lesson:
    # The URL path (``/dropout``), the prefix of its session keys, its folder under lib/lessons/
    # and its catalog table. Public: people share links, so never rename one.
    path: str
    section: str  # catalog key of the navigation section
    icon: str
    notes_ref: str  # where in the notes the topic comes from
    params: Spec  # its URL parameters, with their ranges and defaults

    @property
    def file(self) -> str:
        """The page entry under pages/ (Streamlit's URL map)."""
        return f"pages/{self.path}.py"
