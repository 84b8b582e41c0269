import { FormEvent, useEffect, useState } from 'react';
import { ApiError, User, get, messageOf, post } from '../api';
import { Field, Loading } from '../components/ui';

/** Sign-in, or on a fresh installation the first admin's account. */
export default function SignIn({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [setupNeeded, setSetupNeeded] = useState<boolean | undefined>(undefined);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<{ setupNeeded: boolean }>('/auth/setup').then((s) => setSetupNeeded(s.setupNeeded), () => setSetupNeeded(false));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (setupNeeded) await post('/auth/setup', { email, name, password });
      const session = await post<{ user: User }>('/auth/sign-in', { email, password });
      onSignedIn(session.user);
    } catch (err) {
      setError(err instanceof ApiError ? err : messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (setupNeeded === undefined) return <Loading />;
  const message = error instanceof ApiError ? error.message : error;
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <div className="brand"><span className="logo" aria-hidden="true">▤</span> Rowflow</div>
        <h1 id="sign-in-title">{setupNeeded ? 'Set up Rowflow' : 'Sign in'}</h1>
        {setupNeeded && <p className="hint">Nobody has an account yet: this one becomes the owner.</p>}
        <Field id="email" label="Email" error={error instanceof ApiError ? error.field('email') : undefined}>
          <input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        {setupNeeded && (
          <Field id="name" label="Your name">
            <input id="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
        )}
        <Field id="password" label="Password" hint={setupNeeded ? 'At least 12 characters' : undefined}
          error={error instanceof ApiError ? error.field('password') : undefined}>
          <input id="password" type="password" autoComplete={setupNeeded ? 'new-password' : 'current-password'} required
            value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        {message && <div className="error-box" role="alert">{message}</div>}
        <button className="button primary wide" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : setupNeeded ? 'Create account' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
