"""Planning a launch and checking its jobs before any trains: the plan, the runner names, the launch environment, plain keys, job and launcher checks."""
