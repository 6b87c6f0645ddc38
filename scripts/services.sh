#!/usr/bin/env bash
# Local test services for the city open data portal: PostgreSQL, Redis and
# Elasticsearch, all on loopback, on non-default ports, with state kept in
# ${PORTAL_SERVICES_DIR:-<repo>/.services}.
#
# usage: scripts/services.sh {install|start|stop|status|env|start-es|stop-es|es-paths}
#        scripts/services.sh {nginx-start|nginx-stop} SITE.conf [DIR]
# nginx-start runs Debian's nginx as a daemon, without root, around one site rendered by
# `manage.py render_nginx_conf`; its pid, logs and temp files live in DIR
# (default $STATE/nginx/<site name>). Nothing else starts it.
#        scripts/services.sh start-es-node CLUSTER NODE HTTP_PORT TRANSPORT_PORT SEED_HOSTS [INITIAL_MASTER_NODES]
#        scripts/services.sh {stop-es-node CLUSTER NODE|remove-es-cluster CLUSTER|start-es-node2|stop-es-node2}
#        scripts/services.sh s3-start DIR PORT | s3-stop DIR
# s3-start runs a private S3-compatible server (s3proxy, jclouds' filesystem backend) on 127.0.0.1:PORT,
# its objects, pid and log in DIR, keys PORTAL_S3_ACCESS_KEY / PORTAL_S3_SECRET_KEY (default portal /
# portal-secret); its jar comes from Maven Central the first time, not by install.
#
# The main Elasticsearch node runs alone (discovery.type=single-node) unless PORTAL_ES_CLUSTER_MODE=1,
# which starts it as node-1 of a cluster that start-es-node2 (127.0.0.1:9210) can join.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${PORTAL_SERVICES_DIR:-$REPO/.services}"

PG_PORT=54329
REDIS_PORT=63799
ES_PORT=9209
ES_TRANSPORT_PORT=9309
ES_NODE2_PORT=9210
ES_NODE2_TRANSPORT_PORT=9310
ES_VERSION=9.2.0
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
S3PROXY_VERSION=2.6.0
S3PROXY_ARTIFACT="org.gaul:s3proxy:${S3PROXY_VERSION}:jar:jar-with-dependencies"
SVC_USER=portalsvc

PG_TIMEOUT=60
REDIS_TIMEOUT=30
ES_TIMEOUT="${PORTAL_ES_TIMEOUT:-180}"
S3_TIMEOUT=60

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [[ $EUID -eq 0 ]]; }

# Run a command as the given (non-root) service user. When we are not root we
# already are a non-root user, so just run it.
as_user() {
    local user="$1"; shift
    if is_root; then
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

# ----------------------------------------------------------------- install --

apt_install() {
    [[ $# -gt 0 ]] || return 0
    local sudo=()
    if ! is_root; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install: $*"
        sudo=(sudo)
    fi
    log "apt-get install: $*"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

pg_bindir() {
    local d
    for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
            echo "$d"; return 0
        fi
    done
    return 1
}

find_java() {
    # Elasticsearch 9 needs Java 21+.
    if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
        echo /usr/lib/jvm/temurin-25-jdk-amd64; return 0
    fi
    local best="" best_v=0 d v
    for d in /usr/lib/jvm/*/; do
        d="${d%/}"
        [[ -x "$d/bin/java" && ! -L "$d" ]] || continue
        v="$("$d/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = //p' | head -n1)"
        v="${v#1.}"; v="${v%%.*}"
        [[ "$v" =~ ^[0-9]+$ ]] || continue
        if (( v >= 21 && v > best_v )); then best="$d"; best_v="$v"; fi
    done
    [[ -n "$best" ]] || return 1
    echo "$best"
}

# Directories the non-root service users (postgres, portalsvc) can reach.
# If the state dir lives somewhere they cannot traverse (e.g. under /root),
# fall back to a per-repo directory in /var/tmp.
runtime_dir() {
    mkdir -p "$STATE"
    if ! is_root || runuser -u postgres -- test -x "$STATE" 2>/dev/null; then
        echo "$STATE"
    else
        local h; h="$(printf '%s' "$STATE" | md5sum | cut -c1-10)"
        echo "/var/tmp/portal-services-$h"
    fi
}

ensure_users() {
    is_root || return 0
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    id "$SVC_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$SVC_USER"
}

setup_paths() {
    RUN="$(runtime_dir)"
    CACHE="$STATE/cache"
    PGDATA="$RUN/pgdata"
    PG_LOG="$RUN/postgresql.log"
    PG_SOCK="$RUN/pg-sock"
    if (( ${#PG_SOCK} > 80 )); then   # unix socket paths are limited to ~107 bytes
        PG_SOCK="/tmp/portal-pg-$(printf '%s' "$RUN" | md5sum | cut -c1-10)"
    fi
    REDIS_DIR="$RUN/redis"
    REDIS_PID="$RUN/redis.pid"
    REDIS_LOG="$RUN/redis.log"
    ES_HOME="$RUN/elasticsearch-$ES_VERSION"
    ES_DATA="$RUN/es-data"
    ES_LOGS="$RUN/es-logs"
    ES_RUN="$RUN/es-run"
    ES_PID="$ES_RUN/elasticsearch.pid"
    ES_ZIP="$CACHE/elasticsearch-$ES_VERSION.zip"
    S3PROXY_JAR="$CACHE/s3proxy-$S3PROXY_VERSION.jar"
    if is_root; then
        PG_USER=postgres; PG_SUPER=postgres; ES_USER="$SVC_USER"
    else
        PG_USER="$(id -un)"; PG_SUPER="$(id -un)"; ES_USER="$(id -un)"
    fi
}

cmd_install() {
    local missing=()
    pg_bindir >/dev/null || missing+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    # A CJK font, so the browser tests' screenshots show Chinese text rather than empty boxes.
    dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    command -v unzip >/dev/null 2>&1 || missing+=(unzip)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    # The front server of deploy/nginx/ (Debian's build: gzip_static, X-Accel-Redirect, sendfile).
    [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
    command -v flock >/dev/null 2>&1 || missing+=(util-linux)
    dpkg -s ca-certificates >/dev/null 2>&1 || missing+=(ca-certificates)
    apt_install "${missing[@]}"

    ensure_users
    setup_paths
    mkdir -p "$CACHE" "$RUN"

    find_java >/dev/null || die "Elasticsearch $ES_VERSION needs a JDK >= 21 under /usr/lib/jvm (Debian 12 only packages OpenJDK 17). Install e.g. Temurin 21+ and retry."

    if [[ ! -s "$ES_ZIP" ]]; then
        log "fetching $ES_ARTIFACT from Maven Central"
        local tmp="$CACHE/mvn-tmp"
        rm -rf "$tmp"; mkdir -p "$tmp"
        mvn -q -B dependency:copy -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$tmp" \
            || die "mvn could not fetch $ES_ARTIFACT"
        mv "$tmp/elasticsearch-$ES_VERSION.zip" "$ES_ZIP"
        rm -rf "$tmp"
    fi
    if [[ ! -x "$ES_HOME/bin/elasticsearch" ]]; then
        log "unpacking Elasticsearch $ES_VERSION"
        local tmp="$RUN/es-unpack"
        rm -rf "$tmp" "$ES_HOME"; mkdir -p "$tmp"
        unzip -q "$ES_ZIP" -d "$tmp"
        mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
        rm -rf "$tmp"
    fi
    mkdir -p "$ES_DATA" "$ES_LOGS"
    if is_root; then
        chown -R "$ES_USER:" "$ES_HOME" "$ES_DATA" "$ES_LOGS"
    fi
}

# ------------------------------------------------------------- postgresql --

pg_psql() {
    as_user "$PG_USER" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U "$PG_SUPER" "$@"
}

pg_ready() {
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1
}

pg_running() {
    [[ -f "$PGDATA/postmaster.pid" ]] && as_user "$PG_USER" "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

pg_start() {
    PG_BIN="$(pg_bindir)" || die "PostgreSQL binaries not found (run install)"
    mkdir -p "$PG_SOCK"
    if is_root; then chown "$PG_USER:" "$PG_SOCK"; fi
    chmod 0700 "$PG_SOCK"
    if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
        log "initdb $PGDATA"
        rm -rf "$PGDATA"; mkdir -p "$PGDATA"
        if is_root; then chown "$PG_USER:" "$PGDATA"; fi
        chmod 0700 "$PGDATA"
        as_user "$PG_USER" "$PG_BIN/initdb" -D "$PGDATA" -U "$PG_SUPER" --encoding=UTF8 --no-locale \
            --auth-local=peer --auth-host=scram-sha-256 --no-sync >"$RUN/initdb.log" 2>&1 \
            || { tail -n 30 "$RUN/initdb.log" >&2; die "initdb failed"; }
        cat >>"$PGDATA/postgresql.conf" <<EOF

# --- city open data portal: local test instance (NOT durable) ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 128MB
EOF
    fi
    if pg_running && pg_ready; then
        log "postgresql already running on 127.0.0.1:$PG_PORT"
    else
        if pg_running; then
            log "postgresql running but not ready; waiting"
        else
            [[ -f "$PG_LOG" ]] || { touch "$PG_LOG"; if is_root; then chown "$PG_USER:" "$PG_LOG"; fi; }
            log "starting postgresql on 127.0.0.1:$PG_PORT"
            as_user "$PG_USER" "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t "$PG_TIMEOUT" \
                -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1" start >/dev/null 9>&- \
                || { tail -n 40 "$PG_LOG" >&2; die "postgresql did not start (log: $PG_LOG)"; }
        fi
        local i
        for ((i = 0; i < PG_TIMEOUT * 2; i++)); do
            pg_ready && break
            sleep 0.5
        done
        pg_ready || { tail -n 40 "$PG_LOG" >&2; die "postgresql not ready after ${PG_TIMEOUT}s (log: $PG_LOG)"; }
    fi
    # Role + database (idempotent). CREATEDB so pytest-django can create test DBs.
    pg_psql -d postgres <<'SQL' || die "could not create role/database in postgresql"
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal') THEN
        CREATE ROLE portal LOGIN CREATEDB NOSUPERUSER PASSWORD 'portal';
    END IF;
END
$$;
SELECT 'CREATE DATABASE portal OWNER portal'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'portal')\gexec
SQL
    # Search typo tolerance uses pg_trgm (search migration 0004 creates it too: it is a trusted
    # extension); enabled in template1 so every database created after, test ones included, has it.
    for db in template1 portal; do
        pg_psql -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" >/dev/null \
            || die "could not enable pg_trgm in $db"
    done
}

pg_stop() {
    PG_BIN="$(pg_bindir)" || return 0
    if pg_running; then
        log "stopping postgresql"
        as_user "$PG_USER" "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
    fi
}

pg_status() {
    PG_BIN="$(pg_bindir 2>/dev/null)" || { echo "postgresql: not installed"; return 1; }
    if pg_running && pg_ready; then
        echo "postgresql: running on 127.0.0.1:$PG_PORT (data $PGDATA)"
    elif pg_running; then
        echo "postgresql: running but NOT ready on 127.0.0.1:$PG_PORT"; return 1
    else
        echo "postgresql: stopped"; return 1
    fi
}

# ------------------------------------------------------------------ redis --

redis_ready() {
    [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

redis_pid_alive() {
    [[ -s "$REDIS_PID" ]] && kill -0 "$(cat "$REDIS_PID")" 2>/dev/null
}

redis_start() {
    if redis_ready; then
        redis_pid_alive || log "WARNING: something answers on 127.0.0.1:$REDIS_PORT but it is not our redis"
        log "redis already running on 127.0.0.1:$REDIS_PORT"
        return 0
    fi
    mkdir -p "$REDIS_DIR"
    log "starting redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$REDIS_DIR" \
        --save '' --appendonly no --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" 9>&- \
        || { tail -n 40 "$REDIS_LOG" >&2 2>/dev/null || true; die "redis-server failed to start"; }
    local i
    for ((i = 0; i < REDIS_TIMEOUT * 4; i++)); do
        redis_ready && return 0
        sleep 0.25
    done
    tail -n 40 "$REDIS_LOG" >&2 2>/dev/null || true
    die "redis not answering PING after ${REDIS_TIMEOUT}s (log: $REDIS_LOG)"
}

redis_stop() {
    if redis_pid_alive; then
        local pid; pid="$(cat "$REDIS_PID")"
        log "stopping redis (pid $pid)"
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
        if ! wait_pid_gone "$pid" 20; then kill -9 "$pid" 2>/dev/null || true; fi
        rm -f "$REDIS_PID"
    fi
}

redis_status() {
    if redis_ready; then
        echo "redis: running on 127.0.0.1:$REDIS_PORT"
    else
        echo "redis: stopped"; return 1
    fi
}

# ---------------------------------------------------------- elasticsearch --

es_health() {
    es_health_at "$ES_PORT" "$@"
}

es_health_at() {
    # Fails unless the node on this HTTP port answers its cluster's health with green/yellow.
    local port="$1" body
    body="$(curl -fsS -m "${2:-5}" "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=${3:-1}s" 2>/dev/null)" || return 1
    [[ "$body" == *'"status":"green"'* || "$body" == *'"status":"yellow"'* ]]
}

# Launch an Elasticsearch daemon as ES_USER: es_launch PIDFILE LAUNCH_LOG JAVA_OPTS [-E setting]...
# The settings every node shares are here; the caller adds its cluster, ports, discovery and paths.
es_launch() {
    local pid="$1" launch_log="$2" java_opts="$3"; shift 3
    [[ -x "$ES_HOME/bin/elasticsearch" ]] || die "elasticsearch not installed (run install)"
    local java; java="$(find_java)" || die "no JDK >= 21 under /usr/lib/jvm for Elasticsearch"
    rm -f "$pid"
    log "starting elasticsearch $ES_VERSION ($*) (java: $java)"
    (cd "$ES_HOME" && as_user "$ES_USER" env ES_JAVA_HOME="$java" ES_JAVA_OPTS="$java_opts" \
        bin/elasticsearch -d -p "$pid" \
        -E xpack.security.enabled=false \
        -E xpack.ml.enabled=false \
        -E network.host=127.0.0.1 \
        -E cluster.routing.allocation.disk.threshold_enabled=false \
        "$@" \
        >"$launch_log" 2>&1 9>&-) \
        || { tail -n 40 "$launch_log" >&2; return 1; }
}

# Poll until the node on PORT reports green/yellow: es_wait PORT PIDFILE LOGDIR.
es_wait() {
    local port="$1" pid="$2" logs="$3" deadline=$((SECONDS + ES_TIMEOUT))
    while (( SECONDS < deadline )); do
        es_health_at "$port" 12 10 && { log "elasticsearch ready on 127.0.0.1:$port"; return 0; }
        if [[ -s "$pid" ]] && ! kill -0 "$(cat "$pid")" 2>/dev/null; then
            es_log_tail "$logs"; die "elasticsearch on port $port exited during startup (logs: $logs)"
        fi
        sleep 1
    done
    es_log_tail "$logs"
    die "elasticsearch on port $port not healthy after ${ES_TIMEOUT}s (logs: $logs)"
}

# The main node's discovery: alone (the default), or node-1 of a cluster node-2 can join.
es_main_discovery() {
    if [[ "${PORTAL_ES_CLUSTER_MODE:-0}" == 1 ]]; then
        echo "-E node.name=node-1"
        echo "-E discovery.seed_hosts=127.0.0.1:$ES_TRANSPORT_PORT,127.0.0.1:$ES_NODE2_TRANSPORT_PORT"
        # Only when the cluster forms the first time: once formed, the data dir knows its masters.
        [[ -n "$(ls -A "$ES_DATA" 2>/dev/null)" ]] || echo "-E cluster.initial_master_nodes=node-1"
    else
        echo "-E discovery.type=single-node"
    fi
}

es_pid_alive() {
    [[ -s "$ES_PID" ]] && kill -0 "$(cat "$ES_PID")" 2>/dev/null
}

es_start() {
    if es_pid_alive && es_health; then
        log "elasticsearch already running on 127.0.0.1:$ES_PORT"
        return 0
    fi
    if ! es_pid_alive; then
        if curl -s -m 2 -o /dev/null "http://127.0.0.1:$ES_PORT/" 2>/dev/null; then
            die "port $ES_PORT is taken by a process we did not start; stop it first"
        fi
        mkdir -p "$ES_DATA" "$ES_LOGS" "$ES_RUN"
        # ES writes its pidfile itself, so ES_RUN must be writable for ES_USER.
        if is_root; then chown "$ES_USER:" "$ES_DATA" "$ES_LOGS" "$ES_RUN"; fi
        local discovery; discovery="$(es_main_discovery)"
        # shellcheck disable=SC2086  # one "-E setting" a line
        es_launch "$ES_PID" "$RUN/es-launch.log" "${PORTAL_ES_JAVA_OPTS:--Xms512m -Xmx512m}" \
            -E cluster.name=portal-test \
            $discovery \
            -E http.port="$ES_PORT" \
            -E transport.port="$ES_TRANSPORT_PORT" \
            -E path.data="$ES_DATA" \
            -E path.logs="$ES_LOGS" \
            || { es_log_tail; die "elasticsearch failed to launch"; }
    else
        log "elasticsearch process running but not healthy yet; waiting"
    fi
    es_wait "$ES_PORT" "$ES_PID" "$ES_LOGS"
}

es_log_tail() {
    local logs="${1:-$ES_LOGS}" f
    f="$(ls -t "$logs"/*.log 2>/dev/null | grep -v '/gc\.log$' | head -n1 || true)"
    [[ -n "$f" && -f "$f" ]] && { echo "---- tail of $f ----" >&2; tail -n 40 "$f" >&2; }
    return 0
}

wait_pid_gone() {
    local pid="$1" secs="$2" i
    for ((i = 0; i < secs * 4; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.25
    done
    return 1
}

# SIGTERM, then SIGKILL if the process is still there after SECS seconds.
terminate_pid() {
    local pid="$1" secs="$2"
    kill "$pid" 2>/dev/null || true
    if ! wait_pid_gone "$pid" "$secs"; then
        log "pid $pid did not stop in ${secs}s; killing"
        kill -9 "$pid" 2>/dev/null || true
        wait_pid_gone "$pid" 10 || true
    fi
}

es_stop() {
    if es_pid_alive; then
        local pid; pid="$(cat "$ES_PID")"
        log "stopping elasticsearch (pid $pid)"
        terminate_pid "$pid" 60
    fi
    rm -f "$ES_PID"
}

es_status() {
    if es_pid_alive && es_health; then
        echo "elasticsearch: running on 127.0.0.1:$ES_PORT (pid $(cat "$ES_PID"))"
    elif es_pid_alive; then
        echo "elasticsearch: running but NOT healthy on 127.0.0.1:$ES_PORT"; return 1
    else
        echo "elasticsearch: stopped"; return 1
    fi
}

# ------------------------------------------------------------------ nginx --

nginx_dir() {
    local site="$1" name
    name="$(basename "$site")"; name="${name%.conf}"
    echo "${2:-$STATE/nginx/$name}"
}

# A main configuration of its own around the site: pid, logs and temp files in DIR, so no
# root and no /etc/nginx/nginx.conf, /var/log/nginx or /var/lib/nginx is needed.
nginx_main_conf() {
    local site="$1" dir="$2" d
    # As root, the workers would switch to `nobody`, who cannot read a test's private directories.
    if is_root; then echo "user root root;"; fi
    cat <<EOF
worker_processes 2;
daemon on;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $dir/access.log;
    sendfile on;
EOF
    for d in client_body proxy fastcgi uwsgi scgi; do
        echo "    ${d}_temp_path $dir/tmp/$d;"
    done
    printf '    include %s;\n}\n' "$site"
}

nginx_start() {
    local site dir
    [[ -n "${1:-}" ]] || die "usage: $0 nginx-start SITE.conf [DIR]"
    [[ -f "$1" ]] || die "no such site configuration: $1"
    [[ -x /usr/sbin/nginx ]] || die "nginx not installed (run install)"
    site="$(realpath "$1")"
    dir="$(nginx_dir "$site" "${2:-}")"
    nginx_stop "$site" "$dir"
    mkdir -p "$dir/tmp"
    dir="$(realpath "$dir")"
    nginx_main_conf "$site" "$dir" >"$dir/nginx.conf"
    /usr/sbin/nginx -q -t -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" \
        || die "nginx refused $site (main configuration: $dir/nginx.conf)"
    # With `daemon on` this returns once the master has bound its ports.
    /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 9>&- \
        || { tail -n 20 "$dir/error.log" >&2 2>/dev/null || true; die "nginx did not start"; }
    log "nginx running (pid $(cat "$dir/nginx.pid"), logs in $dir)"
}

nginx_stop() {
    local dir pid
    [[ -n "${1:-}" ]] || die "usage: $0 nginx-stop SITE.conf [DIR]"
    dir="$(nginx_dir "$1" "${2:-}")"
    [[ -s "$dir/nginx.pid" ]] || return 0
    pid="$(cat "$dir/nginx.pid")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -QUIT "$pid" 2>/dev/null || true   # graceful: the requests in flight finish
        if ! wait_pid_gone "$pid" 20; then
            kill -TERM "$pid" 2>/dev/null || true
            wait_pid_gone "$pid" 10 || true
        fi
    fi
    rm -f "$dir/nginx.pid"
}

# ------------------------------------------------- elasticsearch cluster nodes --
# Node NODE of cluster CLUSTER on loopback, with its data, logs and pidfile under
# ${PORTAL_ES_NODES_DIR:-<runtime dir>/es-nodes}/CLUSTER/NODE: a test's private cluster on free
# ports, or node-2 joining the main node (start-es-node2). The main node's own state stays where it is.

es_node_dir() {
    local base="${PORTAL_ES_NODES_DIR:-$RUN/es-nodes}"
    [[ "$1" =~ ^[A-Za-z0-9_.-]+$ && "${2:-x}" =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad cluster/node name: $*"
    echo "$base/$1${2:+/$2}"
}

# es_node_start CLUSTER NODE HTTP_PORT TRANSPORT_PORT SEED_HOSTS [INITIAL_MASTER_NODES]
# SEED_HOSTS: host:transport_port,... of the nodes to find; INITIAL_MASTER_NODES (node names) only for
# the node(s) that form a new cluster, left empty for a node joining one. Idempotent; waits until the
# node answers green/yellow, i.e. has found its cluster's master.
es_node_start() {
    [[ $# -ge 5 ]] || die "usage: start-es-node CLUSTER NODE HTTP_PORT TRANSPORT_PORT SEED_HOSTS [INITIAL_MASTER_NODES]"
    local cluster="$1" node="$2" port="$3" transport="$4" seeds="$5" masters="${6:-}" dir
    dir="$(es_node_dir "$cluster" "$node")"
    local pid="$dir/run/elasticsearch.pid"
    if [[ -s "$pid" ]] && kill -0 "$(cat "$pid")" 2>/dev/null; then
        log "elasticsearch node $cluster/$node already running"
    else
        if curl -s -m 2 -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
            die "port $port is taken by a process we did not start; stop it first"
        fi
        mkdir -p "$dir/data" "$dir/logs" "$dir/run"
        if is_root; then chown -R "$ES_USER:" "$dir"; fi
        local bootstrap=()
        if [[ -n "$masters" && -z "$(ls -A "$dir/data")" ]]; then
            bootstrap=(-E cluster.initial_master_nodes="$masters")
        fi
        es_launch "$pid" "$dir/launch.log" "${PORTAL_ES_NODE_JAVA_OPTS:--Xms256m -Xmx256m}" \
            -E cluster.name="$cluster" \
            -E node.name="$node" \
            -E discovery.seed_hosts="$seeds" \
            "${bootstrap[@]}" \
            -E http.port="$port" \
            -E transport.port="$transport" \
            -E path.data="$dir/data" \
            -E path.logs="$dir/logs" \
            || { es_log_tail "$dir/logs"; die "elasticsearch node $cluster/$node failed to launch"; }
    fi
    es_wait "$port" "$pid" "$dir/logs"
}

es_node_stop() {
    local dir; dir="$(es_node_dir "$1" "$2")"
    local pidfile="$dir/run/elasticsearch.pid"
    if [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        local pid; pid="$(cat "$pidfile")"
        log "stopping elasticsearch node $1/$2 (pid $pid)"
        terminate_pid "$pid" 60
    fi
    rm -f "$pidfile"
}

# Stop every node of CLUSTER started by es_node_start and delete their state.
es_cluster_remove() {
    local dir node; dir="$(es_node_dir "$1")"
    [[ -d "$dir" ]] || return 0
    for node in "$dir"/*/; do
        [[ -d "$node" ]] && es_node_stop "$1" "$(basename "$node")"
    done
    rm -rf "$dir"
}

es_node2_start() {
    es_health || die "the main elasticsearch node is not running (start-es first)"
    if curl -fsS -m 5 "http://127.0.0.1:$ES_PORT/_nodes/_local/settings?filter_path=**.discovery.type" 2>/dev/null \
            | grep -q single-node; then
        die "the main elasticsearch node runs alone (discovery.type=single-node): restart it with PORTAL_ES_CLUSTER_MODE=1 (stop-es, start-es)"
    fi
    es_node_start portal-test node-2 "$ES_NODE2_PORT" "$ES_NODE2_TRANSPORT_PORT" "127.0.0.1:$ES_TRANSPORT_PORT"
}

# ---------------------------------------------------------------- s3proxy --
# A private S3-compatible server for a test or a bench (tests/test_object_storage.py): s3proxy over
# jclouds' filesystem backend, a real S3 API (signatures v2/v4, presigned URLs) on loopback. One
# instance per DIR: DIR/data holds the buckets (a directory each), DIR/s3proxy.{properties,pid,log}.

s3_jar() {
    [[ -s "$S3PROXY_JAR" ]] && return 0
    log "fetching $S3PROXY_ARTIFACT from Maven Central"
    local tmp="$CACHE/mvn-s3proxy-$$"   # per run: two first runs at once each fetch, the last mv wins
    rm -rf "$tmp"; mkdir -p "$tmp"
    mvn -q -B dependency:copy -Dartifact="$S3PROXY_ARTIFACT" -DoutputDirectory="$tmp" \
        || { rm -rf "$tmp"; die "mvn could not fetch $S3PROXY_ARTIFACT"; }
    mv "$tmp/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar" "$S3PROXY_JAR"
    rm -rf "$tmp"
}

# s3proxy needs Java 17+: Elasticsearch's JDK when there is one, else the java on PATH.
s3_java() {
    local home
    if home="$(find_java)"; then echo "$home/bin/java"; return 0; fi
    command -v java || die "s3proxy needs Java 17+ (none under /usr/lib/jvm nor on PATH)"
}

s3_answers() {
    # Any HTTP answer will do: an unsigned request gets s3proxy's 403.
    local code
    code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null)" || true
    [[ -n "$code" && "$code" != 000 ]]
}

s3_pid_alive() {
    [[ -s "$1/s3proxy.pid" ]] && kill -0 "$(cat "$1/s3proxy.pid")" 2>/dev/null
}

s3_start() {
    [[ $# -eq 2 && "$2" =~ ^[0-9]+$ ]] || die "usage: $0 s3-start DIR PORT"
    local dir="$1" port="$2" i
    mkdir -p "$dir/data"
    dir="$(realpath "$dir")"
    if s3_pid_alive "$dir"; then
        log "s3proxy already running (pid $(cat "$dir/s3proxy.pid"), $dir)"
        return 0
    fi
    s3_answers "$port" && die "port $port is taken by a process we did not start; stop it first"
    mkdir -p "$CACHE"
    s3_jar
    local java; java="$(s3_java)"
    (umask 077; cat >"$dir/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=${PORTAL_S3_ACCESS_KEY:-portal}
s3proxy.credential=${PORTAL_S3_SECRET_KEY:-portal-secret}
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/data
EOF
)
    log "starting s3proxy $S3PROXY_VERSION on 127.0.0.1:$port ($dir)"
    # shellcheck disable=SC2086  # PORTAL_S3_JAVA_OPTS is a list of words
    setsid "$java" ${PORTAL_S3_JAVA_OPTS:--Xms64m -Xmx256m} -jar "$S3PROXY_JAR" \
        --properties "$dir/s3proxy.properties" >"$dir/s3proxy.log" 2>&1 </dev/null 9>&- &
    echo $! >"$dir/s3proxy.pid"
    for ((i = 0; i < S3_TIMEOUT * 4; i++)); do
        s3_answers "$port" && { log "s3proxy ready on 127.0.0.1:$port"; return 0; }
        if ! s3_pid_alive "$dir"; then
            tail -n 40 "$dir/s3proxy.log" >&2; die "s3proxy exited during startup (log: $dir/s3proxy.log)"
        fi
        sleep 0.25
    done
    tail -n 40 "$dir/s3proxy.log" >&2
    die "s3proxy not answering after ${S3_TIMEOUT}s (log: $dir/s3proxy.log)"
}

s3_stop() {
    [[ $# -eq 1 ]] || die "usage: $0 s3-stop DIR"
    local dir="$1" pid
    if s3_pid_alive "$dir"; then
        pid="$(cat "$dir/s3proxy.pid")"
        log "stopping s3proxy (pid $pid)"
        terminate_pid "$pid" 20
    fi
    rm -f "$dir/s3proxy.pid"
}

# ------------------------------------------------------------------- main --

with_lock() {
    mkdir -p "$STATE"
    # NB: every daemon is launched with fd 9 closed (9>&-), else it would
    # inherit and hold this lock forever.
    exec 9>"$STATE/.lock"
    if ! flock -n 9; then
        log "waiting for another services.sh run (lock $STATE/.lock)"
        flock -w 600 9 || die "could not lock $STATE/.lock"
    fi
}

cmd_env() {
    cat <<EOF
export DATABASE_URL=postgres://portal:portal@127.0.0.1:$PG_PORT/portal
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
export ELASTICSEARCH_URL=http://127.0.0.1:$ES_PORT
EOF
}

main() {
    local cmd="${1:-}"
    case "$cmd" in
        install)
            with_lock; cmd_install ;;
        start)
            with_lock; cmd_install
            pg_start; redis_start; es_start
            log "all services up" ;;
        stop)
            with_lock; setup_paths
            es_stop; redis_stop; pg_stop ;;
        start-es)
            with_lock; cmd_install; es_start ;;
        stop-es)
            with_lock; setup_paths; es_stop ;;
        # Cluster nodes: no global lock (a test's private cluster must not wait for other runs); each node
        # has its own directory.
        start-es-node)
            shift; setup_paths; es_node_start "$@" ;;
        stop-es-node)
            [[ $# -eq 3 ]] || die "usage: stop-es-node CLUSTER NODE"
            setup_paths; es_node_stop "$2" "$3" ;;
        remove-es-cluster)
            [[ $# -eq 2 ]] || die "usage: remove-es-cluster CLUSTER"
            setup_paths; es_cluster_remove "$2" ;;
        start-es-node2)
            setup_paths; es_node2_start ;;
        stop-es-node2)
            setup_paths; es_node_stop portal-test node-2 ;;
        status)
            setup_paths
            local rc=0
            pg_status || rc=1
            redis_status || rc=1
            es_status || rc=1
            return $rc ;;
        env)
            cmd_env ;;
        nginx-start)
            nginx_start "${@:2}" ;;
        nginx-stop)
            nginx_stop "${@:2}" ;;
        # A private instance per directory, like the nodes: no global lock.
        s3-start)
            setup_paths; s3_start "${@:2}" ;;
        s3-stop)
            s3_stop "${@:2}" ;;
        es-paths)
            # For a private Elasticsearch node (bench/load_bench.py): the install, its JDK and its user.
            setup_paths
            local java; java="$(find_java)" || die "no JDK >= 21 under /usr/lib/jvm for Elasticsearch"
            printf 'ES_HOME=%s\nES_JAVA_HOME=%s\nES_USER=%s\n' "$ES_HOME" "$java" "$ES_USER" ;;
        *)
            echo "usage: $0 {install|start|stop|status|env|start-es|stop-es|nginx-start SITE [DIR]|nginx-stop SITE [DIR]|es-paths|start-es-node|stop-es-node|remove-es-cluster|start-es-node2|stop-es-node2|s3-start DIR PORT|s3-stop DIR}" >&2
            return 2 ;;
    esac
}

main "$@"
