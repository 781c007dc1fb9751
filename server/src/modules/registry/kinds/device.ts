import { copyText, copyValues, latField, lngField, textField, type FieldIssue, type RecordKind } from '../record-kind.ts';
import { parseCameraChannelId, parseChannelId } from '../validators/gb28181.ts';
import { deviceStatuses, deviceTypes } from './options.ts';

/**
 * Devices (物): cameras with their GB/T 28181 channel id, and IoT sensors with a serial number and a
 * kind from the sensor_kind dictionary. The channel id (cameras) or serial (sensors) is the natural key.
 * Cameras describe their view and where their stream and snapshot are; sensors how often they report.
 * What the IoT intake adds (access token, alarm overrides, gateway, zones) is kept by modules/devices.
 */
/** Streams come over RTSP, RTMP or HTTP (HLS, FLV); snapshots over HTTP. */
const urlFields: [field: string, column: string, schemes: string[]][] = [
  ['streamUrl', 'stream_url', ['rtsp', 'rtmp', 'http', 'https']],
  ['snapshotUrl', 'snapshot_url', ['http', 'https']],
];

function isUrlOf(text: string, schemes: string[]): boolean {
  try {
    const url = new URL(text);
    return schemes.includes(url.protocol.slice(0, -1)) && url.hostname !== '';
  } catch {
    return false;
  }
}

export const deviceKind: RecordKind = {
  entity: 'device',
  path: 'devices',
  table: 'device',
  label: { zh: '感知设备', en: 'Devices' },
  fields: [
    { key: 'deviceType', zh: '设备类型', en: 'Device type', type: 'enum', options: deviceTypes, required: true },
    textField('name', '设备名称', 'Name', { required: true, aliases: ['名称'] }),
    textField('channelId', '国标编码', 'Channel id', { maxLength: 32, aliases: ['通道编号', '国标ID', '通道国标编码'] }),
    textField('serialNo', '设备序列号', 'Serial number', { maxLength: 64, aliases: ['序列号', '设备编号'] }),
    { key: 'sensorKind', zh: '传感器类型', en: 'Sensor kind', aliases: ['感知类型'], type: 'dictionary', dictionary: 'sensor_kind' },
    { key: 'aiEnabled', zh: 'AI分析', en: 'AI enabled', aliases: ['智能分析'], type: 'boolean', default: false },
    { key: 'status', zh: '状态', en: 'Status', aliases: ['在线状态'], type: 'enum', options: deviceStatuses, default: 'offline' },
    { key: 'lastSeenAt', zh: '最后在线时间', en: 'Last seen', type: 'datetime' },
    { key: 'reportIntervalSeconds', zh: '上报周期（秒）', en: 'Report interval (s)', aliases: ['心跳周期', '上报间隔'], type: 'integer', min: 10, max: 604_800 },
    textField('viewDescription', '监控画面描述', 'View description', { maxLength: 500, aliases: ['画面描述', '监控范围'] }),
    textField('streamUrl', '视频流地址', 'Stream URL', { maxLength: 500, aliases: ['取流地址'] }),
    textField('snapshotUrl', '抓图地址', 'Snapshot URL', { maxLength: 500, aliases: ['快照地址'] }),
    textField('address', '安装地址', 'Address', { aliases: ['地址', '安装位置'] }),
    { ...lngField, required: true },
    { ...latField, required: true },
  ],
  typeColumn: 'device_type',
  naturalKey: {
    field: (v) => (v.device_type === 'camera' ? 'channelId' : 'serialNo'),
    of: (v) => ((v.device_type === 'camera' ? v.channel_id : v.serial_no) as string | null | undefined) ?? null,
  },

  toColumns(input, _ctx, current) {
    const values: Record<string, unknown> = {};
    const issues: FieldIssue[] = [];
    copyText(input, values, { name: 'name', serialNo: 'serial_no', address: 'address', viewDescription: 'view_description', streamUrl: 'stream_url', snapshotUrl: 'snapshot_url' });
    copyValues(input, values, { deviceType: 'device_type', sensorKind: 'sensor_kind', aiEnabled: 'ai_enabled', status: 'status', lastSeenAt: 'last_seen_at', reportIntervalSeconds: 'report_interval_s' });
    for (const [field, column, schemes] of urlFields) {
      const url = values[column];
      if (typeof url === 'string' && !isUrlOf(url, schemes)) issues.push({ field, code: 'URL_FORMAT', params: { schemes: schemes.join(', ') } });
    }
    const type = (values.device_type ?? current?.device_type) as string | undefined;
    if (typeof input.channelId === 'string' && input.channelId.trim() !== '') {
      const parsed = type === 'camera' ? parseCameraChannelId(input.channelId) : parseChannelId(input.channelId);
      if (parsed.ok) values.channel_id = parsed.id.value;
      else issues.push({ field: 'channelId', code: parsed.code });
    } else if (input.channelId !== undefined) values.channel_id = null;
    // What each type needs, judged on the record as it will be after this change.
    const after = { ...current, ...values };
    if (type === 'camera' && !after.channel_id && !issues.length) issues.push({ field: 'channelId', code: 'required' });
    if (type === 'sensor' && !after.serial_no) issues.push({ field: 'serialNo', code: 'required' });
    if (type === 'sensor' && !after.sensor_kind) issues.push({ field: 'sensorKind', code: 'required' });
    return { values, issues };
  },

  present: (r) => ({
    deviceType: r.device_type,
    name: r.name,
    channelId: r.channel_id,
    serialNo: r.serial_no,
    sensorKind: r.sensor_kind,
    aiEnabled: r.ai_enabled,
    status: r.status,
    lastSeenAt: r.last_seen_at instanceof Date ? r.last_seen_at.toISOString() : null,
    reportIntervalSeconds: r.report_interval_s,
    viewDescription: r.view_description,
    streamUrl: r.stream_url,
    snapshotUrl: r.snapshot_url,
    address: r.address,
  }),
  mapProperties: (r) => ({ kind: (r.device_type === 'camera' ? (r.ai_enabled ? 'camera_ai' : 'camera') : r.sensor_kind) as string, name: r.name as string, status: r.status as string }),
};
