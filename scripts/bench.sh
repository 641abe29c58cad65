#!/usr/bin/env bash
# `make bench` (issue 3 item 11): wrk on 127.0.0.1 against
#   (a) nginx serving a static file as large as the list page,
#   (b) scm serve's /healthz through nginx (the cost of the FastCGI path itself),
#   (c) the list page, 10,000 certificates: status=ISSUED, a keyword varied per request, 20 a page,
#   (d) a details page,
#   (e) (c) again with 100,000 certificates.
# Prints req/s, p50, p99, the ratio to (a) and scm serve's RSS after each run, and writes the
# table to var/bench.md. Figures, never a failure on speed.
#
# Environment: SCM_BIN (.build/release/scm), BENCH_DURATION (10s), BENCH_CONNECTIONS (32),
# BENCH_THREADS (wrk threads, 2), BENCH_SCM_THREADS (scm serve threads, 8),
# BENCH_SMALL (10000), BENCH_LARGE (100000; 0 skips (e)).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

bin=${SCM_BIN:-.build/release/scm}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
wrk_threads=${BENCH_THREADS:-2}
scm_threads=${BENCH_SCM_THREADS:-8}
small=${BENCH_SMALL:-10000}
large=${BENCH_LARGE:-100000}
password="bench-Passw0rd-$$"

for tool in wrk nginx curl python3; do
    command -v $tool >/dev/null || { echo "bench: $tool missing (scripts/deps.sh)" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "bench: $bin not found (make release)" >&2; exit 1; }
case $bin in /*) ;; *) bin="$repo/$bin" ;; esac

work=$(mktemp -d /tmp/scm-bench.XXXXXX)
chmod 755 "$work"
scm_pid=""
nginx_pid=""
cleanup() {
    if [ -n "$nginx_pid" ]; then kill -QUIT "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
    if [ -n "$scm_pid" ]; then stop_scm; fi
    if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$work"; else echo "bench: kept $work" >&2; fi
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
http_port=$(free_port)
fcgi_port=$(free_port)
edge_port=$(free_port)
base="http://127.0.0.1:$http_port"

log() { echo "bench: $*" >&2; }

prepare_data() { # DIR COUNT
    local dir=$1 count=$2 t0
    "$bin" migrate --data-dir "$dir" >/dev/null
    "$bin" user create --data-dir "$dir" --name bench --admin --password "$password" >/dev/null
    t0=$(date +%s.%N)
    "$bin" seed --data-dir "$dir" --count "$count" >/dev/null
    log "seeded $count certificates in $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s"
}

start_scm() { # DIR
    local slog=$1/scm-serve.log
    # Without the scheduler: the seed leaves it minutes of work (multi-year renewals generating
    # keys), which would share the CPU with the requests being measured.
    "$bin" serve --data-dir "$1" --listen "127.0.0.1:$fcgi_port" --threads "$scm_threads" --without-scheduler \
        --root "$repo" 2>"$slog" &
    scm_pid=$!
    for _ in $(seq 1 200); do
        if grep -q "listening on 127.0.0.1:$fcgi_port" "$slog" 2>/dev/null; then return 0; fi
        kill -0 "$scm_pid" 2>/dev/null || { cat "$slog" >&2; exit 1; }
        sleep 0.05
    done
    log "scm serve did not start"; cat "$slog" >&2; exit 1
}

stop_scm() { # SIGTERM, then SIGKILL after 15 s (reported: a clean stop is part of the contract)
    local status=0
    kill -TERM "$scm_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
        kill -0 "$scm_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$scm_pid" 2>/dev/null; then
        log "scm serve still running 15 s after SIGTERM: killing it"
        kill -KILL "$scm_pid" 2>/dev/null || true
    fi
    wait "$scm_pid" || status=$?
    [ $status -eq 0 ] || log "scm serve exited $status"
    scm_pid=""
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$scm_pid/status"; }

login() { # prints the session cookie value
    local jar=$work/cookies token
    rm -f "$jar"
    token=$(curl -fsS -c "$jar" -b "$jar" "$base/login" \
        | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p; s/.*value="\([^"]*\)"[^>]*name="csrf_token".*/\1/p' | head -n 1)
    [ -n "$token" ] || { log "no csrf_token on /login"; exit 1; }
    curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
        --data-urlencode "username=bench" --data-urlencode "password=$password" "$base/login"
    awk '$6 == "scm_session" {print $7}' "$jar"
}

keywords_lua() { # DIR -> a wrk script varying the keyword over fragments of ISSUED certificates
    python3 - "$1/scm.sqlite" "$work/list-$2.lua" <<'PY'
import random, re, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = db.execute("SELECT name, domain FROM certificates WHERE status = 'ISSUED' ORDER BY random() LIMIT 400").fetchall()
random.seed(7)
words = set()
for name, domain in rows:
    for text in (name, domain):
        for part in re.findall(r"[A-Za-z0-9]{3,}", text or ""):
            n = random.randint(3, min(6, len(part)))
            start = random.randint(0, len(part) - n)
            words.add(part[start:start + n].lower())
words = sorted(words)[:200] or ["a"]
with open(sys.argv[2], "w") as f:
    f.write("local keywords = {" + ",".join('"%s"' % w for w in words) + "}\n")
    f.write("""local i = math.random(#keywords)
request = function()
  i = i % #keywords + 1
  return wrk.format("GET", "/certificates?status=ISSUED&keyword=" .. keywords[i] .. "&limit=20")
end
""")
print(len(words))
PY
}

results=()   # "label|req/s|p50|p99|errors|rss"
run_wrk() { # LABEL URL [LUA]
    local label=$1 url=$2 lua=${3:-} out
    local args=(-t "$wrk_threads" -c "$connections" --latency)
    [ -n "$cookie" ] && args+=(-H "Cookie: scm_session=$cookie")
    [ -n "$lua" ] && args+=(-s "$lua")
    wrk "${args[@]}" -d 2s "$url" >/dev/null   # warm-up
    out=$(wrk "${args[@]}" -d "$duration" "$url")
    echo "$out" > "$work/wrk-${#results[@]}.txt"
    local rps p50 p99 errors
    rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) n += $i} END {print n + 0}')
    results+=("$label|$rps|$p50|$p99|$errors|$(rss_kb)")
    log "$label: $rps req/s, p50 $p50, p99 $p99"
}

check_page() { # PATH -> status must be 200 with the cookie (a 303 to /login would be measured silently)
    local code
    code=$(curl -s -o "$work/page.html" -w '%{http_code}' -H "Cookie: scm_session=$cookie" "$base$1")
    [ "$code" = 200 ] || { log "GET $1 -> $code with the session cookie"; exit 1; }
}

# --- 10k ------------------------------------------------------------------------------------
log "work dir $work; nginx :$http_port, scm serve :$fcgi_port"
prepare_data "$work/data-small" "$small"

mkdir -p "$work/nginx/var/log" "$work/nginx/var/tmp"
cp -r public "$work/nginx/public"
scripts/render-nginx-conf "$http_port" "127.0.0.1:$fcgi_port" "$edge_port" "$work/data-small/edge" > "$work/nginx/nginx.conf"
# Benchmark without the access log's disk writes skewing the static baseline.
sed -i 's|access_log var/log/access.log scm buffer=64k flush=2s;|access_log off;|' "$work/nginx/nginx.conf"
nginx_globals="daemon off;"
[ "$(id -u)" -eq 0 ] && nginx_globals="$nginx_globals user root;"

start_scm "$work/data-small"
nginx -p "$work/nginx" -c nginx.conf -g "$nginx_globals" 2>>"$work/nginx.err" &
nginx_pid=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "$base/healthz" && break; sleep 0.05; done

cookie=$(login)
[ -n "$cookie" ] || { log "login failed"; exit 1; }

n_small=$(keywords_lua "$work/data-small" small)
log "$n_small keywords for the list runs"
first_kw=$(sed -n '1s/^local keywords = {"\([^"]*\)".*/\1/p' "$work/list-small.lua")
check_page "/certificates?status=ISSUED&keyword=$first_kw&limit=20"
check_page "/certificates?status=ISSUED&limit=20"
list_bytes=$(stat -c %s "$work/page.html")
log "list page (20 rows): $list_bytes bytes"

python3 - "$work/nginx/public/bench-static.html" "$list_bytes" <<'PY'
import sys
path, size = sys.argv[1], int(sys.argv[2])
line = "<tr><td>static benchmark filler row</td><td>example.com</td><td>Issued</td></tr>\n"
body = (line * (size // len(line) + 1))[:size]
open(path, "w").write(body)
PY

detail_id=$(python3 -c "
import sqlite3, sys
db = sqlite3.connect('file:$work/data-small/scm.sqlite?mode=ro', uri=True)
print(db.execute(\"SELECT id FROM certificates WHERE status = 'ISSUED' LIMIT 1\").fetchone()[0])")
check_page "/certificates/$detail_id"
detail_bytes=$(stat -c %s "$work/page.html")

saved_cookie=$cookie
cookie=""
run_wrk "(a) static file, $list_bytes B" "$base/bench-static.html"
run_wrk "(b) /healthz via FastCGI" "$base/healthz"
cookie=$saved_cookie
run_wrk "(c) list, $small certs" "$base/certificates" "$work/list-small.lua"
run_wrk "(d) details page, $detail_bytes B" "$base/certificates/$detail_id"

# --- 100k -----------------------------------------------------------------------------------
if [ "$large" -gt 0 ]; then
    stop_scm
    prepare_data "$work/data-large" "$large"
    start_scm "$work/data-large"
    cookie=$(login)
    keywords_lua "$work/data-large" large >/dev/null
    first_kw=$(sed -n '1s/^local keywords = {"\([^"]*\)".*/\1/p' "$work/list-large.lua")
    check_page "/certificates?status=ISSUED&keyword=$first_kw&limit=20"
    run_wrk "(e) list, $large certs" "$base/certificates" "$work/list-large.lua"
fi

# --- the table ------------------------------------------------------------------------------
mkdir -p var
build=release
case $bin in */debug/*) build=debug ;; esac
python3 - "$duration" "$connections" "$wrk_threads" "$scm_threads" "$build" "${results[@]}" > var/bench.md <<'PY'
import platform, re, subprocess, sys, time
duration, conns, wthreads, sthreads, build, *rows = sys.argv[1:]

def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v or "")
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

parsed = []
for r in rows:
    label, rps, p50, p99, errs, rss = r.split("|")
    parsed.append((label, float(rps or 0), ms(p50), ms(p99), int(errs or 0), int(rss or 0)))
base = parsed[0][1] or 1
cpu = "?"
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except Exception:
    pass
nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
print(f"wrk -t{wthreads} -c{conns} -d{duration}, keep-alive, 127.0.0.1; scm serve --threads {sthreads} "
      f"({build} build); nginx 2 workers, FastCGI without keep-alive; {nproc} cores ({cpu}); {time.strftime('%Y-%m-%d')}")
print()
print("| run | req/s | p50 ms | p99 ms | vs (a) | errors | scm RSS MiB |")
print("|---|---:|---:|---:|---:|---:|---:|")
for label, rps, p50, p99, errs, rss in parsed:
    print(f"| {label} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {rps / base:.1%} | {errs} | {rss / 1024:.0f} |")
print()
by = {l[:3]: (rps, p99) for l, rps, _, p99, _, _ in parsed}
if "(c)" in by:
    c_rps, c_p99 = by["(c)"]
    print(f"- list page at {c_rps / base:.1%} of the static file's req/s (target >= 25%), "
          f"p99 {c_p99:.1f} ms (target < 20 ms)")
    if "(e)" in by:
        e_rps, e_p99 = by["(e)"]
        print(f"- 100k vs 10k: {e_rps / c_rps:.0%} of the req/s, p99 {e_p99:.1f} ms vs {c_p99:.1f} ms "
              f"(target: no slower by more than 20%)")
PY
echo
cat var/bench.md
