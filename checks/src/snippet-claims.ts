import ts from 'typescript';
import type { SnippetReport } from './snippet-runtime.js';
import type { Snippet } from './snippets.js';

/** A `console.log(x); // expected` line of a snippet. */
export interface Assertion {
  /** 1-based line in the document. */
  line: number;
  /** The comment's text: what the line must print. */
  expected: string;
}

/** A snippet ready to run: its code with every assertion rewritten, and what the check found wrong before running. */
export interface InstrumentedSnippet {
  /** The snippet's code, line for line, with each assertion line calling `__expectPrinted`. */
  code: string;
  assertions: Assertion[];
  /** One message per claim the check cannot assert, each starting with `document:line`. */
  problems: string[];
}

const CLAIM_HINT = 'put the claimed outcome on a `console.log(x); // expected` line, or mark the snippet';

/**
 * Finds the assertions and the unasserted claims of a snippet that runs (see the convention in snippets.ts), and
 * rewrites each assertion `console.log(args); // expected` to `__expectPrinted(line, 'expected', args);`, line for line.
 * `where(line)` names a document line in messages.
 */
export function instrumentSnippet(snippet: Snippet, where: (line: number) => string): InstrumentedSnippet {
  const text = snippet.code;
  const file = ts.createSourceFile('snippet.mts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lineOf = (pos: number) => snippet.line + 1 + file.getLineAndCharacterOfPosition(pos).line;
  const comments = commentsOf(file);
  const assertions: Assertion[] = [];
  const problems: string[] = [];
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const consumed = new Set<number>(); // comments that are an assertion's expected output or already reported

  const calls = consoleLogCalls(file);
  for (const call of calls) {
    const line = lineOf(call.getStart(file));
    const endLine = lineOf(call.end);
    const trailing = comments.find(
      (c) => c.kind === ts.SyntaxKind.SingleLineCommentTrivia && c.pos >= call.end && lineOf(c.pos) === endLine,
    );
    if (trailing) {
      if (consumed.has(trailing.pos)) continue; // reported with the other console.log of its line
      consumed.add(trailing.pos);
      if (calls.some((other) => other !== call && lineOf(other.end) === endLine)) {
        problems.push(`${where(line)}: one console.log per assertion line: its trailing comment is what that one call prints`);
      } else if (line !== endLine) {
        problems.push(`${where(line)}: put this console.log on one line: its trailing comment is an assertion of what one call prints`);
      } else {
        const expected = text.slice(trailing.pos + 2, trailing.end).trim();
        const args = call.arguments.map((a) => a.getText(file)).join(', ');
        edits.push({ start: trailing.pos, end: trailing.end, text: '' });
        edits.push({
          start: call.getStart(file),
          end: call.end,
          text: `__expectPrinted(${line}, ${JSON.stringify(expected)}${args ? `, ${args}` : ''})`,
        });
        assertions.push({ line, expected });
      }
      continue;
    }
    // A comment on its own line right after the call reads as what the call printed.
    const next = comments.find((c) => lineOf(c.pos) === endLine + 1 && ownLine(text, c.pos));
    if (next && !consumed.has(next.pos)) {
      consumed.add(next.pos);
      problems.push(`${where(lineOf(next.pos))}: a comment right after a console.log reads as its output; ${CLAIM_HINT}`);
    }
  }
  for (const c of comments) {
    if (consumed.has(c.pos)) continue;
    if (/→|=>/.test(text.slice(c.pos, c.end))) problems.push(`${where(lineOf(c.pos))}: a comment claims an outcome; ${CLAIM_HINT}`);
  }

  let code = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) code = code.slice(0, e.start) + e.text + code.slice(e.end);
  return { code, assertions, problems };
}

/** Every `console.log(...)` call of a source file, wherever it is. */
function consoleLogCalls(file: ts.SourceFile): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.expression.getText(file) === 'console.log') calls.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return calls;
}

/** Every comment of a source file, once each, in order (strings and template literals are not comments). */
function commentsOf(file: ts.SourceFile): ts.CommentRange[] {
  const found = new Map<number, ts.CommentRange>();
  const text = file.getFullText();
  const visit = (node: ts.Node) => {
    for (const c of [...(ts.getLeadingCommentRanges(text, node.pos) ?? []), ...(ts.getTrailingCommentRanges(text, node.end) ?? [])]) {
      found.set(c.pos, c);
    }
    for (const child of node.getChildren(file)) visit(child);
  };
  visit(file);
  return [...found.values()].sort((a, b) => a.pos - b.pos);
}

function ownLine(text: string, pos: number): boolean {
  return text.slice(text.lastIndexOf('\n', pos - 1) + 1, pos).trim() === '';
}

/** What a run's report says went wrong, one message per failure, each starting with `document:line`. */
export function assertionFailures(report: SnippetReport, assertions: Assertion[], where: (line: number) => string): string[] {
  return [
    ...report.mismatches.map(
      (m) =>
        `${where(m.line)}: the comment says what this line prints, but it printed something else\n  expected: ${m.expected}\n  printed:  ${m.printed}`,
    ),
    ...assertions
      .filter((a) => !report.ran.includes(a.line))
      .map(
        (a) =>
          `${where(a.line)}: this assertion never ran (the snippet ended or failed before reaching it, or its callback was never called)`,
      ),
  ];
}
