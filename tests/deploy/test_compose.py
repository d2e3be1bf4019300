"""docker-compose.yml, Dockerfile and .env.example, validated offline.

Two parsers read the compose file: Debian's docker-compose 1.29 (``docker-compose
config``, installed by ``scripts/ci_system_deps.sh``) and the compose-spec JSON
schema (``check-jsonschema --builtin-schema vendor.compose-spec``). Neither needs a
Docker daemon or the network.
"""

from __future__ import annotations

import ast
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
INIT_SCRIPT = REPO_ROOT / "docker" / "airflow-init.sh"
NGINX_CONF = REPO_ROOT / "docker" / "nginx" / "docs.conf"
LOCK_FILE = REPO_ROOT / "requirements.lock"
NIGHTLY_DAG = REPO_ROOT / "dags" / "news_nightly.py"

AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}
CORE_SERVICES = AIRFLOW_SERVICES | {"postgres", "docs"}
CELERY_SERVICES = {"redis", "airflow-worker"}
# Every variable .env must define; compose refuses to start without each one.
SECRET_VARIABLES = {
    "AIRFLOW_FERNET_KEY",
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "AIRFLOW_API_SECRET_KEY",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_ADMIN_PASSWORD",
}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|_KEY\b|REQUIREPASS", re.IGNORECASE)
PROJECT_MOUNTS = {"dags", "plugins", "dbt_project", "seeds", "samples", "data"}


def _docker_compose() -> str:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose (1.29) is missing: run scripts/ci_system_deps.sh")
    return binary


@pytest.fixture(scope="module")
def env_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A filled-in .env with throwaway random secrets."""
    path = tmp_path_factory.mktemp("compose") / ".env"
    path.write_text(
        "".join(f"{name}={secrets.token_urlsafe(24)}\n" for name in sorted(SECRET_VARIABLES)),
        encoding="utf-8",
    )
    return path


def _compose_config(
    env: Path, *extra: str, after: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            _docker_compose(),
            "--project-directory",
            str(REPO_ROOT),
            "--file",
            str(COMPOSE_FILE),
            "--env-file",
            str(env),
            *extra,
            "config",
            *after,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def resolved(env_file: Path) -> dict[str, Any]:
    """The compose file as docker-compose 1.29 resolves it (all profiles)."""
    done = _compose_config(env_file, "--profile", "celery")
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command")
    return shlex.split(command) if isinstance(command, str) else list(command or [])


def _bind_mounts(service: dict[str, Any]) -> dict[Path, str]:
    """Host path -> container path, for the short and the long volume syntax."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, _, rest = volume.partition(":")
            target = rest.split(":")[0]
        elif volume.get("type") == "bind":
            source, target = volume["source"], volume["target"]
        else:
            continue
        if source.startswith(("/", ".")):
            mounts[(REPO_ROOT / source).resolve()] = target
    return mounts


def _lock_pin(package: str) -> str:
    match = re.search(
        rf"^{re.escape(package)}==([^\s\\]+)", LOCK_FILE.read_text(encoding="utf-8"), re.M
    )
    assert match, f"{package} is not pinned in requirements.lock"
    return match.group(1)


def test_docker_compose_1_29_accepts_the_file(resolved: dict[str, Any]) -> None:
    assert set(resolved["services"]) == CORE_SERVICES | CELERY_SERVICES


def test_compose_spec_schema_accepts_the_file() -> None:
    checker = Path(sys.executable).with_name("check-jsonschema")
    done = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_compose_spec_schema_rejects_a_broken_file(tmp_path: Path) -> None:
    """The schema check above can fail: a misspelt healthcheck key is caught."""
    broken = COMPOSE_FILE.read_text(encoding="utf-8").replace("healthcheck:", "helthcheck:", 1)
    target = tmp_path / "docker-compose.yml"
    target.write_text(broken, encoding="utf-8")
    checker = Path(sys.executable).with_name("check-jsonschema")
    done = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0


def test_celery_services_only_in_the_celery_profile(resolved: dict[str, Any]) -> None:
    """`docker-compose up` starts the core; `--profile celery` adds Redis and workers."""
    for name, service in resolved["services"].items():
        expected = ["celery"] if name in CELERY_SERVICES else None
        assert service.get("profiles") == expected, name


def test_every_service_has_a_healthcheck(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), name


def test_airflow_services_wait_for_a_healthy_database_and_the_init(
    resolved: dict[str, Any],
) -> None:
    services = resolved["services"]
    for name in AIRFLOW_SERVICES:
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        depends = services[name]["depends_on"]
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name
    assert services["airflow-worker"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_airflow_runs_for_real(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    commands = {name: _command(services[name]) for name in AIRFLOW_SERVICES}
    assert commands["airflow-apiserver"] == ["api-server"]
    assert commands["airflow-scheduler"] == ["scheduler"]
    assert commands["airflow-dag-processor"] == ["dag-processor"]
    assert commands["airflow-triggerer"] == ["triggerer"]
    assert _command(services["airflow-worker"]) == ["celery", "worker"]
    env = services["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert "@postgres:5432/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    for name in AIRFLOW_SERVICES | {"airflow-worker"}:
        build = services[name]["build"]
        assert Path(build["context"]).resolve() == REPO_ROOT
        assert build["dockerfile"] == "Dockerfile"


def test_executor_defaults_to_local_and_switches_by_env(
    env_file: Path, tmp_path: Path, resolved: dict[str, Any]
) -> None:
    env = resolved["services"]["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    celery_env = tmp_path / ".env"
    celery_env.write_text(
        env_file.read_text(encoding="utf-8") + "AIRFLOW__CORE__EXECUTOR=CeleryExecutor\n",
        encoding="utf-8",
    )
    done = _compose_config(celery_env, "--profile", "celery")
    assert done.returncode == 0, done.stderr
    switched = yaml.safe_load(done.stdout)["services"]
    for name in AIRFLOW_SERVICES | {"airflow-worker"}:
        assert switched[name]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"


def test_project_folders_are_mounted(resolved: dict[str, Any]) -> None:
    for name in AIRFLOW_SERVICES | {"airflow-worker"}:
        mounts = _bind_mounts(resolved["services"][name])
        sources = {source.name for source in mounts if source.parent == REPO_ROOT}
        for folder in PROJECT_MOUNTS:
            assert mounts[REPO_ROOT / folder] == f"/opt/airflow/{folder}"
        assert sources >= PROJECT_MOUNTS, f"{name} lacks {PROJECT_MOUNTS - sources}"


def test_docs_site_serves_the_generated_docs(resolved: dict[str, Any]) -> None:
    docs = resolved["services"]["docs"]
    mounts = _bind_mounts(docs)
    assert mounts[REPO_ROOT / "data" / "docs"] == "/usr/share/nginx/html"
    assert mounts[NGINX_CONF.resolve()] == "/etc/nginx/conf.d/default.conf"
    conf = NGINX_CONF.read_text(encoding="utf-8")
    assert "root /usr/share/nginx/html;" in conf
    assert "location = /healthz" in conf
    assert "/healthz" in " ".join(docs["healthcheck"]["test"])


def test_secrets_come_only_from_the_env_file(raw: dict[str, Any]) -> None:
    """Every secret-looking value is a required ``${VAR:?...}`` interpolation."""
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for variable in SECRET_VARIABLES:
        assert re.search(rf"\$\{{{variable}:\?[^}}]+\}}", text), variable
        assert not re.search(rf"\$\{{{variable}:-", text), f"{variable} has a default value"

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                secret = SECRET_NAME.search(str(key)) and not str(key).endswith("_FILE")
                if secret and isinstance(value, str | int):
                    assert re.search(r"\$\{[A-Z_]+:\?", str(value)), f"{path}.{key} = {value!r}"
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(raw, "compose")


def test_missing_secrets_stop_compose(tmp_path: Path) -> None:
    """.env.example as committed holds no secrets, so compose refuses to run with it."""
    done = _compose_config(ENV_EXAMPLE)
    assert done.returncode != 0
    assert any(name in done.stderr for name in SECRET_VARIABLES), done.stderr


def test_env_example_holds_no_secret_values() -> None:
    names = set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.partition("=")
        names.add(name.strip())
        if name.strip() in SECRET_VARIABLES:
            assert value.strip() == "", f"{name} has a value in .env.example"
    assert names >= SECRET_VARIABLES
    gitignore = (REPO_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in gitignore


def test_dockerfile_installs_the_lock_with_hashes() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    base = re.search(r"^FROM\s+(\S+)", text, re.M)
    assert base, "no FROM line"
    image = base.group(1)
    airflow = _lock_pin("apache-airflow")
    assert image == f"apache/airflow:{airflow}-python3.11", image
    joined = re.sub(r"\\\n\s*", " ", text)
    install = [line for line in joined.splitlines() if "pip install" in line]
    assert any("--require-hashes" in line and "requirements.lock" in line for line in install), (
        install
    )
    assert re.search(r"^COPY\b.*\brequirements\.lock\b", text, re.M)
    assert re.search(r"^USER airflow$", text, re.M), "pip must not run as root in this image"


def test_lock_pins_what_the_dags_need() -> None:
    """The image gets these exact versions from the lock; the DAGs are written for them."""
    assert _lock_pin("apache-airflow").startswith("3.")
    assert _lock_pin("astronomer-cosmos").startswith("1.")
    assert _lock_pin("dbt-duckdb")
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.11,<3.12"' in pyproject


def test_init_service_creates_the_pool_the_dag_uses() -> None:
    tree = ast.parse(NIGHTLY_DAG.read_text(encoding="utf-8"))
    pools = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "WAREHOUSE_POOL" for t in node.targets)
        and isinstance(node.value, ast.Constant)
    ]
    assert len(pools) == 1
    script = INIT_SCRIPT.read_text(encoding="utf-8")
    assert f'POOL_NAME="{pools[0]}"' in script
    assert "POOL_SLOTS=1" in script
    assert 'airflow pools set "$POOL_NAME" "$POOL_SLOTS"' in script
    assert "airflow db migrate" in script
    done = subprocess.run(["bash", "-n", str(INIT_SCRIPT)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_build_context_leaves_out_local_state() -> None:
    ignored = set((REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".venv", "data", "airflow_home", ".env", ".git"} <= ignored


def test_no_obsolete_version_key(raw: dict[str, Any]) -> None:
    assert "version" not in raw


def test_ports_bound_to_localhost_by_default(resolved: dict[str, Any]) -> None:
    published = {name: service.get("ports", []) for name, service in resolved["services"].items()}
    assert published["airflow-apiserver"] and published["docs"]
    for name, ports in published.items():
        for port in ports:
            text = port if isinstance(port, str) else f"{port.get('host_ip')}:{port}"
            assert str(text).startswith("127.0.0.1:"), f"{name} publishes {port}"


def test_celery_switch_is_documented_in_the_env_example() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert re.search(r"^# AIRFLOW__CORE__EXECUTOR=LocalExecutor$", text, re.M)
    assert "CeleryExecutor" in text and "--profile celery" in text
    assert "BIND_ADDRESS" in text


def test_init_gives_dbt_its_logs_and_target_folders() -> None:
    """dbt opens dbt_project/logs and target at start as the Airflow user (uid 50000)."""
    script = re.sub(r"\\\n\s*", " ", INIT_SCRIPT.read_text(encoding="utf-8"))
    chown = [line for line in script.splitlines() if line.startswith("chown")]
    assert chown
    for folder in ("/opt/airflow/dbt_project/logs", "/opt/airflow/dbt_project/target"):
        assert any(folder in line for line in chown), folder
        assert re.search(rf"^mkdir -p .*{re.escape(folder)}", script, re.M), folder


def test_image_build_checks_the_installed_packages() -> None:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    install = [
        line for line in joined.splitlines() if "requirements.lock" in line and "RUN" in line
    ]
    assert install and "pip check" in install[0]
