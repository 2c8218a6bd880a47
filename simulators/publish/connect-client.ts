/** Opens one MQTT connection, failing with a clear message instead of retrying forever at start. */
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

export async function connectClient(url: string, options: IClientOptions): Promise<MqttClient> {
  try {
    // allowRetries false: the first connect fails fast; later drops still reconnect (reconnectPeriod).
    return await connectAsync(url, options, false);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot connect to MQTT broker ${redacted(url)} as ${options.clientId ?? '(no client id)'}: ${reason}`, {
      cause: error,
    });
  }
}

/** The URL without any password in it, for messages. */
export function redacted(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
