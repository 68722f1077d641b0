"""Why an SSH login failed, in words an operator acts on, for every SSH client of the collectors.

netmiko, NAPALM and PyEZ (ncclient) each wrap paramiko's and the socket's errors in their own, one or two levels
deep (NAPALM: ConnectionException from NetmikoTimeoutException from socket.timeout). ``classify`` walks the chain
of causes and names the first it recognises; the host, port, user and known_hosts file are named, a password or
passphrase never (none of these exceptions carries one).

Host keys are checked strictly everywhere (nft, reconcile): a key that is not the one in the known_hosts file is
refused ("host-key-changed"), a host not in it too ("host-key-unknown": check the key, then add it), never
trusted anew.
"""

import socket

import paramiko

DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts"
# What each library says, where it gives no type of its own to tell the case by.
UNKNOWN_HOST_WORDS = ("not found in known_hosts", "Unknown host key")
TIMEOUT_WORDS = ("banner", "No existing session")
AUTHENTICATION_TYPES = ("NetmikoAuthenticationException", "AuthenticationException", "ConnectAuthError")


def causes(error: BaseException) -> list[BaseException]:
    """The error and its causes, outermost first (``__cause__``, else ``__context__``)."""
    chain = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


def classify(error: BaseException, host: str, port: int, username: str, known_hosts=None,
             timeout: float = 10.0) -> tuple[str, str]:
    """(kind, reason) of a failed login to ``host:port``: kind is one of authentication, host-key-changed,
    host-key-unknown, timeout, unreachable."""
    where = f"{host}:{port}"
    known = str(known_hosts or DEFAULT_KNOWN_HOSTS)
    chain = causes(error)
    names = {type(e).__name__ for e in chain}
    text = " ".join(str(e) for e in chain)
    if names & set(AUTHENTICATION_TYPES):
        return "authentication", f"SSH login as {username} refused by {where} (wrong password or key)"
    if any(isinstance(e, paramiko.BadHostKeyException) for e in chain) or (
            any(word in text for word in UNKNOWN_HOST_WORDS) and listed(known_hosts, host, port)):
        return "host-key-changed", (f"the SSH host key of {where} is not the one in {known}: it changed "
                                    f"(reinstalled, or someone in between); check it before replacing it there")
    if any(word in text for word in UNKNOWN_HOST_WORDS):
        return "host-key-unknown", (f"{where} is not in {known}: check its host key, then add it "
                                    f"(ssh-keyscan -p {port} {host})")
    if any(refused(e) for e in chain):
        return "unreachable", f"{where} refused the connection (no sshd on that port?)"
    if any(isinstance(e, socket.timeout | TimeoutError) for e in chain) or any(w in text for w in TIMEOUT_WORDS):
        return "timeout", f"no SSH answer from {where} within {timeout:g} s"
    unreachable = next((e for e in chain if isinstance(e, OSError) and e.strerror), None)
    if unreachable is not None:
        return "unreachable", f"{where} cannot be reached: {unreachable.strerror}"
    if names & {"NetmikoTimeoutException", "ReadTimeout"}:
        return "timeout", f"no shell prompt from {where} within {timeout:g} s"
    return "unreachable", f"SSH to {where} failed: {type(chain[-1]).__name__}"


def refused(error: BaseException) -> bool:
    # paramiko reports a refused connection as NoValidConnectionsError: the error per address tried.
    if isinstance(error, paramiko.ssh_exception.NoValidConnectionsError):
        return all(isinstance(e, ConnectionRefusedError) for e in error.errors.values())
    return isinstance(error, ConnectionRefusedError)


def listed(known_hosts, host: str, port: int) -> bool:
    """Whether the known_hosts file has a key for the host (some libraries say "unknown" for a changed key)."""
    if known_hosts is None:
        return False
    try:
        keys = paramiko.HostKeys(str(known_hosts))
    except (OSError, paramiko.SSHException):
        return False
    return keys.lookup(host if port == 22 else f"[{host}]:{port}") is not None


def netmiko_host_key_options(known_hosts) -> dict:
    """netmiko's options for a strict host key check against ``known_hosts`` (None: ~/.ssh/known_hosts)."""
    options = {"ssh_strict": True}  # an unknown host key is refused, never added
    if known_hosts is None:
        options["system_host_keys"] = True
    else:
        options.update(alt_host_keys=True, alt_key_file=str(known_hosts))
    return options
