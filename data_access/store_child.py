"""`python -m data_access.store_child`: builds one analytics store, as told on stdin (see
data_access.store.build_in_child, which runs it so that the build's memory is not the
server's)."""

import sys

from data_access.store import child_main

if __name__ == "__main__":
    sys.exit(child_main())
