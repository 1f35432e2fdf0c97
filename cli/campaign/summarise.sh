#!/usr/bin/env bash
# Summarises the logs run-long.sh wrote: runs, failures per invariant, old SYNs, give-ups, and
# each failing seed with its mix and replay command.
# Usage: cli/campaign/summarise.sh LOG...
set -euo pipefail
for log in "$@"; do
  awk -v name="$(basename "$log" .log)" '
    /^# .*: seeds/ { header = $0 }
    /^old SYNs handed to the server:/ {
      gsub(/[,;:]/, " ")
      dup += $7; after += $9; older += $12; reopened += $(NF-9); gave += $NF
    }
    /^[0-9]+ passed, [0-9]+ failed$/ { passed += $1; failed += $3 }
    /^FAIL seed/ {
      n = split($0, parts, "invariant ")
      for (i = 2; i <= n; i++) { inv[substr(parts[i], 1, 1)]++ }
      fails[++nf] = $0
    }
    /^  replay:/ { replays[nf] = $0 }
    END {
      printf "%s: %d runs, %d passed, %d failed\n", name, passed + failed, passed, failed
      printf "  %s\n", header
      printf "  violations by invariant: 1: %d, 2: %d, 3: %d, 4: %d\n", inv[1], inv[2], inv[3], inv[4]
      printf "  old SYNs at the server: %d duplicates, %d after ESTABLISHED, %d older than MSL; reopened 4-tuples: %d; give-ups on a failed peer: %d\n", dup, after, older, reopened, gave
      for (i = 1; i <= nf; i++) { printf "  %s\n  %s\n", substr(fails[i], 1, 400), replays[i] }
    }' "$log"
done
