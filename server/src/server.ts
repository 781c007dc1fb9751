import type { Config } from './config.ts';
import { buildApp } from './app.ts';
import { openDatabase } from './db/open.ts';
import { migrateToLatest } from './db/migrate.ts';
import { ensureBaseData } from './demo/base-data.ts';
import { seedDemoTown } from './demo/demo-town.ts';
import { startResumeScheduler } from './modules/events/resume-scheduler.ts';
import { startSupervisionScheduler } from './modules/supervision/supervision-scheduler.ts';
import { startMaintenance } from './db/maintenance.ts';
import { startDeviceServices } from './modules/devices/device-services.ts';
import { startOutreach } from './modules/outreach/outreach-jobs.ts';
import { startVideoServices } from './modules/video/video-services.ts';
import { demoFrigatePassword } from './demo/demo-video.ts';

export interface ServeOptions {
  demo: boolean;
  onListening?: (info: { url: string; seededDemo: boolean; mqtt: string }) => void;
}

/** Opens the database, migrates, loads base (and optionally demo) data and listens until a signal. */
export async function serve(configured: Config, options: ServeOptions) {
  // The demo's Frigate password is public (README); a real deployment sets VIDEO_MQTT_PASSWORD.
  const config = options.demo && !configured.videoMqttPassword ? { ...configured, videoMqttPassword: demoFrigatePassword } : configured;
  const database = await openDatabase(config);
  try {
    await migrateToLatest(database.db);
    await ensureBaseData(database.db);
    const seededDemo = options.demo ? await seedDemoTown(database.db) : false;
    const app = await buildApp({ config, database });
    let devices: Awaited<ReturnType<typeof startDeviceServices>>;
    let video: Awaited<ReturnType<typeof startVideoServices>>;
    try {
      devices = await startDeviceServices(app, { demo: options.demo });
      video = await startVideoServices(app, { demo: options.demo, mqtt: devices.mqtt }).catch(async (error: unknown) => {
        await devices.stop();
        throw error;
      });
    } catch (error) {
      await app.close();
      throw error;
    }
    const resumer = startResumeScheduler(app);
    const supervisor = startSupervisionScheduler(app);
    // PostgreSQL has autovacuum; the embedded database needs the job.
    const maintenance = database.kind === 'pglite' ? startMaintenance(app) : null;
    const outreach = startOutreach(app);
    let closing = false;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      await resumer.stop();
      await supervisor.stop();
      await maintenance?.stop();
      await video.stop();
      await devices.stop();
      await outreach.stop();
      await app.close();
      await database.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    await app.listen({ port: config.port, host: config.host });
    options.onListening?.({ url: `http://localhost:${config.port}`, seededDemo, mqtt: devices.mqtt.describe });
    return app;
  } catch (error) {
    await database.close();
    throw error;
  }
}
