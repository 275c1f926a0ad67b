# Sourced by bench scripts that drive a proxy with wrk: a scratch directory and the processes to stop when the script
# exits (by PID), free_port, and an nginx on a free loopback port that reads the PROXY header and answers 100 bytes.
# After sourcing: $work, $backend (the nginx's port), pids (append every process started).
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

backend=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$backend proxy_protocol backlog=4096;
    location / { return 200 "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
