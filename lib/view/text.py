"""Safe text for Streamlit's Markdown-rendering elements."""

import re

# ":" and "@" too: no autolinks (http://2130706433, a@b) and no :color[...] / :material/...: codes.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$&:@])")


def md_escape(text: str) -> str:
    """Escape ``text`` so Markdown shows it literally (no links, HTML, images or formatting).

    Streamlit's frontend turns ``:material/name:`` into an icon before it parses the Markdown,
    backslash or not (seen in Chromium): a zero-width space after each colon breaks that."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace(":", ":\u200b")
