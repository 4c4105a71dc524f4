"""The lessons in the order of the notes: one list for the navigation and the home page's map.

URL paths are public (people share links): never rename one.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LessonPage:
    url_path: str  # also the lesson's catalog prefix
    file: str
    section: str  # catalog key of the navigation section
    icon: str
    notes_ref: str  # where in the notes the topic comes from


LESSONS = (
    LessonPage("autograd", "pages/autograd.py", "nav.basics", ":material/account_tree:", "§1"),
    LessonPage("activations", "pages/activations.py", "nav.basics", ":material/show_chart:", "§3"),
    LessonPage("dropout", "pages/dropout.py", "nav.nn", ":material/grid_on:", "§5.2"),
    LessonPage("cross_entropy", "pages/cross_entropy.py", "nav.nn", ":material/bar_chart:", "§5.6"),
)
