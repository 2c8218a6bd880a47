/** Monthly volume above the permit's monthly plan, where one exists (item). */
import { overLimitRule } from '../period-rules.ts';

export const monthlyOverPlan = overLimitRule('monthly-over-plan', 'month');
