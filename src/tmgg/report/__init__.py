"""The one-line report of an expected error, shared by the runners, sweep jobs and preflight."""
