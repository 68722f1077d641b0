"""What the linux_gateway modules share: running a command or failing with what it said, a scratch network
namespace to validate a configuration in, atomic file writes.

A candidate configuration is tried in a throwaway network namespace (``unshare --net``) before it touches the
gateway: the kernel itself parses it there, and what the kernel then lists is the canonical form to compare
with what the gateway has installed (idempotence) and to show as the diff (check mode).
"""

import os
import tempfile


class CommandFailed(Exception):
    """A command exited non-zero; the message names it and carries its stderr."""


def run(module, args, data=None):
    """stdout of ``args``; CommandFailed with the command and its stderr when it exits non-zero."""
    rc, out, err = module.run_command(args, data=data, binary_data=data is None)
    if rc:
        raise CommandFailed(f"{' '.join(args)} exited {rc}: {(err or out).strip()}")
    return out


def in_scratch_namespace(module, script, *arguments):
    """stdout of the shell ``script`` (with ``arguments`` as $1...) in a new, empty network namespace that
    disappears with it; CommandFailed with the script's stderr when it fails."""
    return run(module, ["unshare", "--net", "sh", "-ec", script, "egov-scratch", *arguments])


def atomic_write(path, text, mode=0o600):
    """Replace ``path`` with ``text`` in one rename: a reader sees the old file or the new one, never half."""
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".egov-")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def read_or_none(path):
    """The file's text, or None when it does not exist."""
    try:
        with open(path) as stream:
            return stream.read()
    except FileNotFoundError:
        return None


def temporary_file(text):
    """Path of a new private file holding ``text``; the caller removes it."""
    handle, path = tempfile.mkstemp(prefix="egov-")
    with os.fdopen(handle, "w") as stream:
        stream.write(text)
    return path
