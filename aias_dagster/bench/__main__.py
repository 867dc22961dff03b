from aias_dagster.bench.main import main

raise SystemExit(main())
