from stagebox.cli import main

raise SystemExit(main())
