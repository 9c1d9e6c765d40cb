"""gigwatch as its users install it: a wheel built by `uv build`, installed into a fresh virtual
environment outside the repository, runs `gigwatch --help`, `pay`, `parse` and `demo`.

Offline: the dependencies come from uv's cache, pinned by uv.lock (`uv sync --frozen --offline`
into the new environment, without the project), then the wheel itself (`uv pip install --offline
--no-deps`). Every command runs from a directory outside the checkout, so nothing can be read
from the repository by accident.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "sources" / "lever" / "postings_list.json"

pytestmark = pytest.mark.slow


def _uv() -> str:
    found = shutil.which("uv") or str(REPO / ".tools" / "bin" / "uv")
    if not Path(found).exists():
        pytest.skip("uv is not installed (make install-dev installs it)")
    return found


def _run(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """The environment without anything pointing at the project's own virtual environment."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT", "GIGWATCH_LAKE")
           and not k.startswith("GIGWATCH_")}
    env["HOME"] = env.get("HOME", str(tmp_path))
    return env


def test_wheel_installs_and_runs_outside_the_repository(tmp_path: Path) -> None:
    uv = _uv()
    env = _clean_env(tmp_path)
    dist = tmp_path / "dist"
    _run([uv, "build", "--offline", "--wheel", "--out-dir", str(dist), str(REPO)], cwd=tmp_path, env=env)
    wheels = list(dist.glob("gigwatch-*.whl"))
    assert len(wheels) == 1, wheels

    # The wheel ships the package, the dashboard pages and every reference file under data/,
    # and neither the benchmarks nor the tests nor a lake.
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    shipped_data = {f"data/{p.name}" for p in (REPO / "data").iterdir()
                    if p.is_file() and p.suffix in (".csv", ".toml", ".md")}
    assert shipped_data and shipped_data <= names, shipped_data - names
    pages = {f"dashboard/app_pages/{p.name}" for p in (REPO / "dashboard" / "app_pages").glob("*.py")}
    assert pages and pages <= names, pages - names
    assert "dashboard/streamlit_app.py" in names
    catalogs = {f"dashboard/locale/{code}/LC_MESSAGES/messages.mo" for code in ("es", "pt_BR", "fr", "sw", "fil")}
    assert catalogs <= names, catalogs - names  # the dashboard speaks its languages when installed
    assert not [n for n in names if n.startswith(("benchmarks/", "tests/", "data/demo/", "data/gigwatch/"))]

    venv = tmp_path / "venv"
    _run([uv, "sync", "--frozen", "--offline", "--no-dev", "--no-install-project", "--quiet"],
         cwd=REPO, env={**env, "UV_PROJECT_ENVIRONMENT": str(venv)})
    _run([uv, "pip", "install", "--offline", "--no-deps", "--quiet", "--python", str(venv / "bin" / "python"),
          str(wheels[0])], cwd=tmp_path, env=env)
    gigwatch = str(venv / "bin" / "gigwatch")
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    # Installed, not a link back to the checkout.
    where = _run([str(venv / "bin" / "python"), "-c", "import collectors; print(collectors.__file__)"],
                 cwd=outside, env=env).stdout.strip()
    assert Path(where).is_relative_to(venv), where

    assert "Usage: gigwatch" in _run([gigwatch, "--help"], cwd=outside, env=env).stdout

    pay = _run([gigwatch, "pay", "$20/hr"], cwd=outside, env=env).stdout
    assert "pay:        $20/hour" in pay and "hourly USD: 20.0" in pay

    fixture = outside / "postings.json"
    shutil.copy(FIXTURE, fixture)
    rows = [json.loads(line) for line in
            _run([gigwatch, "parse", "lever", str(fixture)], cwd=outside, env=env).stdout.splitlines() if line.strip()]
    assert rows and all(row.get("external_id") and row.get("title") for row in rows), rows[:2]

    data_dir = tmp_path / "gigwatch-data"
    demo = _run([gigwatch, "demo", "--days", "60"], cwd=outside, env={**env, "GIGWATCH_DATA_DIR": str(data_dir)}).stdout
    assert f"built the demo lake at {data_dir / 'demo'}" in demo
    assert (data_dir / "demo").is_dir()

    # The installed catalogs translate (a Swahili word for "never", from the installed .mo).
    never = _run([str(venv / "bin" / "python"), "-c", "from dashboard import i18n; i18n.activate('sw'); "
                  "print(i18n._('never'))"], cwd=outside, env=env).stdout.strip()
    assert never and never != "never", never

    # The benchmarks need a checkout, and say so instead of failing with an ImportError.
    bench = subprocess.run([gigwatch, "bench", "--quick"], cwd=outside, env=env, capture_output=True, text=True,
                           timeout=60, check=False)
    assert bench.returncode == 2 and "source checkout" in bench.stderr, (bench.returncode, bench.stderr[-500:])
