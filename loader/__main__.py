"""`python -m loader template|validate|load`."""

import sys

from loader.cli import main

sys.exit(main())
