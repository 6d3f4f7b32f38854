from ecp.cli import main

raise SystemExit(main())
