import { useEffect, useState } from 'react';
import { NavLink, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { User, WORKSPACES_CHANGED, csrfToken, currentWorkspace, get, post, whenSignedOut } from './api';
import { Loading } from './components/ui';
import { WorkspaceSwitcher } from './components/WorkspaceSwitcher';
import { UnsavedChangesGuard } from './components/UnsavedChanges';
import { RoleProvider } from './components/Role';
import SignIn from './pages/SignIn';
import FlowList from './pages/FlowList';
import FlowBuilder from './pages/FlowBuilder';
import FlowRuns from './pages/FlowRuns';
import Connections from './pages/Connections';
import Settings from './pages/Settings';
import OAuthReturn from './pages/OAuthReturn';

export default function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const location = useLocation();

  useEffect(() => {
    whenSignedOut(() => setUser(null));
    // Without the session's CSRF cookie nobody is signed in here: no need to ask (and log a 401).
    if (!csrfToken()) setUser(null);
    else get<User>('/auth/me').then(setUser, () => setUser(null));
  }, []);

  // The provider's consent page sends the sign-in popup back here; it tells the builder and closes.
  if (window.opener && new URLSearchParams(location.search).has('connected')) return <OAuthReturn />;
  if (user === undefined) return <Loading label="Starting Rowflow…" />;
  if (user === null) return <SignIn onSignedIn={setUser} />;
  return <SignedIn user={user} onSignedOut={() => setUser(null)} />;
}

function SignedIn({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  // Choosing another workspace draws every page again, from that workspace's data.
  const [workspace, setWorkspace] = useState(currentWorkspace());
  useEffect(() => {
    const changed = () => setWorkspace(currentWorkspace());
    window.addEventListener(WORKSPACES_CHANGED, changed);
    return () => window.removeEventListener(WORKSPACES_CHANGED, changed);
  }, []);
  return (
    <RoleProvider>
    <UnsavedChangesGuard>
      <div className="shell">
        <Sidebar user={user} onSignedOut={onSignedOut} />
        <main className="content" id="main" key={workspace ?? 'first'}>
          <Routes>
            <Route path="/" element={<Navigate to="/flows" replace />} />
            <Route path="/flows" element={<FlowList />} />
            <Route path="/flows/new" element={<FlowBuilder />} />
            <Route path="/flows/:id/edit" element={<FlowBuilder />} />
            <Route path="/flows/:id" element={<FlowRuns />} />
            <Route path="/flows/:id/runs/:runId" element={<FlowRuns />} />
            <Route path="/connections" element={<Connections />} />
            <Route path="/connections/:id" element={<Connections />} />
            <Route path="/settings" element={<Settings user={user} />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </main>
      </div>
    </UnsavedChangesGuard>
    </RoleProvider>
  );
}

function Sidebar({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const navigate = useNavigate();
  const signOut = async () => {
    await post('/auth/sign-out').catch(() => undefined);
    onSignedOut();
    navigate('/flows');
  };
  return (
    <nav className="sidebar" aria-label="Main">
      <a className="skip" href="#main">Skip to content</a>
      <div className="brand">
        <span className="logo" aria-hidden="true">▤</span> Rowflow
      </div>
      <WorkspaceSwitcher />
      <ul>
        <li><NavLink to="/flows">Flows</NavLink></li>
        <li><NavLink to="/connections">Connections</NavLink></li>
        <li><NavLink to="/settings">Settings</NavLink></li>
      </ul>
      <div className="who">
        <span title={user.email}>{user.name || user.email}</span>
        <button type="button" className="link" onClick={signOut}>Sign out</button>
      </div>
    </nav>
  );
}

function NotFound() {
  return (
    <div className="empty">
      <h1>Page not found</h1>
      <p><NavLink to="/flows">Back to your flows</NavLink></p>
    </div>
  );
}
