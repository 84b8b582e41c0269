import { useEffect } from 'react';
import { useLocation } from 'react-router-dom';

/** The end of "Connect …" in its popup: tells the window that opened it which connection it made, then closes. */
export default function OAuthReturn() {
  const location = useLocation();
  const id = location.pathname.split('/').pop();
  useEffect(() => {
    window.opener?.postMessage({ type: 'rowflow:connected', connectionId: id }, window.location.origin);
    window.close();
  }, [id]);
  return <p className="loading">Connected. You can close this window.</p>;
}
