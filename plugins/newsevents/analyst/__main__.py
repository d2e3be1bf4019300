"""``python -m newsevents.analyst shell|docs``."""

import sys

from newsevents.analyst.shell import main

sys.exit(main())
