// Numbered migrations: each package lists its own, never edits one once released (a change is a new
// entry) and tracks them in a table of its own, so neither package's versions collide with the other's.
import type { TransactionSql } from 'postgres';
import { ident } from './sql-names.js';

export interface NumberedMigration {
  version: number;
  name: string;
}

export interface AppliedMigrations {
  applied: number[];
  /** Highest version now in the database. */
  version: number;
}

/**
 * Applies, in version order, the migrations `schema`.`table` does not list yet, and lists them there
 * (the table is created if needed). `render` gives a migration's SQL text. Runs in the caller's
 * transaction, which holds the advisory lock: several processes may start together, and the first
 * applies everything while the others wait and then find nothing left to do.
 */
export async function applyMigrations<M extends NumberedMigration>(
  tx: TransactionSql,
  schema: string,
  table: string,
  migrations: readonly M[],
  render: (migration: M) => string,
): Promise<AppliedMigrations> {
  await tx.unsafe(`
    create table if not exists ${ident(schema)}.${ident(table)} (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
  const done = new Set((await tx<{ version: number }[]>`select version from ${tx(schema)}.${tx(table)}`).map((r) => r.version));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await tx.unsafe(render(m));
    await tx`insert into ${tx(schema)}.${tx(table)} (version, name) values (${m.version}, ${m.name})`;
    applied.push(m.version);
  }
  return { applied, version: Math.max(0, ...done, ...applied) };
}
