#!/bin/sh
# Samples the resident memory (VmRSS) of every running validator whose command line contains a given path, so a bench
# run shows whether memory is flat after warm-up and not only its peak (the bench reports VmHWM alone).
# usage: scripts/rss-sampler.sh <command-line-substring, e.g. the worktree path> <interval-seconds> <output-file>
# Output lines: seconds-since-start pid VmRSS-kB config-path. Stop it with kill <its pid> when the bench ends.
pat="$1"; iv="$2"; out="$3"; t0=$(date +%s)
while true; do
  now=$(($(date +%s)-t0))
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    cl=$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null) || continue
    case "$cl" in *"$pat"*" node --config "*)
      rss=$(awk '/^VmRSS:/{print $2}' "$p/status" 2>/dev/null)
      cfg=$(echo "$cl" | sed 's/.*--config //')
      [ -n "$rss" ] && echo "$now $pid $rss $cfg" >> "$out";;
    esac
  done
  sleep "$iv"
done
