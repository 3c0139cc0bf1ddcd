"""The first-run wizard: Detect -> Fix -> JACK settings -> Test (one module per page)."""
