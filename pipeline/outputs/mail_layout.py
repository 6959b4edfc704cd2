"""The HTML shell every email of the pipeline shares: one column a phone reads without zooming (pure).

At most 600 px wide, 16 px text, nothing wider than the screen: long words (an ID, a file name) break
instead of pushing the page sideways. Crew text is data: templates are rendered by Jinja2 with autoescape
on, as the pack is, so ``<b>`` in a description shows as text.
"""

from __future__ import annotations

from typing import Any

from jinja2 import DictLoader, Environment, StrictUndefined

# Inline styles: many mail programs drop <style> blocks. word-wrap is the older WebKit's name of overflow-wrap.
BODY = ("margin:0;padding:12px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.4;"
        "color:#222;max-width:600px;word-wrap:break-word;overflow-wrap:anywhere;-webkit-text-size-adjust:100%")
H2 = "font-size:19px;margin:0 0 12px 0"
H3 = "font-size:16px;margin:16px 0 4px 0"
P = "margin:0 0 8px 0"
UL = "padding-left:20px;margin:0"
LI = "margin:0 0 6px 0"
QUIET = "color:#555;font-size:14px"  # the company line above the heading, the footer
STYLES = {"body": BODY, "h2": H2, "h3": H3, "p": P, "ul": UL, "li": LI, "quiet": QUIET}

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="{{ style.body }}">
{% block body %}{% endblock %}
</body></html>
"""


def environment(templates: dict[str, str]) -> Environment:
    """A Jinja2 environment (autoescape on) with ``page.html`` (the shell) and ``style`` (the inline styles)."""
    env = Environment(loader=DictLoader({"page.html": PAGE, **templates}), autoescape=True,
                      undefined=StrictUndefined)
    env.globals["style"] = STYLES
    return env


def render(env: Environment, name: str, **context: Any) -> str:
    """One template of ``env`` filled in."""
    return env.get_template(name).render(**context)
