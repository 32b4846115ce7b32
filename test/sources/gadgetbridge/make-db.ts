// Builds Gadgetbridge database exports for tests with sql.js, using the
// greenDAO schema Gadgetbridge creates (GBDaoGenerator: Device,
// BaseActivitySummary, MiBandActivitySample, HuamiExtendedActivitySample;
// camelCase properties become UPPER_SNAKE columns, dates are epoch ms in
// summaries and epoch seconds in samples).
import initSqlJs from 'sql.js';

export const SCHEMA = `
CREATE TABLE "DEVICE" ("_id" INTEGER PRIMARY KEY AUTOINCREMENT ,"NAME" TEXT NOT NULL ,"MANUFACTURER" TEXT NOT NULL ,"IDENTIFIER" TEXT NOT NULL UNIQUE ,"TYPE" INTEGER NOT NULL ,"MODEL" TEXT,"ALIAS" TEXT,"PARENT_FOLDER" TEXT,"TYPE_NAME" TEXT);
CREATE TABLE "USER" ("_id" INTEGER PRIMARY KEY AUTOINCREMENT ,"NAME" TEXT NOT NULL ,"BIRTHDAY" INTEGER NOT NULL ,"GENDER" INTEGER NOT NULL );
CREATE TABLE "BASE_ACTIVITY_SUMMARY" ("_id" INTEGER PRIMARY KEY AUTOINCREMENT ,"NAME" TEXT,"START_TIME" INTEGER NOT NULL ,"END_TIME" INTEGER NOT NULL ,"ACTIVITY_KIND" INTEGER NOT NULL ,"BASE_LONGITUDE" INTEGER,"BASE_LATITUDE" INTEGER,"BASE_ALTITUDE" INTEGER,"GPX_TRACK" TEXT,"RAW_DETAILS_PATH" TEXT,"DEVICE_ID" INTEGER NOT NULL ,"USER_ID" INTEGER NOT NULL ,"SUMMARY_DATA" TEXT,"RAW_SUMMARY_DATA" BLOB);
CREATE TABLE "MI_BAND_ACTIVITY_SAMPLE" ("TIMESTAMP" INTEGER NOT NULL ,"DEVICE_ID" INTEGER NOT NULL ,"USER_ID" INTEGER NOT NULL ,"RAW_INTENSITY" INTEGER NOT NULL ,"STEPS" INTEGER NOT NULL ,"RAW_KIND" INTEGER NOT NULL ,"HEART_RATE" INTEGER NOT NULL ,PRIMARY KEY ("TIMESTAMP" ,"DEVICE_ID" ) ON CONFLICT REPLACE) WITHOUT ROWID;
CREATE TABLE "HUAMI_EXTENDED_ACTIVITY_SAMPLE" ("TIMESTAMP" INTEGER NOT NULL ,"DEVICE_ID" INTEGER NOT NULL ,"USER_ID" INTEGER NOT NULL ,"RAW_INTENSITY" INTEGER NOT NULL ,"STEPS" INTEGER NOT NULL ,"RAW_KIND" INTEGER NOT NULL ,"HEART_RATE" INTEGER NOT NULL ,"UNKNOWN1" INTEGER,"SLEEP" INTEGER,"DEEP_SLEEP" INTEGER,"REM_SLEEP" INTEGER,PRIMARY KEY ("TIMESTAMP" ,"DEVICE_ID" ) ON CONFLICT REPLACE) WITHOUT ROWID;
`;

export interface GbDevice {
  id: number;
  name: string;
  manufacturer: string;
  identifier: string;
  type: number;
  model?: string;
  alias?: string;
}
export interface GbSummary {
  id?: number;
  name?: string | null;
  startMs: number;
  endMs: number;
  kind: number;
  deviceId: number;
  gpxTrack?: string | null;
  summaryData?: string | null;
}
export interface GbSample {
  table: 'MI_BAND_ACTIVITY_SAMPLE' | 'HUAMI_EXTENDED_ACTIVITY_SAMPLE';
  ts: number;
  deviceId: number;
  hr: number;
  steps?: number;
}

export async function makeGadgetbridgeDb(input: {
  devices: GbDevice[];
  summaries: GbSummary[];
  samples: GbSample[];
}): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.exec(SCHEMA);
  db.run('INSERT INTO USER (_id, NAME, BIRTHDAY, GENDER) VALUES (1, ?, 0, 0)', ['gadgetbridge-user']);
  for (const d of input.devices) {
    db.run(
      'INSERT INTO DEVICE (_id, NAME, MANUFACTURER, IDENTIFIER, TYPE, MODEL, ALIAS) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [d.id, d.name, d.manufacturer, d.identifier, d.type, d.model ?? null, d.alias ?? null],
    );
  }
  for (const s of input.summaries) {
    db.run(
      'INSERT INTO BASE_ACTIVITY_SUMMARY (_id, NAME, START_TIME, END_TIME, ACTIVITY_KIND, GPX_TRACK, DEVICE_ID, USER_ID, SUMMARY_DATA) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)',
      [s.id ?? null, s.name ?? null, s.startMs, s.endMs, s.kind, s.gpxTrack ?? null, s.deviceId, s.summaryData ?? null],
    );
  }
  for (const s of input.samples) {
    db.run(
      `INSERT INTO ${s.table} (TIMESTAMP, DEVICE_ID, USER_ID, RAW_INTENSITY, STEPS, RAW_KIND, HEART_RATE) VALUES (?, ?, 1, 40, ?, 1, ?)`,
      [s.ts, s.deviceId, s.steps ?? 0, s.hr],
    );
  }
  const bytes = db.export();
  db.close();
  return bytes;
}
