// MQTT load generator, run as its own process by bench/iot.js so that publishing does not share the
// server's CPU time slice accounting: `node mqtt-load.js <port> <config.json>`.
// config: { tokens: string[], messagesPerDevice, breachEvery, inFlight }
// Each device connects with its token as username and publishes its messages with QoS 1, keeping up
// to `inFlight` unacknowledged; prints one JSON line { published, seconds } on stdout when done.
import fs from 'node:fs';
import mqtt from 'mqtt';

const [port, configFile] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));

function connect(token) {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect({ host: '127.0.0.1', port: Number(port), username: token, reconnectPeriod: 0, connectTimeout: 30_000 });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

async function publishAll(client, deviceIndex) {
  // Every `breachEvery`-th device reports a gas level over its threshold: its alarm opens once and is
  // extended by every later message; the others stay normal. Every message is judged by the rules.
  const breach = deviceIndex % config.breachEvery === 0;
  // Device timestamps, one millisecond apart: every message is its own reading (two readings of one
  // device at the same instant would merge into one row).
  const firstTs = Date.now() - config.messagesPerDevice;
  let sent = 0;
  let acked = 0;
  await new Promise((resolve, reject) => {
    const pump = () => {
      while (sent < config.messagesPerDevice && sent - acked < config.inFlight) {
        const value = breach ? 30 + (sent % 10) : (sent % 7) + 1;
        sent++;
        client.publish('v1/devices/me/telemetry', `{"ts":${firstTs + sent},"values":{"gas_lel":${value},"battery":${90 - (sent % 5)}}}`, { qos: 1 }, (error) => {
          if (error) return reject(error);
          acked++;
          if (acked === config.messagesPerDevice) resolve();
          else pump();
        });
      }
    };
    pump();
  });
}

const clients = [];
for (let i = 0; i < config.tokens.length; i += 50) clients.push(...(await Promise.all(config.tokens.slice(i, i + 50).map(connect))));
process.stdout.write(`${JSON.stringify({ connected: clients.length })}\n`);
const started = performance.now();
await Promise.all(clients.map((client, i) => publishAll(client, i)));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ published: clients.length * config.messagesPerDevice, seconds })}\n`);
await Promise.all(clients.map((c) => c.endAsync()));
