import { useEffect } from 'react';
import { useNavigate } from 'react-router-dom';
import { WORKSPACES_CHANGED, Workspace, chooseWorkspace, currentWorkspace, get } from '../api';
import { useLoad } from './ui';

/** The workspaces the person belongs to; shown when there is more than one (an accepted invitation adds one). */
export function WorkspaceSwitcher() {
  const navigate = useNavigate();
  const workspaces = useLoad((signal) => get<Workspace[]>('/workspaces', signal), []);
  useEffect(() => {
    window.addEventListener(WORKSPACES_CHANGED, workspaces.reload);
    return () => window.removeEventListener(WORKSPACES_CHANGED, workspaces.reload);
  }, [workspaces.reload]);
  const list = workspaces.value ?? [];
  const chosen = currentWorkspace();
  // A workspace the person left (or was removed from) is forgotten: the server's first one is used again.
  useEffect(() => {
    if (workspaces.value && chosen && !workspaces.value.some((w) => w.id === chosen)) chooseWorkspace(null);
  }, [workspaces.value, chosen]);
  if (list.length < 2) return null;
  return (
    <div className="field workspace-switcher">
      <label htmlFor="workspace-switcher">Workspace</label>
      <select id="workspace-switcher" value={list.some((w) => w.id === chosen) ? chosen! : list[0].id}
        onChange={(e) => {
          chooseWorkspace(e.target.value);
          navigate('/flows');
        }}>
        {list.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}
      </select>
    </div>
  );
}
