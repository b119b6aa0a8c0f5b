// The consumer group's offsets, kept in PostgreSQL next to the rows (design contract, section 2): the
// write transaction moves them with the rows it stores, and on assignment the loop resumes from them.
import type { Sql, TransactionSql } from 'postgres';

export interface OffsetKey {
  groupId: string;
  topic: string;
  partition: number;
}

/** Next offset to store for each partition that has one. Offsets stay strings (int64). */
export async function readStoredOffsets(sql: Sql, schema: string, groupId: string, topic: string, partitions: number[]): Promise<Map<number, string>> {
  if (partitions.length === 0) return new Map();
  const rows = await sql<{ partition: number; next_offset: string }[]>`
    select partition, next_offset from ${sql(schema)}.sink_offsets
    where group_id = ${groupId} and topic = ${topic} and partition in ${sql(partitions)}`;
  return new Map(rows.map((r) => [r.partition, r.next_offset]));
}

/** The stored next offset, row-locked until the transaction ends; undefined when none is stored yet. */
export async function lockStoredOffset(tx: TransactionSql, schema: string, key: OffsetKey): Promise<bigint | undefined> {
  const [row] = await tx<{ next_offset: string }[]>`
    select next_offset from ${tx(schema)}.sink_offsets
    where group_id = ${key.groupId} and topic = ${key.topic} and partition = ${key.partition}
    for update`;
  return row ? BigInt(row.next_offset) : undefined;
}

export async function storeOffset(tx: TransactionSql, schema: string, key: OffsetKey, nextOffset: bigint): Promise<void> {
  await tx`
    insert into ${tx(schema)}.sink_offsets (group_id, topic, partition, next_offset)
    values (${key.groupId}, ${key.topic}, ${key.partition}, ${nextOffset.toString()})
    on conflict (group_id, topic, partition) do update set next_offset = excluded.next_offset, updated_at = now()`;
}
