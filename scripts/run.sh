#!/usr/bin/env bash
# `make run`: migrate (and on a new database create the admin user and seed), then run
# scm serve and nginx in the foreground until Ctrl-C, which stops both cleanly.
#
# Environment (all optional):
#   SCM_BIN        the scm binary                      (.build/release/scm)
#   SCM_DATA_DIR   database and keys                   (var)
#   SCM_HTTP       nginx listen address                (127.0.0.1:8080)
#   SCM_FCGI       scm serve FastCGI address           (127.0.0.1:9000)
#   SCM_EDGE       the cloud products' TLS edge        (127.0.0.1:8443)
#   SCM_THREADS    scm serve accept threads            (8)
#   SCM_SEED       demo certificates on a new database (60)
#   SCM_SERVE_ARGS extra arguments for scm serve, e.g. "--clock-offset-days 30 --review-scale 0.1"
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bin=${SCM_BIN:-.build/release/scm}
data=${SCM_DATA_DIR:-var}
http=${SCM_HTTP:-127.0.0.1:8080}
fcgi=${SCM_FCGI:-127.0.0.1:9000}
edge=${SCM_EDGE:-127.0.0.1:8443}
threads=${SCM_THREADS:-8}
seed=${SCM_SEED:-60}

if [ ! -x "$bin" ]; then
    echo "run: $bin not found; build it with 'make release'" >&2
    exit 1
fi

mkdir -p var/log var/tmp "$data"

# Refuse early, with a clear message, when a port is taken.
port_in_use() {
    local host=${1%:*} port=${1##*:}
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}
for addr in "$http" "$fcgi" "$edge"; do
    if port_in_use "$addr"; then
        echo "run: $addr is already in use (another 'make run'?); set SCM_HTTP / SCM_FCGI / SCM_EDGE to other addresses" >&2
        exit 1
    fi
done

new_db=0
if [ ! -e "$data/scm.sqlite" ]; then
    new_db=1
fi
"$bin" migrate --data-dir "$data"

password="(shown at the first start, when this database was created)"
if [ $new_db -eq 1 ]; then
    # The admin first: `scm seed` gives the demo certificates to the first administrator, so
    # that their reminder ladder, message templates and webhooks apply to them.
    out=$("$bin" user create --data-dir "$data" --name admin --admin)
    password=$(printf '%s\n' "$out" | sed -n 's/^password: //p' | head -n 1)
    if [ -z "$password" ]; then
        echo "run: 'scm user create' printed no password line" >&2
        exit 1
    fi
    "$bin" seed --data-dir "$data" --count "$seed"
fi

# nginx reads its configuration with the addresses and the edge directory of this run.
conf=nginx.conf
if [ "$http" != "127.0.0.1:8080" ] || [ "$fcgi" != "127.0.0.1:9000" ] || [ "$edge" != "127.0.0.1:8443" ] \
    || [ "$(realpath -m "$data")" != "$root/var" ]; then
    scripts/render-nginx-conf "$http" "$fcgi" "$edge" "$data/edge" > var/nginx.conf
    conf=var/nginx.conf
fi
nginx_globals="daemon off;"
if [ "$(id -u)" -eq 0 ]; then
    # Workers would otherwise run as nobody, who may not be able to read the checkout.
    nginx_globals="$nginx_globals user root;"
fi
nginx -t -q -p "$root" -c "$conf" -g "$nginx_globals"

scm_pid=""
nginx_pid=""
# A background command of a script starts with SIGINT and SIGQUIT ignored, and nginx keeps them
# ignored until it installs its handlers: a Ctrl-C right after the start would leave it running.
# So QUIT (graceful), and TERM when it is still there after a few seconds.
stop_nginx() {
    [ -n "$nginx_pid" ] || return 0
    kill -QUIT "$nginx_pid" 2>/dev/null || return 0
    for _ in $(seq 1 30); do
        kill -0 "$nginx_pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -TERM "$nginx_pid" 2>/dev/null || true
}
stop() {
    trap - INT TERM
    echo >&2
    echo "run: stopping" >&2
    stop_nginx
    [ -n "$scm_pid" ] && kill -TERM "$scm_pid" 2>/dev/null || true
    local status=0
    if [ -n "$scm_pid" ]; then wait "$scm_pid" || status=$?; fi
    if [ -n "$nginx_pid" ]; then wait "$nginx_pid" 2>/dev/null || true; fi
    # 130/143: scm serve also got the terminal's SIGINT directly; it is still a clean stop.
    if [ $status -ne 0 ] && [ $status -ne 130 ] && [ $status -ne 143 ]; then
        echo "run: scm serve exited with status $status" >&2
        exit 1
    fi
    exit 0
}
trap stop INT TERM

# shellcheck disable=SC2086
"$bin" serve --data-dir "$data" --listen "$fcgi" --threads "$threads" --root "$root" ${SCM_SERVE_ARGS:-} &
scm_pid=$!
for _ in $(seq 1 100); do
    if port_in_use "$fcgi"; then break; fi
    if ! kill -0 "$scm_pid" 2>/dev/null; then
        wait "$scm_pid" || true
        echo "run: scm serve did not start" >&2
        exit 1
    fi
    sleep 0.1
done

nginx -p "$root" -c "$conf" -g "$nginx_globals" &
nginx_pid=$!
# The URL is printed once nginx answers on it.
for _ in $(seq 1 100); do
    if port_in_use "$http" || ! kill -0 "$nginx_pid" 2>/dev/null; then break; fi
    sleep 0.1
done

echo
echo "Open http://$http/  user: admin  password: $password"
echo "Cloud products' TLS edge: $edge (openssl s_client -connect $edge -servername www.example.com)"
echo "(Ctrl-C stops scm serve and nginx)"
echo

# Whichever stops first (or Ctrl-C) stops the other.
set +e
wait -n "$scm_pid" "$nginx_pid"
status=$?
set -e
trap - INT TERM
stop_nginx
kill -TERM "$scm_pid" 2>/dev/null || true
wait 2>/dev/null || true
# A clean stop (Ctrl-C reaches scm serve directly too, and it exits 0) is not an error.
if [ $status -eq 0 ] || [ $status -eq 130 ] || [ $status -eq 143 ]; then
    echo "run: stopped" >&2
    exit 0
fi
echo "run: a server exited on its own (status $status)" >&2
exit 1
