"""The host's Python for repository rules, and their one-line failures."""

def fail_line(message):
    """Stops with one line the user can act on; Bazel adds its own one-line prefix."""
    fail("\n\ntmgg: " + message + "\n")

def find_python(rctx, version):
    """The interpreter TMGG_PYTHON names, else python<version>, else python3 on PATH.

    Args:
      rctx: the repository_ctx.
      version: the `major.minor` wanted, e.g. "3.11".

    Returns:
      The interpreter's path; fails in one line when there is none.
    """
    override = rctx.os.environ.get("TMGG_PYTHON", "")
    candidates = [override] if override else ["python" + version, "python3"]
    for name in candidates:
        path = rctx.which(name) if "/" not in name else rctx.path(name)
        if path and path.exists:
            return path
    fail_line("no Python %s interpreter found (looked for %s); run `apt-get install -y python3 python3-venv` or set TMGG_PYTHON=/path/to/python%s" % (version, ", ".join(candidates), version))
    return None
