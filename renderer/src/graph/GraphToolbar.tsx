import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { isTypingTarget, viewActionOf, type ViewAction } from './view-shortcuts.js';
import { download, graphToSvg, svgToPng } from './export-image.js';
import type { FlowNode } from './flow-elements.js';
import { useAnalysis } from '../analysis/analysis-context.js';
import { useProfile } from '../profile/profile-context.js';
import { useQuantize } from '../quantize/quantize-context.js';
import { useCompare } from '../compare/compare-context.js';
import { OpenModelPipeline } from '../pipeline/OpenModelPipeline.js';
import { useExport } from '../export/export-context.js';
import { useGraph, useGraphStore } from './graph-context.js';
import { groupItemId, opId } from './visible-graph.js';
import { viewportDuration } from './motion.js';
import { useShown } from '../components/shown-context.js';

/** View options, navigation and export for the graph canvas. */
export function GraphToolbar({ fileName }: { fileName: string }) {
  const store = useGraphStore();
  const options = useGraph((s) => s.options);
  const setOption = useGraph((s) => s.setOption);
  const selection = useGraph((s) => s.selection);
  const flow = useReactFlow<FlowNode>();
  // The bottom panels, each a toggle; opening one closes the others (see Workspace).
  const panels = [
    { label: 'Analysis', open: useAnalysis((s) => s.open), toggle: useAnalysis((s) => s.toggle) },
    { label: 'Profile', open: useProfile((s) => s.open), toggle: useProfile((s) => s.toggle) },
    { label: 'Quantize', open: useQuantize((s) => s.open), toggle: useQuantize((s) => s.toggle) },
    { label: 'Compare', open: useCompare((s) => s.open), toggle: useCompare((s) => s.toggle) },
    { label: 'Export', open: useExport((s) => s.open), toggle: useExport((s) => s.toggle) },
  ];
  const base = fileName.replace(/\.onnx$/i, '');

  const svg = () => {
    const internals = flow.getNodes().map((n) => flow.getInternalNode(n.id)!).filter(Boolean);
    return graphToSvg(internals, flow.getEdges(), store.getState().options.direction);
  };
  const exportSvg = () => download(new Blob([svg()], { type: 'image/svg+xml' }), `${base}.svg`);
  const exportPng = async () => {
    const text = svg();
    const [, w, h] = /width="([\d.]+)" height="([\d.]+)"/.exec(text) ?? [];
    try {
      download(await svgToPng(text, Number(w), Number(h)), `${base}.png`);
    } catch (e) {
      alert(e instanceof Error ? e.message : String(e));
    }
  };
  const zoomStep = { duration: viewportDuration(150) };
  const run = (action: ViewAction) => {
    const { options: o, setOption: set, select } = store.getState();
    switch (action) {
      case 'toggle-attributes':
        return void set('showAttributes', !o.showAttributes);
      case 'toggle-weights':
        return void set('showInitializers', !o.showInitializers);
      case 'toggle-names':
        return void set('showNames', !o.showNames);
      case 'toggle-direction':
        return void set('direction', o.direction === 'TB' ? 'LR' : 'TB');
      case 'toggle-wheel':
        return void set('wheel', o.wheel === 'scroll' ? 'zoom' : 'scroll');
      case 'model-properties':
        return select(null);
      case 'export-png':
        return void exportPng();
      case 'export-svg':
        return exportSvg();
      case 'zoom-in':
        return void flow.zoomIn(zoomStep);
      case 'zoom-out':
        return void flow.zoomOut(zoomStep);
      case 'actual-size':
        return void flow.zoomTo(1, zoomStep);
    }
  };
  const shown = useShown();
  useEffect(() => {
    if (!shown) return;
    const onKey = (e: KeyboardEvent) => {
      // Alt+E types a dead key on some layouts: the physical key decides.
      const action = viewActionOf({ key: e.code === 'KeyE' ? 'e' : e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey, altKey: e.altKey });
      if (!action || (isTypingTarget(e.target) && !(e.ctrlKey || e.metaKey))) return;
      e.preventDefault();
      run(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const zoomToSelection = () => {
    const id = selection?.kind === 'node' ? opId(selection.index) : selection?.kind === 'group' ? groupItemId(selection.id) : undefined;
    if (id) void flow.fitView({ nodes: [{ id }], maxZoom: 1.5, duration: viewportDuration(200) });
  };

  return (
    <div className="graph-toolbar" role="toolbar" aria-label="Graph">
      <label>
        <select aria-label="Layout direction" value={options.direction} onChange={(e) => void setOption('direction', e.target.value as 'TB' | 'LR')}>
          <option value="TB">Vertical</option>
          <option value="LR">Horizontal</option>
        </select>
      </label>
      <label>
        <input type="checkbox" checked={options.showInitializers} onChange={(e) => void setOption('showInitializers', e.target.checked)} /> Weights as nodes
      </label>
      <label>
        <input type="checkbox" checked={options.showAttributes} onChange={(e) => void setOption('showAttributes', e.target.checked)} /> Attributes
      </label>
      <label title="Node names inside the nodes (Ctrl+U)">
        <input type="checkbox" checked={options.showNames ?? false} onChange={(e) => void setOption('showNames', e.target.checked)} /> Names
      </label>
      <label>
        <select aria-label="Mouse wheel" value={options.wheel ?? 'zoom'} onChange={(e) => void setOption('wheel', e.target.value as 'zoom' | 'scroll')}>
          <option value="zoom">Wheel zooms</option>
          <option value="scroll">Wheel scrolls</option>
        </select>
      </label>
      <label>
        <input type="checkbox" checked={options.showShapes} onChange={(e) => void setOption('showShapes', e.target.checked)} /> Shapes
      </label>
      <button type="button" onClick={() => void flow.fitView({ padding: 0.1, duration: viewportDuration(200) })}>
        Fit
      </button>
      <button type="button" title="Zoom 100% (Shift+Backspace)" onClick={() => run('actual-size')}>
        Actual size
      </button>
      <button type="button" disabled={!selection || selection.kind === 'value'} onClick={zoomToSelection}>
        Zoom to selection
      </button>
      {panels.map((p) => (
        <button key={p.label} type="button" aria-pressed={p.open} onClick={p.toggle}>
          {p.label}
        </button>
      ))}
      <OpenModelPipeline />
      <button type="button" onClick={exportSvg}>
        Export SVG
      </button>
      <button type="button" onClick={() => void exportPng()}>
        Export PNG
      </button>
    </div>
  );
}
