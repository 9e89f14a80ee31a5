import { useMemo } from 'react';
import type { TileRead } from '../../client';
import { Chart } from '../../components/Chart';
import { LEGEND_STOPS, GRAY, tileFigureLines, treemapData } from '../../lib/dashboard';

type TileDatum = ReturnType<typeof treemapData>[number];

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The heat map: a tile per budget (area = share of spend in scope, colour = spend against
 * budget), a click drills into the tile's node; the legend and a text summary say the same
 * for those who cannot see the picture. */
export function HeatmapChart({
  tiles,
  currency,
  onOpen,
}: {
  tiles: readonly TileRead[];
  currency: string;
  onOpen: (nodeId: number) => void;
}) {
  const option = useMemo(
    () => ({
      tooltip: {
        formatter: (params: { data?: TileDatum }) => {
          const d = params.data;
          if (!d) return '';
          return [
            `<strong>${escape(d.name)}</strong>`,
            `<span style="opacity:.75">${escape(d.path)}</span>`,
            ...tileFigureLines(d, currency).map(escape),
          ].join('<br/>');
        },
      },
      series: [
        {
          type: 'treemap',
          roam: false,
          nodeClick: false,
          breadcrumb: { show: false },
          width: '100%',
          height: '100%',
          label: { show: true, formatter: '{b}', overflow: 'truncate' },
          data: treemapData(tiles),
        },
      ],
    }),
    [tiles, currency],
  );
  const total = tiles.reduce((sum, t) => sum + Number(t.spend), 0);
  return (
    <div className="heatmap">
      <Chart
        option={option}
        height={360}
        testId="heatmap"
        label={`Heat map of ${tiles.length} tiles: area is the share of spend, colour is spend against budget. The table below lists the same figures.`}
        onItemClick={(data) => {
          const d = data as TileDatum | undefined;
          if (d?.nodeId) onOpen(d.nodeId);
        }}
      />
      <ul className="heatmap-legend" aria-label="Colour legend: spend against budget">
        {LEGEND_STOPS.map((s) => (
          <li key={s.label}>
            <span className="swatch" style={{ background: s.colour }} aria-hidden="true" />
            {s.label}
          </li>
        ))}
        <li>
          <span className="swatch" style={{ background: GRAY }} aria-hidden="true" />
          Not approved
        </li>
      </ul>
      {total === 0 ? (
        <p className="muted small">No spend in this view yet: every tile is the same size.</p>
      ) : null}
    </div>
  );
}
