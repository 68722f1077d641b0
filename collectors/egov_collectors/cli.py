"""``egov-collector``: poll once and show what each device answered, reconcile devices with NetBox once, run the
scheduler, or run an RQ worker.

Settings come from the environment (``settings.py``, docs/collectors.md); secrets from the secrets file or the
environment (``secrets.py``), never from the command line, where every user of the machine could read them.
"""

import json
import logging
import sys
import time
from collections import Counter
from dataclasses import asdict

import click
import redis
from rich.table import Table

from .cycle import Batch, Collector, DeviceReport
from .netbox import NetBoxError
from .reconcile.run import Batch as ReconcileBatch
from .reconcile.run import Reconciler
from .secrets import SecretsError
from .settings import Settings, SettingsError
from .terminal import progress_bar, table_console

ONE_SHOT = "poll"  # the cycle id of `egov-collector poll`: its claims never block the scheduler's cycles
ONE_SHOT_RECONCILE = "reconcile-now"  # likewise for `egov-collector reconcile`


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what the collector does (never a secret).")
def main(verbose):
    """Poll agency gateways and the backbone, account traffic per agency, write it to NetBox."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--device", "devices", multiple=True, metavar="NAME", help="Only this device (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the answers as JSON instead of a table.")
def poll(devices, as_json):
    """Poll once, now, and show what each device answered or why it failed."""
    collector = _collector()
    plan = _or_exit(lambda: collector.current_plan(list(devices) or None))
    targets = [t for batch in plan.batches for t in batch.targets]
    everything = Batch(tuple(targets), tuple(p for batch in plan.batches for p in batch.enforcements))
    with progress_bar(quiet=as_json) as progress:
        task = progress.add_task("polling", total=len(targets))
        reports = _or_exit(lambda: collector.run_batch(f"{ONE_SHOT}-{_now_id()}", everything,
                                                       on_poll=lambda _poll: progress.advance(task)))
    if as_json:
        click.echo(json.dumps({"devices": [_report_json(r) for r in reports], "skipped": list(plan.skipped)},
                              indent=2))
    else:
        table_console().print(_report_table(reports, plan.skipped))
    sys.exit(0 if reports and all(r.poll.ok for r in reports) else 1)


@main.command()
@click.option("--device", "devices", multiple=True, metavar="NAME", help="Only this device (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of a table.")
def reconcile(devices, as_json):
    """Read the devices over SSH (NAPALM) now, compare with NetBox, report the findings; show what each said."""
    reconciler = _reconciler()
    plan = _or_exit(lambda: reconciler.plan(list(devices) or None))
    targets = tuple(t for batch in plan.batches for t in batch.targets)
    platforms = plan.batches[0].network_platforms if plan.batches else ()
    with progress_bar(quiet=as_json) as progress:
        task = progress.add_task("reconciling", total=len(targets))
        results = _or_exit(lambda: reconciler.run_batch(f"{ONE_SHOT_RECONCILE}-{_now_id()}",
                                                        ReconcileBatch(targets, platforms),
                                                        on_device=lambda _result: progress.advance(task)))
    if as_json:
        click.echo(json.dumps({"devices": [r.summary() for r in results], "skipped": list(plan.skipped)}, indent=2))
    else:
        table_console().print(_reconcile_table(results, plan.skipped))
    sys.exit(0 if results and all(r.ok for r in results) else 1)


@main.command()
@click.option("--once", is_flag=True, help="Start one poll cycle and one reconciliation run, and return.")
def run(once):
    """The scheduler: a poll cycle every interval and a reconciliation run every reconcile interval, each cut into
    jobs on the collectors' RQ queue."""
    from rq import Queue

    collector = _collector()
    reconciler = Reconciler(collector.settings, client=collector.redis)
    settings = collector.settings
    queue = Queue(settings.queue, connection=collector.redis)

    def enqueue(cycle, batch):
        queue.enqueue("egov_collectors.jobs.poll_batch", cycle, batch, job_timeout=settings.interval,
                      result_ttl=settings.interval, failure_ttl=86400,
                      description=f"poll {len(batch.targets)} devices, cycle {cycle}")

    def enqueue_reconcile(run_id, batch):
        queue.enqueue("egov_collectors.jobs.reconcile_batch", run_id, batch,
                      job_timeout=settings.reconcile_interval, result_ttl=settings.reconcile_interval,
                      failure_ttl=86400, description=f"reconcile {len(batch.targets)} devices, run {run_id}")

    next_poll = next_reconcile = time.monotonic()
    while True:
        if time.monotonic() >= next_poll:
            next_poll = time.monotonic() + settings.interval
            _cycle, message = _or_exit(lambda: collector.start_cycle(enqueue))
            click.echo(message)
        if time.monotonic() >= next_reconcile:
            next_reconcile = time.monotonic() + settings.reconcile_interval
            click.echo(_start_reconciliation(reconciler, enqueue_reconcile))
        if once:
            return
        time.sleep(max(0.0, min(next_poll, next_reconcile) - time.monotonic()))


def _start_reconciliation(reconciler, enqueue) -> str:
    """Start a reconciliation run; NetBox or Redis failing it is said and tried again next interval: polling goes
    on whatever the reconciliation's trouble."""
    try:
        return reconciler.start_run(enqueue)[1]
    except (NetBoxError, redis.RedisError) as error:
        return f"reconciliation run not started: {error}"


@main.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst):
    """An RQ worker of the collectors' queue (start as many as needed, on as many machines)."""
    from rq import Worker

    collector = _collector()
    Worker([collector.settings.queue], connection=collector.redis).work(burst=burst, with_scheduler=False)


def _collector() -> Collector:
    try:
        return Collector(Settings.from_env())
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _reconciler() -> Reconciler:
    try:
        return Reconciler(Settings.from_env())
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _or_exit(call):
    try:
        return call()
    except (NetBoxError, SecretsError) as error:
        raise click.ClickException(str(error)) from None
    except redis.RedisError as error:  # the URL is named, never its password
        raise click.ClickException(f"Redis (EGOV_COLLECTOR_REDIS_URL) is unavailable: {error}") from None


def _now_id() -> str:
    return str(int(time.time()))


def _report_json(report: DeviceReport) -> dict:
    poll = asdict(report.poll)
    poll["interfaces"] = len(report.poll.interfaces)
    poll["queues"] = len(report.poll.queues)
    return {**poll, "measured": report.measured, "unmeasured": report.unmeasured, "nft_error": report.nft_error,
            "skipped": report.skipped}


def _report_table(reports, skipped) -> Table:
    table = Table(title="egov-collector poll")
    for column in ("device", "answer", "time (s)", "values", "interfaces", "agencies measured", "why not"):
        table.add_column(column)
    for report in sorted(reports, key=lambda r: r.poll.device):
        poll = report.poll
        why = "; ".join(filter(None, [poll.error, report.nft_error,
                                      *(f"{slug}: {reason}" for slug, reason in report.unmeasured.items())]))
        table.add_row(poll.device, "[green]ok[/]" if poll.ok else "[red]failed[/]", f"{poll.duration:.2f}",
                      str(poll.values), str(len(poll.interfaces)),
                      ", ".join(f"{slug} ({kind})" for slug, kind in report.measured.items()), why)
    for reason in skipped:
        table.add_row(reason.split(":", 1)[0], "[yellow]not polled[/]", "", "", "", "", reason)
    return table


def _reconcile_table(results, skipped) -> Table:
    table = Table(title="egov-collector reconcile")
    for column in ("device", "answer", "time (s)", "findings", "NetBox", "why not, notes"):
        table.add_column(column)
    for result in sorted(results, key=lambda r: r.device):
        table.add_row(result.device, _answer(result), f"{result.duration:.2f}", _kinds(result.findings),
                      _delivery(result), "; ".join(filter(None, [result.error, result.skipped, *result.notes])))
    for reason in skipped:
        table.add_row(reason.split(":", 1)[0], "[yellow]not reconciled[/]", "", "", "", reason)
    return table


def _answer(result) -> str:
    if result.skipped:
        return "[yellow]skipped[/]"
    if not result.reached:
        return "[red]unreachable[/]" if result.error_kind not in ("credential", "driver-missing") else "[red]failed[/]"
    return "[green]ok[/]" if result.complete and not result.error else "[yellow]partly read[/]"


def _kinds(findings) -> str:
    counts = Counter(finding.kind for finding in findings)
    return ", ".join(f"{count} {kind}" if count > 1 else kind for kind, count in sorted(counts.items()))


def _delivery(result) -> str:
    if result.counts:
        return ", ".join(f"{count} {what}" for what, count in result.counts.items() if count) or "unchanged"
    return result.delivery
