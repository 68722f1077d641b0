"""Credentials resolved by name at run time, from the environment or a root-only secrets file.

NetBox holds only a credential's name (the polling profile's ``credential``, docs/collectors.md); the SNMP
communities and keys and the SSH logins live on the collector's machine:

- the environment: ``EGOV_SNMP_<NAME>_COMMUNITY``, ``..._USER``, ``..._AUTH_PROTOCOL``, ``..._AUTH_KEY``,
  ``..._PRIV_PROTOCOL``, ``..._PRIV_KEY``; ``EGOV_SSH_<NAME>_USERNAME``, ``..._PASSWORD``, ``..._KEY_FILE``,
  ``..._PASSPHRASE``, ``..._ENABLE_SECRET`` (``<NAME>`` is the name in capitals, ``-`` written ``_``). A
  credential with any of its variables set is read from the environment only, so the file can never fill in half
  of it.
- a TOML file, ``/etc/egov/collector-secrets.toml`` or the file ``EGOV_COLLECTOR_SECRETS`` names, with a
  table per credential: ``[snmp.<name>]`` and ``[ssh.<name>]``. It must be readable and writable by its owner
  only (root or the collector's user): anything looser is refused before it is read.

No message of this module shows a secret: errors name the file, its mode, the credential and the field, and
a value only where it is no secret (a protocol name).
"""

import os
import re
import stat
import tomllib
from pathlib import Path

from .model import Credential, SSHCredential

DEFAULT_PATH = Path("/etc/egov/collector-secrets.toml")
PATH_VARIABLE = "EGOV_COLLECTOR_SECRETS"
# Letters, digits, "-" and "_": a bare TOML key and, in capitals, part of a variable name.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")

SNMP_FIELDS = ("community", "user", "auth_protocol", "auth_key", "priv_protocol", "priv_key")
SSH_FIELDS = ("username", "password", "key_file", "passphrase", "enable_secret")
FIELDS = {"snmp": SNMP_FIELDS, "ssh": SSH_FIELDS}
# Protocol names as pysnmp knows them; "SHA-256" and "sha256" are both read as "SHA256".
AUTH_PROTOCOLS = ("MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512")
PRIV_PROTOCOLS = ("DES", "AES", "AES192", "AES256")
PRIV_ALIASES = {"AES128": "AES"}
# RFC 3414 (section 11.2): a USM passphrase has at least 8 characters; net-snmp refuses shorter ones.
MIN_KEY_LENGTH = 8
# tomllib's messages may quote a character of the file (a secret's): only the position is shown.
TOML_POSITION = re.compile(r"\(at (line \d+, column \d+|end of document)\)")


class SecretsError(Exception):
    """A credential cannot be resolved. The message names the file, credential or field, never a secret."""


class CredentialNotFound(SecretsError):
    """No credential of that name, in the environment or the file."""


def check_name(name):
    """The name unchanged, or SecretsError when it cannot name a credential (e.g. a typo in NetBox)."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise SecretsError(f"credential name {name!r} is not valid: use letters, digits, '-' and '_' (at most 63)")
    return name


def variable_prefix(kind, name):
    """``EGOV_SNMP_GW_LINUX_`` for the SNMP credential ``gw-linux``."""
    return f"EGOV_{kind.upper()}_{name.upper().replace('-', '_')}_"


class SecretStore:
    """The credentials of one run: the environment over the secrets file. Load once per cycle, resolve by name."""

    def __init__(self, tables, environ, path):
        self._tables = tables  # {"snmp": {name: {field: value}}, "ssh": {...}}
        self._environ = environ
        self.path = path

    @classmethod
    def load(cls, path=None, environ=None):
        """Read the secrets file (``path``, else ``$EGOV_COLLECTOR_SECRETS``, else the default path).

        A file named explicitly must exist; the default one may be absent (the environment alone then)."""
        environ = os.environ if environ is None else environ
        named = path or environ.get(PATH_VARIABLE)
        path = Path(named or DEFAULT_PATH)
        return cls(read_secrets_file(path, required=bool(named)), environ, path)

    def __repr__(self):
        names = {kind: sorted(entries) for kind, entries in self._tables.items()}
        return f"SecretStore(path={str(self.path)!r}, names={names!r})"

    def snmp(self, name):
        """The SNMP credential ``name``: a v2c community or a v3 user with its keys."""
        fields, origin = self._fields("snmp", name)
        return snmp_credential(name, fields, origin)

    def ssh(self, name):
        """The SSH login ``name``: a user name with a password, a key file, or both."""
        fields, origin = self._fields("ssh", name)
        return ssh_credential(name, fields, origin)

    def _fields(self, kind, name):
        check_name(name)
        prefix = variable_prefix(kind, name)
        variables = {field: prefix + field.upper() for field in FIELDS[kind]}
        from_environment = {
            field: self._environ[variable] for field, variable in variables.items() if variable in self._environ
        }
        if from_environment:
            return from_environment, f"environment {prefix}*"
        if name in self._tables.get(kind, {}):
            return self._tables[kind][name], f"{self.path} [{kind}.{name}]"
        raise CredentialNotFound(
            f"no {kind.upper()} credential named {name!r}: neither {prefix}* variables nor [{kind}.{name}] in "
            f"{self.path}"
        )


def resolve(name, store=None):
    """The SNMP credential ``name`` (model.Credential), from ``store`` or a freshly loaded one."""
    return (store or SecretStore.load()).snmp(name)


def resolve_ssh(name, store=None):
    """The SSH login ``name`` (model.SSHCredential), from ``store`` or a freshly loaded one."""
    return (store or SecretStore.load()).ssh(name)


# The file: checked before it is read, then parsed without ever quoting it.


def read_secrets_file(path, required):
    """The credential tables of the file at ``path``; {} when it is absent and not ``required``."""
    raw = read_private_file(path, required, what="secrets file")
    return {} if raw is None else parse_secrets(path, raw)


def read_private_file(path, required, what="secrets file"):
    """The bytes of a file only its owner may read (a secrets file, a token file); None when it is absent and
    not ``required``. Refused, naming the file and its mode, when group or others have any access to it."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        if required:
            raise SecretsError(f"{what} {path} does not exist") from None
        return None
    except PermissionError:
        raise SecretsError(f"{what} {path} cannot be read by this user (uid {os.geteuid()})") from None
    # The checks look at the file that was opened (fstat), not at a path that may have changed since.
    with os.fdopen(descriptor, "rb") as file:
        check_file_is_private(path, os.fstat(file.fileno()), what)
        return file.read()


def read_token_file(path):
    """The token held in the file at ``path`` (whitespace around it dropped): a file only its owner may read
    (read_private_file), holding text. SecretsError naming the file otherwise, never quoting it."""
    try:
        token = read_private_file(path, required=True, what="token file").decode().strip()
    except UnicodeDecodeError:
        raise SecretsError(f"token file {path} is not text") from None
    if not token:
        raise SecretsError(f"token file {path} is empty")
    return token


def check_file_is_private(path, status, what="secrets file"):
    if not stat.S_ISREG(status.st_mode):
        raise SecretsError(f"{what} {path} is not a regular file")
    mode = stat.S_IMODE(status.st_mode)
    if mode & 0o077:
        raise SecretsError(
            f"{what} {path} is open to group or others (mode {mode:04o}): refused; "
            f"make it the owner's only with chmod 600 {path}"
        )
    if status.st_uid not in (0, os.geteuid()):
        raise SecretsError(
            f"{what} {path} belongs to uid {status.st_uid}, neither root nor this user (uid {os.geteuid()}): "
            f"refused"
        )


def parse_secrets(path, raw):
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SecretsError(f"secrets file {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        position = TOML_POSITION.search(str(error))
        where = f" at {position.group(1)}" if position else ""
        raise SecretsError(f"secrets file {path} is not valid TOML{where}") from None
    for key, value in document.items():
        if key not in FIELDS:
            raise SecretsError(f"secrets file {path}: unknown top-level key {key!r} (only [snmp.<name>], [ssh.<name>])")
        if not isinstance(value, dict):
            raise SecretsError(f"secrets file {path}: {key!r} must be a table of credentials, [{key}.<name>]")
        for name, fields in value.items():
            if not NAME.fullmatch(name) or not isinstance(fields, dict):
                raise SecretsError(f"secrets file {path}: [{key}.{name}] must be a table named with letters, "
                                   f"digits, '-' and '_'")
    return document


# From fields to records: each rule names the credential, where it came from and the field.


def snmp_credential(name, fields, origin):
    fields = checked_strings(name, fields, origin, SNMP_FIELDS)
    community, user = fields.get("community"), fields.get("user")
    if bool(community) == bool(user):
        raise SecretsError(f"SNMP credential {name!r} ({origin}): give a community (v2c) or a user (v3), "
                           f"exactly one of them")
    if community:
        leftover = sorted(set(fields) - {"community"})
        if leftover:
            raise SecretsError(f"SNMP credential {name!r} ({origin}): {', '.join(leftover)} belong to a v3 user, "
                               f"not to a community")
        return Credential(name=name, community=community)
    auth_protocol = protocol(name, origin, fields, "auth_protocol", AUTH_PROTOCOLS, {})
    priv_protocol = protocol(name, origin, fields, "priv_protocol", PRIV_PROTOCOLS, PRIV_ALIASES)
    check_key(name, origin, fields, "auth", auth_protocol)
    check_key(name, origin, fields, "priv", priv_protocol)
    if priv_protocol and not auth_protocol:
        raise SecretsError(f"SNMP credential {name!r} ({origin}): privacy (priv_protocol) needs authentication "
                           f"(auth_protocol) too")
    return Credential(name=name, user=user, auth_protocol=auth_protocol, auth_key=fields.get("auth_key"),
                      priv_protocol=priv_protocol, priv_key=fields.get("priv_key"))


def protocol(name, origin, fields, field, known, aliases):
    given = fields.get(field)
    if not given:
        return None
    normal = given.upper().replace("-", "").replace("_", "")
    normal = aliases.get(normal, normal)
    if normal not in known:
        raise SecretsError(f"SNMP credential {name!r} ({origin}): {field} {given!r} is not one of {', '.join(known)}")
    return normal


def check_key(name, origin, fields, part, chosen_protocol):
    key = fields.get(f"{part}_key")
    if chosen_protocol and not key:
        raise SecretsError(f"SNMP credential {name!r} ({origin}): {part}_protocol is set but {part}_key is missing")
    if key and not chosen_protocol:
        raise SecretsError(f"SNMP credential {name!r} ({origin}): {part}_key is set but {part}_protocol is missing")
    if key and len(key) < MIN_KEY_LENGTH:
        raise SecretsError(f"SNMP credential {name!r} ({origin}): {part}_key is shorter than {MIN_KEY_LENGTH} "
                           f"characters (RFC 3414)")


def ssh_credential(name, fields, origin):
    fields = checked_strings(name, fields, origin, SSH_FIELDS)
    if not fields.get("username"):
        raise SecretsError(f"SSH credential {name!r} ({origin}): username is missing")
    if not fields.get("password") and not fields.get("key_file"):
        raise SecretsError(f"SSH credential {name!r} ({origin}): give a password or a key_file")
    if fields.get("passphrase") and not fields.get("key_file"):
        raise SecretsError(f"SSH credential {name!r} ({origin}): a passphrase needs a key_file")
    key_file = fields.get("key_file")
    if key_file and not os.access(key_file, os.R_OK):
        raise SecretsError(f"SSH credential {name!r} ({origin}): key_file {key_file} cannot be read")
    return SSHCredential(name=name, username=fields["username"], password=fields.get("password"),
                         key_file=key_file, passphrase=fields.get("passphrase"),
                         enable_secret=fields.get("enable_secret"))


def checked_strings(name, fields, origin, allowed):
    """The fields, each a string, none unknown; the message names a field, never its value."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise SecretsError(f"credential {name!r} ({origin}): unknown field {', '.join(unknown)} "
                           f"(known: {', '.join(allowed)})")
    for field, value in fields.items():
        if not isinstance(value, str):
            raise SecretsError(f"credential {name!r} ({origin}): {field} must be a string (in TOML: quoted)")
    return dict(fields)
