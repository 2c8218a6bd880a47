/** Annual volume at 80 % / 90 % of the permit, or projected to exceed it (notice). */
import { earlyWarningRule } from '../period-rules.ts';

export const annualEarlyWarning = earlyWarningRule('annual-early-warning', 'year');
