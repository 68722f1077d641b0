"""What the command-line tools (``egov-collector``, ``egov-push``) show: a progress bar on stderr, drawn only on a
terminal, and a console for tables that, piped to a file or a log, is as wide as its rows rather than wrapped at
80 columns."""

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def progress_bar(quiet=False):
    """A rich Progress on stderr: description, bar, done/total, time; not drawn when ``quiet`` or stderr is no
    terminal (its console still prints)."""
    console = Console(stderr=True)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, disable=quiet or not console.is_terminal)


def table_console():
    """A console on stdout for tables."""
    return Console(width=None if sys.stdout.isatty() else 200)
