"""Sweeps on Dask: a real LocalCluster on loopback survives a worker killed mid-point."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time

import pytest
from test_sweep_kind import synth_kind, synth_study  # noqa: F401

from nakmodel.errors import ParameterError
from nakmodel.sweep import DaskExecutor, run_sweep

pytest.importorskip("distributed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_scheduler_is_a_clear_error_and_nothing_is_written(tmp_path):
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    out = tmp_path / "out"
    t0 = time.perf_counter()
    with pytest.raises(ParameterError) as info:
        run_sweep(_thermo(), out,
                  executor=DaskExecutor(scheduler=address, connect_timeout=2.0),
                  progress=False)
    assert time.perf_counter() - t0 < 30
    assert address in str(info.value) and "cannot reach the Dask scheduler" in str(info.value)
    assert not out.exists()


def _thermo() -> dict:
    return {"study": {"name": "t", "kind": "thermodynamics"},
            "sweep": {"parameter": [{"key": "alloy.composition", "values": ["NaK50"]}]}}


@pytest.mark.parametrize("kwargs, fragment", [
    ({"scheduler": "not an address"}, "not a scheduler address"),
    ({}, "exactly one of scheduler or local_workers"),
    ({"local_workers": 0}, "local_workers"),
])
def test_bad_dask_executor_arguments(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        DaskExecutor(**kwargs)


@pytest.mark.usefixtures("synth_kind")
def test_worker_killed_mid_point_is_retried_and_the_sweep_completes(tmp_path):
    markers = tmp_path / "markers"
    data = synth_study(values=[1, 2, 3, 4], delay="1.5 s", marker_dir=str(markers))
    killed: list[int] = []

    def kill_first_worker_that_starts():
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            started = sorted(markers.glob("*")) if markers.exists() else []
            if started:
                pid = int(started[0].name.split(".")[1])
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_first_worker_that_starts, daemon=True)
    killer.start()
    result = run_sweep(data, tmp_path / "out", executor=DaskExecutor(local_workers=2),
                       progress=False)
    killer.join(timeout=5)
    assert killed, "no point started on a Dask worker"
    assert result.all_ok, result.summary()
    assert len(result.rows) == 4
    starts: dict[str, list[int]] = {}
    for marker in markers.glob("*"):
        point, pid, _ = marker.name.split(".")
        starts.setdefault(point, []).append(int(pid))
    victim = [point for point, pids in starts.items() if killed[0] in pids]
    assert len(victim) == 1 and len(starts[victim[0]]) == 2  # started twice: killed, retried
    finished_by = {row["point_id"]: row["pid"] for row in result.rows}
    assert finished_by[victim[0]] != killed[0]
    assert all(len(pids) == 1 for point, pids in starts.items() if point != victim[0])


@pytest.mark.slow
@pytest.mark.usefixtures("synth_kind")
def test_a_point_that_kills_every_worker_fails_and_the_rest_completes(tmp_path):
    data = synth_study(values=[1, 2, 3], abort_at=2)
    result = run_sweep(data, tmp_path / "out", executor=DaskExecutor(local_workers=2),
                       progress=False)
    status = dict(zip(result.column("synth.x"), result.column("status"), strict=True))
    assert status == {"1": "ok", "2": "failed", "3": "ok"}
    assert "KilledWorker" in result.failed[0]["error"]


@pytest.mark.usefixtures("synth_kind")
def test_sweep_on_a_running_scheduler_by_address(tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        executor = DaskExecutor(scheduler=cluster.scheduler_address, connect_timeout=10)
        result = run_sweep(synth_study(values=[1.5, 3.0]), tmp_path, executor=executor,
                           progress=False)
    assert result.all_ok, result.summary()
    sigma = result.rows[0]["y"] - 1.5 ** 2
    assert result.column("y") == pytest.approx([1.5 ** 2 + sigma, 9.0 + sigma], rel=1e-12)
    assert cluster.scheduler_address in result.executor
    assert os.getpid() not in result.column("pid")  # ran in the cluster's worker process
