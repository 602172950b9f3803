"""The report stage: the year's params file, the narrative from templates, the charts, the
disclosure report's tables and checks, and the session a report notebook opens."""
