// Our own processes (gateway, sinks, query API), started by the stack after the services answer.
// Each entry has the shape of a service module: { name, describe(), command(), ready(), status() }.
export const apps = [];
