"""Where sweep points run: in-process, a local process pool, MPI ranks, or a Dask cluster.

Every executor has the same small interface, used by :func:`~nakmodel.sweep.run_sweep`::

    with executor:                          # start workers / connect (errors before any write)
        executor.run(tasks, on_done)        # on_done(record) in the scheduling process

``executor.is_root`` is False on the MPI ranks that only compute; those ranks
get ``tasks=None`` and never touch the store.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait

from ..errors import InputProblem, ParameterError
from .worker import PointTask, execute_point, failed_record, pin_threads, warm_up

OnDone = Callable[[dict], None]
MPI_MODES = ("dynamic", "static", "collective")


class _Executor:
    is_root = True
    workers = 1

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def start(self) -> None:
        """Start workers or connect; raise a clear error before anything is written."""

    def warm(self, kind_module: str, import_root: str | None = None) -> None:
        """Let idle workers import ``kind_module`` (and its ``warm_up()``) ahead of the points."""

    def close(self) -> None:
        """Stop workers / disconnect."""

    def describe(self) -> str:
        return type(self).__name__


class SerialExecutor(_Executor):
    """Run points one after another in this process (no isolation: for debugging)."""

    def run(self, tasks: Sequence[PointTask], on_done: OnDone) -> None:
        for task in tasks:
            on_done(execute_point(task))


def _die_with_parent(parent_pid: int | None) -> None:
    """Linux: SIGKILL this worker when the sweep process dies (even by ``kill -9``).

    Otherwise an orphaned worker would finish its point and write into a
    folder that a resumed sweep is already recomputing.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: orphans end at their next recv
        return
    if parent_pid is not None and os.getppid() != parent_pid:  # died before prctl acted
        os._exit(1)


def _worker_main(conn, threads: int, parent_pid: int | None) -> None:
    """Loop of a pool process: receive a task, send back its record; ``None`` stops."""
    _die_with_parent(parent_pid)
    pin_threads(threads)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        if isinstance(task, tuple) and task and task[0] == "warm":  # no reply
            warm_up(*task[1:])
            continue
        conn.send(execute_point(task))


def _death_message(exitcode) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"worker process died ({name}, exit code {exitcode})"
    return f"worker process exited unexpectedly (exit code {exitcode})"


class _Slot:
    """One pool process and the task it is running."""

    def __init__(self, ctx, threads: int):
        self.conn, child = ctx.Pipe(duplex=True)
        parent = os.getpid() if ctx.get_start_method() == "spawn" else None  # else: forkserver
        self.process = ctx.Process(target=_worker_main, args=(child, threads, parent),
                                   daemon=True)
        self.process.start()
        child.close()
        self.task: PointTask | None = None
        self.since = 0.0
        self.warming = False  # a warm-up was sent and no point has come back since

    def submit(self, task: PointTask) -> None:
        self.task, self.since = task, time.monotonic()
        self.conn.send(task)
        self.warming = False  # the point's reply comes after the warm-up ended

    def warm(self, kind_module: str, import_root: str | None) -> None:
        try:
            self.conn.send(("warm", kind_module, import_root))
            self.warming = True
        except (OSError, ValueError):  # died while idle: _submit replaces it
            pass

    def stop(self, force: bool = False) -> None:
        if not force:
            try:
                self.conn.send(None)
            except (OSError, BrokenPipeError):
                force = True
        if force and self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


class LocalExecutor(_Executor):
    """A pool of ``workers`` processes on this machine (``spawn`` or ``forkserver``).

    Each point runs in a pool process; a point that crashes its process
    (segfault, ``os.abort``, out of memory) is recorded as failed, the process
    is replaced and the sweep goes on.  ``timeout`` [s] kills a point that runs
    longer.  ``threads`` pins BLAS/OpenMP threads per process (default 1).
    """

    def __init__(self, workers: int | None = None, *, context: str = "spawn",
                 timeout: float | None = None, threads: int = 1):
        problems = []
        if workers is None:
            workers = max(1, len(os.sched_getaffinity(0)))
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            problems.append(InputProblem("workers", "must be an integer >= 1", workers,
                                         "1 .. number of cores"))
        if context not in ("spawn", "forkserver"):
            problems.append(InputProblem("context", "dolfinx/MPI need a fresh interpreter", context,
                                         "'spawn' or 'forkserver'"))
        if timeout is not None and not timeout > 0:
            problems.append(InputProblem("timeout", "must be positive", timeout, "seconds > 0"))
        if problems:
            raise ParameterError(problems)
        self.workers, self.context, self.timeout, self.threads = workers, context, timeout, threads
        self._ctx = mp.get_context(context)
        self._slots: list[_Slot] = []
        self._warmed = None

    def describe(self) -> str:
        return f"local pool of {self.workers} process(es) ({self.context})"

    def start(self) -> None:
        """Start the pool processes now (idempotent), so that they boot while the caller
        samples a design or sets up the store; :meth:`warm` gives them the kind to import."""
        while len(self._slots) < self.workers:
            self._slots.append(_Slot(self._ctx, self.threads))

    def warm(self, kind_module: str, import_root: str | None = None) -> None:
        if self._warmed == kind_module:
            return
        self._warmed = kind_module
        for slot in self._slots:
            slot.warm(kind_module, import_root)

    def close(self) -> None:
        # every process is killed, not awaited: an idle one has committed its last result
        # (execute_point writes it before replying), and a graceful exit (interpreter,
        # PETSc and MPI shutdown) would cost ~0.5 s per process at the end of every study
        for slot in self._slots:
            if slot.process.is_alive():
                slot.process.kill()
        for slot in self._slots:
            slot.stop(force=True)
        self._slots = []
        self._warmed = None

    def run(self, tasks: Sequence[PointTask], on_done: OnDone) -> None:
        pending = list(tasks)[::-1]
        n = min(self.workers, len(pending))
        for slot in self._slots[n:]:  # more processes than points: the extra ones go
            slot.stop(force=True)
        self._slots = self._slots[:n]
        while len(self._slots) < n:
            self._slots.append(_Slot(self._ctx, self.threads))
        try:
            self._loop(pending, on_done)
        except BaseException:
            for slot in self._slots:  # Ctrl-C or an error in on_done: stop everything now
                slot.stop(force=True)
            self._slots = []
            raise

    def _submit(self, index: int, task: PointTask) -> None:
        """Send ``task`` to slot ``index``; a process that died while idle is replaced first."""
        try:
            self._slots[index].submit(task)
        except (OSError, ValueError):  # BrokenPipeError: it was killed between two points
            self._slots[index].stop(force=True)
            self._slots[index] = _Slot(self._ctx, self.threads)
            self._slots[index].submit(task)

    def _loop(self, pending: list[PointTask], on_done: OnDone) -> None:
        busy = 0
        for index in range(len(self._slots)):
            if pending:
                self._submit(index, pending.pop())
                busy += 1
        while busy:
            waiting = [s for s in self._slots if s is not None and s.task is not None]
            handles = [s.conn for s in waiting] + [s.process.sentinel for s in waiting]
            timeout = None
            if self.timeout is not None:
                timeout = max(0.0, min(s.since for s in waiting) + self.timeout - time.monotonic())
            ready = set(wait(handles, timeout=timeout))
            for index, slot in enumerate(self._slots):
                if slot is None or slot.task is None:
                    continue
                task = slot.task
                record = None
                replace = False
                if slot.conn in ready or slot.process.sentinel in ready:
                    try:
                        if slot.conn.poll():
                            record = slot.conn.recv()
                    except (EOFError, OSError):
                        record = None
                    if record is None:
                        slot.process.join(timeout=5)
                        record = failed_record(task.point_id,
                                               _death_message(slot.process.exitcode))
                        replace = True
                elif self.timeout is not None and \
                        time.monotonic() - slot.since >= self.timeout:
                    record = failed_record(task.point_id, f"timed out after {self.timeout:g} s "
                                           "(worker killed)")
                    record["wall_time_s"] = time.monotonic() - slot.since
                    replace = True
                if record is None:
                    continue
                slot.task = None
                busy -= 1
                if replace:
                    slot.stop(force=True)
                    slot = _Slot(self._ctx, self.threads) if pending else None
                    self._slots[index] = slot
                on_done(record)
                if slot is not None and pending:
                    self._submit(index, pending.pop())
                    busy += 1
            self._slots = [s for s in self._slots if s is not None]


class MPIExecutor(_Executor):
    """Points over MPI ranks (``mpiexec -n N nakmodel sweep ... --mpi``).

    ``mode="dynamic"``: rank 0 schedules points to ranks 1..N-1 as they become
    free (with one rank, rank 0 runs them itself); ``mode="static"``: rank r
    runs points r, r+N, r+2N... (rank 0 computes too; best when points cost
    about the same); ``mode="collective"``: every
    point is run by all ranks together (a large 3D case whose solver uses
    ``COMM_WORLD``), rank 0 writing the results.  A segfault on a rank ends the
    MPI job (MPI cannot survive a lost rank); finished points stay in the store
    and a rerun resumes.
    """

    def __init__(self, mode: str = "dynamic", comm=None, poll_interval: float = 0.005):
        if mode not in MPI_MODES:
            raise ParameterError(InputProblem("mpi mode", "unknown mode", mode,
                                              "'dynamic', 'static' or 'collective'"))
        import dolfinx_solver  # noqa: F401  (before mpi4py, see the preamble)

        from mpi4py import MPI

        self.mode, self.poll = mode, poll_interval
        self.comm = comm if comm is not None else MPI.COMM_WORLD
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self.is_root = self.rank == 0
        self.workers = {"dynamic": max(1, self.size - 1), "static": self.size}.get(mode, 1)

    def describe(self) -> str:
        return f"MPI, {self.size} rank(s), {self.mode}"

    def run(self, tasks: Sequence[PointTask] | None, on_done: OnDone) -> None:
        try:
            self._run(tasks, on_done)
        except Exception:
            if self.size > 1:  # the other ranks would wait forever: end the job
                import traceback

                traceback.print_exc()
                self.comm.Abort(1)
            raise

    def _run(self, tasks: Sequence[PointTask] | None, on_done: OnDone) -> None:
        if self.mode == "collective":
            self._collective(tasks, on_done)
        elif self.mode == "static":
            self._static(tasks, on_done)
        elif self.size == 1:
            for task in tasks:
                on_done(execute_point(task, extra={"mpi_rank": 0}))
        elif self.is_root:
            self._schedule(list(tasks), on_done)
        else:
            self._serve()

    def _wait_any(self):
        from mpi4py import MPI

        status = MPI.Status()
        while not self.comm.Iprobe(source=MPI.ANY_SOURCE, tag=1, status=status):
            time.sleep(self.poll)  # blocking recv spins a core in MPICH
        return self.comm.recv(source=status.Get_source(), tag=1)

    def _schedule(self, pending: list[PointTask], on_done: OnDone) -> None:
        pending.reverse()
        busy = 0
        for rank in range(1, self.size):
            if pending:
                self.comm.send(pending.pop(), dest=rank, tag=0)
                busy += 1
        while busy:
            rank, record = self._wait_any()
            busy -= 1
            if pending:
                self.comm.send(pending.pop(), dest=rank, tag=0)
                busy += 1
            on_done(record)
        for rank in range(1, self.size):
            self.comm.send(None, dest=rank, tag=0)

    def _serve(self) -> None:
        while True:
            while not self.comm.Iprobe(source=0, tag=0):
                time.sleep(self.poll)
            task = self.comm.recv(source=0, tag=0)
            if task is None:
                return
            record = execute_point(task, extra={"mpi_rank": self.rank})
            self.comm.send((self.rank, record), dest=0, tag=1)

    def _static(self, tasks, on_done: OnDone) -> None:
        from mpi4py import MPI

        tasks = self.comm.bcast(list(tasks) if self.is_root else None, root=0)
        mine = tasks[self.rank::self.size]
        if not self.is_root:
            requests = [self.comm.isend(execute_point(task, extra={"mpi_rank": self.rank}),
                                        dest=0, tag=2) for task in mine]
            MPI.Request.waitall(requests)
            return
        expected, received = len(tasks) - len(mine), 0
        status = MPI.Status()

        def drain() -> int:
            count = 0
            while self.comm.Iprobe(source=MPI.ANY_SOURCE, tag=2, status=status):
                on_done(self.comm.recv(source=status.Get_source(), tag=2))
                count += 1
            return count

        for task in mine:
            on_done(execute_point(task, extra={"mpi_rank": 0}))
            received += drain()
        while received < expected:
            received += drain()
            time.sleep(self.poll)

    def _collective(self, tasks, on_done: OnDone) -> None:
        from .commit import commit_result, new_attempt_dir
        from .store import _json_value

        tasks = self.comm.bcast(list(tasks) if self.is_root else None, root=0)
        for task in tasks:
            name = None
            if self.is_root:  # one attempt folder shared by all ranks
                name = new_attempt_dir(task.point_dir).name
            name = self.comm.bcast(name, root=0)
            record = execute_point(task, attempt=name, commit=False)
            statuses = self.comm.gather((record["status"], record.get("error")), root=0)
            if self.is_root:
                bad = [f"rank {r}: {e}" for r, (s, e) in enumerate(statuses) if s != "ok"]
                if bad and record["status"] == "ok":
                    record = dict(record, status="failed", error="; ".join(bad))
                stored, _won = commit_result(task.point_dir, dict(record, mpi_ranks=self.size),
                                             f"{task.point_dir}/{name}", json_value=_json_value)
                on_done(stored)


def _scheduler_error(address: str, timeout: float, exc: BaseException | None,
                     what: str = "cannot reach the Dask scheduler") -> ParameterError:
    cause = f" ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})" if exc and str(exc) \
        else f" ({type(exc).__name__})" if exc else ""
    return ParameterError(InputProblem(
        "scheduler", f"{what} at {address} within {timeout:g} s{cause}", address,
        "the address of a running `dask scheduler` (tcp://HOST:PORT)"))


def _bounded(make, seconds: float):
    """``make()`` in a daemon thread, abandoned after ``seconds`` (TimeoutError)."""
    import threading

    box: dict = {}

    def target():
        try:
            box["value"] = make()
        except BaseException as exc:  # noqa: BLE001  handed to the caller
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True, name="nakmodel-dask-connect")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def probe_scheduler(address: str, timeout: float) -> None:
    """Check that a Dask scheduler answers at ``address``, the whole handshake within ``timeout``.

    Opens a ``distributed`` comm, asks the peer for its ``identity`` and
    requires a scheduler's reply.  A closed port, a non-Dask service (an HTTP
    server...), a garbage or silent peer all raise one :class:`ParameterError`
    naming the address — after at most ``timeout`` seconds (plus a second).
    """
    import asyncio

    if not timeout > 0:
        raise ParameterError(InputProblem("--connect-timeout", "must be positive", timeout,
                                          "seconds > 0"))

    async def ask():
        from distributed.comm import connect

        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded():
        return await asyncio.wait_for(ask(), timeout)

    try:
        reply = _bounded(lambda: asyncio.run(bounded()), timeout + 1.0)
    except Exception as exc:  # noqa: BLE001  refused, reset, timeout, undecodable bytes...
        raise _scheduler_error(address, timeout, exc) from None
    if not (isinstance(reply, dict) and reply.get("type") == "Scheduler"):
        raise _scheduler_error(address, timeout, None, "the peer is not a Dask scheduler "
                               f"(it answered {str(reply)[:60]!r})")


class DaskExecutor(_Executor):
    """Points as tasks of a Dask ``distributed`` cluster.

    ``scheduler="tcp://HOST:PORT"`` connects to a running scheduler (the
    workers must see the output folder, e.g. a shared filesystem);
    ``local_workers=N`` starts a ``LocalCluster`` of N single-threaded worker
    processes on the loopback interface.  A point whose worker dies is
    rescheduled by Dask; a point that raises is retried ``retries`` times.
    An unreachable scheduler raises :class:`ParameterError` naming the
    address within ``connect_timeout`` seconds, before anything is written.
    """

    def __init__(self, scheduler: str | None = None, local_workers: int | None = None, *,
                 retries: int = 2, connect_timeout: float = 10.0):
        problems = []
        if (scheduler is None) == (local_workers is None):
            problems.append(InputProblem("dask", "give exactly one of scheduler or local_workers",
                                         None, "scheduler='tcp://HOST:PORT' or local_workers=N"))
        if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler
                                      and ":" not in scheduler):
            problems.append(InputProblem("scheduler", "not a scheduler address", scheduler,
                                         "tcp://HOST:PORT"))
        if local_workers is not None and (isinstance(local_workers, bool)
                                          or not isinstance(local_workers, int)
                                          or local_workers < 1):
            problems.append(InputProblem("local_workers", "must be an integer >= 1", local_workers,
                                         "1 .. number of cores"))
        if problems:
            raise ParameterError(problems)
        self.scheduler, self.local_workers = scheduler, local_workers
        self.retries, self.connect_timeout = retries, connect_timeout
        self.workers = local_workers or 1
        self.client = self.cluster = None

    def describe(self) -> str:
        if self.scheduler:
            return f"Dask scheduler {self.scheduler}"
        return f"Dask LocalCluster of {self.local_workers} worker process(es)"

    def start(self) -> None:
        try:
            import distributed
        except ImportError:
            raise ParameterError(InputProblem("dask", "the Dask executor needs the 'distributed' "
                                              "package", None,
                                              "pip install 'nakmodel[dask]'")) from None
        if self.scheduler:
            probe_scheduler(self.scheduler, self.connect_timeout)
            try:
                self.client = _bounded(lambda: distributed.Client(
                    self.scheduler, timeout=self.connect_timeout, set_as_default=False),
                    self.connect_timeout + 5.0)
                info = self.client.scheduler_info()
            except Exception as exc:  # noqa: BLE001  any failure of the handshake
                raise _scheduler_error(self.scheduler, self.connect_timeout, exc) from None
            self.workers = max(1, len(info.get("workers", {})))
        else:
            self.cluster = distributed.LocalCluster(
                n_workers=self.local_workers, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None, silence_logs=logging.CRITICAL)
            self.client = distributed.Client(self.cluster, set_as_default=False)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def run(self, tasks: Sequence[PointTask], on_done: OnDone) -> None:
        from distributed import as_completed

        futures = {}
        for task in tasks:
            future = self.client.submit(execute_point, task, key=f"nakmodel-point-{task.point_id}",
                                        pure=False, retries=self.retries)
            futures[future] = task
        try:
            for future in as_completed(futures, loop=self.client.loop):
                task = futures[future]
                try:
                    record = future.result()
                except Exception as exc:  # noqa: BLE001  e.g. KilledWorker after repeated deaths
                    record = failed_record(task.point_id, f"{type(exc).__name__}: {exc}")
                on_done(record)
        finally:
            for future in futures:
                future.cancel()
