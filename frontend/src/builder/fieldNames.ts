/**
 * The builder's words for the paths the API names in a validation error ("sources[0].connectionId" is "Source 1:
 * connection"), so that a user reads where to look, not how the request is shaped.
 */
export function fieldName(path: string, settingTitle?: (destination: number, setting: string) => string | undefined): string {
  let m: RegExpMatchArray | null;
  if (path === 'name') return 'Flow name';
  if ((m = path.match(/^sources\[(\d+)\]\.?(.*)$/))) {
    const source = `Source ${Number(m[1]) + 1}`;
    const rest = m[2];
    if (rest === '' ) return source;
    if (rest === 'connectionId') return `${source}: connection`;
    if (rest === 'stream') return `${source}: data`;
    if (rest === 'sync') return `${source}: read`;
    if (rest.startsWith('parameters')) return `${source}: settings for this flow`;
    return `${source}: ${rest}`;
  }
  if ((m = path.match(/^transform\.steps\[(\d+)\]/))) return `Transform, step ${Number(m[1]) + 1}`;
  if ((m = path.match(/^transform\.combine\.joins\[(\d+)\]/))) return `Combine the sources, join ${Number(m[1]) + 1}`;
  if (path.startsWith('transform.combine')) return 'Combine the sources';
  if (path.startsWith('transform')) return 'Transform';
  if ((m = path.match(/^destinations\[(\d+)\]\.?(?:settings\.)?(.*)$/))) {
    const index = Number(m[1]);
    const destination = `Destination ${index + 1}`;
    if (m[2] === '' || m[2] === 'type') return destination;
    const setting = m[2].split(/[.[]/)[0];
    return `${destination}: ${settingTitle?.(index, setting) ?? setting}`;
  }
  if (path.startsWith('schedule')) return 'Schedule';
  return path;
}

/** Whether the builder shows an error on this path beside its field, so that the banner does not say it again. */
export function shownBesideItsField(path: string): boolean {
  return path === 'name' || /^sources\[\d+\]\.(connectionId|parameters)/.test(path) || /^destinations\[\d+\]\.settings\./.test(path);
}
