import { useApp } from '../store/store-context.js';

/** The running task as a progress bar; engine jobs get a Cancel button. */
export function TaskProgress() {
  const task = useApp((s) => s.task);
  const cancel = useApp((s) => s.cancelTask);
  if (!task) return null;
  const known = task.total > 0;
  const pct = known ? Math.round((task.done / task.total) * 100) : undefined;
  return (
    <div className="task" role="status">
      <span className="task-label">{task.label}</span>
      <div
        className="progress"
        role="progressbar"
        aria-label={task.label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(pct !== undefined ? { 'aria-valuenow': pct } : {})}
      >
        <div className={known ? 'progress-fill' : 'progress-fill indeterminate'} style={known ? { width: `${pct}%` } : undefined} />
      </div>
      {task.etaSeconds !== undefined && <span className="task-eta">{task.etaSeconds} s left</span>}
      {task.jobId && (
        <button type="button" onClick={() => void cancel()}>
          Cancel
        </button>
      )}
    </div>
  );
}
