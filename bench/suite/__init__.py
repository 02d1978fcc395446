"""bench_suite in parts: its scope and edits, running each tool, the scenarios, the report and its chart."""
