#!/bin/bash
# test-report-lab.sh: a run with injected delay, jitter and loss, kept with
# --save; its report and PDF show the verdict the injected values imply
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server in network namespaces, one connection per family,
# 100 probes/s for 25 s. r1 delays the client-to-server direction by 60 ms
# with 5 ms of jitter (TUN relay: uniform +-5 ms, RFC 3550 jitter about
# 10/3 ms) and nftables drops 2 % of it. The other direction is left alone.
# What docs/verdict.md makes of that, per family, client to server:
#   voice: mouth-to-ear d = 60 + 2 x 3.3 + 20 = 86.7 ms, Id = 0.024 d = 2.08,
#          Ie = 30 ln (1 + 15 x 0.02) = 7.87, R = 94.2 - 2.08 - 7.87 = 84.25:
#          good (R >= 80: G.109 "high"; R stays above 80 up to 3.2 % loss,
#          4 standard deviations of the sampled loss away);
#   video: loss 2 % > 1 %: poor, decided by the loss (the p99 delay, about
#          65 ms, is good; 1 % is 3.6 standard deviations away);
#   interactive: loss 2 % > 1 %: poor; the p99 delay, past 50 ms, is only
#          fair, so the loss decides;
# server to client: good for all three. The run's verdict is that of the
# client-to-server direction. `report` and the PDF (pdftotext) must say so;
# the PDF's pages are rendered to PNGs (pdftoppm) for people to look at.
#
# The round trip stays short on purpose: probes travel in SCTP, whose
# congestion window holds them back on a path of a few hundred ms (what
# issue 10's wire timestamps take out of the figures).
#
# The machine may be shared and loaded: a stall of a few hundred ms adds
# delay at the 99th percentile and some loss. The checks leave room for
# that where the verdict does not depend on it, and the unimpaired
# direction is checked against what the rules make of its own figures.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the results"; exit 77; }
command -v pdftotext >/dev/null || { echo "ERROR: pdftotext (poppler-utils) is missing: run tools/bootstrap.sh" >&2; exit 1; }

OUT_DIR=${WV_REPORT_LAB_OUT:-$LAB_DIR}

lab_init report
lab_linear 1

server4=$(lab_server_addr 4)
server6=$(lab_server_addr 6)
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID
t_true "server answers its status" lab_exec client "$WV_CLI" status "$url"

lab_impair r1 c2s 60 5 0
lab_loss 1 c2s 2

run="$LAB_DIR/impaired.wvrun"
if ! lab_exec client "$WV_CLI" run "$url" --duration 25 --family both \
    --connections 1 --rounds 1 --save "$run" --quiet >"$LAB_DIR/run.log" 2>&1; then
  cat "$LAB_DIR/run.log"
  t_true "wifi-verify-cli run --save succeeds" false
fi
echo "# relay: $(lab_relay_stats r1 c2s)"
echo "# nftables dropped: $(lab_loss_dropped 1 c2s)"
t_true "the run file exists (and no partial file is left)" test -s "$run" -a ! -e "$run.partial"

# The report needs neither the lab nor a display.
report=$(env -u DISPLAY -u WAYLAND_DISPLAY "$WV_CLI" report "$run" --pdf "$LAB_DIR/report.pdf")
echo "$report" | sed 's/^/# /'

# The run's verdicts, the R and the loss from the report's text.
run_line() { grep -E "^  $1 +(good|fair|poor|unknown) " <<<"$report"; }
voice=$(run_line "voice call")
video=$(run_line "video call")
inter=$(run_line "interactive \(gaming\)")
t_eq "voice call verdict" "$(awk '{ print $3 }' <<<"$voice")" good
t_range "voice call R" "$(sed -n 's/.* R \([0-9.]*\) >= 80 .*/\1/p' <<<"$voice")" 80 90
t_eq "video call verdict" "$(awk '{ print $3 }' <<<"$video")" poor
t_range "video call: the loss that decided" "$(sed -n 's/.* loss \([0-9.]*\) % > 1 %; connection.*/\1/p' <<<"$video")" 1.1 3.6
t_true "video call decided in a client-to-server direction" grep -Eq "connection [0-9]+ IPv[46] c2s$" <<<"$video"
t_eq "interactive verdict" "$(awk '{ print $3 }' <<<"$inter")" poor
# A stall of the (shared) machine can push the p99 delay far enough to be
# the one that decides; either way the direction is client to server.
t_true "interactive: decided by the loss (or a stall's delay) client to server" \
  grep -Eq " (loss [0-9.]* % > 1 %|one-way delay p99 [0-9.]* ms > 100 ms); connection [0-9]+ IPv[46] c2s$" <<<"$inter"

# Per direction: the impaired direction of both families, and the other.
for fam in 4 6; do
  c2s=$(grep -E "^  [0-9]+ +v$fam +c2s " <<<"$report" | head -n 1)
  s2c=$(grep -E "^  [0-9]+ +v$fam +s2c " <<<"$report" | head -n 1)
  t_true "IPv$fam c2s: voice good, video poor on the loss, interactive poor" \
    grep -Eq "good R [0-9.]+ +poor loss [0-9.]+ % +poor (loss|delay)" <<<"$c2s"
  t_true "IPv$fam s2c: voice good" grep -Eq "good R [0-9.]+ +" <<<"$s2c"
done

# The unimpaired direction's video and interactive verdicts hang on its
# p99 one-way delay, which only a stall of the (shared, loaded) machine
# raises: without one both are good; with one, the verdict must still be
# what the rules make of the p99 measured.
s2c_check=$(python3 - "$run" <<'PY'
import gzip, json, sys
recs = [json.loads(l) for l in gzip.open(sys.argv[1], "rt")]
for s in (r for r in recs if r["type"] == "summary" and r["dir"] == "s2c"):
    p99 = s["owd_ms"]["p99"]
    grades = {}
    for v in recs:
        if (v["type"] == "verdict" and v["scope"] == "direction" and v["dir"] == "s2c"
                and v["family"] == s["family"]):
            grades[v["profile"]] = v["grade"]
    def rule(good, fair):
        return "good" if p99 <= good else "fair" if p99 <= fair else "poor"
    ok = (s["loss_pct"] == 0 and grades.get("video") == rule(150, 400)
          and grades.get("interactive") == rule(50, 100))
    print(s["family"], p99, grades.get("video"), grades.get("interactive"), "ok" if ok else "mismatch")
PY
)
while read -r fam p99 video interactive verdict; do
  echo "# IPv$fam s2c: p99 one-way delay $p99 ms, video $video, interactive $interactive"
  if awk -v p="$p99" 'BEGIN { exit !(p > 50) }'; then
    echo "# IPv$fam s2c: the machine stalled (p99 $p99 ms on an unimpaired direction)"
  fi
  t_eq "IPv$fam s2c: no loss, and video and interactive as its p99 delay implies" "$verdict" ok
done <<<"$s2c_check"

# The verdict records of the run file: the voice R is the E-model's of the
# summary's own median delay, jitter and loss (to rounding), and within
# 20 % of the R computed by hand from the injected values. The jitter of a
# loaded machine runs above the injected one (test-measure-lab checks
# jitter); the median delay does not. The loss range is wide: 2500 probes
# sample a 2 % loss with +-0.28 points of noise (test-measure-lab checks the
# loss itself with 6000), and on a loaded machine SCTP sometimes bundles
# probes it queued during a retransmission timeout into one packet, so one
# dropped packet takes several probes (seen: 3.31 % once in CI).
r_check=$(python3 - "$run" <<'PY'
import gzip, json, math, sys
recs = [json.loads(l) for l in gzip.open(sys.argv[1], "rt")]
meta = recs[0]
v = [r for r in recs if r["type"] == "verdict" and r["scope"] == "direction"
     and r["profile"] == "voice" and r["dir"] == "c2s"]
s = {r["family"]: r for r in recs if r["type"] == "summary" and r["dir"] == "c2s"}
print(meta["type"], len(v), len(s))
def r_factor(d, e):
    return 94.2 - 0.024 * d - (0.11 * (d - 177.3) if d > 177.3 else 0) - 30 * math.log(1 + 15 * e)
injected = r_factor(60 + 2 * 10 / 3 + 20, 0.02)
for r in v:
    m = s[r["family"]]
    own = r_factor(m["owd_ms"]["p50"] + 2 * m["jitter_ms"] + 20, m["loss_pct"] / 100)
    print(r["family"], r["r_factor"], round(own, 3), round(injected, 2), m["owd_ms"]["p50"], r["loss_pct"])
PY
)
echo "$r_check" | sed 's/^/# /'
t_eq "run file: meta first, a voice verdict and a summary per family c2s" "$(head -n 1 <<<"$r_check")" "meta 2 2"
while read -r fam r own want p50 loss; do
  lo=$(awk -v w="$want" 'BEGIN { printf "%.2f", w * 0.8 }')
  hi=$(awk -v w="$want" 'BEGIN { printf "%.2f", w * 1.2 }')
  t_range "IPv$fam c2s voice R against the summary's own delay, jitter and loss" "$r" \
    "$(awk -v o="$own" 'BEGIN { print o - 0.01 }')" "$(awk -v o="$own" 'BEGIN { print o + 0.01 }')"
  t_range "IPv$fam c2s voice R (hand-computed from the injected values: $want)" "$r" "$lo" "$hi"
  t_range "IPv$fam c2s median one-way delay ms (injected 60)" "$p50" 48 72
  t_range "IPv$fam c2s loss %" "$loss" 1.1 3.6
done < <(tail -n +2 <<<"$r_check")

# The PDF says the same.
pdf_text=$(pdftotext "$LAB_DIR/report.pdf" - | tr -s ' \n' '  ')
t_true "PDF: voice call GOOD" grep -q "voice call GOOD" <<<"$pdf_text"
t_true "PDF: video call POOR" grep -q "video call POOR" <<<"$pdf_text"
t_true "PDF: interactive POOR" grep -q "interactive (gaming) POOR" <<<"$pdf_text"
t_true "PDF: the loss that decided the video call" grep -Eq "loss [0-9.]+ % > 1 %" <<<"$pdf_text"
t_true "PDF: the charts and the path" grep -q "One-way delay, median per second, client to server" <<<"$pdf_text"
t_true "PDF: the path MTU" grep -Eq "path MTU [0-9]+ \(confirmed\)" <<<"$pdf_text"
mkdir -p "$OUT_DIR"
cp "$LAB_DIR/report.pdf" "$OUT_DIR/report-lab.pdf"
if command -v pdftoppm >/dev/null; then
  t_true "PDF renders (pdftoppm)" pdftoppm -r 70 -png "$LAB_DIR/report.pdf" "$OUT_DIR/report-lab"
  echo "# pages rendered to $OUT_DIR/report-lab-*.png"
fi
t_done
