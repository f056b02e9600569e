import { useEffect } from 'react';
import { useApp } from '../store/store-context.js';
import { Messages } from './Messages.js';
import { Workspace } from './Workspace.js';
import { TaskProgress } from './TaskProgress.js';
import { Welcome } from './Welcome.js';

export function App({ desktop }: { desktop: boolean }) {
  const boot = useApp((s) => s.boot);
  const ready = useApp((s) => s.ready);
  const model = useApp((s) => s.models.find((m) => m.docId === s.activeDocId));
  useEffect(() => {
    void boot();
  }, [boot]);
  return (
    <div className="app" data-ready={ready ? 'true' : 'false'}>
      <TaskProgress />
      <Messages />
      {ready && (model ? <Workspace key={model.docId} model={model} /> : <Welcome desktop={desktop} />)}
    </div>
  );
}
