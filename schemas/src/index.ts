export * from './event.js';
export * from './normalize.js';
export { LOG_EVENT_AVRO_SCHEMA, type AvroRecordSchema } from './avro.js';
export * from './codec.js';
export * from './errors.js';
export * from './query/index.js';
export * from './id-order.js';
