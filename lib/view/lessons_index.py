"""The lessons in the order of the notes: one list for the navigation and the home page's map.

URL paths are public (people share links): never rename one.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LessonPage:
    url_path: str  # also the lesson's catalog table and its file names
    section: str  # catalog key of the navigation section
    icon: str
    notes_ref: str  # where in the notes the topic comes from

    @property
    def file(self) -> str:
        return f"pages/{self.url_path}.py"


LESSONS = (
    LessonPage("autograd", "nav.basics", ":material/account_tree:", "§1"),
    LessonPage("tensors", "nav.basics", ":material/view_module:", "§2 · §4"),
    LessonPage("activations", "nav.basics", ":material/show_chart:", "§3"),
    LessonPage("sgd", "nav.basics", ":material/trending_down:", "§4"),
    LessonPage("linear", "nav.nn", ":material/linear_scale:", "§5.1"),
    LessonPage("dropout", "nav.nn", ":material/grid_on:", "§5.2"),
    LessonPage("embedding", "nav.nn", ":material/table_rows:", "§5.4"),
    LessonPage("sequential", "nav.nn", ":material/stacks:", "§5.5"),
    LessonPage("cross_entropy", "nav.nn", ":material/bar_chart:", "§5.6"),
    LessonPage("rnn", "nav.nn", ":material/repeat:", "§5.7"),
)
