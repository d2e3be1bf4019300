"""``python -m newsevents.bench`` (``make bench``): see ``newsevents.bench.run``."""

import sys

from newsevents.bench.run import main

sys.exit(main())
