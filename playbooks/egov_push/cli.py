"""``egov-push preview|apply``: push the agencies' quotas and the site filter to their gateways from a terminal,
for engineers without NetBox's UI. A progress bar moves as each gateway finishes; then the diff (what changed,
or in a preview what would change) and a summary per gateway.

NetBox is $NETBOX_API; its read-only token comes from ``--token-file`` (a file only its owner may read) or
$NETBOX_TOKEN, never from the command line, where every user of the machine could read it; the token is masked
in everything shown. Exit status: 0 when every gateway is ok or changed; 2 when one failed, was unreachable or
was not in the inventory; 1 on a usage or NetBox error, with a message naming what is wrong.
"""

import sys

import click
from rich.table import Table
from rich.text import Text

from egov_collectors.secrets import SecretsError, read_token_file
from egov_collectors.terminal import progress_bar, table_console

from . import runner
from .netbox import NetBox, NetBoxError

GATEWAY_FAILED = 2
SUCCESS = ("ok", "changed")
COLOURS = {"ok": "green", "changed": "yellow"}  # anything else is red
LOG_TAIL = 20  # lines of ansible's output shown when it failed outside any gateway's tasks


class Command(click.Command):
    """A click command whose usage errors exit 1: click's own 2 is this tool's "a gateway failed"."""

    def main(self, *args, **kwargs):
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as error:
            error.show()
        except click.Abort:
            click.echo("Aborted.", err=True)
        sys.exit(1)


@click.command(cls=Command)
@click.argument("mode", type=click.Choice(["preview", "apply"]))
@click.option("--gateway", "gateways", multiple=True, metavar="NAME",
              help="Only this gateway (a device enforcing a quota; repeatable).")
@click.option("--agency", "agencies", multiple=True, metavar="SLUG",
              help="The gateways enforcing this agency's quotas (the tenant's slug; repeatable).")
@click.option("--inventory", "inventories", multiple=True, metavar="PATH",
              type=click.Path(exists=True, resolve_path=True),
              help="An inventory merged after NetBox's: SSH users and keys, ansible-vault files (with "
                   "ANSIBLE_VAULT_PASSWORD_FILE); repeatable.")
@click.option("--token-file", metavar="PATH", type=click.Path(dir_okay=False),
              help="Read NetBox's token from this file (only its owner may read it) instead of $NETBOX_TOKEN.")
def main(mode, gateways, agencies, inventories, token_file):
    """Preview (check mode: what would change; nothing changes) or apply the quotas and the site filter NetBox
    holds, on every gateway or on those selected."""
    netbox = _or_exit(lambda: NetBox.from_environment(read_token_file(token_file) if token_file else None))
    selected, limited = _or_exit(lambda: _selection(netbox, gateways, agencies))
    if not selected:
        click.echo("no bandwidth quota in NetBox names an enforcement device: nothing to push", err=True)
        return
    with progress_bar() as progress:
        bar = progress.add_task(mode, total=len(selected))

        def finished(host, status):
            progress.console.print(Text.assemble((host, "bold"), f": {status}"))
            progress.advance(bar)

        def task(name):
            progress.update(bar, description=f"{mode}: {name}")

        result = runner.run(mode, [runner.NETBOX_INVENTORY, *inventories], envvars=netbox.environment(),
                            limit=",".join(selected) if limited else None,
                            on_event=runner.HostProgress(finished, on_task=task))
    if result.diff:
        click.echo(result.diff, nl=False)
    rows = sorted(set(selected) | set(result.hosts))
    statuses = {host: result.hosts[host].status if host in result.hosts else "not run" for host in rows}
    table_console().print(_summary(mode, rows, result))
    if statuses and all(status in SUCCESS for status in statuses.values()) and result.rc == 0:
        return
    if "not run" in statuses.values() or not {"failed", "unreachable"} & set(statuses.values()):
        # Nothing in the table says why: ansible's last lines do (an inventory it could not read, a syntax error).
        click.echo("\n".join(result.log.splitlines()[-LOG_TAIL:]), err=True)
    sys.exit(GATEWAY_FAILED)


def _or_exit(call):
    try:
        return call()
    except (NetBoxError, SecretsError) as error:
        raise click.ClickException(str(error)) from None


def _selection(netbox, gateways, agencies):
    """(the gateways to push, whether they are a subset): every device enforcing a quota, or those named and
    those enforcing the agencies' quotas. A name that enforces nothing is an error naming it."""
    every = netbox.gateway_names()
    unknown = sorted(set(gateways) - set(every))
    if unknown:
        raise NetBoxError(f"gateway {', '.join(map(repr, unknown))}: no bandwidth quota in NetBox names it as its "
                          "enforcement device")
    if not gateways and not agencies:
        return every, False
    return sorted(set(gateways) | set(netbox.gateway_names(agencies) if agencies else ())), True


def _summary(mode, rows, result):
    table = Table(title=f"egov-push {mode}")
    for column in ("gateway", "status", "ok", "changed", "failed tasks"):
        table.add_column(column)
    for host in rows:
        found = result.hosts.get(host)
        if found is None:
            table.add_row(Text(host), Text("not run", "red"), "", "",
                          "not in the inventory: has it a primary IP in NetBox?")
            continue
        table.add_row(Text(host), Text(found.status, COLOURS.get(found.status, "red")), str(found.ok),
                      str(found.changed), Text("\n".join(found.messages)))
    return table
