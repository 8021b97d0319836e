#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Draw make bench's core rows as two SVG pictures.

Reads the "ML-BENCH negotiation ..." and "ML-BENCH utilisation ..." lines
(stdin or a file) and writes, into OUTDIR:

  bench-scaling.svg      borrow + return time against the number of
                         lenders, log-log, one line per negotiation mode
                         and policy;
  bench-utilisation.svg  the share of demand served per trace: static
                         split, leasing (each mode and policy) and the
                         oracle.

Plain SVG, no plotting library: the rig installs nothing for it.
Usage: bench-plot.py OUTDIR [FILE]
"""
import math
import re
import sys

W, H = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 190, 30, 50
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def esc(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def svg(title, body):
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d"'
            ' font-family="sans-serif" font-size="11">\n'
            '<rect width="100%%" height="100%%" fill="white"/>\n'
            '<text x="%d" y="18" font-size="13">%s</text>\n%s</svg>\n'
            % (W, H, LEFT, esc(title), "\n".join(body)))


def scaling(rows):
    """rows: {label: [(n, ns), ...]} -> SVG text."""
    ns = [n for pts in rows.values() for n, _ in pts]
    ts = [t for pts in rows.values() for _, t in pts]
    x0, x1 = math.log10(min(ns)), math.log10(max(ns))
    y0, y1 = math.floor(math.log10(min(ts))), math.ceil(math.log10(max(ts)))
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(n):
        return LEFT + (math.log10(n) - x0) / max(x1 - x0, 1e-9) * pw

    def py(t):
        return TOP + ph - (math.log10(t) - y0) / max(y1 - y0, 1e-9) * ph

    body = ['<rect x="%d" y="%d" width="%d" height="%d" fill="none" '
            'stroke="#999"/>' % (LEFT, TOP, pw, ph)]
    for n in sorted(set(ns)):
        body.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>'
                    % (px(n), TOP + ph + 15, n))
    for e in range(y0, y1 + 1):
        y = TOP + ph - (e - y0) / max(y1 - y0, 1e-9) * ph
        label = {0: "1 ns", 3: "1 us", 6: "1 ms", 9: "1 s"}.get(
            e, "1e%d ns" % e)
        body.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" '
                    'stroke="#eee"/>' % (LEFT, LEFT + pw, y, y))
        body.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                    % (LEFT - 5, y + 4, label))
    body.append('<text x="%d" y="%d" text-anchor="middle">lenders N</text>'
                % (LEFT + pw // 2, H - 12))
    for i, (label, pts) in enumerate(sorted(rows.items())):
        colour = COLOURS[i % len(COLOURS)]
        path = " ".join("%.1f,%.1f" % (px(n), py(t)) for n, t in pts)
        body.append('<polyline points="%s" fill="none" stroke="%s" '
                    'stroke-width="1.5"/>' % (path, colour))
        body.append('<text x="%d" y="%d" fill="%s">%s</text>'
                    % (LEFT + pw + 8, TOP + 12 + 14 * i, colour, esc(label)))
    return svg("borrow + return against the number of lenders (log-log)",
               body)


def utilisation(traces):
    """traces: {trace: {"static": %, "oracle": %, label: %}} -> SVG."""
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM
    body = ['<rect x="%d" y="%d" width="%d" height="%d" fill="none" '
            'stroke="#999"/>' % (LEFT, TOP, pw, ph)]
    for pct in range(0, 101, 20):
        y = TOP + ph - pct / 100 * ph
        body.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" '
                    'stroke="#eee"/>' % (LEFT, LEFT + pw, y, y))
        body.append('<text x="%d" y="%.1f" text-anchor="end">%d%%</text>'
                    % (LEFT - 5, y + 4, pct))
    names = sorted(traces)
    group = pw / max(len(names), 1)
    labels = []
    for t in names:
        for k in traces[t]:
            if k not in labels:
                labels.append(k)
    order = ["static"] + [k for k in labels if k not in
                          ("static", "oracle")] + ["oracle"]
    bar = group * 0.8 / len(order)
    for g, t in enumerate(names):
        gx = LEFT + g * group + group * 0.1
        for i, k in enumerate(order):
            v = traces[t].get(k)
            if v is None:
                continue
            colour = ("#999" if k == "static" else
                      "#333" if k == "oracle" else
                      COLOURS[(i - 1) % len(COLOURS)])
            h = v / 100 * ph
            body.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"'
                        ' fill="%s"/>' % (gx + i * bar, TOP + ph - h,
                                          bar * 0.9, h, colour))
        body.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                    % (LEFT + g * group + group / 2, TOP + ph + 15, esc(t)))
    for i, k in enumerate(order):
        colour = ("#999" if k == "static" else "#333" if k == "oracle" else
                  COLOURS[(i - 1) % len(COLOURS)])
        body.append('<text x="%d" y="%d" fill="%s">%s</text>'
                    % (LEFT + pw + 8, TOP + 12 + 14 * i, colour,
                       esc("static split" if k == "static" else k)))
    return svg("share of demand-time served", body)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: bench-plot.py OUTDIR [FILE]")
    text = open(sys.argv[2]).read() if len(sys.argv) > 2 else \
        sys.stdin.read()
    rows, traces = {}, {}
    for line in text.splitlines():
        m = re.search(r"ML-BENCH negotiation (\S+) (\S+): .*?:(.*); "
                      r"exponent", line)
        if m:
            pts = re.findall(r"N=(\d+) (\d+) ns", m.group(3))
            rows["%s %s" % (m.group(1), m.group(2))] = \
                [(int(n), max(float(t), 1.0)) for n, t in pts]
            continue
        m = re.search(r"ML-BENCH utilisation (\S+) \(.*static split "
                      r"([\d.]+)%.*oracle ([\d.]+)%", line)
        if m:
            traces.setdefault(m.group(1), {}).update(
                static=float(m.group(2)), oracle=float(m.group(3)))
            continue
        m = re.search(r"ML-BENCH utilisation (\S+) leasing (\S+) (\S+): "
                      r"([\d.]+)% served", line)
        if m:
            traces.setdefault(m.group(1), {})[
                "%s %s" % (m.group(2), m.group(3))] = float(m.group(4))
    out = sys.argv[1]
    if rows:
        with open(out + "/bench-scaling.svg", "w") as f:
            f.write(scaling(rows))
        print("bench: wrote %s/bench-scaling.svg" % out)
    if traces:
        with open(out + "/bench-utilisation.svg", "w") as f:
            f.write(utilisation(traces))
        print("bench: wrote %s/bench-utilisation.svg" % out)


if __name__ == "__main__":
    main()
