#!/bin/sh
# entrypoint.sh - PID 1 of the Alpine + cron image (Dockerfile.alpine-cron).
#
# 1. Saves the publisher's variables for the cron job (cron starts jobs with an empty
#    environment) in a file only the job's user can read: it may hold a secret key.
# 2. Forwards the job's stdout/stderr, through two FIFOs, to this process's stdout/stderr,
#    i.e. to `docker logs` (a job cannot open PID 1's outputs itself, least of all as non-root).
# 3. Checks the configuration (`cloudwatch-publisher validate`) and exits with its code and
#    message if it is bad; publishes once at once (a quick check); then starts crond.
# 4. On SIGTERM/SIGINT stops crond and any running job (which finishes or aborts within 5 s)
#    and exits 0, well inside `docker stop`'s 10 s: crond as PID 1 would ignore SIGTERM.
#
# crond runs as root because it must switch to the job's user; the job runs unprivileged.
# Paths and names can be overridden (the tests run this script outside a container).
set -eu

user=${CWP_USER:-publisher}
run_dir=${CWP_RUN_DIR:-/run/cloudwatch-publisher}
crontabs=${CWP_CRONTABS:-/etc/crontabs}
job=${CWP_JOB:-/usr/local/lib/cloudwatch-publisher/job.sh}
crond=${CROND:-crond}
schedule=${CRON_SCHEDULE:-* * * * *}

say() { printf 'entrypoint: %s\n' "$*" >&2; }

umask 077
mkdir -p "$run_dir" "$crontabs"
chown "$user" "$run_dir"
chmod 700 "$run_dir"

# Only the variables the publisher (and the AWS SDK) read; `export -p` quotes them for sh.
export -p | grep -E '^export (AWS_|METRIC_|METRICS_|PUBLISH_|LOG_|HTTPS?_PROXY=|https?_proxy=|NO_PROXY=|no_proxy=|NODE_EXTRA_CA_CERTS=|TZ=)' \
  > "$run_dir/env.new" || true
chown "$user" "$run_dir/env.new"
chmod 400 "$run_dir/env.new"
mv -f "$run_dir/env.new" "$run_dir/env"

rm -f "$run_dir/stdout" "$run_dir/stderr"
mkfifo -m 600 "$run_dir/stdout" "$run_dir/stderr"
chown "$user" "$run_dir/stdout" "$run_dir/stderr"
# Opened read-write, so a forwarder never sees end-of-file between two jobs.
cat <>"$run_dir/stdout" &
out_pid=$!
cat <>"$run_dir/stderr" >&2 &
err_pid=$!

# What the job needs to find its files; cron passes nothing else on.
job_env="CWP_RUN_DIR='$run_dir'"
if [ -n "${CWP_BIN:-}" ]; then job_env="$job_env CWP_BIN='$CWP_BIN'"; fi
as_user() { su -s /bin/sh "$user" -c "$job_env exec $job $*"; }

status=0
as_user validate || status=$?
if [ "$status" -ne 0 ]; then
  say "the configuration is not valid (exit $status): not starting cron"
  kill "$out_pid" "$err_pid" 2>/dev/null || true
  exit "$status"
fi

as_user once || say "the first publish failed; cron will try again at the next minute"

printf '%s %s exec %s once >>%s/stdout 2>>%s/stderr\n' "$schedule" "$job_env" "$job" "$run_dir" "$run_dir" \
  > "$crontabs/$user"
chmod 600 "$crontabs/$user"

# shellcheck disable=SC2086 # CROND_FLAGS is a list of flags
"$crond" -f -c "$crontabs" ${CROND_FLAGS:-} &
cron_pid=$!

# The process ids whose parent is $1, from /proc (no pgrep: not every busybox has it).
# shellcheck disable=SC2317 # called from stop(), which the trap calls
children_of() {
  for stat in /proc/[0-9]*/stat; do
    line=$(cat "$stat" 2>/dev/null) || continue
    # "pid (command name) state ppid …": the name may hold spaces, so cut after its ")".
    rest=${line##*) }
    ppid=$(printf '%s\n' "$rest" | cut -d' ' -f2)
    if [ "$ppid" = "$1" ]; then
      pid=${stat#/proc/}
      printf '%s\n' "${pid%/stat}"
    fi
  done
}

# shellcheck disable=SC2317 # called by the trap below
stop() {
  say "stopping"
  jobs_running=$(children_of "$cron_pid")
  kill -TERM "$cron_pid" 2>/dev/null || true
  # A job in flight gets SIGTERM: it finishes its publish or aborts it within 5 s.
  for pid in $jobs_running; do kill -TERM "$pid" 2>/dev/null || true; done
  i=0
  for pid in $jobs_running; do
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 60 ]; do
      sleep 0.1
      i=$((i + 1))
    done
  done
  wait "$cron_pid" 2>/dev/null || true
  kill "$out_pid" "$err_pid" 2>/dev/null || true
  exit 0
}
trap stop TERM INT

say "crond started: '$schedule' runs cloudwatch-publisher once as $user"
status=0
wait "$cron_pid" || status=$?
say "crond exited (status $status)"
exit "$status"
