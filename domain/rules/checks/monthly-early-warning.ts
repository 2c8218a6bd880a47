/** Monthly volume at 80 % / 90 % of the plan, or projected to exceed it (notice). */
import { earlyWarningRule } from '../period-rules.ts';

export const monthlyEarlyWarning = earlyWarningRule('monthly-early-warning', 'month');
