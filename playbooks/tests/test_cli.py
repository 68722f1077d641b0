"""``egov-push``, the console script of this venv, as an engineer runs it: against the stack's NetBox
(``live_netbox``, the regency of tests/netbox_regency.py, a read-only token) and the real gateway of
tests/gateway_peers.py, reached with the SSH settings of an ``--inventory`` file.

A push costs seconds (ansible-playbook, SSH, the modules' validation): four here; the other cases are errors
found before any push. Needs NetBox and root, like test_netbox_push.py.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from tests.checkout import checkout_environment
from tests.netbox_regency import netbox_environment, skip_without_netbox

import egov_collectors
import egov_push

skip_without_netbox()

EGOV_PUSH = Path(sys.executable).parent / "egov-push"
READ_FROM_NETBOX = "Read what this gateway enforces from NetBox"  # linux.yml's first task


@pytest.fixture(scope="module")
def console_script():
    if not EGOV_PUSH.exists():
        pytest.fail(f"no {EGOV_PUSH}: install the checkout into this venv (pip install -e .) for its console script")
    return str(EGOV_PUSH)


@pytest.fixture
def cli(console_script, live_netbox, read_only_token, tmp_path):
    """run(*arguments, token=True): egov-push with NETBOX_API (and NETBOX_TOKEN unless ``token`` is False), the
    stack's NetBox served while it runs; the CompletedProcess. Every run's output is checked for the token."""
    outputs = []

    def run(*arguments, token=True):
        environment = checkout_environment(egov_push, egov_collectors,
                                           **netbox_environment(live_netbox, read_only_token, tmp_path / "cache"))
        if not token:
            del environment["NETBOX_TOKEN"]
        done = live_netbox.call(subprocess.run, [console_script, *arguments], env=environment,
                                capture_output=True, text=True, timeout=600)
        outputs.append(done.stdout + done.stderr)
        return done

    yield run
    secret = read_only_token.rsplit(".", 1)[-1]
    assert not [output for output in outputs if read_only_token in output or secret in output]


def summary(output):
    """{gateway: [status, ok, changed, failed tasks]} read from the summary table (a row's text wrapped over
    several lines is joined)."""
    rows, last = {}, None
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if not line.startswith("│") or len(cells) != 5:
            continue
        if cells[0]:
            last = cells[0]
            rows[last] = cells[1:]
        elif cells[4]:
            rows[last][3] = f"{rows[last][3]} {cells[4]}"
    return rows


def shown(done):
    return f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"


def token_file(folder, token, mode):
    path = folder / "netbox-token"
    path.write_text(f"{token}\n")
    path.chmod(mode)
    return str(path)


def test_preview_changes_nothing_apply_changes_and_again_changes_nothing(regency, read_only_token, cli,
                                                                         gateway, tmp_path):
    regency.quota("disdik", ceiling_down_mbps=10, ceiling_up_mbps=10)
    regency.quota("dinkes", device="gw-ros")  # another gateway: never reached, --agency disdik leaves it out
    connection = str(gateway.inventory("gw-test"))

    preview = cli("preview", "--agency", "disdik", "--inventory", connection)
    assert preview.returncode == 0, shown(preview)
    assert list(summary(preview.stdout)) == ["gw-test"], shown(preview)
    assert summary(preview.stdout)["gw-test"][0] == "changed"
    assert "rate 5Mbit ceil 10Mbit" in preview.stdout  # the diff: disdik's class as it would be
    assert "gw-test: changed" in preview.stderr  # the progress line as the gateway finished
    assert "htb" not in gateway.in_gateway("tc", "qdisc", "show", "dev", "eth1")

    apply = cli("apply", "--gateway", "gw-test", "--inventory", connection,
                      "--token-file", token_file(tmp_path, read_only_token, 0o600), token=False)
    assert apply.returncode == 0, shown(apply)
    status, _ok, changed, failed = summary(apply.stdout)["gw-test"]
    assert (status, failed) == ("changed", "") and int(changed) > 0, shown(apply)
    assert "rate 5Mbit ceil 10Mbit" in gateway.in_gateway("tc", "class", "show", "dev", "eth1")

    again = cli("apply", "--gateway", "gw-test", "--inventory", connection)
    assert again.returncode == 0, shown(again)
    assert summary(again.stdout)["gw-test"][0::2] == ["ok", "0"], shown(again)


def test_a_failed_gateway_exits_2_and_the_summary_names_the_failed_task(regency, cli):
    quota = regency.quota("disdik")
    type(quota).objects.filter(pk=quota.pk).update(enforcement_interface=None)  # NetBox data the push refuses
    done = cli("preview", "--gateway", "gw-test")
    assert done.returncode == 2, shown(done)
    status, _ok, _changed, failed = summary(done.stdout)["gw-test"]
    assert status == "failed", shown(done)
    assert READ_FROM_NETBOX in failed and "agency disdik" in failed and "enforcement interface" in failed, failed
    assert "gw-test: failed" in done.stderr  # the progress line


def test_what_cannot_be_pushed_is_named_and_exits_1(regency, read_only_token, cli, tmp_path):
    regency.quota("disdik")  # dinkes has no quota
    for arguments, message in [
        (["apply", "--gateway", "gw-nope"], "gateway 'gw-nope': no bandwidth quota in NetBox names it"),
        (["preview", "--agency", "nope"], "no agency (tenant) with the slug 'nope' in NetBox"),
        (["preview", "--agency", "dinkes"], "agency 'dinkes': no bandwidth quota names an enforcement device"),
        (["apply", "--token-file", token_file(tmp_path, read_only_token, 0o644)],
         f"token file {tmp_path / 'netbox-token'} is open to group or others (mode 0644)"),
        (["apply", "--bogus"], "No such option '--bogus'"),
        (["push"], "'push' is not one of 'preview', 'apply'"),
    ]:
        done = cli(*arguments)
        assert (done.returncode, done.stdout) == (1, ""), shown(done)
        assert message in done.stderr, shown(done)
