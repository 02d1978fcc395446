#!/usr/bin/env bash
# A local HTTP remote cache for Bazel: Debian's nginx with WebDAV PUT, bound to
# loopback, its data in a folder of your choice, capped in size (oldest entries
# are evicted first by tools/cache/prune.py, which runs beside it).
#
#   tools/cache/server.sh start   [DIR]   start (or keep) the server; prints the URL
#   tools/cache/server.sh stop    [DIR]   stop it (the cached data stays)
#   tools/cache/server.sh status  [DIR]   say whether it runs, its URL and size
#
# Settings (environment): TMGG_CACHE_DIR (default ~/.cache/tmgg/remote-cache, or
# /var/cache/tmgg/remote-cache as root),
# TMGG_CACHE_PORT (default 9092), TMGG_CACHE_MAX_MB (default 2048).
# Point Bazel at it with:  export TMGG_REMOTE_CACHE=http://127.0.0.1:9092
set -euo pipefail

action=${1:-status}
# As root, nginx's workers run as nobody, who cannot enter /root.
default_dir=$HOME/.cache/tmgg/remote-cache
[[ $(id -u) -eq 0 ]] && default_dir=/var/cache/tmgg/remote-cache
dir=${2:-${TMGG_CACHE_DIR:-$default_dir}}
port=${TMGG_CACHE_PORT:-9092}
max_mb=${TMGG_CACHE_MAX_MB:-2048}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
url="http://127.0.0.1:$port"

die() { echo "tmgg: $*" >&2; exit 2; }

running() { [[ -f "$dir/nginx.pid" ]] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null; }

write_config() {
  local user_line=""
  # A root master hands requests to workers running as nobody, who must own the store.
  if [[ $(id -u) -eq 0 ]]; then
    user_line="user nobody nogroup;"
    chown -R nobody:nogroup "$dir/store" "$dir/tmp"
    runuser -u nobody -- test -w "$dir/store" -a -w "$dir/tmp" ||
      die "nginx's workers (user nobody) cannot write $dir/store: make every folder above it searchable (chmod o+x) or choose another folder"
  fi
  cat >"$dir/nginx.conf" <<CONF
# Written by tools/cache/server.sh; rewritten at each start.
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp;
  scgi_temp_path $dir/tmp;
  server {
    listen 127.0.0.1:$port;
    root $dir/store;
    client_max_body_size 0;
    location / {
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }
  }
}
CONF
}

case "$action" in
  start)
    command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] ||
      die "nginx is not installed: run \`apt-get install -y nginx-light\` (or nginx)"
    mkdir -p "$dir/store" "$dir/tmp"
    if running; then
      echo "$url"
      exit 0
    fi
    write_config
    /usr/sbin/nginx -c "$dir/nginx.conf" -e "$dir/error.log" 2>"$dir/start.log" ||
      die "nginx did not start: $(tail -n 1 "$dir/start.log")"
    # tools.cache.prune, run as a module from the checkout's root.
    (cd "$here/../.." && exec setsid python3 -m tools.cache.prune --store "$dir/store" --max-mb "$max_mb" --every 30 \
      >"$dir/prune.log" 2>&1 </dev/null) &
    echo $! >"$dir/prune.pid"
    echo "$url"
    ;;
  stop)
    if running; then /usr/sbin/nginx -c "$dir/nginx.conf" -s stop; fi
    if [[ -f "$dir/prune.pid" ]]; then kill "$(cat "$dir/prune.pid")" 2>/dev/null || true; rm -f "$dir/prune.pid"; fi
    ;;
  status)
    if running; then
      echo "running at $url, data in $dir/store ($(du -sh "$dir/store" | cut -f1), cap ${max_mb} MB)"
    else
      echo "not running (data folder $dir)"
      exit 1
    fi
    ;;
  -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$action': use start, stop or status (--help shows the usage)" ;;
esac
