import { readFileSync } from 'node:fs';

/** A fenced TypeScript block of a README, with what its marker says to do with it. */
export interface Snippet {
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** `run`: type-check and execute; `typecheck`: type-check only; `skip`: neither (a sketch). */
  mode: 'run' | 'typecheck' | 'skip';
  /** Why it is not run, from its marker. */
  why?: string;
}

// A marker on the line before a fence: <!-- snippet: typecheck-only: registers tests, runs under vitest -->
const MARKER = /^<!--\s*snippet:\s*(typecheck-only|skip)\s*:\s*(.+?)\s*-->$/;

/** Extracts every ```ts / ```typescript block of a README. A block marked skip or typecheck-only must say why. */
export function extractSnippets(readme: string): Snippet[] {
  const lines = readFileSync(readme, 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] as string)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] as string); i++) body.push(lines[i] as string);
    let back = start - 1;
    while (back >= 0 && (lines[back] as string).trim() === '') back--;
    const marker = MARKER.exec((lines[back] ?? '').trim());
    const mode = marker ? (marker[1] === 'skip' ? 'skip' : 'typecheck') : 'run';
    out.push({ readme, line: start + 1, code: body.join('\n'), mode, ...(marker ? { why: marker[2] } : {}) });
  }
  return out;
}
