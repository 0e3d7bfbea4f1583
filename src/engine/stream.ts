// Newline-delimited JSON streams of the Engine API (pull, build progress). We read them
// ourselves instead of docker-modem's followProgress so a bad line cannot throw out of an
// event handler and an AbortSignal ends the read promptly.

export type JsonMessage = Record<string, unknown>;

/**
 * Read `stream` to the end, calling `onMessage` for every JSON line (non-JSON lines arrive as
 * `{ stream: line }`). Rejects with the signal's reason when aborted.
 */
export async function readJsonLines(
  stream: NodeJS.ReadableStream,
  onMessage: (msg: JsonMessage) => void,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const readable = stream as NodeJS.ReadableStream & { destroy?: (err?: Error) => void };
  const onAbort = (): void => readable.destroy?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  let buf = '';
  const emit = (line: string): void => {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed.trim() === '') return;
    let msg: JsonMessage;
    try {
      const parsed: unknown = JSON.parse(trimmed);
      msg = typeof parsed === 'object' && parsed !== null ? (parsed as JsonMessage) : { stream: trimmed };
    } catch {
      msg = { stream: trimmed };
    }
    onMessage(msg);
  };
  try {
    for await (const chunk of stream) {
      buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        emit(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    }
    emit(buf);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  signal?.throwIfAborted();
}

/** `errorDetail.message` or `error` of a stream message, if it reports a failure. */
export function streamError(msg: JsonMessage): string | undefined {
  const detail = msg.errorDetail;
  if (typeof detail === 'object' && detail !== null) {
    const m = (detail as Record<string, unknown>).message;
    if (typeof m === 'string' && m !== '') return m;
  }
  if (typeof msg.error === 'string' && msg.error !== '') return msg.error;
  return undefined;
}
