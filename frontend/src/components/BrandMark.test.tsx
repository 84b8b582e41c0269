import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { BrandMark, colorOfId, contrast, inkOn, monogramOf } from './BrandMark';

const BRANDS = ['#FF7A59', '#0052CC', '#0F9D58', '#217346', '#56606E', '#4285F4', '#95BF47', '#017737', '#FCB400',
  '#4A154B', '#635BFF', '#336791', '#003545'];

describe('Brand mark', () => {
  afterEach(cleanup);

  it('writes the letters in white or black, whichever reads at 4.5:1 or more, on every brand colour and any derived one', () => {
    for (const color of BRANDS) expect(contrast(inkOn(color), color)).toBeGreaterThanOrEqual(4.5);
    for (let grey = 0; grey < 256; grey += 1) {
      const color = '#' + grey.toString(16).padStart(2, '0').repeat(3);
      expect(contrast(inkOn(color), color)).toBeGreaterThanOrEqual(4.5);
    }
    for (const id of ['hubspot', 'jira', 'pipedrive', 'x', 'a-very-long-connector-id']) {
      expect(contrast(inkOn(colorOfId(id)), colorOfId(id))).toBeGreaterThanOrEqual(4.5);
    }
    expect(inkOn('#0052CC')).toBe('#ffffff');
    expect(inkOn('#FCB400')).not.toBe('#ffffff');
  });

  it('derives a steady colour from the id and the initials from the name', () => {
    expect(colorOfId('pipedrive')).toBe(colorOfId('pipedrive'));
    expect(colorOfId('pipedrive')).not.toBe(colorOfId('airtable'));
    expect(colorOfId('pipedrive')).toMatch(/^#[0-9a-f]{6}$/);
    expect(monogramOf('Google Sheets')).toBe('GS');
    expect(monogramOf('HubSpot')).toBe('H');
    expect(monogramOf('CSV from URL')).toBe('CU');
    expect(monogramOf('stripe')).toBe('S');
  });

  it('is decorative: hidden from screen readers, the catalog colour and letters used when given', () => {
    const { container } = render(<BrandMark id="jira" name="Jira Cloud" color="#0052CC" monogram="J" />);
    const svg = container.querySelector('svg')!;
    expect(svg.getAttribute('aria-hidden')).toBe('true');
    expect(svg.querySelector('rect')!.getAttribute('fill')).toBe('#0052CC');
    expect(svg.querySelector('text')!.textContent).toBe('J');
    cleanup();
    const derived = render(<BrandMark id="airtable" name="Airtable" color="orange" />).container;
    expect(derived.querySelector('rect')!.getAttribute('fill')).toBe(colorOfId('airtable'));
    expect(derived.querySelector('text')!.textContent).toBe('A');
  });
});
