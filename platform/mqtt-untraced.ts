import type { IClientOptions } from 'mqtt';

/**
 * mqtt.js traces every packet through `debug` unless a client is given a logger of its own; even
 * switched off, each trace call gathers its arguments, a measurable share of a client's time at
 * tens of thousands of messages a second. The project's MQTT clients spread this into their options.
 */
export const UNTRACED_MQTT_CLIENT: Pick<IClientOptions, 'log'> = { log: () => undefined };
