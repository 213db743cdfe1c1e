/** A link of a markdown file: an inline link or image, a reference definition, or an HTML `src`/`href`. */
export interface MarkdownLink {
  /** The link as written, such as `[core](../core/README.md)` or `src="chart.svg"`. */
  source: string;
  /** Where it points, as written. */
  target: string;
  /** 1-based line where the link starts. */
  line: number;
}

const blank = (text: string) => text.replace(/[^\n]/g, ' ');

// Code is not markup: blank out fenced blocks and the code spans that show link syntax (other code spans may be the
// text of a link), keeping every newline so that line numbers hold.
function withoutCode(markdown: string): string {
  const lines = markdown.split('\n');
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const opens = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && opens) fence = opens;
    else if (fence !== undefined && line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') fence = undefined;
    else if (fence === undefined) continue;
    lines[i] = blank(line);
  }
  return lines
    .join('\n')
    .replace(/(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, (span, _ticks, content: string) => (content.includes('](') ? blank(span) : span));
}

const PATTERNS = [
  // [text](target "title") and ![alt](target): the text may hold one level of brackets and span lines.
  /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*(?:<([^>]*)>|([^\s)]*))(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g,
  // [label]: target
  /^ {0,3}\[[^\]]+\]:\s*(?:<([^>]*)>|(\S+))/gm,
  // <img src="…">, <a href='…'>
  /\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi,
];

/** Every link of `markdown`, in the order they appear, outside code blocks and code spans. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const text = withoutCode(markdown);
  const links: (MarkdownLink & { at: number })[] = [];
  for (const pattern of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const at = match.index ?? 0;
      const target = match[1] ?? match[2] ?? '';
      links.push({ source: match[0], target, line: text.slice(0, at).split('\n').length, at });
    }
  }
  return links.sort((a, b) => a.at - b.at).map(({ at: _, ...link }) => link);
}

/** The anchor GitHub (and npm) give a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors `markdown` defines: one per heading (repeats numbered `-1`, `-2`… as GitHub does), and HTML ids. */
export function anchors(markdown: string): Set<string> {
  const text = withoutCode(markdown);
  const found = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of text.matchAll(/^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/gm)) {
    const slug = headingSlug(match[1] as string);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const match of text.matchAll(/<[a-z][^>]*\b(?:id|name)\s*=\s*["']([^"']+)["']/gi)) found.add(match[1] as string);
  return found;
}
