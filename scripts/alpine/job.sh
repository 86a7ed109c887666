#!/bin/sh
# job.sh COMMAND - runs `cloudwatch-publisher COMMAND` with the variables the entrypoint saved
# (cron gives its jobs an empty environment).
set -eu
env_file=${CWP_RUN_DIR:-/run/cloudwatch-publisher}/env
# shellcheck disable=SC1090 # written by entrypoint.sh at start
. "$env_file"
exec "${CWP_BIN:-/usr/local/bin/cloudwatch-publisher}" "$@"
