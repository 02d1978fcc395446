"""The bundled remote cache: tools/cache/server.sh runs it, prune.py keeps it small."""
