"""A real distributed run: news_nightly on Airflow's CeleryExecutor, two workers.

Everything is real and local: Debian's ``postgresql`` (the metadata DB and Celery's
result backend) and ``redis-server`` (the broker), each started here on 127.0.0.1 on
a free port in a temp dir; ``airflow api-server`` (the workers' execution API),
``scheduler``, ``dag-processor`` and two ``airflow celery worker`` processes with
distinct Celery hostnames. ``news_nightly`` runs once on the bundled samples
(samples/sources.yml), its dbt group as one ``dbt build`` task
(``NEWSEVENTS_DBT_TASKS=one``: on 12 articles the per-model tasks were 73 Airflow and
dbt start-ups queued for the warehouse slot, ~80 % of the run; the per-model cosmos
group runs end to end in test_news_nightly_e2e.py), and the test checks:

- the run and every task succeed;
- the mapped fetch ran on both workers (``task_instance.hostname``: each worker
  reports its own name through ``[core] hostname_callable``, see worker_hostname.py),
  and so did parsing: each fetch task parses the articles it extracted (its return
  value's ``parsed``), load_raw wrote every article's annotations and the annotate
  task in the writer's slot had nothing left to parse;
- the marts equal those of ``newsevents run`` on the same samples into another
  warehouse (the keys of articles, actors, events and relations, and their counts).

The warehouse stays on one local disk both workers reach (the minimum a multi-worker
deployment needs; see the README's scaling section). Every process started here is
stopped at the end, the servers included, whatever happened.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dag_support import BIN, REPO_ROOT, WAREHOUSE_POOL, AirflowEnv, _base_env, _dbt_parse

# Servers up and migrated ~1.5 min; the run is ~20 task instances, one of them the
# whole dbt build; the CLI run ~0.5 min. The ceilings only turn a hang into a failure.
pytestmark = pytest.mark.timeout(1800)

DAG_ID = "news_nightly"
SAMPLES = REPO_ROOT / "samples" / "sources.yml"
WORKERS = ("worker-a", "worker-b")
# 12 sample articles in batches of 2: six fetch tasks, so both workers get some.
FETCH_BATCH_SIZE = 2
WORKER_CONCURRENCY = 2
RUN_DEADLINE_S = 1200
START_DEADLINE_S = 180
PG_ROLE = "airflow"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_bin() -> Path:
    """Debian keeps the server binaries off PATH, in /usr/lib/postgresql/<major>/bin."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    assert initdb, "postgresql missing: `bash scripts/ci_system_deps.sh` installs it"
    return Path(initdb).parent


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc), deepest last."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


@dataclass
class Processes:
    """Child processes, each in its own session, with their output in log files."""

    folder: Path
    started: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str], **kwargs: Any) -> Path:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                argv,
                env=env,
                cwd=kwargs.pop("cwd", REPO_ROOT),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                **kwargs,
            )
        self.started.append((name, proc))
        return log

    def assert_alive(self) -> None:
        for name, proc in self.started:
            if proc.poll() is not None:
                tail = (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]
                raise AssertionError(f"{name} exited with {proc.returncode}:\n{tail}")

    def stop_all(self) -> None:
        """SIGTERM to every process group and descendant, SIGKILL what is left after 20 s."""
        pids: list[int] = []
        for _name, proc in reversed(self.started):
            if proc.poll() is None:
                pids.extend([proc.pid, *_children(proc.pid)])
        for _name, proc in reversed(self.started):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, proc in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        for _name, proc in self.started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        for _name, proc in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)


def _wait_for(what: str, check: Any, procs: Processes, deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    while True:
        procs.assert_alive()
        with contextlib.suppress(Exception):
            if check():
                return
        assert time.monotonic() < deadline, f"{what} not ready after {deadline_s}s"
        time.sleep(0.5)


@dataclass
class Services:
    pg_port: int
    redis_port: int
    procs: Processes

    @property
    def sqlalchemy_conn(self) -> str:
        return f"postgresql+psycopg2://{PG_ROLE}@127.0.0.1:{self.pg_port}/airflow"

    def connect(self) -> Any:
        import psycopg2

        con = psycopg2.connect(host="127.0.0.1", port=self.pg_port, user=PG_ROLE, dbname="airflow")
        con.autocommit = True
        return con


@contextlib.contextmanager
def _servers(folder: Path) -> Iterator[Services]:
    """Postgres and Redis on 127.0.0.1, data in temp dirs, stopped on exit.

    Postgres refuses to run as root: under root the cluster belongs to Debian's
    ``postgres`` system user, in a private temp dir handed to it.
    """
    procs = Processes(folder)
    pg_bin = _postgres_bin()
    pg_dir = Path(tempfile.mkdtemp(prefix="newsevents-pg-"))
    run_as: dict[str, Any] = {}
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(pg_dir, owner.pw_uid, owner.pw_gid)
        run_as = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
    try:
        done = subprocess.run(
            [
                str(pg_bin / "initdb"),
                "-D",
                str(pg_dir / "data"),
                "-U",
                PG_ROLE,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-instructions",
            ],
            cwd=pg_dir,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            **run_as,
        )
        assert done.returncode == 0, f"initdb failed:\n{done.stdout}{done.stderr}"
        services = Services(pg_port=_free_port(), redis_port=_free_port(), procs=procs)
        procs.start(
            "postgres",
            [
                str(pg_bin / "postgres"),
                "-D",
                str(pg_dir / "data"),
                "-h",
                "127.0.0.1",
                "-p",
                str(services.pg_port),
                "-k",
                str(pg_dir),
                # A throwaway cluster: durability buys nothing here.
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
            ],
            dict(os.environ),
            cwd=pg_dir,
            **run_as,
        )
        redis_dir = folder / "redis"
        redis_dir.mkdir()
        procs.start(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(services.redis_port),
                "--dir",
                str(redis_dir),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            dict(os.environ),
        )

        def pg_ready() -> bool:
            import psycopg2

            con = psycopg2.connect(
                host="127.0.0.1", port=services.pg_port, user=PG_ROLE, dbname="postgres"
            )
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute("create database airflow")
            con.close()
            return True

        def redis_ready() -> bool:
            import redis

            return bool(redis.Redis(host="127.0.0.1", port=services.redis_port).ping())

        _wait_for("postgres", pg_ready, procs, 60)
        _wait_for("redis", redis_ready, procs, 60)
        yield services
    finally:
        procs.stop_all()
        shutil.rmtree(pg_dir, ignore_errors=True)


def _airflow_env(home: Path, services: Services, warehouse: Path, api_port: int) -> AirflowEnv:
    from cryptography.fernet import Fernet

    env = _base_env(home)
    env.update(
        {
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": services.sqlalchemy_conn,
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{services.redis_port}/0",
            "AIRFLOW__CELERY__RESULT_BACKEND": (
                f"db+postgresql+psycopg2://{PG_ROLE}@127.0.0.1:{services.pg_port}/airflow"
            ),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(WORKER_CONCURRENCY),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__SECRET_KEY": secrets.token_hex(16),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
            "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
            # Only the run this test triggers: no scheduled run of the cron schedule.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
            # Where the DAG's tasks look when the run's params are empty.
            "NEWSEVENTS_SOURCES": str(SAMPLES),
            "NEWSEVENTS_WAREHOUSE": str(warehouse),
            "NEWSEVENTS_FETCH_BATCH_SIZE": str(FETCH_BATCH_SIZE),
            # Parsed by the dag-processor, scheduler and workers alike: one dbt task.
            "NEWSEVENTS_DBT_TASKS": "one",
            # dbt's manifests, compiled SQL and docs site: private to this run.
            "DBT_TARGET_PATH": str(home / "dbt_run_target"),
        }
    )
    manifest = _dbt_parse(home, env)
    if manifest is not None:
        env["NEWSEVENTS_DBT_MANIFEST"] = str(manifest)
    return AirflowEnv(home=home, env=env, manifest=manifest)


def _worker_ready(log: Path, name: str) -> bool:
    return f"celery@{name} ready" in log.read_text(errors="replace")


def _api_ready(port: int) -> bool:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/version", timeout=5) as resp:
        return bool(resp.status == 200)


def _query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def _marts(warehouse: Path) -> dict[str, Any]:
    """The marts' keys (and so their counts) and the event coding, order-free."""
    return {
        "articles": sorted(_query(warehouse, "select article_id from marts.articles")),
        "actors": sorted(_query(warehouse, "select actor_id, name from marts.actors")),
        "events": sorted(
            _query(warehouse, "select event_id, event_code, quad_class from marts.events")
        ),
        "relations": sorted(_query(warehouse, "select relation_id from marts.relations")),
        "event_mentions": _query(warehouse, "select count(*) from marts.event_mentions")[0][0],
    }


@dataclass
class Distributed:
    state: str
    seconds: float
    task_instances: list[dict[str, Any]]
    celery: dict[str, Any]
    warehouse: Path
    cli_warehouse: Path
    cli_seconds: float
    logs: Path
    # (task_id, map_index) -> the task's return value, for the tasks that report work
    results: dict[tuple[str, int], Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def distributed(tmp_path_factory: pytest.TempPathFactory) -> Distributed:
    setup_started = time.perf_counter()
    folder = tmp_path_factory.mktemp("celery")
    warehouse = folder / "celery" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    with _servers(folder) as services:
        api_port = _free_port()
        airflow = _airflow_env(folder / "airflow_home", services, warehouse, api_port)
        airflow.cli("db", "migrate")
        airflow.cli("pools", "set", WAREHOUSE_POOL, "1", "DuckDB single writer")
        # Into the metadata DB now, so unpause/trigger need not wait for a parse loop.
        airflow.cli("dags", "reserialize")
        procs = services.procs
        airflow_bin = str(BIN / "airflow")
        procs.start("api-server", [airflow_bin, "api-server", "--workers", "1"], airflow.env)
        procs.start("scheduler", [airflow_bin, "scheduler"], airflow.env)
        procs.start("dag-processor", [airflow_bin, "dag-processor"], airflow.env)
        worker_logs = {}
        for name in WORKERS:
            worker_env = airflow.with_env(
                {
                    "PYTHONPATH": os.pathsep.join(
                        filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])
                    ),
                    "AIRFLOW__CORE__HOSTNAME_CALLABLE": "worker_hostname.from_env",
                    "NEWSEVENTS_TEST_WORKER_HOSTNAME": name,
                }
            )
            worker_logs[name] = procs.start(
                name,
                [airflow_bin, "celery", "worker", "--celery-hostname", name],
                worker_env,
            )
        _wait_for("api-server", lambda: _api_ready(api_port), procs, START_DEADLINE_S)
        for name, log in worker_logs.items():
            ready = functools.partial(_worker_ready, log, name)
            _wait_for(f"celery worker {name}", ready, procs, START_DEADLINE_S)
        airflow.cli("dags", "unpause", DAG_ID)
        conf = {"sources": str(SAMPLES), "warehouse": str(warehouse)}
        setup_s = time.perf_counter() - setup_started
        airflow.cli("dags", "trigger", DAG_ID, "--conf", json.dumps(conf))
        con = services.connect()
        state = "queued"
        deadline = time.monotonic() + RUN_DEADLINE_S
        with con.cursor() as cur:
            while state not in ("success", "failed"):
                procs.assert_alive()
                assert time.monotonic() < deadline, f"run still {state} after {RUN_DEADLINE_S}s"
                time.sleep(2)
                cur.execute("select state from dag_run where dag_id = %s", (DAG_ID,))
                rows = cur.fetchall()
                assert len(rows) == 1, f"expected one run of {DAG_ID}, got {rows}"
                state = rows[0][0]
            cur.execute(
                "select extract(epoch from end_date - start_date) from dag_run where dag_id = %s",
                (DAG_ID,),
            )
            seconds = float(cur.fetchone()[0])
            cur.execute(
                "select task_id, map_index, state, hostname,"
                " extract(epoch from end_date - start_date)"
                " from task_instance where dag_id = %s",
                (DAG_ID,),
            )
            task_instances = [
                {
                    "task_id": row[0],
                    "map_index": row[1],
                    "state": row[2],
                    "hostname": row[3],
                    "seconds": float(row[4] or 0),
                }
                for row in cur.fetchall()
            ]
            cur.execute(
                "select task_id, map_index, value from xcom where dag_id = %s"
                " and key = 'return_value' and task_id = any(%s)",
                (DAG_ID, ["fetch_batch", "load_raw", "parse_batch", "annotate"]),
            )
            results = {
                (row[0], int(row[1])): json.loads(row[2]) if isinstance(row[2], str) else row[2]
                for row in cur.fetchall()
            }
        con.close()
    celery_logs = {name: log.read_text(errors="replace") for name, log in worker_logs.items()}
    celery = {name: text.count("Executing workload") for name, text in celery_logs.items()}
    cli_warehouse = folder / "cli" / "warehouse.duckdb"
    cli_warehouse.parent.mkdir()
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(BIN / "newsevents"),
            "run",
            "--sources",
            str(SAMPLES),
            "--warehouse",
            str(cli_warehouse),
            "--no-progress",
        ],
        env={
            **{
                key: value
                for key, value in airflow.env.items()
                if not key.startswith(("AIRFLOW", "NEWSEVENTS_FETCH", "NEWSEVENTS_DBT_TASKS"))
            },
            "DBT_TARGET_PATH": str(cli_warehouse.parent / "dbt_target"),
        },
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    cli_seconds = time.perf_counter() - started
    assert done.returncode == 0, f"newsevents run failed:\n{done.stdout[-3000:]}{done.stderr}"
    result = Distributed(
        state=state,
        seconds=seconds,
        task_instances=task_instances,
        celery=celery,
        warehouse=warehouse,
        cli_warehouse=cli_warehouse,
        cli_seconds=cli_seconds,
        logs=folder,
        results=results,
    )
    by_host: dict[str, int] = {}
    fetch_by_host: dict[str, int] = {}
    for ti in task_instances:
        by_host[str(ti["hostname"])] = by_host.get(str(ti["hostname"]), 0) + 1
        if ti["task_id"] == "fetch_batch":
            fetch_by_host[str(ti["hostname"])] = fetch_by_host.get(str(ti["hostname"]), 0) + 1
    dbt_tasks = [ti for ti in task_instances if ti["task_id"].startswith("dbt.")]
    print(
        f"\nCeleryExecutor run: {state} in {seconds:.0f}s (servers and Airflow up in "
        f"{setup_s:.0f}s), {len(task_instances)} task instances, per worker {by_host}, "
        f"fetch_batch per worker {fetch_by_host}; {len(dbt_tasks)} dbt tasks, "
        f"{sum(ti['seconds'] for ti in dbt_tasks):.0f}s in all; newsevents run on the "
        f"same samples: {cli_seconds:.0f}s; logs in {folder}"
    )
    return result


def test_run_and_every_task_succeed(distributed: Distributed) -> None:
    # Nothing was left to re-annotate: the mapped parse_batch had no batch, so skipped.
    failed = [
        ti
        for ti in distributed.task_instances
        if ti["state"] != "success" and (ti["task_id"], ti["state"]) != ("parse_batch", "skipped")
    ]
    assert distributed.state == "success", f"failed tasks {failed}, logs {distributed.logs}"
    assert failed == []
    ran = [ti for ti in distributed.task_instances if ti["state"] == "success"]
    assert {ti["hostname"] for ti in ran} <= set(WORKERS)
    # The dbt group ran as the single `dbt build` task, between prepare and applied.
    dbt_tasks = [
        ti["task_id"] for ti in distributed.task_instances if ti["task_id"].startswith("dbt.")
    ]
    assert dbt_tasks == ["dbt.build"]
    done = {ti["task_id"] for ti in distributed.task_instances}
    assert {"dbt_needed", "prepare_dbt", "rules_applied", "source_freshness", "publish"} <= done


def test_fetch_ran_on_both_workers(distributed: Distributed) -> None:
    fetches = [ti for ti in distributed.task_instances if ti["task_id"] == "fetch_batch"]
    # 12 sample pages in batches of FETCH_BATCH_SIZE: one mapped task each.
    assert len(fetches) == 12 // FETCH_BATCH_SIZE
    assert {ti["hostname"] for ti in fetches} == set(WORKERS)
    # Both Celery workers (the broker's consumers) executed workloads.
    assert all(count > 0 for count in distributed.celery.values()), distributed.celery


def test_parsing_ran_on_both_workers(distributed: Distributed) -> None:
    parsed_by_host: dict[str, int] = {}
    for ti in distributed.task_instances:
        if ti["task_id"] == "fetch_batch":
            result = distributed.results[("fetch_batch", int(ti["map_index"]))]
            host = str(ti["hostname"])
            parsed_by_host[host] = parsed_by_host.get(host, 0) + int(result["parsed"])
    assert set(parsed_by_host) == set(WORKERS)
    assert all(count > 0 for count in parsed_by_host.values()), parsed_by_host
    assert sum(parsed_by_host.values()) == 12
    # The writer only loaded: every article came with its annotations.
    assert distributed.results[("load_raw", -1)]["annotated"] == 12
    assert distributed.results[("annotate", -1)]["annotated"] == 0
    assert not any(task == "parse_batch" for task, _ in distributed.results)


def test_marts_equal_the_cli_run(distributed: Distributed) -> None:
    celery = _marts(distributed.warehouse)
    cli = _marts(distributed.cli_warehouse)
    assert len(celery["articles"]) == 12
    assert celery["events"] and celery["actors"] and celery["relations"]
    for name in celery:
        assert celery[name] == cli[name], f"marts.{name} differs from the CLI run"


def test_fetch_batch_size_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsevents import pipeline
    from newsevents.ingest import batches as ingest_batches

    candidates = [
        [{"source_name": "s", "url": f"http://host-{n % 3}.example/{n}"} for n in range(7)]
    ]
    monkeypatch.delenv(ingest_batches.ENV_BATCH_SIZE, raising=False)
    assert [len(b) for b in pipeline.plan_batches({}, candidates)] == [7]
    monkeypatch.setenv(ingest_batches.ENV_BATCH_SIZE, "2")
    batches = pipeline.plan_batches({}, candidates)
    assert [len(b) for b in batches] == [2, 2, 2, 1]
    assert sorted(i["url"] for b in batches for i in b) == sorted(i["url"] for i in candidates[0])
    monkeypatch.setenv(ingest_batches.ENV_BATCH_SIZE, "0")
    with pytest.raises(ValueError, match=ingest_batches.ENV_BATCH_SIZE):
        pipeline.plan_batches({}, candidates)
