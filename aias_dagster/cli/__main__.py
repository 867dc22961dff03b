import sys

from aias_dagster.cli.main import main

sys.exit(main())
