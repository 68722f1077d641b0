"""The plugin as operators install it (issue 9): the wheel built from a clean clone (holding every file the plugin and
egov_push's Ansible project read), installed (not editable)
into a fresh venv with NetBox 4.7.3 and a database of its own, migrated, loaded with the demo, and every plugin
page rendered in English and Indonesian from the wheel's own templates, catalogue and data files.

Runs after the main suite (`make test` runs it; `make test PYTEST_ARGS=tests/wheel` alone): its database
starts as a copy of the migrated test database, so `migrate` has little left to do, and pip takes NetBox's
wheels from its cache.
"""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
NETBOX = "netbox==4.7.3"
DATABASE = "egov_wheel_test"
# Redis databases apart from the tests' and a running demo's (0 and 1).
REDIS_DB = "4"
SHIPPED = [
    "netbox_egov/templates/netbox_egov/inc/site_map_panel.html",
    "netbox_egov/static/netbox_egov/backbone_map.js",
    "netbox_egov/static/netbox_egov/backbone_map.css",
    "netbox_egov/locale/id/LC_MESSAGES/django.mo",
    "netbox_egov/demo/klaten.yaml",
    "netbox_egov/demo/site-filter/trustpositif-sample.txt",
    "netbox_egov/migrations/0001_initial.py",
    "egov_push/project/site.yml",
]


def run(*command, env=None, timeout=900):
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, command))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("wheel")


@pytest.fixture(scope="module")
def wheel(work):
    """Built from a clean clone of the committed tree, as a release would be: nothing uncommitted leaks in."""
    source = work / "source"
    run("git", "clone", "--quiet", "--no-local", str(ROOT), str(source))
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w",
        str(work / "dist"), str(source))
    (built,) = (work / "dist").glob("egov_netops-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(work, wheel):
    """A fresh venv with NetBox and the wheel, as `pip install` into an operator's NetBox leaves it."""
    path = work / "venv"
    run(sys._base_executable, "-m", "venv", str(path))
    run(str(path / "bin" / "python"), "-m", "pip", "install", "--quiet", NETBOX, str(wheel))
    return path


@pytest.fixture(scope="module")
def database():
    """A copy of the migrated test database (`make test` made it), or an empty one to migrate from scratch."""
    default = settings.DATABASES["default"]
    connection = psycopg.connect(dbname="postgres", user=default["USER"], password=default["PASSWORD"],
                                 host=default["HOST"], port=default["PORT"], autocommit=True)
    template = f"test_{default['NAME']}"
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        connection.execute(f'CREATE DATABASE "{DATABASE}"' + (f' TEMPLATE "{template}"' if exists else ""))
        yield DATABASE
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')


@pytest.fixture(scope="module")
def netbox(work, venv, database):
    """The installed NetBox's environment: the stack's configuration, pointed at the wheel test's database."""
    root = work / "netbox"
    for folder in ("conf", "media", "reports", "scripts"):
        (root / folder).mkdir(parents=True)
    stack_conf = Path(os.environ["NETBOX_ROOT"]) / "conf"
    for name in ("configuration.py", "stack.json", "__init__.py"):
        shutil.copy(stack_conf / name, root / "conf" / name)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EGOV_TESTING", "VIRTUAL_ENV"))}
    env.update(NETBOX_ROOT=str(root), EGOV_DB_NAME=database, EGOV_REDIS_DB=REDIS_DB,
               PATH=f"{venv / 'bin'}:{env['PATH']}")
    command = str(venv / "bin" / "netbox")
    run(command, "migrate", "--no-input", env=env, timeout=1800)
    run(command, "egov_load_demo", "--demo", env=env)
    return env


def test_the_wheel_holds_the_files_named(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in SHIPPED if name not in names]
    assert not missing, f"not in {wheel.name}: {missing}"


def committed(folder, source):
    """The files under ``folder`` in the commit the wheel is built from, named as in the wheel (relative to
    ``source``, the folder the package is found in)."""
    listed = run("git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", "HEAD", "--", folder)
    return {str(Path(name).relative_to(source)) for name in listed.splitlines()}


@pytest.mark.parametrize(("folder", "source"), [
    ("plugin/netbox_egov/templates", "plugin"),  # the plugin's templates
    ("playbooks/egov_push/project", "playbooks"),  # egov_push's Ansible project: plays, roles, inventory, plugins
])
def test_the_wheel_holds_every_file_it_reads(wheel, folder, source):
    names = set(zipfile.ZipFile(wheel).namelist())
    files = committed(folder, source)
    assert files, f"nothing committed under {folder}"
    assert files <= names, f"files of {folder} not in the wheel: {sorted(files - names)}"


def test_the_installed_plugin_is_the_wheel_not_the_checkout(venv):
    location = run(str(venv / "bin" / "python"), "-c", "import netbox_egov; print(netbox_egov.__file__)")
    assert str(venv) in location and str(ROOT) not in location


def test_every_plugin_page_renders_in_both_languages(venv, netbox):
    script = Path(__file__).with_name("render_pages.py")
    report = json.loads(run(str(venv / "bin" / "python"), str(script), env=netbox))
    failed = {page: status for page, status in report["answers"].items() if status != 200}
    assert not failed, f"pages that did not answer 200: {failed}"
    assert len(report["answers"]) >= 2 * 30, report["answers"]
    assert report["translated"] == {"en": False, "id": True}, report["translated"]
