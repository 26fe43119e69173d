#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for the SLURM test (Debian 12, root, no systemd).
# Set up the way the usual single-host slurm-wlm recipes do. Without accounting storage, so
# snakemake's SLURM plugin must be told --slurm-status-command squeue (the test does).
#
#   bash .ci/slurm.sh up      install slurm-wlm + munge if missing, start munged, slurmctld, slurmd
#   bash .ci/slurm.sh down    stop every daemon this script started (by PID file)
#   bash .ci/slurm.sh status  daemons and sinfo
set -euo pipefail

ACTION="${1:-up}"
NODE="$(hostname -s)"
CPUS="$(nproc)"
MEM_MB=$(( $(awk '/^MemTotal:/{print $2}' /proc/meminfo) / 1024 * 8 / 10 ))

log() { printf '[slurm] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[ "$(id -u)" -eq 0 ] || die "must run as root (it installs packages and starts daemons)"

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() {  # stop NAME PIDFILE
    if alive "$2"; then
        local pid; pid="$(cat "$2")"
        log "stopping $1 (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$2"
}

wait_for() {  # wait_for SECONDS WHAT CMD...
    local seconds="$1" what="$2"; shift 2
    for _ in $(seq 1 $(( seconds * 5 ))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
    die "timed out after ${seconds}s waiting for $what"
}

install_packages() {
    local missing=()
    for p in slurm-wlm munge; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    log "apt-get install ${missing[*]}"
    local policy=0  # keep package scripts from starting daemons (there is no init system)
    if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 0755 /usr/sbin/policy-rc.d; policy=1; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-cache show slurm-wlm >/dev/null 2>&1 || apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ "$policy" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    return 0
}

write_conf() {
    mkdir -p /etc/slurm /run/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
    chown slurm:slurm /run/slurm /var/lib/slurm /var/lib/slurm/slurmctld /var/log/slurm
    cat > /etc/slurm/slurm.conf <<CONF
ClusterName=ci
SlurmctldHost=${NODE}(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
ReturnToService=2
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=100
# finished jobs stay visible to 'squeue --states=all' (the plugin's squeue status mode needs it)
MinJobAge=300
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=${NODE} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}

up() {
    install_packages
    stop slurmd /run/slurm/slurmd.pid
    stop slurmctld /run/slurm/slurmctld.pid
    write_conf
    if ! alive /run/munge/munged.pid; then
        [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
        chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
        mkdir -p /run/munge /var/log/munge /var/lib/munge
        chown munge:munge /run/munge /var/log/munge /var/lib/munge
        rm -f /run/munge/munged.pid
        runuser -u munge -- /usr/sbin/munged
        wait_for 10 "munge" bash -c 'munge -n | unmunge'
    fi
    slurmctld
    wait_for 30 "slurmctld" scontrol ping
    slurmd
    for i in $(seq 1 300); do
        case "$(sinfo -h -n "$NODE" -o '%T' 2>/dev/null || true)" in
            idle|mixed|allocated) sinfo; return 0 ;;
            *drain*|*down*) [ "$i" -gt 10 ] && scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true ;;
        esac
        sleep 0.2
    done
    tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
    die "node $NODE did not become idle"
}

down() {
    stop slurmd /run/slurm/slurmd.pid
    stop slurmctld /run/slurm/slurmctld.pid
    stop munged /run/munge/munged.pid
}

case "$ACTION" in
    up) up ;;
    down) down ;;
    status) for d in munge/munged slurm/slurmctld slurm/slurmd; do
                if alive "/run/$d.pid"; then echo "${d#*/}: running"; else echo "${d#*/}: not running"; fi; done
            sinfo 2>/dev/null || true ;;
    *) die "unknown action $ACTION (up|down|status)" ;;
esac
