#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for testing tmgg's SLURM launcher.
#
# Usage: tools/cluster/slurm.sh start|stop|status|env
#
#   start   writes slurm.conf for this host's cores and memory, then starts munged,
#           slurmctld and slurmd (each only if it is not already running) and waits
#           until the node is idle. Safe to run again.
#   stop    stops the daemons this script started (by their pid files).
#   status  one line per daemon, then sinfo.
#   env     prints `export SLURM_CONF=...` (for shells whose /etc/slurm/slurm.conf is not ours) and
#           `export PATH=<tools/cluster>:$PATH` (its sacct stand-in, for submitit): eval "$(slurm.sh env)".
#
# Everything lives under $TMGG_SLURM_DIR (default /tmp/tmgg-slurm): config, munge key
# and socket, state, spool, logs, and jobcomp.txt (each finished job's state, since
# there is no accounting database and so no sacct). Loopback only: the controller and
# the node listen on this host and the node's address is 127.0.0.1. Must run as root
# (slurmd needs it); SlurmUser is root, which suits a test cluster and nothing else.
# /etc/slurm/slurm.conf becomes a link to our config when it is absent (or already
# ours), so sbatch, squeue and submitit find the cluster without SLURM_CONF.
set -euo pipefail

DIR=${TMGG_SLURM_DIR:-/tmp/tmgg-slurm}
CONF=$DIR/slurm.conf
PARTITION=${TMGG_SLURM_PARTITION:-tmgg}
MAX_TIME=${TMGG_SLURM_MAX_TIME:-02:00:00}   # the partition's MaxTime, which preflight checks against
SYSTEM_CONF=/etc/slurm/slurm.conf
export SLURM_CONF=$CONF

die() {
    echo "slurm.sh: $*" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null 2>&1 || die "$1 not installed: apt-get install -y slurm-wlm munge"
}

running() {  # running NAME: the daemon's pid file names a live process
    local pid_file=$DIR/$1.pid
    [[ -s $pid_file ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

write_conf() {
    local host cpus mem_mib
    host=$(hostname -s)
    cpus=$(nproc)
    # Leave 1 GiB of the memory free now to the rest of the machine.
    mem_mib=$(free -m | awk '/^Mem:/ {print $2 - 1024}')
    mkdir -p "$DIR"/{state,spool,log,munge}
    cat >"$CONF.tmp" <<EOF
# Written by tools/cluster/slurm.sh for a one-node test cluster; rewritten on each start.
ClusterName=tmgg
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket.2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
# No cgroups: processes tracked through /proc, tasks not bound.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# No accounting database (so no sacct); each finished job's state goes to jobcomp.txt.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
# Finished jobs stay visible to scontrol show job for 10 minutes.
MinJobAge=600
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=1024
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mib State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=$MAX_TIME State=UP
EOF
    mv "$CONF.tmp" "$CONF"
    if [[ ! -e $SYSTEM_CONF || $(readlink "$SYSTEM_CONF" || true) == "$CONF" ]]; then
        mkdir -p "$(dirname "$SYSTEM_CONF")"
        ln -sfn "$CONF" "$SYSTEM_CONF"
    else
        echo "slurm.sh: $SYSTEM_CONF is not ours; run: export SLURM_CONF=$CONF" >&2
    fi
}

start() {
    [[ $(id -u) == 0 ]] || die "must run as root (slurmd needs it): sudo $0 start"
    need munged
    need slurmctld
    need slurmd
    need scontrol
    write_conf
    if ! running munged; then
        if [[ ! -s $DIR/munge/munge.key ]]; then
            dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
            chmod 0400 "$DIR/munge/munge.key"
        fi
        # --force: the socket's folder sits under /tmp, which munged would otherwise refuse.
        munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket.2" \
            --pid-file="$DIR/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munge.seed" \
            || die "munged did not start: see $DIR/log/munged.log"
    fi
    if ! running slurmctld; then
        slurmctld -f "$CONF" || die "slurmctld did not start: see $DIR/log/slurmctld.log"
    fi
    if ! running slurmd; then
        slurmd -f "$CONF" -N "$(hostname -s)" || die "slurmd did not start: see $DIR/log/slurmd.log"
    fi
    local state=""
    for _ in $(seq 1 60); do
        state=$(sinfo -h -N -o %t 2>/dev/null | head -n1 || true)
        if [[ $state == idle* || $state == mix* || $state == alloc* ]]; then
            echo "slurm.sh: cluster up: partition $PARTITION, node $(hostname -s) ($(nproc) CPUs), config $CONF"
            return 0
        fi
        if [[ $state == drain* || $state == down* ]]; then
            scontrol update NodeName="$(hostname -s)" State=RESUME >/dev/null 2>&1 || true
        fi
        sleep 0.5
    done
    die "node not idle after 30 s (state '${state:-none}'): see $DIR/log/slurmctld.log and $DIR/log/slurmd.log"
}

stop() {
    local name pid
    for name in slurmd slurmctld munged; do
        if running "$name"; then
            pid=$(cat "$DIR/$name.pid")
            kill "$pid"
            for _ in $(seq 1 40); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.25
            done
            echo "slurm.sh: stopped $name ($pid)"
        fi
    done
}

status() {
    local name code=0
    for name in munged slurmctld slurmd; do
        if running "$name"; then
            echo "$name: running ($(cat "$DIR/$name.pid"))"
        else
            echo "$name: not running"
            code=1
        fi
    done
    if [[ $code == 0 ]]; then
        sinfo
    fi
    return $code
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
env)
    echo "export SLURM_CONF=$CONF"
    echo "export PATH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd):\$PATH"
    ;;
-h | --help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
*)
    # Bad input: one line and exit 2, as every tmgg command (die's 1 is for a failed step).
    echo "slurm.sh: error: ${1:+unknown command '$1': }use start, stop, status or env (--help shows the usage)" >&2
    exit 2
    ;;
esac
