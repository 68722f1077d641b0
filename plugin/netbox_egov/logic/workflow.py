"""The Dinas recommendation workflow (Pasal 11(2)): which transition is allowed from which state.

draft -> submitted -> approved | rejected; approved -> expired once its
validity date has passed. Who may make a transition is a permission question
the plugin answers (change for submit, the custom `approve` action for
approve and reject); this module only knows the states.
"""

from datetime import date

TRANSITIONS = {
    "submit": ("draft", "submitted"),
    "approve": ("submitted", "approved"),
    "reject": ("submitted", "rejected"),
}


class TransitionRefused(Exception):
    """A transition that the current state does not allow; the message says why."""


def next_status(current, transition):
    source, target = TRANSITIONS[transition]
    if current != source:
        raise TransitionRefused(f"cannot {transition} a recommendation that is {current}; it must be {source}")
    return target


def effective_status(status, valid_until, today=None):
    """The status as of today: an approval past its validity date has expired."""
    today = today or date.today()
    if status == "approved" and valid_until is not None and valid_until < today:
        return "expired"
    return status
