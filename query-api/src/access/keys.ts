// API keys (design contract, section 7): what a key is, how it is kept, who may do what. Pure.
//
// A key is `lpk_` + 32 random bytes in base64url (256 bits: guessing is hopeless, so a fast hash is
// enough). Only its SHA-256 is stored; a key is shown once, when it is created. The first characters
// are kept in clear as a `prefix`, so a person can tell their keys apart in a listing.
import { createHash, randomBytes } from 'node:crypto';

export const ROLES = ['admin', 'reader', 'ingester'] as const;
export type Role = (typeof ROLES)[number];

/** What a route needs: nothing (health, the UI's files), read access, or admin. */
export type Access = 'public' | 'read' | 'admin';

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** Every query of this key is AND-ed with these resourceId patterns (`server-1*` prefix, else exact); empty = all. */
  resourcePatterns: string[];
}

export const KEY_PREFIX = 'lpk_';
const SHOWN_PREFIX_CHARS = 8;
export const MAX_PATTERNS = 100;
const MAX_PATTERN_CHARS = 257; // a resourceId (256) plus the trailing `*`

export function generateKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The start of a key, safe to show: enough to recognise it, far too little to guess the rest. */
export function shownPrefix(key: string): string {
  return key.slice(0, SHOWN_PREFIX_CHARS);
}

/**
 * Readers (and admins) read; only admins manage keys. An ingester key is for the gateway and reads nothing.
 */
export function allows(role: Role, access: Access): boolean {
  if (access === 'public') return true;
  if (access === 'admin') return role === 'admin';
  return role === 'admin' || role === 'reader';
}

/** Problems with a key's resource patterns, one message each; empty when they are fine. */
export function patternProblems(role: Role, patterns: readonly string[]): string[] {
  const problems: string[] = [];
  // An admin can create unscoped keys, so a scope on an admin key would protect nothing.
  if (role === 'admin' && patterns.length > 0) problems.push('an admin key cannot be scoped to resources; use role reader');
  if (patterns.length > MAX_PATTERNS) problems.push(`at most ${MAX_PATTERNS} patterns`);
  patterns.forEach((pattern, i) => {
    const star = pattern.indexOf('*');
    if (pattern.length === 0 || pattern.length > MAX_PATTERN_CHARS) problems.push(`resourcePatterns/${i}: 1 to 256 characters, plus an optional trailing *`);
    else if (pattern === '*') problems.push(`resourcePatterns/${i}: "*" alone would allow every resource; leave resourcePatterns out for an unscoped key`);
    else if (star !== -1 && star !== pattern.length - 1) problems.push(`resourcePatterns/${i}: "*" is allowed only at the end (a prefix)`);
    else if (pattern.includes('\u0000')) problems.push(`resourcePatterns/${i}: NUL is not allowed`);
  });
  return problems;
}
