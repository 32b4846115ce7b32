// Public surface of observability: logs, metrics, notifications, doctor checks.
export { createLogger, silentLogger, type LoggerOptions, type LogLevel } from './logger.js';
export { createRedactor, isSecretField, REDACTED, type Redactor } from './redact.js';
export {
  renderMetrics,
  METRICS_CONTENT_TYPE,
  type MetricsSnapshot,
  type SourcePollStat,
  type QueueStat,
} from './metrics.js';
export {
  createNotifier,
  problemFromRecord,
  type Notifier,
  type NotifierOptions,
  type Problem,
  type NotifyResult,
  type SmtpSettings,
} from './notifier.js';
export {
  runDoctor,
  formatDoctor,
  fetchServerDate,
  probeDaemon,
  CHECKS,
  type DoctorDeps,
  type CheckResult,
  type CheckStatus,
  type DatabaseProbe,
  type LockHolderInfo,
} from './doctor.js';
export { baseDoctorDeps } from './doctor-deps.js';
export { sweepProblems, type SweepResult } from './notify-sweep.js';
