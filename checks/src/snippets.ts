/**
 * The snippets of the READMEs and guides, as the snippet check sees them.
 *
 * Every ```ts block is type-checked and run, unless a marker on the line before its fence says otherwise, with a
 * reason: `<!-- snippet: typecheck-only: why -->` (type-checked, not run) or `<!-- snippet: skip: why -->` (neither).
 *
 * In a block that runs, a claimed outcome is an assertion. Write it as one line:
 *
 *     console.log(decision.to); // 4
 *     scaler.on('decision', (d) => console.log(d.code)); // policy
 *
 * The line that call prints (`util.format` of its arguments, as `console.log` prints it) must equal the comment's
 * text exactly, or the check fails naming the document, the line, what was expected and what was printed. Before
 * running, the check rewrites the call to `__expectPrinted(<document line>, '<comment>', <args>)` and drops the
 * comment; the call still prints. Each assertion must run at least once (a snippet that throws or exits before one,
 * or a listener that is never called, fails), and must match every time it runs. Only a single-line call with the
 * comment at the end of its line asserts: a multi-line `console.log` with a trailing comment, or two calls on one
 * such line, is an error that says so.
 *
 * A claim anywhere else in a block that runs fails the check where it can be recognised: a comment containing `→` or
 * `=>` that is not an assertion, and a comment on its own line right after a `console.log` (it reads as that call's
 * output). Put the claimed outcome on a `console.log(x); // expected` line, or mark the block.
 */
import { readFileSync } from 'node:fs';

/** A fenced TypeScript block of a document, with what its marker says to do with it. */
export interface Snippet {
  /** The document's path. */
  readme: string;
  /** 1-based line of the opening fence: the block's first line of code is `line + 1`. */
  line: number;
  code: string;
  /** `run`: type-check and execute; `typecheck`: type-check only; `skip`: neither (a sketch). */
  mode: 'run' | 'typecheck' | 'skip';
  /** Why it is not run, from its marker. */
  why?: string;
}

// A marker on the line before a fence: <!-- snippet: typecheck-only: registers tests, runs under vitest -->
const MARKER = /^<!--\s*snippet:\s*(typecheck-only|skip)\s*:\s*(.+?)\s*-->$/;

/** Extracts every ```ts / ```typescript block of a document. A block marked skip or typecheck-only must say why. */
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
