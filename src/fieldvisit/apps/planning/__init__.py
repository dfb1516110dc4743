"""The daily visit plan: candidates from the scoring engine, routes from the routing engine,
checked by the compliance engine, reviewed and approved by a manager. Read ``README.md``."""
