"""Benchmark: reading the EIS corpus with nakmodel vs independent readers (same run).

For every file of ``../shared/eis-corpus/`` each independent reader that can read it
(galvani for ``.mpr``, pyimpspec ``parse_data``, impedance.py ``preprocessing.readFile``
with its instrument readers, zahner-analysis ``IsmImport``) and ``nakmodel.read_spectra``
are timed interleaved, file by file, repeat by repeat (the machine is shared: the
minimum over repeats is kept for each reader and file). Printed: per independent reader
the ratio nakmodel / reader on the files that reader reads, and the target ratio:
nakmodel on those files / the *fastest* independent reader of each file (target <= 2).

Run:  .venv/bin/python benchmarks/bench_readers.py [--repeat 7]
Needs (bench/test extras, not dependencies of nakmodel): galvani, pyimpspec, impedance,
zahner-analysis.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "eis-corpus"

# impedance.py instrument names by corpus file (its readFile needs to be told)
IMPEDANCEPY = {
    "impedancepy__exampleDataBioLogic.mpt": "biologic",
    "hybriddrt__PEIS_LPSCl_IonBlocking_-25C.txt": "biologic",
    "pyeis__ex1.mpt": "biologic",
    "impedancepy__exampleDataGamry.DTA": "gamry",
    "impedancepy__exampleDataGamryABORT.DTA": "gamry",
    "gamryparser__20240401_B_GM0016_HL03_E01_EIS.DTA": "gamry",
    "nomadce__EISPOT.DTA": "gamry",
    "impedancepy__exampleDataZPlot.z": "zplot",
    "impedancepy__exampleDataZPlot_noComments.z": "zplot",
    "impedancepy__exampleDataAutolab.txt": "autolab",
    "impedancepy__exampleDataVersaStudio.par": "versastudio",
    "impedancepy__exampleDataParstat.txt": "parstat",
    "impedancepy__exampleDataCHInstruments.txt": "chinstruments",
    "nomadce__CHI760E_EIS_-0.48V.txt": "chinstruments",
    "impedancepy__exampleDataPowersuite.txt": "powersuite",
}


def independent_readers() -> dict:
    readers = {}
    with contextlib.suppress(ImportError):
        from galvani import BioLogic

        def galvani_read(path):
            if path.suffix != ".mpr":
                raise ValueError("galvani reads .mpr only")
            return len(BioLogic.MPRfile(str(path)).data)

        readers["galvani"] = galvani_read
    with contextlib.suppress(ImportError):
        from pyimpspec import parse_data

        def pyimpspec_read(path):
            return sum(d.get_num_points() for d in parse_data(path))

        readers["pyimpspec"] = pyimpspec_read
    with contextlib.suppress(ImportError):
        from impedance import preprocessing

        def impedancepy_read(path):
            if path.name not in IMPEDANCEPY:
                raise ValueError("no impedance.py instrument reader for this layout")
            f, Z = preprocessing.readFile(str(path), instrument=IMPEDANCEPY[path.name])
            return len(f)

        readers["impedance.py"] = impedancepy_read
    with contextlib.suppress(ImportError):
        from zahner_analysis.file_import.ism_import import IsmImport

        def zahner_read(path):
            if path.suffix != ".ism":
                raise ValueError("zahner-analysis reads .ism only")
            return len(IsmImport(str(path)).getFrequencyArray())

        readers["zahner-analysis"] = zahner_read
    return readers


def nakmodel_read(path):
    from nakmodel.io import read_spectra

    return sum(len(s) for s in read_spectra(path))


def timed(function, path) -> float:
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        function(path)
        return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        raise SystemExit(f"corpus not found at {CORPUS}")
    files = sorted(p for p in CORPUS.iterdir() if p.name not in ("README.md",
                                                                 "reference_values.json")
                   and not p.name.startswith("LICENSE"))
    readers = independent_readers()
    can: dict[str, list[Path]] = {name: [] for name in readers}
    for path in files:  # which reader reads which file (also warms imports and caches)
        nakmodel_read(path)
        for name, read in readers.items():
            try:
                with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                    warnings.simplefilter("ignore")
                    if read(path) > 0:
                        can[name].append(path)
            except Exception:  # noqa: BLE001 - a reader that fails simply does not count
                pass
    best: dict[tuple[str, str], float] = {}
    for _ in range(args.repeat):
        for path in files:
            for name in ["nakmodel", *readers]:
                if name != "nakmodel" and path not in can[name]:
                    continue
                read = nakmodel_read if name == "nakmodel" else readers[name]
                t = timed(read, path)
                key = (name, path.name)
                best[key] = min(best.get(key, float("inf")), t)
    total = sum(best[("nakmodel", p.name)] for p in files)
    print(f"corpus: {len(files)} files; nakmodel reads all {len(files)} in {total * 1e3:.1f} ms"
          f" (min of {args.repeat} repeats per file)")
    for name in readers:
        ours = sum(best[("nakmodel", p.name)] for p in can[name])
        theirs = sum(best[(name, p.name)] for p in can[name])
        print(f"  {name:16s} reads {len(can[name]):2d} files in {theirs * 1e3:8.1f} ms; "
              f"nakmodel on them {ours * 1e3:8.1f} ms; ratio {ours / theirs:5.2f}")
    covered = [p for p in files if any(p in can[n] for n in readers)]
    fastest = sum(min(best[(n, p.name)] for n in readers if p in can[n]) for p in covered)
    ours = sum(best[("nakmodel", p.name)] for p in covered)
    print(f"fastest independent reader per file: {len(covered)} files in {fastest * 1e3:.1f} ms;"
          f" nakmodel on the same files {ours * 1e3:.1f} ms")
    print(f"RATIO nakmodel / fastest independent = {ours / fastest:.2f} (target <= 2)")
    slow = sorted(covered, key=lambda p: best[("nakmodel", p.name)] / min(
        best[(n, p.name)] for n in readers if p in can[n]), reverse=True)[:5]
    for p in slow:
        f = min(best[(n, p.name)] for n in readers if p in can[n])
        print(f"    {p.name:52s} nakmodel {best[('nakmodel', p.name)] * 1e3:7.2f} ms, "
              f"fastest {f * 1e3:7.2f} ms")


if __name__ == "__main__":
    main()
