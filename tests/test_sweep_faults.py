"""Worker faults never lose or change a finished result (issue #17).

A real Dask ``LocalCluster`` on 127.0.0.1, the local process pool and MPI
ranks each lose a worker with ``kill -9`` mid-sweep.  After the sweep (and,
where the executor cannot survive the fault, a rerun) every point finished
before the kill still has its very same ``result.json`` (byte for byte), no
point appears twice, and ``results.csv`` equals the store (= ``--dry-run``).
Also: two attempts of one point (a Dask rerun, a concurrent sweep) leave the
first finished result in place.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_sweep_kind import subprocess_prelude, synth_kind, synth_study  # noqa: F401

from nakmodel.sweep import LocalExecutor, SerialExecutor, load_sweep, run_sweep
from nakmodel.sweep.commit import commit_result, new_attempt_dir, read_result
from nakmodel.sweep.store import PointStore
from nakmodel.sweep.worker import PointTask, execute_point

MPIEXEC = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or \
    shutil.which("mpiexec")


def _results(out: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in out.glob("points/*/result.json")}


def _assert_csv_is_the_store(out: Path, data) -> list[dict]:
    spec = load_sweep(data)
    with open(out / "results.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = [row["point_id"] for row in rows]
    assert len(ids) == len(set(ids)) == len(spec.points)  # no duplicate, none missing
    store_rows = PointStore(out).rows(spec)
    for row, stored in zip(rows, store_rows, strict=True):
        assert row["point_id"] == stored["point_id"] and row["status"] == stored["status"]
        if stored["status"] == "ok":
            assert float(row["y"]) == stored["y"]
    return rows


def _watch_and_kill(out: Path, finished_before: int, pick_pid, killed: list, saved: dict,
                    timeout: float = 120.0):
    """Thread body: once ``finished_before`` results exist, save them and kill ``pick_pid()``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = _results(out) if out.exists() else {}
        if len(done) >= finished_before:
            pid = pick_pid(done)
            if pid:
                saved.update(_results(out))
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
        time.sleep(0.02)


@pytest.mark.usefixtures("synth_kind")
def test_dask_worker_killed_after_finishing_points_keeps_every_finished_result(tmp_path):
    """The audit's data loss: points finished on a worker that dies are rerun by Dask."""
    pytest.importorskip("distributed")
    from nakmodel.sweep import DaskExecutor

    data = synth_study(values=[1, 2, 3, 4, 5, 6, 7, 8], delay="0.6 s")
    out = tmp_path / "out"
    killed: list[int] = []
    saved: dict[str, bytes] = {}

    def pid_with_finished_points(done):  # a worker that holds finished results in memory
        pids = [json.loads(raw)["pid"] for raw in done.values()]
        alive = [p for p in pids if p != os.getpid()]
        return alive[0] if alive else None

    watcher = threading.Thread(target=_watch_and_kill, daemon=True,
                               args=(out, 3, pid_with_finished_points, killed, saved))
    watcher.start()
    t0 = time.monotonic()
    result = run_sweep(data, out, executor=DaskExecutor(local_workers=2), progress=False)
    watcher.join(timeout=5)
    assert time.monotonic() - t0 < 240
    assert killed, "the watcher found no finished point to kill the worker of"
    assert result.all_ok, result.summary()
    after = _results(out)
    assert len(after) == 8
    for point_id, raw in saved.items():  # every result finished before the kill: unchanged
        assert after[point_id] == raw, point_id
    rows = _assert_csv_is_the_store(out, data)
    assert {row["status"] for row in rows} == {"ok"}
    assert not list(out.glob("points/*/.attempt-*"))  # reruns cleaned up after themselves


@pytest.mark.usefixtures("synth_kind")
def test_local_pool_worker_killed_mid_point_loses_nothing_finished(tmp_path):
    data = synth_study(values=[1, 2, 3, 4, 5, 6], delay="0.5 s")
    out = tmp_path / "out"
    killed: list[int] = []
    saved: dict[str, bytes] = {}

    def busy_pid(done):  # a pool process (a child of this one running a spawned worker)
        pids = _child_pids("spawn_main")
        return pids[0] if pids else None

    watcher = threading.Thread(target=_watch_and_kill, daemon=True,
                               args=(out, 2, busy_pid, killed, saved))
    watcher.start()
    result = run_sweep(data, out, executor=LocalExecutor(workers=2), progress=False)
    watcher.join(timeout=5)
    assert killed
    after = _results(out)
    for point_id, raw in saved.items():
        assert after[point_id] == raw, point_id
    failed = result.failed
    assert len(failed) <= 1 and all("worker process died (SIGKILL" in r["error"] for r in failed)
    _assert_csv_is_the_store(out, data)
    again = run_sweep(data, out, executor=LocalExecutor(workers=2), progress=False,
                      retry_failed=True)
    assert again.all_ok and again.ran == len(failed)
    final = _results(out)
    for point_id, raw in saved.items():  # the retry did not touch finished results
        assert final[point_id] == raw
    _assert_csv_is_the_store(out, data)


def _child_pids(marker: str) -> list[int]:
    """Children of this process whose command line contains ``marker`` (Linux /proc)."""
    me = os.getpid()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if int(stat[1]) == me and marker in cmdline:
                pids.append(int(entry.name))
    return sorted(pids)


@pytest.mark.skipif(MPIEXEC is None, reason="mpiexec not found")
def test_mpi_rank_killed_mid_sweep_then_rerun_keeps_finished_results(tmp_path):
    """MPI cannot survive a lost rank: the job ends; a rerun resumes, nothing finished changes."""
    study = tmp_path / "mpi.toml"
    study.write_text('[study]\nname = "m"\nkind = "synth"\n[synth]\ndelay = "0.4 s"\n'
                     '[sweep]\n[[sweep.parameter]]\nkey = "synth.x"\n'
                     'values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]\n')
    out = tmp_path / "out"
    script = subprocess_prelude() + (
        "from nakmodel.cli import main\n"
        f"sys.exit(main(['-q', 'sweep', {str(study)!r}, '--out', {str(out)!r}, "
        "'--mpi', 'dynamic']))\n")
    proc = subprocess.Popen([MPIEXEC, "-n", "3", sys.executable, "-c", script], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed: list[int] = []
    saved: dict[str, bytes] = {}

    def a_worker_rank(done):
        ranks = {json.loads(raw)["mpi_rank"]: json.loads(raw)["pid"] for raw in done.values()}
        return ranks.get(2) or ranks.get(1)

    _watch_and_kill(out, 3, a_worker_rank, killed, saved, timeout=120)
    try:
        proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
    assert killed, "no finished point reported a worker rank"
    assert proc.returncode != 0  # the job ended with the rank
    between = _results(out)
    for point_id, raw in saved.items():
        assert between[point_id] == raw
    rerun = subprocess.run([MPIEXEC, "-n", "2", sys.executable, "-c", script], cwd=tmp_path,
                           capture_output=True, text=True, timeout=180)
    assert rerun.returncode == 0, rerun.stderr
    final = _results(out)
    assert len(final) == 8
    for point_id, raw in saved.items():
        assert final[point_id] == raw
    with open(out / "results.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len({r["point_id"] for r in rows}) == len(rows) == 8
    assert {r["status"] for r in rows} == {"ok"}


@pytest.mark.usefixtures("synth_kind")
def test_a_second_attempt_of_a_finished_point_neither_deletes_nor_overwrites_it(tmp_path):
    data = synth_study(values=[2.0])
    out = tmp_path / "out"
    first = run_sweep(data, out, executor=SerialExecutor(), progress=False)
    point_id = first.rows[0]["point_id"]
    before = _results(out)[point_id]
    series = (out / "points" / point_id / "series.csv").read_bytes()
    spec = load_sweep(data)
    task = PointTask.make(point_id, spec.kind_module, spec.points[0].study,
                          out / "points" / point_id, spec.outputs)
    again = execute_point(task)  # what a Dask rerun does: finds the stored result
    assert again["reused"] is True and again["pid"] == first.rows[0]["pid"]
    # a racing attempt that finished later cannot publish its (different) record
    attempt = new_attempt_dir(out / "points" / point_id)
    (attempt / "series.csv").write_text("late attempt\n")
    stored, won = commit_result(out / "points" / point_id,
                                {"point_id": point_id, "status": "failed", "outputs": {}}, attempt)
    assert not won and stored["status"] == "ok" and not attempt.exists()
    assert _results(out)[point_id] == before
    assert (out / "points" / point_id / "series.csv").read_bytes() == series
    # nor can --retry-failed remove it
    run_sweep(data, out, executor=SerialExecutor(), progress=False, retry_failed=True)
    assert _results(out)[point_id] == before


def test_the_winner_dying_between_publishing_and_moving_its_files_is_completed(tmp_path):
    point = tmp_path / "p"
    attempt = new_attempt_dir(point)
    (attempt / "a.csv").write_text("1\n")
    (attempt / "sub").mkdir()
    (attempt / "sub" / "b.csv").write_text("2\n")
    record = {"point_id": "p", "status": "ok", "outputs": {"y": 1.0}, "files": ["a.csv",
              "sub/b.csv"], "attempt": attempt.name}
    (point / "result.json").write_text(json.dumps(record))  # as if killed right after os.link
    stored = read_result(point)
    assert stored["outputs"] == {"y": 1.0}
    assert (point / "a.csv").read_text() == "1\n" and (point / "sub" / "b.csv").exists()
    assert not attempt.exists()


def test_result_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        stored, won = commit_result(tmp_path / "p", {"point_id": "p", "status": "ok",
                                                     "outputs": {}})
        from nakmodel.atomic_write import atomic_write_text

        atomic_write_text(tmp_path / "t.txt", "x")
        os.umask(0o077)
        atomic_write_text(tmp_path / "private.txt", "x")
    finally:
        os.umask(old)
    assert won
    assert (tmp_path / "p" / "result.json").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "t.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "private.txt").stat().st_mode & 0o777 == 0o600
