/**
 * Grafana's dashboard model as @grafana/schema types it, in the form JSON can take, which the
 * dashboard files must satisfy. Two repairs: the package's string enums (FieldColorModeId,
 * ThresholdsMode, MappingType...) become the unions of their values, the strings the JSON holds;
 * and `defaults` is put back into FieldConfigSource, which the bundled declarations (11.x) drop
 * although every exported panel has it.
 */
import type { Dashboard, FieldConfig, Panel, RowPanel } from '@grafana/schema';

/** T as JSON spells it: a string enum's values instead of the enum. */
export type AsJson<T> = T extends string
  ? `${T}`
  : T extends readonly (infer U)[]
    ? AsJson<U>[]
    : T extends object
      ? { [K in keyof T]: AsJson<T[K]> }
      : T;

type PanelWithDefaults = Omit<Panel, 'fieldConfig'> & { fieldConfig?: Panel['fieldConfig'] & { defaults: FieldConfig } };
type RowWithDefaults = Omit<RowPanel, 'panels'> & { panels: PanelWithDefaults[] };

export type DashboardModel = AsJson<Omit<Dashboard, 'panels'> & { panels?: (PanelWithDefaults | RowWithDefaults)[] }>;
