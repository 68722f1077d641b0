"""A stand-in for a MikroTik RouterOS router's API, and what the vendor tests read from a run's events.

No RouterOS can run here (no CHR image, no KVM), so the RouterOS tests talk to this: a small server speaking
the RouterOS API's wire protocol (words with length prefixes, sentences ending in an empty word, `/login`,
`/<path>/print|add|set|remove` with `.id`, `!re`/`!done`/`!trap` replies) over an in-memory configuration. It
models what the role depends on and real RouterOS does: rates and priorities stored in the form RouterOS prints
them (`limit-at=5M/10M` comes back as `5000000/10000000`, `priority=3` as `3/3`), queue targets normalised to
networks, unique queue names, booleans printed as true/false, `.id`s of the `*N` form, unknown fields and ids
refused with `!trap`. It records every command it received, so a test can tell a check-mode run that only
read from one that wrote.

What it does not model: anything RouterOS does beyond storing these two paths (no traffic is shaped, no DNS
answered), field sets and messages beyond those listed here, queue ordering and `move`, API over TLS.
"""

import ipaddress
import socket
import threading
from dataclasses import dataclass, field

from egov_push import runner

VERSION = "7.16.2 (stable)"
RATE_UNITS = {"": 1, "k": 1000, "M": 1000 ** 2, "G": 1000 ** 3}
BOOLEANS = {"yes": "true", "true": "true", "no": "false", "false": "false"}


class Trap(Exception):
    """A command RouterOS refuses: answered with !trap and its message."""


def _rate(value):
    """'5M' -> '5000000': RouterOS keeps rates in bits per second and prints them so."""
    unit = value[-1] if value and value[-1] in RATE_UNITS else ""
    number = value[: len(value) - len(unit)]
    if not number.isdigit():
        raise Trap(f"invalid value for argument rate: {value}")
    return str(int(number) * RATE_UNITS[unit])


def _pair(normalise):
    """A queue's upload/download value: 'a/b', or one value for both directions."""
    def convert(value):
        parts = value.split("/")
        if len(parts) > 2:
            raise Trap(f"invalid value: {value}")
        return "/".join(normalise(part) for part in (parts * 2)[:2])
    return convert


def _priority(value):
    if not value.isdigit() or not 1 <= int(value) <= 8:
        raise Trap(f"value of priority out of range (1..8): {value}")
    return value


def _targets(value):
    """RouterOS stores a queue target as networks: '10.1.0.5' is printed '10.1.0.5/32'."""
    try:
        return ",".join(str(ipaddress.ip_network(part, strict=False)) for part in value.split(",") if part)
    except ValueError as error:
        raise Trap(f"invalid value for argument target: {value}") from error


def _boolean(value):
    if value not in BOOLEANS:
        raise Trap(f"invalid value for argument: {value}")
    return BOOLEANS[value]


def _text(value):
    return value


@dataclass(frozen=True)
class Table:
    """One configuration path: its fields (with how values are stored), defaults printed on every entry."""

    fields: dict
    defaults: dict
    required: tuple = ()
    unique: str | None = None


QUEUE_SIMPLE = Table(
    fields={
        "name": _text, "target": _targets, "parent": _text, "comment": _text, "disabled": _boolean,
        "limit-at": _pair(_rate), "max-limit": _pair(_rate), "priority": _pair(_priority),
        "burst-limit": _pair(_rate), "burst-threshold": _pair(_rate), "burst-time": _text,
        "bucket-size": _text, "queue": _text, "packet-marks": _text, "dst": _text, "time": _text,
    },
    defaults={
        "parent": "none", "packet-marks": "", "priority": "8/8", "queue": "default-small/default-small",
        "limit-at": "0/0", "max-limit": "0/0", "burst-limit": "0/0", "burst-threshold": "0/0",
        "burst-time": "0s/0s", "bucket-size": "0.1/0.1", "invalid": "false", "dynamic": "false",
        "disabled": "false",
    },
    required=("target",),
    unique="name",
)
DNS_STATIC = Table(
    fields={
        "name": _text, "regexp": _text, "type": _text, "address": _text, "cname": _text, "text": _text,
        "ttl": _text, "comment": _text, "disabled": _boolean, "match-subdomain": _boolean,
        "forward-to": _text, "address-list": _text,
    },
    defaults={"ttl": "1d", "match-subdomain": "false", "dynamic": "false", "disabled": "false"},
)
TABLES = {"/queue/simple": QUEUE_SIMPLE, "/ip/dns/static": DNS_STATIC}


@dataclass
class RouterConfig:
    """The router's configuration: entries per path in order, each a dict of printed values with its `.id`."""

    entries: dict = field(default_factory=lambda: {path: [] for path in TABLES})
    next_id: int = 1
    lock: threading.Lock = field(default_factory=threading.Lock)

    def print(self, path):
        with self.lock:
            return [dict(entry) for entry in self.entries[path]]

    def add(self, path, values):
        table = TABLES[path]
        stored = self._converted(table, values)
        missing = [name for name in table.required if name not in stored]
        if missing:
            raise Trap(f"failure: {missing[0]} not specified")
        if path == "/ip/dns/static" and "name" not in stored and "regexp" not in stored:
            raise Trap("failure: name or regexp must be specified")
        with self.lock:
            self._check_unique(table, path, stored, None)
            entry = {".id": f"*{self.next_id:X}", **table.defaults, **stored}
            self.next_id += 1
            self.entries[path].append(entry)
            return entry[".id"]

    def set(self, path, entry_id, values):
        table = TABLES[path]
        stored = self._converted(table, values)
        with self.lock:
            entry = self._entry(path, entry_id)
            self._check_unique(table, path, stored, entry_id)
            entry.update(stored)

    def remove(self, path, entry_ids):
        with self.lock:
            for entry_id in entry_ids:  # all or nothing, like RouterOS
                self._entry(path, entry_id)
            self.entries[path] = [e for e in self.entries[path] if e[".id"] not in entry_ids]

    def _entry(self, path, entry_id):
        for entry in self.entries[path]:
            if entry[".id"] == entry_id:
                return entry
        raise Trap("no such item")

    @staticmethod
    def _converted(table, values):
        unknown = [name for name in values if name not in table.fields]
        if unknown:
            raise Trap(f"unknown parameter {unknown[0]}")
        return {name: table.fields[name](value) for name, value in values.items()}

    def _check_unique(self, table, path, stored, own_id):
        if table.unique and table.unique in stored:
            for entry in self.entries[path]:
                if entry[".id"] != own_id and entry.get(table.unique) == stored[table.unique]:
                    raise Trap("failure: already have such name")


class RouterOSStandIn:
    """The API server: one thread accepting, one per connection; `commands` records (command, attributes)."""

    def __init__(self, username, password):
        self.username, self.password = username, password
        self.config = RouterConfig()
        self.commands = []
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._socket.close()
        self._thread.join(timeout=5)

    def writes(self):
        """The commands that changed (or tried to change) the configuration."""
        return [(command, words) for command, words in self.commands if command.rsplit("/", 1)[-1] in
                ("add", "set", "remove")]

    def _accept(self):
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:  # closed by __exit__
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection):
        with connection:
            stream = connection.makefile("rwb")
            logged_in = False
            try:
                while sentence := read_sentence(stream):
                    command, attributes = sentence[0], dict(_attribute(word) for word in sentence[1:])
                    if command == "/login":
                        logged_in = self._login(stream, attributes)
                    elif not logged_in:
                        write_sentences(stream, [("!fatal", "not logged in")])
                        return
                    else:
                        self.commands.append((command, attributes))
                        self._answer(stream, command, attributes)
            except (ConnectionError, EOFError):
                return

    def _login(self, stream, attributes):
        if attributes.get("name") == self.username and attributes.get("password") == self.password:
            write_sentences(stream, [("!done",)])
            return True
        write_sentences(stream, [("!trap", "=message=invalid user name or password (6)"), ("!done",)])
        return False

    def _answer(self, stream, command, attributes):
        """The reply sentences, sent in one write (as RouterOS does): `!re` per row, then `!done` carrying
        what an add returns (`=ret=<.id>`), or `!trap` and `!done` for a refusal."""
        path, _, verb = command.rpartition("/")
        try:
            rows, done = self._run(path, verb, attributes)
            sentences = [("!re", *_words(row)) for row in rows] + [("!done", *_words(done))]
        except Trap as trap:
            sentences = [("!trap", f"=message={trap}"), ("!done",)]
        write_sentences(stream, sentences)

    def _run(self, path, verb, attributes):
        """(rows, attributes of !done) for one command."""
        if path == "/system/resource" and verb == "print":
            return [{"version": VERSION, "board-name": "CHR", "architecture-name": "x86_64"}], {}
        if path not in TABLES:
            raise Trap("no such command prefix")
        attributes = {key: value for key, value in attributes.items() if not key.startswith(".proplist")}
        if verb == "print":
            return self.config.print(path), {}
        if verb == "add":
            return [], {"ret": self.config.add(path, attributes)}
        if verb in ("set", "remove"):
            ids = attributes.pop(".id", None)
            if ids is None:
                raise Trap("no such item")
            if verb == "set":
                self.config.set(path, ids, attributes)
            else:
                self.config.remove(path, ids.split(","))
            return [], {}
        raise Trap("no such command")


def _words(row):
    return [f"={key}={value}" for key, value in row.items()]


def _attribute(word):
    """'=key=value' -> (key, value); the value may itself hold '='."""
    if not word.startswith("="):
        return word, ""
    key, _, value = word[1:].partition("=")
    return key, value


def read_sentence(stream):
    """The words of one sentence (an empty list at the end of the stream)."""
    words = []
    while True:
        length = _read_length(stream)
        if not length:  # end of sentence, or of the stream
            return words
        words.append(_read_exactly(stream, length).decode())


LENGTH_FORMS = ((0x80, 0, 0), (0xC0, 1, 0x8000), (0xE0, 2, 0xC00000), (0xF0, 3, 0xE0000000))


def _read_length(stream):
    """A word's length: its first byte says how many more bytes follow and which marker bits to drop."""
    first = stream.read(1)
    if not first:
        return None
    for below, extra, marker in LENGTH_FORMS:
        if first[0] < below:
            return int.from_bytes(first + _read_exactly(stream, extra), "big") ^ marker
    raise ConnectionError(f"bad length byte {first[0]:#x}")


def _read_exactly(stream, count):
    data = stream.read(count) if count else b""
    if len(data) != count:
        raise EOFError
    return data


def write_sentences(stream, sentences):
    stream.write(b"".join(_sentence(words) for words in sentences))
    stream.flush()


def _sentence(words):
    return b"".join(_length(len(encoded)) + encoded for encoded in (word.encode() for word in words)) + b"\x00"


def _length(length):
    for limit, size, marker in ((0x80, 1, 0), (0x4000, 2, 0x8000), (0x200000, 3, 0xC00000),
                                (0x10000000, 4, 0xE0000000)):
        if length < limit:
            return (length | marker).to_bytes(size, "big")
    raise ValueError("word too long")


def run_keeping_events(playbook, inventory, check, **options):
    """egov_push.runner.run of ``playbook`` (a preview when ``check``; ``options`` are run's), its events kept:
    (PushResult, events)."""
    events = []
    result = runner.run("preview" if check else "apply", inventory, playbook=playbook, on_event=events.append,
                        **options)
    return result, events


def task_results(events, host):
    """{task name: result} of the host's finished tasks (ok, changed, failed or skipped), from a run's events (what
    egov_push.runner.run hands its ``on_event``)."""
    results = {}
    for event in events:
        data = event.get("event_data", {})
        if event["event"] in ("runner_on_ok", "runner_on_failed", "runner_on_skipped") and data.get("host") == host:
            results[data["task"]] = {**data.get("res", {}), "_event": event["event"]}
    return results


def changed_tasks(events, host):
    return sorted(name for name, result in task_results(events, host).items() if result.get("changed"))
