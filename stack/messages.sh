#!/usr/bin/env bash
# Refresh the Indonesian catalogue with the plugin's new strings, then compile it together with core.po (NetBox
# core's strings in Indonesian, kept outside LC_MESSAGES so makemessages never drops them): one django.mo, the
# plugin's own translation first where both have a msgid.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$EGOV_ROOT/stack/netbox.sh" configure
cd "$EGOV_ROOT/plugin/netbox_egov"
netbox_cmd makemessages --locale id --no-obsolete --add-location file
msgcat --use-first locale/id/LC_MESSAGES/django.po locale/id/core.po \
    | msgfmt --check -o locale/id/LC_MESSAGES/django.mo -
log "untranslated: $(msgattrib --untranslated --no-obsolete locale/id/LC_MESSAGES/django.po | grep -c '^msgid' || true)"
log "core.po: $("$EGOV_VENV/bin/python" "$EGOV_ROOT/tools/core_catalogue.py" check || true)"
