// The package's public surface: the app factory, its dependencies and the pieces the bench and tests
// reuse. main.ts is the process; it is not exported.
export { buildApp, type AppDeps } from './app.js';
export { CONFIG_VARIABLES, ConfigError, loadConfig, type QueryApiConfig } from './config.js';
export { ERRORS, QueryApiError, type ErrorCode, type ErrorItem } from './errors.js';
export { createMetrics, type QueryApiMetrics } from './metrics.js';
export { createServices, type Services, type ServicesOptions } from './services.js';
export { decodeCursor, encodeCursor } from './search/cursor.js';
export type { LogStore, Order, StoreName } from './stores/contract.js';
