/**
 * MQTT topics of the intake.
 *
 * Embedded broker (ThingsBoard device API): the device connects with its access token as the MQTT
 * username, so the broker knows who publishes and the topics need not say it.
 *
 * External broker (MQTT_URL): the broker authenticates its own clients, not our devices, and tells a
 * subscriber nothing about who published. The token therefore travels in the topic:
 * `gongzhi/devices/<token>/telemetry` and `gongzhi/gateways/<token>/telemetry`. Whoever may subscribe
 * to these topics on that broker sees the tokens, so its ACL must let devices only publish there and
 * only the platform subscribe.
 */
export const deviceTelemetryTopic = 'v1/devices/me/telemetry';
export const gatewayTelemetryTopic = 'v1/gateway/telemetry';
export const externalSubscriptions = ['gongzhi/devices/+/telemetry', 'gongzhi/gateways/+/telemetry'];

export const externalTopic = (kind: 'device' | 'gateway', token: string) => `gongzhi/${kind === 'device' ? 'devices' : 'gateways'}/${token}/telemetry`;

/** `gongzhi/devices/<token>/telemetry` → the token and whether it is a gateway's. */
export function parseExternalTopic(topic: string): { kind: 'device' | 'gateway'; token: string } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'gongzhi' || parts[3] !== 'telemetry') return undefined;
  if (parts[1] === 'devices') return { kind: 'device', token: parts[2]! };
  if (parts[1] === 'gateways') return { kind: 'gateway', token: parts[2]! };
  return undefined;
}
