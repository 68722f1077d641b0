"""Maintain the plugin's Indonesian catalogue of NetBox core strings (plugin/netbox_egov/locale/id/core.po).

NetBox ships no Indonesian. The plugin's django.po holds only its own strings (`makemessages` rewrites it from the
plugin's sources and would drop anything else), so core's translations live in core.po, which `stack/messages.sh`
joins to django.po when it compiles django.mo (msgcat --use-first: the plugin's wording wins where both translate
the same msgid).

    python tools/core_catalogue.py add TRANSLATIONS.tsv  # lines "English<TAB>Indonesian[<TAB>context]"; \\n: newline
    python tools/core_catalogue.py check                 # every entry still a core msgid, none left empty

`add` takes the msgid's context, plural and format flags from NetBox's own catalogue (the German one lists every
core msgid), so a translator writes only the two texts; without a context column every context of the msgid gets
the translation. The context column "runtime" adds a msgid NetBox's catalogue lacks because NetBox builds it while
it runs (an object panel's label made from a field name: "Physical address"); `check` accepts those.
The list of strings to translate comes from plugin/tests/test_core_indonesian.py (run with -s).
"""

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import netbox

ROOT = Path(__file__).resolve().parent.parent
CORE_PO = ROOT / "plugin" / "netbox_egov" / "locale" / "id" / "core.po"
NETBOX_PO = Path(netbox.__file__).parent / "_data" / "translations" / "de" / "LC_MESSAGES" / "django.po"
HEADER = """\
# Indonesian translation of the NetBox core strings egov-netops users read (NetBox ships no Indonesian).
# Add with tools/core_catalogue.py; stack/messages.sh joins it to django.po when it compiles django.mo."""
KEPT_FLAGS = {"python-format", "python-brace-format"}
RUNTIME = "runtime"
RUNTIME_COMMENT = "NetBox builds this msgid while it runs; its catalogue lacks it"


def read(path):
    with Path(path).open("rb") as po:
        return read_po(po)


def core_catalogue():
    if CORE_PO.exists():
        return read(CORE_PO)
    return Catalog(locale="id", project="egov-netops", version="0.1.0", charset="utf-8", fuzzy=False,
                   header_comment=HEADER, language_team="Indonesian", last_translator="Dinas Kominfo Kabupaten Klaten")


def netbox_entries():
    """{singular msgid: [NetBox's messages with it, one per context]}."""
    entries = {}
    for message in read(NETBOX_PO):
        if message.id:
            singular = message.id[0] if isinstance(message.id, tuple) else message.id
            entries.setdefault(singular, []).append(message)
    return entries


def parse_tsv(path):
    """(english, indonesian, context or None) per line; a line without a tab is bad input and named."""
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) not in (2, 3) or not parts[1]:
            raise SystemExit(f"{path}:{number}: expected 'English<TAB>Indonesian[<TAB>context]', got {line!r}")
        english, indonesian = (part.replace("\\n", "\n") for part in parts[:2])  # a msgid may span lines
        yield english, indonesian, (parts[2] if len(parts) == 3 else None)


def add(tsv):
    catalog, entries, missing = core_catalogue(), netbox_entries(), []
    for english, indonesian, context in parse_tsv(tsv):
        if context == RUNTIME:
            catalog.add(english, indonesian, auto_comments=[RUNTIME_COMMENT])
            continue
        sources = [m for m in entries.get(english, []) if context is None or m.context == context]
        if not sources:
            missing.append(english)
            continue
        for source in sources:
            string = (indonesian,) if isinstance(source.id, tuple) else indonesian  # Indonesian: one plural form
            catalog.add(source.id, string, context=source.context, flags=source.flags & KEPT_FLAGS)
    with CORE_PO.open("wb") as po:
        write_po(po, catalog, width=120, sort_output=True, omit_header=False)
    for english in missing:
        print(f"not a NetBox core msgid, skipped: {english!r}", file=sys.stderr)
    print(f"{CORE_PO}: {len(catalog)} entries")


def check():
    """Problems: entries NetBox no longer has (after an upgrade) and entries without a translation."""
    known = {(m.id, m.context) for messages in netbox_entries().values() for m in messages}
    problems = [f"not in NetBox any more: {m.id!r} ({m.context})" for m in core_catalogue()
                if m.id and (m.id, m.context) not in known and RUNTIME_COMMENT not in m.auto_comments]
    problems += [f"untranslated: {m.id!r}" for m in core_catalogue() if m.id and not any(
        m.string if isinstance(m.string, tuple) else (m.string,))]
    print("\n".join(problems) or f"{CORE_PO}: fine")
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("add").add_argument("tsv")
    commands.add_parser("check")
    arguments = parser.parse_args()
    return add(arguments.tsv) if arguments.command == "add" else check()


if __name__ == "__main__":
    sys.exit(main())
