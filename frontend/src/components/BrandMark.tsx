/**
 * An app's tile in the connector picker: its monogram on its brand colour, as an SVG. A plain mark of Rowflow's own, not
 * the app's artwork (no logos are copied). The colour and letters come from the catalog (a connector's metadata); what
 * it leaves out is derived: a colour from the id, the initials of the name. The letters are white or black, whichever
 * reads better on the colour (at least 4.5:1). The tile is decorative: the app's name is always written beside it.
 */
export function BrandMark({ id, name, color, monogram, size = 32 }: {
  id: string;
  name: string;
  color?: string | null;
  monogram?: string | null;
  size?: number;
}) {
  const background = isColor(color) ? color : colorOfId(id);
  const letters = (monogram?.trim() || monogramOf(name)).slice(0, 3);
  const fontSize = letters.length >= 3 ? 10.5 : letters.length === 2 ? 13 : 16;
  return (
    <svg className="brand-mark" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill={background} />
      <text x="16" y="16.5" textAnchor="middle" dominantBaseline="central" fill={inkOn(background)} fontSize={fontSize}
        fontWeight="700" fontFamily="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif">{letters}</text>
    </svg>
  );
}

const isColor = (value: string | null | undefined): value is string => !!value && /^#[0-9a-f]{6}$/i.test(value);

/** Initials of the name's first two capitalised words: "Google Sheets" → "GS", "HubSpot" → "H"; small words are skipped. */
export function monogramOf(name: string): string {
  const words = name.split(/\s+/).filter((w) => /^[A-Z0-9]/.test(w));
  const initials = (words.length ? words : [name]).slice(0, 2).map((w) => w.charAt(0).toUpperCase()).join('');
  return initials || '?';
}

/** A steady colour for an id without a brand colour: the same app always gets the same one, apps differ by hue. */
export function colorOfId(id: string): string {
  let hash = 0;
  for (const c of id) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hslToHex(hash % 360, 0.55, 0.42);
}

function hslToHex(h: number, s: number, l: number): string {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return '#' + [f(0), f(8), f(4)].map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('');
}

/** WCAG relative luminance of a #RRGGBB colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two #RRGGBB colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

const WHITE = '#ffffff';
const NEAR_BLACK = '#14171f';

/**
 * White or near-black letters on a background, whichever contrasts more. Near-black falls short of 4.5:1 on a narrow
 * band of mid tones where white does too; pure black is used there, which always reaches it.
 */
export function inkOn(background: string): string {
  const best = contrast(WHITE, background) >= contrast(NEAR_BLACK, background) ? WHITE : NEAR_BLACK;
  return contrast(best, background) >= 4.5 ? best : '#000000';
}
