"""Inter-node cable labels (Pasal 11(3)): render a scheme's template and judge an existing label.

Templates are written by admins in the NetBox UI, so they run in Jinja's
sandbox: no attribute access to internals, no imports, no file access.
"""

import re

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

DEFAULT_TEMPLATE = "{{ a.site }}-{{ a.device }}:{{ a.port }}/{{ b.device }}:{{ b.port }}"
DEFAULT_ALLOWED = r"A-Za-z0-9:/._-"

_environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


class LabelTemplateError(ValueError):
    """The template does not compile or render; the message says why."""


def check_template(template):
    """Raise LabelTemplateError when `template` does not compile."""
    try:
        _environment.from_string(template)
    except TemplateError as error:
        raise LabelTemplateError(str(error)) from error


def render_label(template, context):
    """The label for a cable whose ends are described by context {"a": {...}, "b": {...}}."""
    try:
        return _environment.from_string(template).render(**context).strip()
    except TemplateError as error:
        raise LabelTemplateError(str(error)) from error


def label_problems(label, max_length, allowed_characters):
    """Why `label` breaks the scheme's length or character rules (empty when it does not)."""
    problems = []
    if len(label) > max_length:
        problems.append(f"longer than {max_length} characters ({len(label)})")
    disallowed = sorted(set(re.sub(f"[{allowed_characters}]", "", label)))
    if disallowed:
        problems.append("characters not allowed: " + " ".join(repr(char) for char in disallowed))
    return problems


def judge(current, expected):
    """missing / correct / wrong: the existing label against the one the scheme gives."""
    if not current.strip():
        return "missing"
    return "correct" if current.strip() == expected else "wrong"
