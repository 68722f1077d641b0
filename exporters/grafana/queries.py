"""The PromQL of Grafana dashboards, made runnable against a real Prometheus.

Grafana itself cannot run in the tests, so the dashboards are proven by their queries: ``panel_queries`` walks a
dashboard's JSON (panels inside rows included) and returns every Prometheus target, ``variable_queries`` the
template variables' queries as PromQL, and ``instantiate`` replaces the template variables (``$agency``,
``${agency}``, ``$__rate_interval`` ...) with concrete values the way Grafana does before it sends a query.
``builtin_variables`` computes Grafana's own ``$__interval``, ``$__rate_interval`` and ``$__range`` for a time range,
and ``metric_names`` lists the metrics a query reads (to hold the dashboards to docs/metrics.md).
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple


class PanelQuery(NamedTuple):
    """One Prometheus target of a panel: where it is (dashboard and panel titles, refId) and its expression."""

    dashboard: str
    panel: str
    ref_id: str
    expr: str


class VariableQuery(NamedTuple):
    """A query template variable and the PromQL that lists its values (``label_values`` made a plain query)."""

    dashboard: str
    name: str
    query: str
    expr: str


def iter_panels(dashboard: dict) -> Iterator[dict]:
    """Every panel that shows data, in order: rows are left out, the panels inside a (collapsed) row are not."""
    for panel in dashboard.get("panels") or []:
        if panel.get("type") == "row":
            yield from iter_panels(panel)
        else:
            yield panel


def panel_queries(dashboard: dict) -> list[PanelQuery]:
    """Every PromQL target of the dashboard's panels; targets without ``expr`` (another data source's) are skipped."""
    title = dashboard.get("title", "")
    return [
        PanelQuery(title, panel.get("title", ""), target.get("refId", ""), target["expr"])
        for panel in iter_panels(dashboard)
        for target in panel.get("targets") or []
        if target.get("expr")
    ]


_LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(?:(?P<selector>.+)\s*,\s*)?(?P<label>[a-zA-Z_]\w*)\s*\)\s*$", re.S)
_QUERY_RESULT = re.compile(r"^\s*query_result\((?P<expr>.+)\)\s*$", re.S)


def variable_queries(dashboard: dict) -> list[VariableQuery]:
    """The dashboard's query variables, each with a PromQL query returning one series per value of the variable."""
    title = dashboard.get("title", "")
    found = []
    for variable in (dashboard.get("templating") or {}).get("list") or []:
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        # Grafana 10 saves the Prometheus variable query as an object; older dashboards as a plain string.
        text = query.get("query", "") if isinstance(query, dict) else query or ""
        found.append(VariableQuery(title, variable["name"], text, variable_expr(text, variable["name"])))
    return found


def variable_expr(query: str, name: str = "") -> str:
    """PromQL returning one series per value of a Grafana Prometheus variable query.

    ``label_values(metric, label)`` becomes ``group by (label) (metric)``, ``label_values(label)`` the same over
    every series having that label, ``query_result(expr)`` its expression. Any other form is an error naming the
    variable and its query.
    """
    if match := _LABEL_VALUES.match(query):
        label = match["label"]
        selector = match["selector"] or f'{{{label}!=""}}'
        return f"group by ({label}) ({selector})"
    if match := _QUERY_RESULT.match(query):
        return match["expr"].strip()
    raise ValueError(f"variable {name!r}: query {query!r} is neither label_values(...) nor query_result(...)")


def builtin_variables(*, range_seconds: int, interval_seconds: int, scrape_interval_seconds: int) -> dict[str, str]:
    """Grafana's built-in variables for a dashboard showing ``range_seconds`` at one point per ``interval_seconds``.

    ``$__rate_interval`` follows Grafana's rule: the larger of ``$__interval`` plus the scrape interval and four
    scrape intervals, so a rate always spans enough samples.
    """
    for field, value in (("range_seconds", range_seconds), ("interval_seconds", interval_seconds),
                         ("scrape_interval_seconds", scrape_interval_seconds)):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{field} must be a positive whole number of seconds, not {value!r}")
    rate_interval = max(interval_seconds + scrape_interval_seconds, 4 * scrape_interval_seconds)
    return {
        "__interval": f"{interval_seconds}s",
        "__interval_ms": str(interval_seconds * 1000),
        "__rate_interval": f"{rate_interval}s",
        "__range": f"{range_seconds}s",
        "__range_s": str(range_seconds),
        "__range_ms": str(range_seconds * 1000),
    }


# Grafana's three spellings of a variable: ${name} or ${name:format}, the deprecated [[name]] / [[name:format]],
# and $name (the longest word, so $__range_s is not $__range followed by "_s").
_VARIABLE = re.compile(r"\$\{(?P<braced>\w+)(?::(?P<format>\w+))?\}"
                       r"|\[\[(?P<old>\w+)(?::(?P<old_format>\w+))?\]\]"
                       r"|\$(?P<plain>\w+)")
_REGEX_SPECIAL = re.compile(r"[\\^$*+?.()|{}\[\]]")
# Characters Grafana would have to escape inside a PromQL string: no agency slug or interval has them.
_UNSAFE = re.compile(r"[\"'\\\n]")


def instantiate(expr: str, variables: Mapping[str, str | Sequence[str]]) -> str:
    """``expr`` with every template variable replaced by its value in ``variables`` (keyed without the ``$``).

    A string value is inserted as it is; a list of values (a multi-value variable) the way Grafana's Prometheus
    data source inserts it: each value regex-escaped, joined with ``|`` in parentheses. Formats ``:regex``,
    ``:pipe``, ``:csv`` and (for one value) ``:raw`` are honoured. ``$1``-style references (label_replace's regex
    groups) are left alone, as Grafana does. A variable without a value, an unknown format or a value that would
    need escaping inside a PromQL string is an error naming the variable.
    """

    def replace(match: re.Match) -> str:
        name = match["braced"] or match["old"] or match["plain"]
        if name.isdigit():
            return match[0]
        if name not in variables:
            raise ValueError(f"variable ${name} in {expr!r} has no value (known: {', '.join(sorted(variables))})")
        return _format(name, variables[name], match["format"] or match["old_format"])

    return _VARIABLE.sub(replace, expr)


def _format(name: str, value: str | Sequence[str], format_: str | None) -> str:
    values = [value] if isinstance(value, str) else list(value)
    if not values:
        raise ValueError(f"variable ${name} has an empty list of values")
    for item in values:
        if not isinstance(item, str) or _UNSAFE.search(item):
            raise ValueError(f"variable ${name}: value {item!r} must be a string without quotes, backslashes "
                             "or newlines")
    escaped = [_REGEX_SPECIAL.sub(lambda m: "\\\\" + m[0], item) for item in values]
    regex = escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"
    if format_ is None:
        return value if isinstance(value, str) else regex
    if format_ == "raw" and len(values) == 1:
        return values[0]
    formats = {"regex": regex, "pipe": "|".join(values), "csv": ",".join(values)}
    if format_ not in formats:
        raise ValueError(f"variable ${name}: format {format_!r} does not apply to {values!r} "
                         "(regex, pipe, csv; raw for a single value)")
    return formats[format_]


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"' r"|'(?:[^'\\]|\\.)*'" r"|`[^`]*`")
_MATCHERS = re.compile(r"\{[^{}]*\}")
_LABEL_LIST = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
# A name not preceded by a word character, a dot, a colon or a $: the "m" of 5m, the "e" of 1e3 and a template
# variable left in are not names.
_NAME = re.compile(r"(?<![\w.:$])[a-zA-Z_:][\w:]*")
_KEYWORDS = frozenset({
    "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right",
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
    "limitk", "limit_ratio", "inf", "nan", "start", "end", "atan2",
})


def metric_names(expr: str) -> set[str]:
    """The metric names an (instantiated) PromQL expression selects, without functions, keywords and labels.

    A small lexer, enough for the dashboards' queries: strings, label matchers and label lists are removed first,
    then a name followed by ``(`` is a function and the PromQL keywords are dropped; what is left selects series.
    """
    text = _STRING.sub('""', expr)
    text = _MATCHERS.sub("{}", text)
    text = _LABEL_LIST.sub(r"\1", text)
    names = set()
    for match in _NAME.finditer(text):
        name = match[0]
        if name.lower() in _KEYWORDS or text[match.end():].lstrip().startswith("("):
            continue
        names.add(name)
    return names
