import { ReactNode, createContext, useContext, useEffect } from 'react';
import { WORKSPACES_CHANGED, Workspace, currentWorkspace, get } from '../api';
import { useLoad } from './ui';

export type Role = 'viewer' | 'editor' | 'admin' | 'owner';

/** From least to most powerful, as the server ranks them: each role may do all that the ones before it may. */
const RANKS: Role[] = ['viewer', 'editor', 'admin', 'owner'];

/** The caller's role in the workspace the UI works in; undefined while it loads. */
const RoleContext = createContext<{ role: Role | undefined } | null>(null);

/** Whether {@code role} may do what {@code needed} may. */
export const includes = (role: Role | undefined, needed: Role) =>
  role !== undefined && RANKS.indexOf(role) >= RANKS.indexOf(needed);

/**
 * The caller's workspaces, reloaded when they change, and the one chosen: the switcher's, else the first (as the
 * server takes it).
 */
export function useCurrentWorkspace() {
  const workspaces = useLoad((signal) => get<Workspace[]>('/workspaces', signal), []);
  useEffect(() => {
    window.addEventListener(WORKSPACES_CHANGED, workspaces.reload);
    return () => window.removeEventListener(WORKSPACES_CHANGED, workspaces.reload);
  }, [workspaces.reload]);
  const workspace = workspaces.value?.find((w) => w.id === currentWorkspace()) ?? workspaces.value?.[0];
  return { workspaces, workspace };
}

/**
 * Loads the caller's role in the chosen workspace (the switcher's, else the first, as the server takes it), so that
 * screens show only the actions the role may take instead of answering them with a 403.
 */
export function RoleProvider({ children }: { children: ReactNode }) {
  const { workspace } = useCurrentWorkspace();
  const role = workspace ? (workspace.role.toLowerCase() as Role) : undefined;
  return <RoleContext.Provider value={{ role }}>{children}</RoleContext.Provider>;
}

/**
 * Whether the caller may do what {@code needed} may: false while the role loads (an action appears once known rather
 * than flash and vanish); true where no provider is above (a screen drawn alone in a test).
 */
export function useCan(): (needed: Role) => boolean {
  const context = useContext(RoleContext);
  return (needed) => (context === null ? true : includes(context.role, needed));
}

/** Whether the caller's role is known yet (always where no provider is above). */
export function useRoleKnown(): boolean {
  const context = useContext(RoleContext);
  return context === null || context.role !== undefined;
}
