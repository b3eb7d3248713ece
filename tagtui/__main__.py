from tagtui.cli import main

raise SystemExit(main())
