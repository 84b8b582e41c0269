import { ReactNode, createContext, useCallback, useContext, useEffect, useId, useRef } from 'react';
import { useBlocker } from 'react-router-dom';
import { Dialog } from './ui';

type Register = (key: string, dirty: boolean) => void;

const Registry = createContext<Register | null>(null);

/**
 * Asks before work that is not saved is left: on a link, Back or Forward inside the app (one router blocker for the
 * whole app, since a router allows only one), and on a reload, a typed address or a closed tab (the browser's own
 * beforeunload question; browsers show their own words there). Forms say whether they hold unsaved changes through
 * useUnsavedChanges.
 */
export function UnsavedChangesGuard({ children }: { children: ReactNode }) {
  const dirty = useRef(new Set<string>());
  const register = useCallback<Register>((key, isDirty) => {
    if (isDirty) dirty.current.add(key);
    else dirty.current.delete(key);
  }, []);
  // Moving within the same page (a query or a hash) loses nothing.
  const blocker = useBlocker(({ currentLocation, nextLocation }) =>
    dirty.current.size > 0 && currentLocation.pathname !== nextLocation.pathname);

  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (dirty.current.size === 0) return;
      event.preventDefault();
      // Older browsers ask only when a value is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  return (
    <Registry.Provider value={register}>
      {children}
      {blocker.state === 'blocked' && (
        <Dialog title="Leave without saving?" onClose={() => blocker.reset()}>
          <p>Your changes on this page are not saved yet. If you leave now, they are lost.</p>
          <div className="row">
            <button type="button" className="button primary" onClick={() => blocker.reset()}>Stay on this page</button>
            <button type="button" className="button danger" onClick={() => {
              dirty.current.clear();
              blocker.proceed();
            }}>Leave without saving</button>
          </div>
        </Dialog>
      )}
    </Registry.Provider>
  );
}

/**
 * Tells the guard whether this form holds changes not saved yet; it stops counting when the form goes away. Without a
 * guard above (a component drawn alone in a test), it does nothing.
 */
export function useUnsavedChanges(dirty: boolean) {
  const register = useContext(Registry);
  const key = useId();
  useEffect(() => {
    register?.(key, dirty);
  }, [register, key, dirty]);
  useEffect(() => () => register?.(key, false), [register, key]);
  // A form that has just saved clears its mark before it navigates away (the effect would run too late).
  return useCallback((isDirty: boolean) => register?.(key, isDirty), [register, key]);
}

