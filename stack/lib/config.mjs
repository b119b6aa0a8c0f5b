// The stack's settings: the same environment variables the services read (design contract, section 3).
// A bad value stops the command with a message naming the variable.

function fail(name, value, why) {
  throw new Error(`${name}=${JSON.stringify(value)} is invalid: ${why}`);
}

function url(name, fallback, protocols) {
  const value = process.env[name] ?? fallback;
  let parsed;
  try {
    parsed = new URL(value);
  } catch {
    fail(name, value, 'not a URL');
  }
  if (!protocols.includes(parsed.protocol)) fail(name, value, `expected ${protocols.join(' or ')}`);
  return parsed;
}

function heap(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (!/^\d+[mg]$/i.test(value)) fail(name, value, 'expected a JVM heap size such as 512m or 1g');
  return value;
}

function port(name, fallback) {
  const raw = process.env[name] ?? String(fallback);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) fail(name, raw, 'expected a TCP port 1..65535');
  return value;
}

export function loadStackConfig() {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  for (const b of brokers) if (!/^[\w.-]+:\d+$/.test(b)) fail('KAFKA_BROKERS', process.env.KAFKA_BROKERS, `"${b}" is not host:port`);
  const [kafkaHost, kafkaPort] = brokers[0].split(':');
  const es = url('ELASTICSEARCH_URL', 'http://127.0.0.1:9200', ['http:']);
  const db = url('DATABASE_URL', 'postgres://logs:logs@127.0.0.1:5432/logs', ['postgres:', 'postgresql:']);
  return {
    kafka: {
      brokers,
      host: kafkaHost,
      port: Number(kafkaPort),
      controllerPort: port('KAFKA_CONTROLLER_PORT', 9093),
      heap: heap('KAFKA_HEAP', '512m'),
    },
    elasticsearch: {
      url: es.origin,
      host: es.hostname,
      port: Number(es.port || 9200),
      transportPort: port('ELASTICSEARCH_TRANSPORT_PORT', 9300),
      heap: heap('ELASTICSEARCH_HEAP', '1g'),
    },
    postgres: {
      url: db.href,
      host: db.hostname,
      port: Number(db.port || 5432),
      user: decodeURIComponent(db.username || 'logs'),
      password: decodeURIComponent(db.password || 'logs'),
      database: decodeURIComponent(db.pathname.replace(/^\//, '')) || 'logs',
    },
  };
}
