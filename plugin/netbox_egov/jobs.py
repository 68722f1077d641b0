"""Background jobs of the plugin (NetBox JobRunner on RQ)."""

import uuid

from django.db import transaction

from netbox.context_managers import event_tracking
from netbox.jobs import JobRunner
from utilities.request import NetBoxFakeRequest

from . import cable_labels


class FixCableLabelsJob(JobRunner):
    """Write the scheme's label on cables whose label is missing or wrong.

    Each cable is saved through the model, so the change log records every
    label written; the whole batch is one transaction (all or nothing). The
    cables are looked up among those the requesting user may change.
    """

    class Meta:
        name = "Fix cable labels"

    def run(self, cable_ids, *args, **kwargs):
        cables = cable_labels.visible_cables(self.job.user, "change").filter(pk__in=cable_ids)
        fixes = cable_labels.planned_fixes(cables)
        with event_tracking(_stand_in_request(self.job.user)), transaction.atomic():
            for fix in fixes:
                fix.cable.snapshot()
                fix.cable.label = fix.expected
                fix.cable.full_clean()
                fix.cable.save()
        self.job.data = {"fixed": [{"cable": fix.cable.pk, "label": fix.expected} for fix in fixes]}
        self.logger.info(f"{len(fixes)} cable labels written")


def _stand_in_request(user):
    """Jobs run without a request; NetBox's change log needs one to record who changed what."""
    return NetBoxFakeRequest({
        "META": {}, "COOKIES": {}, "POST": {}, "GET": {}, "FILES": {}, "user": user, "method": "POST",
        "path": "", "path_info": "", "id": uuid.uuid4(),
    })

