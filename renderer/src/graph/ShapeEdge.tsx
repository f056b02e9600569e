import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';

/** Below this zoom the shape labels are unreadable; not drawing them keeps big views fast. */
const LABEL_ZOOM = 0.6;

/**
 * An edge with its tensor shape as an HTML label (React Flow's SVG labels measure themselves with
 * getBBox, which forces a layout per edge). Labels appear only at readable zoom levels.
 */
export const ShapeEdge = memo(function ShapeEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, label, data }: EdgeProps) {
  const showLabel = useStore((s) => s.transform[2] >= LABEL_ZOOM);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const { value, shape } = (data ?? {}) as { value?: string; shape?: string };
  // The value and its shape also sit on the edge itself, so tests can read them at any zoom.
  return (
    <g data-edge-value={value} data-shape={shape ?? ''}>
      <BaseEdge id={id} path={path} />
      {showLabel && label ? (
        <EdgeLabelRenderer>
          <div className="edge-label" data-edge-value={value} data-shape={shape ?? ''} style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            {label}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </g>
  );
});

export const EDGE_TYPES = { shape: ShapeEdge };
