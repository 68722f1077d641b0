"""Why a device could not be polled. Messages name the reason and the address, never a secret.

``poll_device`` puts the device's name in front and returns the message in ``DevicePoll.error``; these exceptions
never leave the package.
"""


class SnmpError(Exception):
    """A problem of the device or the path to it (not of this program)."""


class NoAnswer(SnmpError):
    """Nothing came back within the timeout, after every retry."""


class AuthenticationFailed(SnmpError):
    """The agent refused the SNMPv3 user or its keys (a Report PDU)."""


class MalformedAnswer(SnmpError):
    """What came back is not a well-formed SNMP answer to the request."""


class AgentError(SnmpError):
    """The agent answered with a non-zero error-status (RFC 3416)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class BadCredential(SnmpError):
    """The credential profile cannot be used for this target (a field is missing or has an unknown value)."""


# RFC 3416 error-status names, for messages.
ERROR_STATUS_NAMES = {
    1: "tooBig",
    2: "noSuchName",
    3: "badValue",
    4: "readOnly",
    5: "genErr",
    6: "noAccess",
    7: "wrongType",
    8: "wrongLength",
    9: "wrongEncoding",
    10: "wrongValue",
    11: "noCreation",
    12: "inconsistentValue",
    13: "resourceUnavailable",
    14: "commitFailed",
    15: "undoFailed",
    16: "authorizationError",
    17: "notWritable",
    18: "inconsistentName",
}
TOO_BIG = 1


def agent_error(status: int, index: int, request: str) -> AgentError:
    """The AgentError for an error-status in the answer to ``request`` (e.g. "GETBULK")."""
    name = ERROR_STATUS_NAMES.get(status, f"error-status {status}")
    return AgentError(f"the agent answered {name} (index {index}) to {request}", status)
