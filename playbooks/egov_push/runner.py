"""Run the enforcement playbooks through ansible-runner: a preview (check mode + diff) or an apply.

Returns what a push records: per host ok/changed/failed/unreachable with the failed tasks' messages, the diff of
every task that reported one, and the whole log; on the way, ansible-runner's events go to a callback (e.g.
HostProgress: each host as it finishes). Secrets handed in (the NetBox token, any other) are replaced by
``********`` in all of it: Ansible prints only what modules return, and the role's tasks never return
credentials, but a token can still appear in an error message of a lookup.
"""

import difflib
import os
import shlex
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import ansible_runner

# The Ansible project ships inside this package (a wheel carries it): site.yml, the platforms' plays, ansible.cfg,
# roles/, lookup_plugins/ and the NetBox inventory.
PLAYBOOKS = Path(__file__).resolve().parent / "project"
NETBOX_INVENTORY = PLAYBOOKS / "inventory" / "netbox.yml"
MASK = "********"


@dataclass
class HostResult:
    """One host's outcome: its status, the messages of its failed tasks, its diffs (unified, per task)."""

    status: str  # ok, changed, failed, unreachable
    ok: int = 0
    changed: int = 0
    messages: list = field(default_factory=list)
    diffs: list = field(default_factory=list)  # [(task name, unified diff text)]


@dataclass
class PushResult:
    mode: str  # preview or apply
    rc: int
    hosts: dict  # host -> HostResult
    log: str

    @property
    def diff(self):
        """Every host's diffs as one text."""
        return "".join(f"--- {host}: {task}\n{text}" for host, result in sorted(self.hosts.items())
                       for task, text in result.diffs)


def run(mode, inventory, playbook="site.yml", limit=None, project_dir=PLAYBOOKS, envvars=None, secrets=(),
        extravars=None, on_event=None):
    """Run ``playbook`` on ``inventory`` (a path, or a list of paths merged in order) in ``mode`` "preview"
    (--check --diff) or "apply" (--diff).

    ``envvars`` go to ansible-playbook (e.g. NETBOX_API and NETBOX_TOKEN for the inventory and the data);
    ``secrets`` are masked in what comes back, with every value of ``envvars`` whose name says TOKEN, PASSWORD
    or SECRET. ``on_event(event)`` is called with each of ansible-runner's events as it happens (a dict with
    ``event`` and ``event_data``; secrets masked), e.g. a HostProgress."""
    if mode not in ("preview", "apply"):
        raise ValueError(f"mode must be preview or apply, not {mode!r}")
    cmdline = ["--diff", *(["--check"] if mode == "preview" else []), *(["--limit", limit] if limit else [])]
    environment = {**(envvars or {}), **ansible_environment(project_dir)}
    clean = cleaner([*secrets, *(value for name, value in (envvars or {}).items()
                                 if value and any(word in name.upper() for word in ("TOKEN", "PASSWORD", "SECRET")))])

    def event_handler(event):
        if on_event:
            on_event(scrubbed(event, clean))
        return True  # ansible-runner keeps the event (its stats and our host results read them)

    with tempfile.TemporaryDirectory(prefix="egov-push-") as private:
        # ansible-playbook's options go in cmdline, on every call: that is what ansible-runner passes on as is.
        done = ansible_runner.run(
            private_data_dir=private, project_dir=str(project_dir), playbook=playbook,
            inventory=[str(path) for path in inventory] if isinstance(inventory, list | tuple) else str(inventory),
            cmdline=shlex.join(cmdline), envvars=environment, extravars=extravars or {}, quiet=True,
            event_handler=event_handler,
        )
        # Read before the private folder goes: ansible-runner reads stats and events from its artifacts.
        hosts = host_results(done.stats or {}, list(done.events))
        log = done.stdout.read()
    return mask(PushResult(mode=mode, rc=done.rc, hosts=hosts, log=log), clean)


def ansible_environment(project_dir):
    """ansible-playbook from this venv, with the project folder's ansible.cfg (roles, lookup plugins)."""
    venv_bin = str(Path(sys.executable).parent)
    return {
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "ANSIBLE_CONFIG": str(Path(project_dir) / "ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",  # the log is recorded and shown as text
    }


def host_results(stats, events):
    """{host: HostResult} from ansible-runner's stats and events."""
    hosts = {}
    for host in set().union(*(stats.get(key, {}) for key in ("ok", "changed", "failures", "dark", "processed"))):
        status = ("unreachable" if host in stats.get("dark", {}) else "failed" if host in stats.get("failures", {})
                  else "changed" if stats.get("changed", {}).get(host) else "ok")
        hosts[host] = HostResult(status=status, ok=stats.get("ok", {}).get(host, 0),
                                 changed=stats.get("changed", {}).get(host, 0))
    for event in events:
        data = event.get("event_data", {})
        host, result = data.get("host"), data.get("res") or {}
        if host not in hosts:
            continue
        if event["event"] in ("runner_on_failed", "runner_on_unreachable") and not data.get("ignore_errors"):
            hosts[host].messages.append(f"{data.get('task', '')}: {result.get('msg', '')}".strip())
        if event["event"] == "runner_on_ok" and result.get("diff"):
            text = unified(result["diff"])
            if text:
                hosts[host].diffs.append((data.get("task", ""), text))
    return hosts


def unified(diff):
    """A module's diff (one before/after dict or a list of them) as unified diff text."""
    parts = diff if isinstance(diff, list) else [diff]
    text = []
    for part in parts:
        if "prepared" in part:
            text.append(part["prepared"])
            continue
        before, after = part.get("before", ""), part.get("after", "")
        if not isinstance(before, str) or not isinstance(after, str):
            continue
        text.extend(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                         part.get("before_header", "before"), part.get("after_header", "after")))
    return "".join(line if line.endswith("\n") else line + "\n" for line in text)


class HostProgress:
    """An ``on_event`` callback calling ``on_finished(host, status)`` once per host as it finishes: when a task
    fails on it (errors not ignored) or it is unreachable, since it runs no further task; otherwise when the play
    it ran in ends (the next play starts, or the run ends). ``on_task(name)`` when a task starts. Statuses are
    HostResult's."""

    def __init__(self, on_finished, on_task=None):
        self.on_finished, self.on_task = on_finished, on_task
        self.playing = {}  # host -> ok or changed so far, in the current play
        self.finished = set()

    def __call__(self, event):
        kind, data = event.get("event"), event.get("event_data", {})
        host = data.get("host")
        if kind in ("playbook_on_play_start", "playbook_on_stats"):
            for name, status in self.playing.items():
                self._finish(name, status)
            self.playing = {}
        elif kind == "playbook_on_task_start" and self.on_task:
            self.on_task(data.get("task", ""))
        elif not host or host in self.finished:
            return
        elif kind == "runner_on_unreachable" or (kind == "runner_on_failed" and not data.get("ignore_errors")):
            self.playing.pop(host, None)
            self._finish(host, "unreachable" if kind == "runner_on_unreachable" else "failed")
        elif kind.startswith("runner_on_"):
            changed = kind == "runner_on_ok" and (data.get("res") or {}).get("changed")
            self.playing[host] = "changed" if changed else self.playing.get(host, "ok")

    def _finish(self, host, status):
        if host not in self.finished:
            self.finished.add(host)
            self.on_finished(host, status)


def cleaner(secrets):
    """A function replacing every secret in a text by MASK."""
    secrets = [secret for secret in secrets if secret]

    def clean(text):
        for secret in secrets:
            text = text.replace(secret, MASK)
        return text

    return clean


def scrubbed(value, clean):
    """``value`` (an event: dicts, lists, texts) with ``clean`` applied to every text in it."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: scrubbed(item, clean) for key, item in value.items()}
    if isinstance(value, list):
        return [scrubbed(item, clean) for item in value]
    return value


def mask(result, clean):
    """The result with ``clean`` (a cleaner's) applied to the log, the messages and the diffs."""
    result.log = clean(result.log)
    for host in result.hosts.values():
        host.messages = [clean(message) for message in host.messages]
        host.diffs = [(task, clean(text)) for task, text in host.diffs]
    return result
