"""Regenerate the imported dictionary seeds (see newsevents.dictionaries).

Usage: .venv/bin/python scripts/import_dictionaries.py [--reference DIR] [--seeds DIR]
"""

from newsevents.dictionaries import main

if __name__ == "__main__":
    raise SystemExit(main())
