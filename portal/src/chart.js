// A line chart of one measurement over time, drawn as SVG. It is an image for sighted readers
// (role img with a summary as its name); the same values are in a table beside it for everyone else.
import { svg } from "./dom.js";

const WIDTH = 320;
const HEIGHT = 120;
const PAD = { left: 40, right: 8, top: 10, bottom: 22 };

/** points: [{ time: Date, values: [number, ...] }] oldest first; series names the lines. */
export function lineChart(points, { title, unit, series = [""] }) {
  const times = points.map((p) => p.time.getTime());
  const values = points.flatMap((p) =>
    p.values.filter((v) => Number.isFinite(v)),
  );
  const minT = Math.min(...times);
  const maxT = Math.max(...times);
  let minV = Math.min(...values);
  let maxV = Math.max(...values);
  if (minV === maxV) {
    minV -= 1;
    maxV += 1;
  }
  const x = (t) =>
    PAD.left +
    (maxT === minT ? 0.5 : (t - minT) / (maxT - minT)) *
      (WIDTH - PAD.left - PAD.right);
  const y = (v) =>
    PAD.top +
    (1 - (v - minV) / (maxV - minV)) * (HEIGHT - PAD.top - PAD.bottom);
  const latest = points[points.length - 1];
  const short = maxT - minT < 400 * 86_400_000;
  const when = (t) =>
    short
      ? new Date(t).toLocaleDateString(undefined, {
          month: "short",
          year: "numeric",
        })
      : new Date(t).getFullYear();
  const label = `${title}: ${points.length} measurements from ${when(minT)} to ${when(maxT)}, between ${round(minV)} and ${round(maxV)} ${unit}; latest ${latest.values.map(round).join("/")} ${unit}.`;
  const chart = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img",
    "aria-label": label,
    class: "chart",
  });
  chart.append(
    svg("line", {
      x1: PAD.left,
      x2: WIDTH - PAD.right,
      y1: y(minV),
      y2: y(minV),
      class: "axis",
    }),
    svg(
      "text",
      { x: PAD.left - 4, y: y(maxV) + 4, class: "tick", "text-anchor": "end" },
      round(maxV),
    ),
    svg(
      "text",
      { x: PAD.left - 4, y: y(minV), class: "tick", "text-anchor": "end" },
      round(minV),
    ),
    svg("text", { x: PAD.left, y: HEIGHT - 4, class: "tick" }, when(minT)),
    svg(
      "text",
      {
        x: WIDTH - PAD.right,
        y: HEIGHT - 4,
        class: "tick",
        "text-anchor": "end",
      },
      when(maxT),
    ),
  );
  series.forEach((_, index) => {
    const line = points
      .filter((p) => Number.isFinite(p.values[index]))
      .map(
        (p) =>
          `${x(p.time.getTime()).toFixed(1)},${y(p.values[index]).toFixed(1)}`,
      );
    if (!line.length) return;
    chart.append(
      svg("polyline", { points: line.join(" "), class: `line line-${index}` }),
    );
    const [lx, ly] = line[line.length - 1].split(",");
    chart.append(
      svg("circle", { cx: lx, cy: ly, r: 3, class: `dot line-${index}` }),
    );
  });
  return chart;
}

function round(value) {
  return Math.abs(value) >= 100
    ? Math.round(value)
    : Math.round(value * 10) / 10;
}
