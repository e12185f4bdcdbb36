"""Column IDs of the ``VMP data`` module of BioLogic EC-Lab ``.mpr`` files.

Each record of the data module stores the columns listed by ID in the module header,
little-endian, without padding. IDs listed in :data:`FLAG_IDS` share one leading ``u1``
byte of bit flags. The table below gives name (as EC-Lab writes it in ``.mpt``
exports) and storage type for the IDs met in EC-Lab 10-11.5x files. The ID ↔ name/type
facts are those established by the reverse engineering of the galvani project
(github.com/echemdata/galvani; its GPL code is not used here) plus ID 471 ``<Ece>/V``
written by EC-Lab >= 11.50 (and 215, its number in the older series: 11.50 writes many
IDs as the old ID + 256, e.g. 473/217 THD Ewe, 486/230 |Ewe h2|); they are checked in the
tests by the record sizes of every corpus ``.mpr``, by the ``.mpt`` export of the same
measurement and by galvani itself where it reads the file. An ID missing here is not
fatal: :mod:`nakmodel.io.eclab_mpr` infers its width from the record size and warns.
"""

from __future__ import annotations

FLAG_IDS = {1: "mode", 2: "ox/red", 3: "error", 21: "control changes", 31: "Ns changes",
            65: "counter inc."}

_F4 = "<f4"
_F8 = "<f8"

COLUMNS: dict[int, tuple[str, str]] = {
    4: ("time/s", _F8), 5: ("control/V/mA", _F4), 6: ("Ewe/V", _F4), 7: ("dq/mA.h", _F8),
    8: ("I/mA", _F4), 9: ("Ece/V", _F4), 11: ("<I>/mA", _F8), 13: ("(Q-Qo)/mA.h", _F8),
    16: ("Analog IN 1/V", _F4), 17: ("Analog IN 2/V", _F4), 19: ("control/V", _F4),
    20: ("control/mA", _F4), 23: ("dQ/mA.h", _F8), 24: ("cycle number", _F8),
    26: ("Rapp/Ohm", _F4), 27: ("Ewe-Ece/V", _F4),
    32: ("freq/Hz", _F4), 33: ("|Ewe|/V", _F4), 34: ("|I|/A", _F4), 35: ("Phase(Z)/deg", _F4),
    36: ("|Z|/Ohm", _F4), 37: ("Re(Z)/Ohm", _F4), 38: ("-Im(Z)/Ohm", _F4),
    39: ("I Range", "<u2"),
    69: ("R/Ohm", _F4), 70: ("P/W", _F4), 74: ("|Energy|/W.h", _F8), 75: ("Analog OUT/V", _F4),
    76: ("<I>/mA", _F4), 77: ("<Ewe>/V", _F4), 78: ("Cs-2/µF-2", _F4),
    96: ("|Ece|/V", _F4), 98: ("Phase(Zce)/deg", _F4), 99: ("|Zce|/Ohm", _F4),
    100: ("Re(Zce)/Ohm", _F4), 101: ("-Im(Zce)/Ohm", _F4),
    123: ("Energy charge/W.h", _F8), 124: ("Energy discharge/W.h", _F8),
    125: ("Capacitance charge/µF", _F8), 126: ("Capacitance discharge/µF", _F8),
    131: ("Ns", "<u2"),
    163: ("|Estack|/V", _F4), 168: ("Rcmp/Ohm", _F4), 169: ("Cs/µF", _F4), 172: ("Cp/µF", _F4),
    173: ("Cp-2/µF-2", _F4), 174: ("Ewe/V", _F4), 178: ("(Q-Qo)/C", _F4), 179: ("dQ/C", _F4),
    211: ("Q charge/discharge/mA.h", _F8), 212: ("half cycle", "<u4"),
    215: ("<Ece>/V", _F4),  # as 471 - 256 (EC-Lab 11.50 numbers many IDs old + 256)
    213: ("z cycle", "<u4"), 217: ("THD Ewe/%", _F4), 218: ("THD I/%", _F4),
    220: ("NSD Ewe/%", _F4), 221: ("NSD I/%", _F4), 223: ("NSR Ewe/%", _F4),
    224: ("NSR I/%", _F4),
    **{230 + k: (f"|Ewe h{k + 2}|/V", _F4) for k in range(6)},
    **{236 + k: (f"|I h{k + 2}|/A", _F4) for k in range(6)},
    242: ("|E2|/V", _F4),
    271: ("Phase(Z1)/deg", _F4), 272: ("Phase(Z2)/deg", _F4), 301: ("|Z1|/Ohm", _F4),
    302: ("|Z2|/Ohm", _F4), 331: ("Re(Z1)/Ohm", _F4), 332: ("Re(Z2)/Ohm", _F4),
    361: ("-Im(Z1)/Ohm", _F4), 362: ("-Im(Z2)/Ohm", _F4), 391: ("<E1>/V", _F4),
    392: ("<E2>/V", _F4),
    422: ("Phase(Zstack)/deg", _F4), 423: ("|Zstack|/Ohm", _F4), 424: ("Re(Zstack)/Ohm", _F4),
    425: ("-Im(Zstack)/Ohm", _F4), 426: ("<Estack>/V", _F4),
    430: ("Phase(Zwe-ce)/deg", _F4), 431: ("|Zwe-ce|/Ohm", _F4),
    432: ("Re(Zwe-ce)/Ohm", _F4), 433: ("-Im(Zwe-ce)/Ohm", _F4), 434: ("(Q-Qo)/C", _F4),
    435: ("dQ/C", _F4), 438: ("step time/s", _F8), 441: ("<Ecv>/V", _F4),
    462: ("Temperature/°C", _F4), 467: ("Q charge/discharge/mA.h", _F8),
    468: ("half cycle", "<u4"), 469: ("z cycle", "<u4"),
    471: ("<Ece>/V", _F4),  # written by EC-Lab >= 11.50; unknown to galvani 0.5
    473: ("THD Ewe/%", _F4), 474: ("THD I/%", _F4), 476: ("NSD Ewe/%", _F4),
    477: ("NSD I/%", _F4), 479: ("NSR Ewe/%", _F4), 480: ("NSR I/%", _F4),
    **{486 + k: (f"|Ewe h{k + 2}|/V", _F4) for k in range(6)},
    **{492 + k: (f"|I h{k + 2}|/A", _F4) for k in range(6)},
    498: ("Q charge/mA.h", _F8), 499: ("Q discharge/mA.h", _F8), 500: ("step time/s", _F8),
    501: ("Efficiency/%", _F8), 502: ("Capacity/mA.h", _F8), 505: ("Rdc/Ohm", _F4),
    509: ("Acir/Dcir Control", "<u1"),
}
