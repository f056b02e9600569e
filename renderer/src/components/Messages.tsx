import { useApp } from '../store/store-context.js';

export function Messages() {
  const error = useApp((s) => s.error);
  const notice = useApp((s) => s.notice);
  const dismiss = useApp((s) => s.dismissMessages);
  if (!error && !notice) return null;
  return (
    <div className={error ? 'message error' : 'message notice'} role={error ? 'alert' : 'status'}>
      <span>{error ?? notice}</span>
      <button type="button" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
