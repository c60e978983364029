# Shared by the scripts/bench-* scripts (sourced, not run). When TWOFOLD_BENCH_RESULTS names a
# file (an absolute path: the scripts cd to the repository first), each figure is appended to
# it as one tab-separated line, which scripts/bench-report turns into BENCHMARKS.md; without it
# the scripts only print their usual text. `make bench` (scripts/bench-all) sets it.
#
#   bench_record ID WHAT OURS UNIT PEER PEER_FIGURE TARGET COMMAND
#
#   ID           stable key, e.g. relay.pulls
#   WHAT         one sentence: what was measured, and how
#   OURS         our figure, a plain number (no thousands separators)
#   UNIT         e.g. req/s, ms, MB, B
#   PEER         the peer measured in the same run (e.g. "nginx 1.22.1"), or "" when none;
#                with no peer figure it may instead say why there is none, e.g.
#                "none (no peer pushes)", which the report shows as is
#   PEER_FIGURE  the peer's figure in the same unit, or "" when none
#   TARGET       the target, or "" (grammar below)
#   COMMAND      the command that produced it, with the settings that matter
#                (e.g. "COUNT=10000 RUNS=50 scripts/bench-code")
#
# TARGET grammar: scripts/bench-report computes "met?" when the target is a comparison,
#
#   [LABEL] OP NUMBER UNIT          OURS OP NUMBER, e.g. "p99 < 100 ms", "< 300 MB", "< 4096 B"
#   [LABEL] OP NUMBER× PEER         OURS ÷ PEER_FIGURE OP NUMBER, e.g. "≥ 0.5× nginx",
#                                   "≥ 10× Radicale", "≤ 10× oathtool"
#   [LABEL] OP NUMBER % of PEER     100 × OURS ÷ PEER_FIGURE OP NUMBER, e.g. "≥ 50 % of nginx"
#   NUMBER UNIT                     OURS = NUMBER, e.g. "0 errors"
#
# OP is one of < ≤ <= > ≥ >= =; LABEL is free words without an OP ("p99"); NUMBER may hold
# thousands commas. UNIT is the row's UNIT or one convertible to it: ns µs us ms s, or
# B KB KiB MB MiB GB GiB (KB, MB, GB binary, as in the README's memory figures). Any other
# text (e.g. "baseline") is shown as is, with "—" for met?.
bench_record() {
  [ -n "${TWOFOLD_BENCH_RESULTS:-}" ] || return 0
  if [ "$#" -ne 8 ]; then
    echo "bench_record: want 8 arguments, got $#" >&2
    return 1
  fi
  local field
  for field in "$@"; do
    case "$field" in *$'\t'* | *$'\n'*) echo "bench_record: a field holds a tab or a newline" >&2; return 1 ;; esac
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$TWOFOLD_BENCH_RESULTS"
}

# bench_pick FULL QUICK: prints QUICK when BENCH_QUICK=1 (a smoke test of `make bench` with
# small counts and short runs), otherwise FULL. For the scripts' defaults:
#   count="${COUNT:-$(bench_pick 10000 1000)}"
bench_pick() {
  if [ "${BENCH_QUICK:-0}" = 1 ]; then echo "$2"; else echo "$1"; fi
}

# bench_median: the median (the lower middle value for an even count) of the numbers on
# standard input, one a line.
bench_median() {
  sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}'
}

# bench_thousands N: the integer N with thousands commas (10000 -> 10,000), for WHAT texts.
bench_thousands() {
  echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|[,.]\)/\1,\2\3/' -e 'ta'
}
