/**
 * Reads nginx/default.conf — the single source of truth for how the app is served — so the dev
 * server and the tests use exactly the headers nginx sends in production. It understands the
 * subset of nginx syntax that file uses: directives, blocks, quoted strings, comments, `map`
 * blocks on a variable, and server-level `add_header`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of the nginx site configuration shipped in the image and read by the chart. */
export const NGINX_SITE_CONFIG = fileURLToPath(new URL('./nginx/default.conf', import.meta.url));

/** One nginx directive: `name arg1 arg2;` or `name args { children }`. */
export interface NginxDirective {
  readonly name: string;
  readonly args: readonly string[];
  readonly children?: readonly NginxDirective[];
}

/** A `map $source $target { … }` block. */
export interface NginxMap {
  readonly source: string;
  readonly target: string;
  readonly entries: readonly { readonly pattern: string; readonly value: string }[];
  readonly defaultValue: string;
}

/** A server-level `add_header Name "value" [always];`. */
export interface NginxHeader {
  readonly name: string;
  readonly value: string;
  /** Without `always`, nginx adds the header only to these success/redirect statuses. */
  readonly always: boolean;
}

/** What the dev server and tests need from the site configuration. */
export interface NginxSite {
  readonly directives: readonly NginxDirective[];
  readonly maps: readonly NginxMap[];
  readonly headers: readonly NginxHeader[];
}

/** Request facts nginx variables in default.conf are computed from. */
export interface NginxRequestFacts {
  /** Request path without query string (`$uri`). */
  readonly uri: string;
  /** Host header without port, lower-cased (`$host`). */
  readonly host: string;
  /** Response status: headers without `always` are only added to success and redirects. */
  readonly status: number;
}

const STATUSES_WITHOUT_ALWAYS = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === ';' || ch === '{' || ch === '}') {
      tokens.push(ch);
      i++;
    } else if (ch === '"' || ch === "'") {
      let value = '';
      i++;
      while (i < text.length && text[i] !== ch) {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[i + 1]!;
          value += next === 'n' ? '\n' : next;
          i += 2;
        } else {
          value += text[i++];
        }
      }
      if (i >= text.length) throw new Error(`nginx config: unterminated ${ch} string`);
      i++;
      tokens.push(`\u0000${value}`); // marks a quoted token so "{" in a string stays text
    } else {
      let value = '';
      while (i < text.length && !/[\s;{}]/.test(text[i]!)) value += text[i++];
      tokens.push(value);
    }
  }
  return tokens;
}

function unquote(token: string): string {
  return token.startsWith('\u0000') ? token.slice(1) : token;
}

/** Parses nginx configuration text into a directive tree. */
export function parseNginxConfig(text: string): NginxDirective[] {
  const tokens = tokenize(text);
  let position = 0;
  function parseBlock(nested: boolean): NginxDirective[] {
    const directives: NginxDirective[] = [];
    while (position < tokens.length) {
      const token = tokens[position++]!;
      if (token === '}') {
        if (!nested) throw new Error('nginx config: unexpected "}"');
        return directives;
      }
      const words = [unquote(token)];
      for (;;) {
        const next = tokens[position++];
        if (next === undefined) throw new Error(`nginx config: directive "${words[0]}" is not terminated`);
        if (next === ';') {
          directives.push({ name: words[0]!, args: words.slice(1) });
          break;
        }
        if (next === '{') {
          directives.push({ name: words[0]!, args: words.slice(1), children: parseBlock(true) });
          break;
        }
        if (next === '}') throw new Error(`nginx config: directive "${words[0]}" is not terminated`);
        words.push(unquote(next));
      }
    }
    if (nested) throw new Error('nginx config: missing "}"');
    return directives;
  }
  return parseBlock(false);
}

/** Parses default.conf into its maps and the server's response headers. */
export function readNginxSite(text: string = readFileSync(NGINX_SITE_CONFIG, 'utf8')): NginxSite {
  const directives = parseNginxConfig(text);
  const maps: NginxMap[] = directives
    .filter((d) => d.name === 'map')
    .map((d) => {
      const entries = (d.children ?? []).filter((e) => e.name !== 'default').map((e) => ({ pattern: e.name, value: e.args[0] ?? '' }));
      const fallback = (d.children ?? []).find((e) => e.name === 'default');
      return { source: d.args[0]!, target: d.args[1]!, entries, defaultValue: fallback?.args[0] ?? '' };
    });
  const servers = directives.filter((d) => d.name === 'server');
  if (servers.length !== 1) throw new Error(`nginx config: expected exactly one server block, found ${servers.length}`);
  const headers = (servers[0]!.children ?? [])
    .filter((d) => d.name === 'add_header')
    .map((d) => ({ name: d.args[0]!, value: d.args[1] ?? '', always: d.args[2] === 'always' }));
  return { directives, maps, headers };
}

function matchesMapPattern(pattern: string, value: string): boolean {
  if (pattern.startsWith('~*')) return new RegExp(pattern.slice(2), 'i').test(value);
  if (pattern.startsWith('~')) return new RegExp(pattern.slice(1)).test(value);
  return pattern === value;
}

/** Expands `$variables` the way nginx would for one request (maps evaluated on demand). */
export function expandVariables(site: NginxSite, template: string, facts: NginxRequestFacts): string {
  const resolve = (name: string, depth: number): string => {
    if (depth > 8) throw new Error(`nginx config: variable $${name} refers to itself`);
    if (name === 'uri') return facts.uri;
    if (name === 'host') return facts.host;
    const map = site.maps.find((m) => m.target === `$${name}`);
    if (!map) throw new Error(`nginx config: the dev server does not know variable $${name}`);
    const input = resolve(map.source.slice(1), depth + 1);
    const hit = map.entries.find((e) => matchesMapPattern(e.pattern, input));
    return expand(hit ? hit.value : map.defaultValue, depth + 1);
  };
  const expand = (text: string, depth: number): string => text.replace(/\$([a-z_][a-z0-9_]*)/gi, (_, name: string) => resolve(name, depth));
  return expand(template, 0);
}

/** The response headers nginx adds for a request, as a plain object (empty values dropped). */
export function responseHeaders(site: NginxSite, facts: NginxRequestFacts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const header of site.headers) {
    if (!header.always && !STATUSES_WITHOUT_ALWAYS.has(facts.status)) continue;
    const value = expandVariables(site, header.value, facts).replace(/\s+/g, ' ').trim();
    if (value !== '') out[header.name] = value;
  }
  return out;
}

/** Splits a Content-Security-Policy value into directive → sources. */
export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}
