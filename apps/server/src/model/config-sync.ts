import type { Logger } from 'pino';
import type { KpiModel } from '../config/kpi-file.ts';
import type { ModelRepo } from '../store/model-repo.ts';
import type { ModelService } from './model-service.ts';

/**
 * The config file provisions the model: at start it is merged in (added and changed,
 * never deleting what was made in the UI), but only when the file changed since it was
 * last imported, so edits made in the UI survive a restart with an unchanged file.
 */
export async function syncConfigFile(file: KpiModel, service: ModelService, repo: ModelRepo, log: Logger): Promise<void> {
  if ((await repo.lastConfigImport(file.source)) === file.sha256) {
    log.info({ source: file.source }, 'config file unchanged since last import');
    return;
  }
  const summary = await service.importDocument(file.config, { author: `config:${file.source}`, reason: `${file.source} changed` }, 'merge');
  await repo.recordConfigImport(file.source, file.sha256, summary.created + summary.updated);
  log.info({ source: file.source, ...summary }, 'config file imported');
}
