/**
 * The learner's state files in .workbook/ (progress, flashcards): written so that a crash never
 * leaves half a file, and never thrown away when damaged — set aside under a dated name instead.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Write-then-rename: a crash mid-write leaves the old file, never half a file. */
export function writeFileAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** `progress.json` → `progress.<label>-<timestamp>.json`, next to it. */
export function datedName(file: string, label: string, date = new Date()): string {
  return `${file.replace(/\.json$/, '')}.${label}-${timestamp(date)}.json`;
}

/** Moves a damaged file out of the way, keeping it; returns where it went. */
export function setAside(file: string, label = 'corrupt'): string {
  const aside = datedName(file, label);
  renameSync(file, aside);
  return aside;
}

export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}
