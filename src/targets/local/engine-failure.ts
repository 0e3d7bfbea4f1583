// A command other than deploy/start met an engine failure: classify it and say what to do.
import { EXIT } from '../../io/exit-codes.js';
import type { Output } from '../../io/output.js';
import type { GlobalIo } from '../../io/global-io.js';
import { classify } from '../../recovery/classify.js';
import { toDeployFailure } from '../../recovery/failure.js';

export function reportEngineFailure(err: unknown, out: Output, io: GlobalIo, command: string): number {
  out.done();
  const c = classify(toDeployFailure(err));
  if (out.json) out.document({ command, outcome: 'failed', failure: { classId: c.classId, message: c.failure.message, remediation: c.remediation } });
  else io.stderr.write(`error: ${c.title} — ${c.failure.message}\nNext: ${c.remediation}\n`);
  return EXIT.failed;
}
