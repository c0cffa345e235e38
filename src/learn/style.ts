import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

const enabled = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

export function paint(style: Style, text: string): string {
  return enabled ? styleText(style, text) : text;
}

export const ok = (text: string): string => paint('green', text);
export const bad = (text: string): string => paint('red', text);
export const dim = (text: string): string => paint('dim', text);
export const bold = (text: string): string => paint('bold', text);
export const accent = (text: string): string => paint('cyan', text);
