#!/usr/bin/env bash
# Refresh the Indonesian catalogue with the plugin's new strings, then compile it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$EGOV_ROOT/stack/netbox.sh" configure
cd "$EGOV_ROOT/plugin/netbox_egov"
netbox_cmd makemessages --locale id --no-obsolete --add-location file
msgfmt --check -o locale/id/LC_MESSAGES/django.mo locale/id/LC_MESSAGES/django.po
log "untranslated: $(msgattrib --untranslated --no-obsolete locale/id/LC_MESSAGES/django.po | grep -c '^msgid' || true)"
