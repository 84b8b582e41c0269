import { useEffect, useState } from 'react';
import { ApiError, NextFires, post } from '../api';
import { ScheduleForm, WEEKDAYS, scheduleOf } from './model';

const PRESETS: [ScheduleForm['preset'], string][] = [
  ['manual', 'Only when I run it'], ['every_15_minutes', 'Every 15 minutes'], ['every_30_minutes', 'Every 30 minutes'],
  ['hourly', 'Every hour'], ['every_n_hours', 'Every few hours'], ['daily', 'Every day'], ['weekly', 'Every week'],
  ['monthly', 'Every month'],
];

function zones(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  return supported ? supported('timeZone') : ['UTC'];
}

/** When the flow refreshes, with the next fire times the server computes for exactly this schedule. */
export function SchedulePanel({ form, onChange }: { form: ScheduleForm; onChange: (form: ScheduleForm) => void }) {
  const [next, setNext] = useState<NextFires | null>(null);
  const [error, setError] = useState<string | null>(null);
  const schedule = scheduleOf(form);
  const key = JSON.stringify(schedule);
  const update = (change: Partial<ScheduleForm>) => onChange({ ...form, ...change });
  const interval = ['every_15_minutes', 'every_30_minutes', 'hourly', 'every_n_hours'].includes(form.preset);

  useEffect(() => {
    if (!schedule) {
      setNext(null);
      setError(null);
      return;
    }
    const timer = window.setTimeout(() => {
      post<NextFires>('/schedules/next?count=3', schedule).then((n) => { setNext(n); setError(null); },
        (e) => { setNext(null); setError(e instanceof ApiError ? e.errors.map((f) => f.message).join('; ') || e.message : String(e)); });
    }, 300);
    return () => window.clearTimeout(timer);
  }, [key]);

  return (
    <div className="schedule stack">
      <div className="field">
        <label htmlFor="schedule-preset">Refresh</label>
        <select id="schedule-preset" value={form.preset} onChange={(e) => update({ preset: e.target.value as ScheduleForm['preset'] })}>
          {PRESETS.map(([id, label]) => <option key={id} value={id}>{label}</option>)}
        </select>
      </div>
      {form.preset === 'every_n_hours' && (
        <div className="field">
          <label htmlFor="schedule-hours">Every how many hours</label>
          <input id="schedule-hours" type="number" min={2} max={12} value={form.hours} onChange={(e) => update({ hours: Number(e.target.value) })} />
        </div>
      )}
      {form.preset !== 'manual' && form.preset !== 'monthly' && (
        <div className="field" role="group" aria-labelledby="schedule-days-label">
          <span id="schedule-days-label" className="label">On these days {form.preset !== 'weekly' && <small className="muted">(none: every day)</small>}</span>
          <div className="days">
            {WEEKDAYS.map((day) => (
              <label key={day} className="chip">
                <input type="checkbox" checked={form.days.includes(day)}
                  onChange={(e) => update({ days: e.target.checked ? [...form.days, day] : form.days.filter((d) => d !== day) })} />
                {day[0] + day.slice(1).toLowerCase()}
              </label>
            ))}
          </div>
        </div>
      )}
      {form.preset === 'monthly' && (
        <div className="field">
          <label htmlFor="schedule-days-of-month">Days of the month</label>
          <input id="schedule-days-of-month" value={form.daysOfMonth} onChange={(e) => update({ daysOfMonth: e.target.value })} />
          <small className="hint">Comma-separated; -1 is the last day.</small>
        </div>
      )}
      {['daily', 'weekly', 'monthly'].includes(form.preset) && (
        <div className="field">
          <label htmlFor="schedule-times">At</label>
          <input id="schedule-times" value={form.times} onChange={(e) => update({ times: e.target.value })} placeholder="08:00, 17:30" />
        </div>
      )}
      {interval && (
        <div className="field" role="group" aria-labelledby="schedule-window-label">
          <span id="schedule-window-label" className="label">Only between <small className="muted">(optional)</small></span>
          <div className="row">
            <input aria-label="Window start" type="time" value={form.windowFrom} onChange={(e) => update({ windowFrom: e.target.value })} />
            <span>and</span>
            <input aria-label="Window end" type="time" value={form.windowTo} onChange={(e) => update({ windowTo: e.target.value })} />
          </div>
        </div>
      )}
      {form.preset !== 'manual' && (
        <>
          <div className="field">
            <label htmlFor="schedule-zone">Time zone</label>
            <select id="schedule-zone" value={form.timezone} onChange={(e) => update({ timezone: e.target.value })}>
              {[...new Set([form.timezone, ...zones()])].map((z) => <option key={z} value={z}>{z}</option>)}
            </select>
          </div>
          <label className="inline">
            <input type="checkbox" checked={form.paused} onChange={(e) => update({ paused: e.target.checked })} /> Paused
          </label>
          <div className="next-fires" aria-live="polite">
            {error && <small className="field-error" role="alert">{error}</small>}
            {next && !error && (
              next.paused ? <span className="muted">Paused: nothing runs until it is resumed.</span> : (
                <>
                  <span className="label">Next runs</span>
                  <ol data-testid="next-fires">
                    {next.next.map((fire) => <li key={fire.at}>{fire.local.slice(0, 16).replace('T', ' ')} <span className="muted">{next.timezone}</span></li>)}
                  </ol>
                </>
              )
            )}
          </div>
        </>
      )}
    </div>
  );
}
