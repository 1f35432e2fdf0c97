#!/usr/bin/env bash
# The long simulation campaign of issue 5, in chunks, at the lowest CPU priority.
# Usage: cli/campaign/run-long.sh NAME FIRST_SEED RUNS CHUNK [simulate options...]
# e.g.   cli/campaign/run-long.sh small30 1 100000 10000 --max-bytes 4096
# Runs a snapshot of the built CLI (so that rebuilding the worktree does not disturb it), one
# `synack simulate` per chunk, and appends every chunk's output to $OUT/NAME.log (default
# cli/target/campaign/); `summarise.sh` reads those logs. Raw logs are not committed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
name=$1 first=$2 runs=$3 chunk=$4
shift 4
out=${OUT:-$root/cli/target/campaign}
mkdir -p "$out"
commit=$(git -C "$root" rev-parse --short HEAD)
snap="$out/app-$commit"
if [ ! -d "$snap" ]; then
  cp -r "$root/cli/target/quarkus-app" "$snap"
fi
echo "# $name: seeds $first..$((first + runs - 1)) in chunks of $chunk, commit $commit, options: $*" >> "$out/$name.log"
for ((s = first; s < first + runs; s += chunk)); do
  n=$(( first + runs - s < chunk ? first + runs - s : chunk ))
  nice -n 19 java -Xmx512m -Dquarkus.log.level=WARN -jar "$snap/quarkus-run.jar" simulate --runs "$n" --seed "$s" "$@" \
      >> "$out/$name.log" 2>> "$out/$name.err" || true
done
echo "# $name: done" >> "$out/$name.log"
