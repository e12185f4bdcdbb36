"""The sweep engine: validate, skip what is finished, run the rest, keep the store consistent."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .commit import prune_attempts
from .executors import LocalExecutor
from .spec import SweepSpec, load_sweep
from .store import PointStore, write_rows_csv
from .worker import PointTask, import_root_of


@dataclass
class SweepResult:
    """The table of a finished sweep (one dict per point) and what this run did."""

    spec: SweepSpec
    out: Path
    rows: list[dict]
    ran: int = 0
    skipped: int = 0
    wall_time_s: float = 0.0
    executor: str = ""
    point_times_s: list[float] = field(default_factory=list)

    @property
    def n_ok(self) -> int:
        return sum(row["status"] == "ok" for row in self.rows)

    @property
    def failed(self) -> list[dict]:
        return [row for row in self.rows if row["status"] != "ok"]

    @property
    def all_ok(self) -> bool:
        return not self.failed

    def column(self, name: str) -> list:
        return [row.get(name) for row in self.rows]

    def to_csv(self, path=None) -> Path:
        """Write the table as CSV (default ``OUT/results.csv``), atomically."""
        from .store import output_units

        return write_rows_csv(Path(path) if path else self.out / "results.csv", self.rows,
                              output_units(self.spec))

    def summary(self) -> str:
        text = (f"{len(self.rows)} point(s): {self.n_ok} ok, {len(self.failed)} failed; "
                f"ran {self.ran}, skipped {self.skipped} already finished; "
                f"{self.wall_time_s:.1f} s with {self.executor}")
        for row in self.failed:
            text += f"\n  FAILED {row['point_id']}: {row['error'] or row['status']}"
        return text


class _Background:
    """``work()`` in a daemon thread; :meth:`join` waits, :meth:`check` re-raises its error."""

    def __init__(self, work):
        import threading

        self.error: BaseException | None = None

        def target():
            try:
                work()
            except BaseException as exc:  # noqa: BLE001  (re-raised by join)
                self.error = exc

        self.thread = threading.Thread(target=target, daemon=True)
        self.thread.start()

    def join(self) -> None:
        self.thread.join()

    def check(self) -> None:
        """Re-raise what ``work()`` raised (after :meth:`join`)."""
        if self.error is not None:
            raise self.error


def _progress_bar(total: int, initial: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, disable=not enabled, file=sys.stderr,
                unit="point", desc="sweep", dynamic_ncols=True)


def run_sweep(study, out, executor=None, progress: bool = True, *, retry_failed: bool = False,
              csv_interval: float = 5.0, command=None) -> SweepResult | None:
    """Run every unfinished point of a sweep and return the table.

    ``study`` is a :class:`SweepSpec`, or a study TOML path / dict with a
    ``[sweep]`` table (validated first: all problems at once).  Points whose
    ``result.json`` exists in ``out`` are skipped; failed ones are rerun only
    with ``retry_failed``.  Each result is written once, by the first attempt
    that finishes (:mod:`.commit`): a retried or duplicate attempt never
    removes or changes a finished result.  ``executor`` defaults to
    ``LocalExecutor(workers=1)`` (each point isolated in a worker process).
    ``results.csv`` is rebuilt every ``csv_interval`` seconds and at the end;
    ``progress`` shows a progress bar.  Returns a :class:`SweepResult` (the spec, one row
    per point with its inputs and outputs, and how many points this call ran or skipped).
    On MPI ranks other than 0 the function computes and returns None.
    ``OUT`` also gets ``provenance.json``, ``parameters.toml`` (the base study's set) and a
    copy of the study, every point folder its own ``parameters.toml``
    (:mod:`nakmodel.provenance`); ``command`` is the command line to record.
    """
    spec = study if isinstance(study, SweepSpec) else load_sweep(study)
    executor = executor if executor is not None else LocalExecutor(workers=1)
    out = Path(out)
    t0 = time.perf_counter()
    with executor:  # connects/starts first: a bad scheduler fails before anything is written
        if not executor.is_root:
            executor.run(None, lambda record: None)
            return None
        from ..provenance import Provenance

        root = import_root_of(spec.kind_module)
        executor.warm(spec.kind_module, root)  # idle workers import while the store is set up
        store = PointStore(out)
        store.create(spec)
        from dataclasses import replace

        base = replace(spec.base, path=spec.path) if spec.path is not None else spec.base
        provenance = Provenance.start(base, command, sweep_points=len(spec.points))
        provenance.write_inputs(out, base)
        records = {p.point_id: store.load_result(p.point_id) for p in spec.points}
        if retry_failed:  # an explicit retry removes failed results (never an ok one)
            for p in spec.points:
                if records[p.point_id] is not None and records[p.point_id].get("status") != "ok":
                    store.discard_failed(p.point_id)
                    records[p.point_id] = store.load_result(p.point_id)
        todo = [p for p in spec.points if records[p.point_id] is None]
        # every point folder gets its resolved inputs; written beside the running points
        # (~30 ms each) so that the workers start at once (a point does not read them)
        inputs = _Background(lambda: [provenance.write_inputs(store.point_dir(p.point_id),
                                                              p.study) for p in todo])
        tasks = [PointTask.make(p.point_id, spec.kind_module, p.study,
                                store.point_dir(p.point_id), spec.outputs, root) for p in todo]
        bar = _progress_bar(len(spec.points), len(spec.points) - len(todo), progress)
        last_csv = [time.monotonic()]
        times: list[float] = []

        def on_done(record: dict) -> None:
            # the store is the truth: the worker committed its record (write-once); a record
            # made here (worker died, timed out) is committed only if nothing is stored yet
            stored = store.load_result(record["point_id"])
            if stored is None:
                stored = store.write_result(record)
            records[record["point_id"]] = stored
            record = stored
            if record.get("wall_time_s") is not None:
                times.append(record["wall_time_s"])
            bar.update(1)
            if record["status"] != "ok":
                bar.write(f"point {record['point_id']} failed: {record.get('error', '')}")
            if time.monotonic() - last_csv[0] > csv_interval:
                store.write_csv(spec, records)
                last_csv[0] = time.monotonic()

        try:
            if tasks:
                executor.run(tasks, on_done)
        finally:
            inputs.join()
            bar.close()
            for point in spec.points:  # folders of attempts that were killed or lost the race
                prune_attempts(store.point_dir(point.point_id))
            store.write_csv(spec)  # rebuilt from the store: equal to `--dry-run`
            provenance.finish(out, points_run=len(tasks))
        inputs.check()
    return SweepResult(spec=spec, out=out, rows=store.rows(spec), ran=len(tasks),
                       skipped=len(spec.points) - len(tasks),
                       wall_time_s=time.perf_counter() - t0, executor=executor.describe(),
                       point_times_s=times)
