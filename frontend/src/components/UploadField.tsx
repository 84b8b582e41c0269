import { useEffect, useState } from 'react';
import { ApiError, Upload, get, messageOf, uploadFile } from '../api';

/** What a kind of upload accepts in the browser's file chooser. */
const ACCEPT: Record<string, string> = {
  xlsx: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const size = (bytes: number) => bytes < 1024 ? `${bytes} bytes`
  : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * A setting whose value is an uploaded file's id (a schema property with "x-upload"): a file chooser that uploads the
 * chosen file at once and keeps the id the server answers. Says which file is stored, shows the upload's progress, and
 * the server's refusal (not an .xlsx, too large) as an error tied to the input.
 */
export function UploadField({ id, kind, value, onChange, describedBy, invalid, required }: {
  id: string;
  kind: string;
  value: string | undefined;
  onChange: (id: string | undefined) => void;
  describedBy?: string;
  invalid?: boolean;
  required?: boolean;
}) {
  const [stored, setStored] = useState<Upload | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // A setting saved earlier: name the file it holds.
    if (!value || stored?.id === value) return;
    let live = true;
    get<Upload>('/uploads/' + encodeURIComponent(value)).then((u) => { if (live) setStored(u); })
      .catch(() => { if (live) setStored(null); });
    return () => { live = false; };
  }, [value, stored?.id]);

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const upload = await uploadFile(file);
      setStored(upload);
      onChange(upload.id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const statusId = id + '-status';
  const errorId = id + '-upload-error';
  const described = [describedBy, value || busy ? statusId : undefined, error ? errorId : undefined].filter(Boolean).join(' ');
  return (
    <>
      <input id={id} type="file" accept={ACCEPT[kind]} disabled={busy} aria-describedby={described || undefined}
        aria-invalid={invalid || error ? true : undefined} aria-required={required || undefined}
        onChange={(e) => choose(e.target.files?.[0])} />
      {(busy || value) && (
        <small id={statusId} className="hint" aria-live="polite">
          {busy ? 'Uploading…' : stored && stored.id === value ? `Stored: ${stored.name} (${size(stored.size)})` : 'A file is stored'}
        </small>
      )}
      {error && <small id={errorId} className="field-error" role="alert">{error}</small>}
    </>
  );
}
