"""mkdocs hook: show the Sphinx roles some docstrings use as plain code.

Docstrings are Google style and rendered by mkdocstrings, which does not know
reStructuredText roles: ``:class:`~shequkit.Dataset``` would otherwise appear
literally as ":class:~shequkit.Dataset". The role is dropped, and a leading
``~`` keeps only the last component of the dotted name, as Sphinx does. The
``::`` that introduces a literal block in reStructuredText becomes ``:``.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|func|meth|attr|mod|data|exc|obj|const):<code>(~?)([^<]*)</code>")
_LITERAL_BLOCK = re.compile(r"::</p>(\s*<pre>)")


def _plain(match: re.Match[str]) -> str:
    name = match.group(2).rsplit(".", 1)[-1] if match.group(1) else match.group(2)
    return f"<code>{name}</code>"


def on_page_content(html: str, **kwargs: Any) -> str:
    """Rewrite ``:role:<code>target</code>`` in the rendered page."""
    return _LITERAL_BLOCK.sub(r":</p>\1", _ROLE.sub(_plain, html))
