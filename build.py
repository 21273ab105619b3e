#!/usr/bin/env python3
"""Entry point: `python build.py [build|serve|new|schemas] ...` (see `python build.py --help`)."""

import sys

from sitegen.cli import main

if __name__ == "__main__":
    sys.exit(main())
