"""The docs' own tooling: the README's runner table, and the check that what README.md and docs/ name exists."""
