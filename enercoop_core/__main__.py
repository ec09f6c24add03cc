import sys

from enercoop_core.cli import main

sys.exit(main())
