"""1D (through-thickness) cell mesh with the same tags: .msh + .xdmf."""

import sys

from nakmodel.cli.mesh import main

if __name__ == "__main__":
    sys.exit(main(geometry="1d", stem="cell_1d"))
